// The parsers under fuzz: each with its schema, its sniffer, its real samples and its vocabulary.
import { readdirSync, readFileSync } from 'node:fs'
import fc from 'fast-check'
import type { z } from 'zod'
import type { Warning } from '../../schemas/warning.ts'
import type { TextKind } from '../../src/bundle/source.ts'
import { SOURCES } from '../../src/bundle/sources.ts'
import { numberToken } from './text.ts'

const SAMPLES = new URL('../fixtures/samples/', import.meta.url)
export const sample = (name: string): string => readFileSync(new URL(name, SAMPLES), 'utf8')
/** Every real sample's name, any format: fed to every parser now and then. */
export const sampleNames = (): string[] =>
  readdirSync(SAMPLES)
    .filter((name) => name !== 'README.md')
    .sort()

const cache = new Map<string, string[]>()
const sampleLines = (name: string): string[] => {
  let lines = cache.get(name)
  if (!lines) cache.set(name, (lines = sample(name).split('\n')))
  return lines
}

/**
 * A run of lines of a real sample, named (so a counterexample prints the file, not its text).
 * `lines` is biased to both ends (whole files and a few lines) and shrinks towards 1 line, `start`
 * towards the first: a failure shrinks to the few lines that make it.
 */
export interface SampleSlice {
  name: string
  start: number
  lines: number
}

export function sampleSlice(own: string[], all: string[]): fc.Arbitrary<SampleSlice> {
  return fc.record({
    name: fc.oneof({ weight: 6, arbitrary: fc.constantFrom(...own) }, { weight: 1, arbitrary: fc.constantFrom(...all) }),
    start: fc.nat({ max: 2000 }),
    lines: fc.integer({ min: 1, max: 2000 }),
  })
}

export function sliceOf({ name, start, lines }: SampleSlice): string {
  const all = sampleLines(name)
  // a whole file when `lines` reaches its length; `start` wraps but stays before the end
  if (lines >= all.length) return all.join('\n')
  const from = start % (all.length - lines + 1)
  return all.slice(from, from + lines).join('\n')
}

export interface ParserCase {
  name: string
  parse: (text: string, file?: string) => { data: unknown; warnings: Warning[] }
  looks: (text: string, path: string) => boolean // the source's one detector
  schema: z.ZodType
  samples: string[] // file names in test/fixtures/samples
  words: string[] // the format's own vocabulary
}

/** What the fuzzer needs beyond a source's declaration: every kind must have one (the compiler says so). */
type FuzzExtra = Pick<ParserCase, 'samples' | 'words'>

const MEMINFO_FIELDS = [
  'MemTotal:',
  'MemFree:',
  'MemAvailable:',
  'Buffers:',
  'Cached:',
  'SwapCached:',
  'Active:',
  'Inactive:',
  'Active(anon):',
  'Inactive(anon):',
  'AnonPages:',
  'Shmem:',
  'Slab:',
  'SUnreclaim:',
  'Committed_AS:',
  'HugePages_Total:',
  'Hugepagesize:',
  'DirectMap4k:',
  'Unknown_Field:',
  'constructor:',
  'toString:',
  'hasOwnProperty:',
  'valueOf:',
  'Proto:',
]
const SMAPS_FIELDS = [
  'Size:',
  'KernelPageSize:',
  'MMUPageSize:',
  'Rss:',
  'Pss:',
  'Pss_Dirty:',
  'Pss_Anon:',
  'Shared_Clean:',
  'Shared_Dirty:',
  'Private_Clean:',
  'Private_Dirty:',
  'Referenced:',
  'Anonymous:',
  'LazyFree:',
  'AnonHugePages:',
  'Swap:',
  'SwapPss:',
  'Locked:',
  'THPeligible:',
  'ProtectionKey:',
  'VmFlags:',
  'rd',
  'wr',
  'mr',
  'mw',
  'me',
  'ac',
  'sd',
  'constructor:',
]
const MAPS_WORDS = [
  '7f2250000000-7f2254000000',
  '00400000-0041f000',
  'ffffffffff600000-ffffffffff601000',
  '0-0',
  'ffffffffffffffff-0',
  '7f2250000000-',
  '-7f2254000000',
  'rw-p',
  'r-xp',
  '---p',
  'rw-s',
  'r--S',
  'rwxp',
  '00000000',
  '00001000',
  'fe:00',
  '00:00',
  '103:02',
  '260811',
  '0',
  '/usr/bin/python3.11',
  '/usr/lib/x86_64-linux-gnu/librdkafka.so.1',
  '[heap]',
  '[stack]',
  '[vdso]',
  '[vvar]',
  '[vsyscall]',
  '[anon:glibc]',
  '[rollup]',
  '(deleted)',
  '/dev/shm/x (deleted)',
]

