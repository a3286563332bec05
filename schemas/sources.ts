import { z } from 'zod'

// Output of the parsers of the evidence sources: maps, smaps, librdkafka config, statistics and
// logs, dmesg OOM reports, slabinfo, vmstat. Sizes are KiB unless the name says pages or bytes.
// `line` is always 1-based, so a finding can cite file and line.

const int = z.number().int()
const line = z.number().int().positive()
const hex = z.string().regex(/^[0-9a-f]+$/) // as printed, lowercase, no 0x

/** One line of /proc/PID/maps. `path` is '' for an anonymous mapping. */
export const MapsRow = z.object({
  start: hex,
  end: hex,
  perms: z.string(), // rw-p, r-xp, ---p, rw-s
  offset: hex,
  dev: z.string(), // major:minor in hex, fe:00
  inode: int,
  path: z.string(), // file, [heap], [stack], [anon:name], ... (deleted)
  sizeKib: int, // (end - start) / 1024
  line: z.number().int().positive().optional(), // 1-based, for evidence
})
export type MapsRow = z.infer<typeof MapsRow>

export const Maps = z.object({ rows: z.array(MapsRow) })
export type Maps = z.infer<typeof Maps>

/** One mapping of /proc/PID/smaps: its maps line and its `Key: N kB` fields. */
export const SmapsRow = MapsRow.extend({
  line, // of the header line
  // The fields every analysis reads; null when this kernel does not print them.
  rssKib: int.nullable(),
  pssKib: int.nullable(),
  sharedCleanKib: int.nullable(),
  sharedDirtyKib: int.nullable(),
  privateCleanKib: int.nullable(),
  privateDirtyKib: int.nullable(),
  anonymousKib: int.nullable(),
  swapKib: int.nullable(),
  fields: z.record(z.string(), int), // every kB field by its kernel name: Size, Rss, Pss_Dirty, AnonHugePages...
  vmFlags: z.array(z.string()).nullable(), // `VmFlags: rd wr mr mw me ac`, 3.8+
})
export type SmapsRow = z.infer<typeof SmapsRow>

export const Smaps = z.object({ rows: z.array(SmapsRow) })
export type Smaps = z.infer<typeof Smaps>

/** A librdkafka configuration file. Limits are null when absent: librdkafka's defaults apply. */
export const KafkaConfig = z.object({
  properties: z.record(z.string(), z.string()), // key -> value, as written
  lines: z.record(z.string(), line), // key -> the line that set it
  bootstrapServers: z.array(z.string()), // bootstrap.servers or metadata.broker.list, split on commas
  clientId: z.string().nullable(),
  queueBufferingMaxMessages: int.nullable(),
  queueBufferingMaxKbytes: int.nullable(),
  lingerMs: int.nullable(), // linger.ms or queue.buffering.max.ms
  messageTimeoutMs: int.nullable(), // message.timeout.ms or delivery.timeout.ms
})
export type KafkaConfig = z.infer<typeof KafkaConfig>

/** A broker of a librdkafka statistics object. Counters are null when absent or not integers. */
export const KafkaStatsBroker = z.object({
  name: z.string(),
  nodeid: int.nullable(),
  state: z.string().nullable(), // UP, INIT, DOWN, CONNECT, AUTH, TRY_CONNECT...
  stateage: int.nullable(), // microseconds in this state
  connects: int.nullable(),
  disconnects: int.nullable(),
  tx: int.nullable(),
  txerrs: int.nullable(),
  reqTimeouts: int.nullable(), // req_timeouts
  outbufMsgCnt: int.nullable(), // outbuf_msg_cnt
  waitrespMsgCnt: int.nullable(), // waitresp_msg_cnt
})
export type KafkaStatsBroker = z.infer<typeof KafkaStatsBroker>

/** A topic, its partitions summed. */
export const KafkaStatsTopic = z.object({
  topic: z.string(),
  msgqCnt: int, // msgq_cnt + xmit_msgq_cnt: messages waiting in this topic
  msgqBytes: int,
  txmsgs: int,
})
export type KafkaStatsTopic = z.infer<typeof KafkaStatsTopic>

/** One statistics object (librdkafka emits one every statistics.interval.ms). */
export const KafkaStatsSample = z.object({
  line, // where the object starts
  name: z.string().nullable(), // fwlog#producer-1
  clientId: z.string().nullable(),
  type: z.string().nullable(), // producer, consumer
  ts: int.nullable(), // monotonic microseconds
  time: int.nullable(), // wall clock, seconds since the epoch
  age: int.nullable(), // microseconds since the client started
  msgCnt: int.nullable(), // messages in the producer queues now
  msgSize: int.nullable(), // their bytes
  msgMax: int.nullable(), // queue.buffering.max.messages in effect
  msgSizeMax: int.nullable(), // queue.buffering.max.kbytes x 1024, bytes
  txmsgs: int.nullable(), // messages sent to brokers, ever
  txmsgBytes: int.nullable(),
  brokers: z.array(KafkaStatsBroker),
  topics: z.array(KafkaStatsTopic),
})
export type KafkaStatsSample = z.infer<typeof KafkaStatsSample>