const FUZZ: Record<TextKind, FuzzExtra> = {
  meminfo: {
    samples: ['kafka-suspect-meminfo.txt', 'sta-18-meminfo.txt', 'sta-49-meminfo.txt'],
    words: [...MEMINFO_FIELDS, 'kB', 'KB', 'mB', 'TS3.0.24.4474 ~ # cat /proc/meminfo', '$ cat /proc/meminfo | grep -i active'],
  },
  ps: {
    samples: [
      'kafka-suspect-ps.txt',
      'kafka-suspect-ps-aux.txt',
      'ps-auxwww.txt',
      'ps-eo.txt',
      'ps-eo-kthreads.txt',
      'ps-aux-kthreads.txt',
      'busybox-ps.txt',
      'busybox-ps-o.txt',
      'busybox-ps-o-rss.txt',
      'sta-18-rss.txt',
      'sta-49-rss.txt',
      'smem.txt',
    ],
    words: [
      'PID',
      'PPID',
      'RSS',
      'RSZ',
      'VSZ',
      'VSIZE',
      'COMMAND',
      'CMD',
      'COMM',
      'ARGS',
      'UCMD',
      'USER',
      'UID',
      'TTY',
      'STAT',
      'S',
      'TIME',
      '%CPU',
      '%MEM',
      'START',
      'ELAPSED',
      'Swap',
      'USS',
      'PSS',
      'User',
      'Command',
      'root',
      'www-data',
      '?',
      'Ss',
      '/usr/bin/fwlog',
      '/opt/sta/apps/bin/fwlog',
      'fwlog',
      '[kthreadd]',
      '[kworker/0:1-events]',
      '<defunct>',
      '{fwlog}',
      'sh -c ps > x',
      'python3',
      '-bash',
      '62m',
      '1g',
      '3t',
      '100k',
      '12.5m',
      '-',
      '0:00',
      '09:51',
      'nr_free_pages',
      'pgfault',
    ],
  },
  pmap: {
    samples: [
      'kafka-suspect-pmap-5.txt',
      'procps-pmap-x.txt',
      'busybox-pmap-x.txt',
      'busybox-pmap-x-sleep.txt',
      'sta-18-pmap-fwlog.txt',
      'sta-49-pmap-fwlog.txt',
    ],
    words: [
      'Address',
      'Kbytes',
      'RSS',
      'PSS',
      'Dirty',
      'Swap',
      'Mode',
      'Mapping',
      'total',
      'total kB',
      '5:',
      '123:',
      '99999999999999999999:',
      '/opt/sta/apps/bin/fwlog',
      '[ anon ]',
      '[ stack ]',
      '[ heap ]',
      'rw---',
      'r-x--',
      'rw-p',
      'r-xp',
      '-----',
      'rwxsR',
      '00007f2250000000',
      '0x7f2250000000',
      '0000555555554000',
      'ffffffffff600000',
      '10000000000000000',
      '----------------',
      '---------------- ------- ------- -------',
      'libc.so.6',
      'python3.11',
    ],
  },
  smaps_rollup: {
    samples: ['kafka-suspect-smaps_rollup-5.txt', 'smaps_rollup.txt'],
    words: [...SMAPS_FIELDS, ...MAPS_WORDS, 'kB'],
  },
  status: {
    samples: ['kafka-suspect-status-5.txt', 'status.txt'],
    words: [
      'Name:',
      'Umask:',
      'State:',
      'Tgid:',
      'Ngid:',
      'Pid:',
      'PPid:',
      'TracerPid:',
      'Uid:',
      'Gid:',
      'FDSize:',
      'VmPeak:',
      'VmSize:',
      'VmLck:',
      'VmPin:',
      'VmHWM:',
      'VmRSS:',
      'RssAnon:',
      'RssFile:',
      'RssShmem:',
      'VmData:',
      'VmStk:',
      'VmExe:',
      'VmLib:',
      'VmPTE:',
      'VmSwap:',
      'HugetlbPages:',
      'Threads:',
      'Vm:',
      'Rss:',
      'kB',
      'S (sleeping)',
      'fwlog',
      'python3',
    ],
  },
  maps: {
    samples: ['kafka-suspect-maps-5.txt', 'maps.txt'],
    words: [...MAPS_WORDS, 'Size:'],
  },
  smaps: {
    samples: ['smaps.txt', 'smaps-python-malloc.txt'],
    words: [...SMAPS_FIELDS, ...MAPS_WORDS, 'kB'],
  },
  slabinfo: {
    samples: ['kafka-suspect-slabinfo.txt', 'slabtop-o.txt'],
    words: [
      'slabinfo - version: 2.1',
      'slabinfo - version: 1.1',
      'slabinfo - version:',
      '# name',
      '<active_objs>',
      ':',
      'tunables',
      'slabdata',
      ': tunables    0    0    0 : slabdata',
      'kmalloc-64',
      'ext4_inode_cache',
      'bio-312',
      'Active / Total Objects (% used)',
      'Minimum / Average / Maximum Object',
      'OBJS ACTIVE  USE OBJ SIZE  SLABS OBJ/SLAB CACHE SIZE NAME',
      '99%',
      '100%',
      '1.10K',
      '0.01K',
      '99232K',
      '99999999999999999.99K',
      '1e300K',
      'K',
    ],
  },
  vmstat: {
    samples: ['kafka-suspect-vmstat.txt', 'vmstat-cmd.txt'],
    words: [
      'nr_free_pages',
      'nr_inactive_anon',
      'nr_dirty',
      'pgpgin',
      'pgfault',
      'pgmajfault',
      'oom_kill',
      'numa_hit',
      'thp_fault_alloc',
      'constructor',
      '__proto__',
      'procs -----------memory---------- ---swap-- -----io---- -system-- ------cpu-----',
      'r  b   swpd   free   buff  cache   si   so    bi    bo   in   cs us sy id wa st',
      '24572720 K total memory',
      'Nr_Free',
    ],
  },
  dmesg: {
    samples: ['dmesg-oom-new.txt', 'dmesg-oom-old.txt', 'dmesg-oom-split-rss.txt', 'dmesg-boot.txt'],
    words: [
      '[ 8312.402113]',
      '[    0.000000]',
      '[Thu Nov 27 10:02:17 2026]',
      '<6>',
      '<4>',
      'Nov 27 10:02:17 sta-18 kernel:',
      '2026-11-27T10:02:17.123+0000 sta-18 kernel:',
      'logsd invoked oom-killer:',
      'invoked oom-killer:',
      'gfp_mask=0x140cca(GFP_HIGHUSER_MOVABLE|__GFP_COMP),',
      'order=0,',
      'order=-1,',
      'oom_score_adj=0',
      'oom_score_adj=-1000',
      '[  pid  ]',
      'uid',
      'tgid',
      'total_vm',
      'rss',
      'rss_anon',
      'rss_file',
      'rss_shmem',
      'pgtables_bytes',
      'nr_ptes',
      'nr_pgtables',
      'swapents',
      'oom_score_adj',
      'name',
      '[      5]',
      '[  512]',
      '[ pid ]   uid  tgid total_vm      rss pgtables_bytes swapents oom_score_adj name',
      'oom-kill:constraint=CONSTRAINT_NONE,nodemask=(null),cpuset=/,mems_allowed=0,global_oom,task_memcg=/system.slice/fwlog.service,task=fwlog,pid=5,uid=0',
      'oom-kill:constraint=CONSTRAINT_MEMCG',
      'oom-kill:',
      'Out of memory:',
      'Memory cgroup out of memory:',
      'Killed process',
      'Killed process 5 (fwlog)',
      '(fwlog)',
      '(a (b) c)',
      'total-vm:1689432kB,',
      'anon-rss:1051184kB,',
      'file-rss:3456kB,',
      'shmem-rss:0kB,',
      'UID:0',
      'UID 0,',
      'pgtables:2212kB',
      'total-vm:',
      'anon-rss:',
      'file-rss:',
      'kB',
      'fwlog',
    ],
  },
  'kafka-config': {
    samples: ['kafka-baseline-fwlog.properties', 'kafka-suspect-fwlog.properties'],
    words: [
      'bootstrap.servers',
      'metadata.broker.list',
      'client.id',
      'acks',
      'linger.ms',
      'queue.buffering.max.ms',
      'queue.buffering.max.messages',
      'queue.buffering.max.kbytes',
      'message.timeout.ms',
      'delivery.timeout.ms',
      'statistics.interval.ms',
      'rdkafka.queue.buffering.max.messages',
      'kafka.linger.ms',
      'producer.client.id',
      'KAFKA_QUEUE_BUFFERING_MAX_MESSAGES',
      'KAFKA_BOOTSTRAP_SERVERS',
      '__proto__',
      'constructor',
      'toString',
      'hasOwnProperty',
      'valueOf',
      '__defineGetter__',
      'prototype',
      '=',
      ':',
      '#',
      '!',
      ';',
      '[producer]',
      '[ section ]',
      '"2000"',
      "'fwlog'",
      '""',
      '127.0.0.1:19092',
      '127.0.0.1:19092,10.0.0.1:9092,',
      ',,,',
      'fwlog',
    ],
  },
  'kafka-stats': {
    samples: ['kafka-suspect-fwlog-stats.json', 'kafka-baseline-fwlog-stats.json'],
    words: [
      '{',
      '}',
      '[',
      ']',
      ',',
      ':',
      '"',
      '\\"',
      '\\',
      '{ "msg_cnt":',
      '"msg_cnt":',
      '"msg_size":',
      '"msg_max":',
      '"msg_size_max":',
      '"brokers":',
      '"topics":',
      '"partitions":',
      '"-1":',
      '"0":',
      '"name":',
      '"client_id":',
      '"type":',
      '"ts":',
      '"time":',
      '"age":',
      '"txmsgs":',
      '"txmsg_bytes":',
      '"nodeid":',
      '"state":',
      '"stateage":',
      '"connects":',
      '"disconnects":',
      '"tx":',
      '"txerrs":',
      '"req_timeouts":',
      '"outbuf_msg_cnt":',
      '"waitresp_msg_cnt":',
      '"msgq_cnt":',
      '"xmit_msgq_cnt":',
      '"msgq_bytes":',
      '"xmit_msgq_bytes":',
      '"topic":',
      '"__proto__":',
      '"constructor":',
      '"INIT"',
      '"UP"',
      '"fwlog#producer-1"',
      'null',
      'true',
      'false',
      '[]',
      '{}',
      '"waf"',
      '"127.0.0.1:19092/bootstrap"',
      'stats: ',
    ],
  },
  log: {
    samples: ['kafka-suspect-fwlog.log'],
    words: [
      '2026-11-27T09:51:27.441',
      '2026-11-27 09:51:27,441+01:00',
      '[2026-11-27T09:51:27Z]',
      'Nov 27 09:51:27',
      '[1598437392.123]',
      '%3|1598437392.123|FAIL|rdkafka#producer-1|',
      'INFO',
      'WARN',
      'ERROR',
      'RDKAFKA',
      'fwlog[5]:',
      'a.b/c-d[99999999999]:',
      '[thrd:127.0.0.1:19092/bootstrap]:',
      '[fwlog#producer-1]',
      'Connect to ipv4#127.0.0.1:19092 failed:',
      'Connection refused',
      'ECONNREFUSED',
      '1/1 brokers are down',
      '_ALL_BROKERS_DOWN (-187)',
      'all brokers down',
      'Local: Queue full',
      'QUEUE_FULL',
      '_QUEUE_FULL',
      'queue is full',
      '_MSG_TIMED_OUT',
      'Message timed out',
      'MSG_SIZE_TOO_LARGE',
      'UNKNOWN_TOPIC',
      'Unknown topic or partition',
      '_RESOLVE',
      'Failed to resolve',
      '_AUTHENTICATION',
      'SASL authentication failed',
      '_SSL',
      'SSL handshake failed',
      '_TIMED_OUT',
      'REQTMOUT',
      'Timed out 3 in-flight',
      '_FATAL',
      'Fatal error',
      '_TRANSPORT',
      'Broker transport failure',
      'Disconnected (after',
      'Receive failed',
      'librdkafka=2.0.2',
      'librdkafka version 1.9.2',
      'librdkafka v',
      'kafka',
      'confluent-kafka=1.7.0',
      'Local: ',
    ],
  },
  'open-files': {
    samples: ['queues-fd.txt', 'queues-redis-node-fd.txt'],
    words: [
      'FD TARGET',
      'FD',
      'TARGET',
      'cwd',
      'exe',
      '0',
      '255',
      '/dev/null',
      '/opt/qcap/x.log',
      'socket:[131158]',
      'pipe:[87113]',
      'anon_inode:[eventfd]',
      ' (deleted)',
      '/',
    ],
  },
  manifest: {
    samples: ['kafka-suspect-manifest.json', 'sta-18-manifest.json'],
    words: [
      '{',
      '}',
      '[',
      ']',
      ',',
      ':',
      '"',
      '\ufeff',
      '"host":',
      '"role":',
      '"collectedAt":',
      '"firmware":',
      '"kernel":',
      '"notes":',
      '"__proto__":',
      '"constructor":',
      '"10.222.3.18"',
      '"suspect"',
      '"baseline"',
      '"TS3.0.24.4474"',
      '"2026-11-27T09:51:27Z"',
      '"6.18.0"',
      'null',
      'true',
      '[]',
      '{}',
      `"${'x'.repeat(300)}"`,
      `"${'n'.repeat(5000)}"`,
      '"msg_cnt":',
    ],
  },
}

/** The parsers under fuzz: every source of the registry, with its own detector, parser and schema. */
export const PARSERS: ParserCase[] = SOURCES.map((source) => ({
  name: source.kind,
  parse: source.parse as ParserCase['parse'],
  looks: source.detect,
  schema: source.schema as z.ZodType,
  ...FUZZ[source.kind],
}))

// Structured JSON for the two JSON parsers: objects with their keys and values of every type.
const jsonNumber = fc.oneof(
  fc.integer(),
  fc.constantFrom(0, -1, 1.5, 2 ** 31, 2 ** 53, 2 ** 53 + 2, -(2 ** 60), 1e300, -0, Number.MAX_VALUE),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
)
const leaf: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 4, arbitrary: jsonNumber },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 30 }) },
  { weight: 1, arbitrary: fc.constantFrom(null, true, false, [], {}, [1, 2], '100000', 'INIT', 'UP') },
  { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 2 }) },
)
const obj = (keys: string[], value: fc.Arbitrary<unknown>) =>
  fc.dictionary(
    fc.oneof({ weight: 5, arbitrary: fc.constantFrom(...keys) }, { weight: 1, arbitrary: fc.string({ maxLength: 6 }) }),
    value,
    {
      maxKeys: keys.length,
    },
  )

const STATS_KEYS = [
  'name',
  'client_id',
  'type',
  'ts',
  'time',
  'age',
  'msg_cnt',
  'msg_size',
  'msg_max',
  'msg_size_max',
  'txmsgs',
  'txmsg_bytes',
  '__proto__',
  'constructor',
]
const BROKER_KEYS = [
  'name',
  'nodeid',
  'state',
  'stateage',
  'connects',
  'disconnects',
  'tx',
  'txerrs',
  'req_timeouts',
  'outbuf_msg_cnt',
  'waitresp_msg_cnt',
  '__proto__',
]
const PARTITION_KEYS = ['msgq_cnt', 'xmit_msgq_cnt', 'msgq_bytes', 'xmit_msgq_bytes', 'txmsgs', 'partition']