/** All statistics objects of a file, in file order: the latest last. */
export const KafkaStats = z.object({ samples: z.array(KafkaStatsSample) })
export type KafkaStats = z.infer<typeof KafkaStats>

export const KafkaLogKind = z.enum([
  'connection-refused',
  'all-brokers-down',
  'queue-full',
  'message-timed-out',
  'broker-transport',
  'request-timed-out',
  'name-resolution',
  'authentication',
  'ssl',
  'unknown-topic',
  'message-too-large',
  'fatal',
])
export type KafkaLogKind = z.infer<typeof KafkaLogKind>

export const KafkaLogEvent = z.object({
  line,
  time: z.string().nullable(), // the line's leading timestamp, as printed
  kind: KafkaLogKind,
  process: z.string().nullable(), // from `name[pid]:`
  pid: int.nullable(),
  excerpt: z.string().max(300),
})
export type KafkaLogEvent = z.infer<typeof KafkaLogEvent>

export const KafkaLog = z.object({
  events: z.array(KafkaLogEvent), // capped: counts stay exact past the cap
  counts: z.record(KafkaLogKind, int), // every kind, 0 when none
  firstTime: z.string().nullable(), // of the first and last event with a timestamp
  lastTime: z.string().nullable(),
  libraryVersion: z.string().nullable(), // `librdkafka=2.0.2`, `librdkafka version 1.9.2`
})
export type KafkaLog = z.infer<typeof KafkaLog>

/** `X invoked oom-killer: gfp_mask=..., order=..., oom_score_adj=...` */
export const OomInvocation = z.object({
  line,
  time: z.string().nullable(),
  process: z.string(),
  gfpMask: z.string().nullable(),
  order: int.nullable(),
  oomScoreAdj: int.nullable(),
})
export type OomInvocation = z.infer<typeof OomInvocation>

/** A row of the task table. Its memory columns are pages; the KiB assume 4 KiB pages. */
export const OomTask = z.object({
  line,
  pid: int,
  uid: int.nullable(),
  tgid: int.nullable(),
  totalVmPages: int,
  rssPages: int,
  totalVmKib: int,
  rssKib: int,
  rssAnonPages: int.nullable(), // 6.x splits rss
  rssFilePages: int.nullable(),
  rssShmemPages: int.nullable(),
  pgtablesBytes: int.nullable(), // 4.15+; older kernels print nr_ptes (pages of page tables)
  nrPtes: int.nullable(),
  swapents: int.nullable(),
  oomScoreAdj: int.nullable(),
  name: z.string(),
})
export type OomTask = z.infer<typeof OomTask>

/** `Killed process N (name) total-vm:..kB, anon-rss:..kB, ...`: fields the kernel did not print are null. */
export const OomVictim = z.object({
  line,
  time: z.string().nullable(),
  format: z.enum(['old', 'new']), // new (5.x+): with UID, pgtables and oom_score_adj
  cgroup: z.boolean(), // a memory cgroup's OOM, not the whole system's
  pid: int,
  name: z.string(),
  totalVmKib: int,
  anonRssKib: int,
  fileRssKib: int,
  shmemRssKib: int.nullable(), // 4.5+
  uid: int.nullable(),
  pgtablesKib: int.nullable(),
  oomScoreAdj: int.nullable(),
})
export type OomVictim = z.infer<typeof OomVictim>

/** One OOM kill: from the invoking line, through the task table, to the victim. Parts may be missing in excerpts. */
export const OomReport = z.object({
  invocation: OomInvocation.nullable(),
  constraint: z.string().nullable(), // CONSTRAINT_NONE, CONSTRAINT_MEMCG (5.x `oom-kill:` line)
  taskMemcg: z.string().nullable(),
  tasks: z.array(OomTask),
  victim: OomVictim.nullable(),
})
export type OomReport = z.infer<typeof OomReport>

export const Dmesg = z.object({ reports: z.array(OomReport) })
export type Dmesg = z.infer<typeof Dmesg>

/** One cache of /proc/slabinfo 2.x. */
export const SlabCache = z.object({
  line,
  name: z.string(),
  activeObjs: int,
  numObjs: int,
  objSize: int, // bytes
  objPerSlab: int,
  pagesPerSlab: int.nullable(), // null from slabtop, which does not print it
  numSlabs: int.nullable(),
  sizeKib: int, // numObjs x objSize / 1024, rounded
  slabsKib: int.nullable(), // numSlabs x pagesPerSlab x 4 KiB: what the slabs hold, padding included
})
export type SlabCache = z.infer<typeof SlabCache>

export const Slabinfo = z.object({ version: z.string().nullable(), caches: z.array(SlabCache) })
export type Slabinfo = z.infer<typeof Slabinfo>

/** /proc/vmstat: counter name -> value (pages or events, as the kernel counts them). */
export const Vmstat = z.object({ counters: z.record(z.string(), int) })
export type Vmstat = z.infer<typeof Vmstat>