const statsObject = fc
  .tuple(
    obj(STATS_KEYS, leaf),
    fc.option(fc.oneof(fc.dictionary(fc.string({ maxLength: 20 }), obj(BROKER_KEYS, leaf), { maxKeys: 4 }), leaf), { nil: undefined }),
    fc.option(
      fc.oneof(
        fc.dictionary(
          fc.constantFrom('waf', 'netflow', '__proto__', ''),
          fc.record({
            topic: fc.option(leaf, { nil: undefined }),
            partitions: fc.oneof(
              fc.dictionary(fc.constantFrom('-1', '0', '1', '__proto__'), obj(PARTITION_KEYS, leaf), { maxKeys: 4 }),
              leaf,
            ),
          }),
          { maxKeys: 3 },
        ),
        leaf,
      ),
      { nil: undefined },
    ),
    fc.boolean(),
  )
  .map(([top, brokers, topics, withCount]) => {
    const o: Record<string, unknown> = { ...top }
    if (withCount) o.msg_cnt = top.msg_cnt ?? 1
    if (brokers !== undefined) o.brokers = brokers
    if (topics !== undefined) o.topics = topics
    return o
  })

/** One or more statistics objects, as applications write them: one a line, pretty, in an array, after a prefix. */
export const statsText: fc.Arbitrary<string> = fc
  .tuple(fc.array(statsObject, { minLength: 1, maxLength: 4 }), fc.constantFrom('lines', 'pretty', 'array', 'prefixed'))
  .map(([objects, layout]) => {
    if (layout === 'pretty') return objects.map((o) => JSON.stringify(o, null, 2)).join('\n')
    if (layout === 'array') return JSON.stringify(objects)
    if (layout === 'prefixed') return objects.map((o) => `2026-11-27T09:51:27.441 INFO stats: ${JSON.stringify(o)}`).join('\n')
    return objects.map((o) => JSON.stringify(o)).join('\n')
  })

const MANIFEST_KEYS = ['host', 'role', 'collectedAt', 'firmware', 'kernel', 'notes', '__proto__', 'constructor', 'extra']
const longString = fc.tuple(fc.constantFrom('x', '\u0000', '漢'), fc.integer({ min: 50, max: 6000 })).map(([c, n]) => c.repeat(n))

export const manifestText: fc.Arbitrary<string> = fc
  .tuple(obj(MANIFEST_KEYS, fc.oneof(leaf, longString)), fc.boolean(), fc.boolean())
  .map(([o, bom, pretty]) => (bom ? '\ufeff' : '') + JSON.stringify(o, null, pretty ? 2 : undefined))

/** Structured inputs, by parser name, besides the token lines. */
export const STRUCTURED: Record<string, fc.Arbitrary<string>> = {
  'kafka-stats': statsText,
  manifest: manifestText,
  'kafka-config': fc
    .array(
      fc.tuple(
        fc.constantFrom(...PARSERS.find((p) => p.name === 'kafka-config')!.words),
        fc.constantFrom('=', ':', ' = ', ': '),
        fc.oneof(numberToken, fc.string({ maxLength: 20 })),
      ),
      { maxLength: 20 },
    )
    .map((pairs) => pairs.map(([k, s, v]) => `${k}${s}${v}`).join('\n')),
}
