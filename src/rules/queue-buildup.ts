import type { ProcessGrowth } from '../../schemas/diagnosis.ts'
import type { DumpContent, Evidence, Finding, QueueEstimate } from '../../schemas/findings.ts'
import type { QueueClient } from '../../schemas/queues.ts'
import type { KafkaStatsSample } from '../../schemas/sources.ts'
import { clientsOf } from '../analysis/clients.ts'
import { type KafkaEvidence, kafkaEvidence } from '../analysis/kafka.ts'
import { bytes, mib } from '../analysis/summary.ts'
import { candidates, growthEvidence, kib, type Rule, type RuleContext, regionEvidence } from './context.ts'
import { clientQueueFinding, unknownQueueFinding } from './queue-clients.ts'
import { capacity, DEFAULT_OVERHEAD_BYTES, fillRate, type Limits, limitsOf, measuredOverhead, sizedLimits } from './queue-math.ts'

// A producer queue is building up when serialized messages fill a process's growth. Each piece
// of evidence adds to the confidence; without the client library in sight the finding still
// comes, capped lower, and says what is missing.

const QUEUED_BYTES = 16 * 1024 * 1024 // statistics showing less than this queued are no buildup
const BIG_ENOUGH_KIB = 16 * 1024 // the growth worth a finding (context.ts grewMuch)
// Half that for the process that grew most, its client saying its server is down: the same
// program against its own baseline, with a cause in sight, is no noise between machines.
const DOWN_AND_GREW_MOST_KIB = 8 * 1024
const RECORD_SHARE = 0.3 // a dump this full of records is a buffer of messages
const NO_LIBRARY_CAP = 0.5

const WEIGHTS = { growth: 0.1, stats: 0.3, library: 0.15, config: 0.05, log: 0.15, records: 0.2, arenas: 0.1 }

/**
 * Dumps of the process that are mostly serialized records. Counts do not matter: a `strings`
 * excerpt may hold two records, a 64 MiB arena fifty thousand; what they are made of does.
 */
function messageDumps(context: RuleContext, process: string): DumpContent[] {
  return context.content.filter((c) => {
    if (c.bundle !== 'suspect' || c.process !== process || c.scan.bytesScanned === 0) return false
    const { jsonRecords, partialJsonRecords, textRecords, bytesInRecords, bytesInPartialRecords, bytesScanned } = c.scan
    const records = jsonRecords + partialJsonRecords > 0 || textRecords >= 20
    return records && (bytesInRecords + bytesInPartialRecords) / bytesScanned >= RECORD_SHARE
  })
}

export const queueBuildup: Rule = (context) => {
  const findings: Finding[] = []
  for (const p of queueCandidates(context)) {
    const ev = kafkaEvidence(context.suspect, 'suspect', p.name)
    const dumps = messageDumps(context, p.name)
    // Other clients first (src/queues/): librdkafka's rule below is for librdkafka's evidence, or none.
    const seen = clientsOf(context.suspect, 'suspect', p.name)
    const librdkafka = ev.library !== null || ev.stats !== null || (ev.log?.events.length ?? 0) > 0
    if (!librdkafka && seen.clients.some((c) => c.spec.family !== 'librdkafka')) {
      const found = clientQueueFinding(context, p, seen, dumps)
      if (found) findings.push(found)
      continue
    }
    const unknown = librdkafka ? null : unknownQueueFinding(context, p, seen, dumps)
    if (unknown) {
      findings.push(unknown)
      continue
    }
    const queuedBytes = ev.stats?.latest.msgSize ?? 0
    const brokerTrouble = (ev.log?.counts['connection-refused'] ?? 0) + (ev.log?.counts['all-brokers-down'] ?? 0) > 0
    // Records alone make a queue only against a baseline where the process grew; alone, a
    // heap full of JSON is just as likely a cache, so a messaging client must be in sight.
    const client = ev.library !== null || ev.stats !== null || (ev.log?.events.length ?? 0) > 0
    const isQueue =
      queuedBytes >= QUEUED_BYTES || (ev.library !== null && brokerTrouble) || (dumps.length > 0 && (context.baseline !== null || client))
    if (!isQueue) continue
    findings.push(queueFinding(context, p, ev, dumps))
  }
  return findings
}

/**
 * The grown processes, and in a pair also those that grew less than the gap's share but by 16 MiB
 * while their client says its server is down or its queue holds messages (8 MiB for the one that
 * grew most, its server down): on a box whose gap has other causes too, a queue is still worth naming.
 */
function queueCandidates(context: RuleContext): ProcessGrowth[] {
  const listed = candidates(context)
  if (!context.baseline) return listed
  const most = Math.max(0, ...context.processes.map((p) => p.deltaKib))
  const more = context.processes.filter((p) => {
    if (listed.includes(p) || p.presence !== 'both' || p.deltaKib < DOWN_AND_GREW_MOST_KIB) return false
    const clients = clientsOf(context.suspect, 'suspect', p.name).clients
    if (p.deltaKib < BIG_ENOUGH_KIB) return p.deltaKib === most && clients.some((c) => c.down.length > 0)
    return clients.some((c) => c.down.length > 0 || c.stats.length > 0)
  })
  return [...listed, ...more]
}

function queueFinding(context: RuleContext, p: ProcessGrowth, ev: KafkaEvidence, dumps: DumpContent[]): Finding {
  const regions = context.regions.find((r) => r.process === p.name)
  const inArenas = regions?.concentratedIn === 'arena'
  const evidence: Evidence[] = growthEvidence(p, context)
  const missing: string[] = []
  let confidence = WEIGHTS.growth

  const stats = ev.stats?.latest
  if (stats && ev.stats) {
    confidence += WEIGHTS.stats
    evidence.push({
      bundle: 'suspect',
      file: ev.stats.file,
      line: stats.line,
      excerpt: `"msg_cnt":${stats.msgCnt} … "msg_size":${stats.msgSize}`,
      note: `msg_cnt=${stats.msgCnt} msg_size=${stats.msgSize} msg_max=${stats.msgMax} msg_size_max=${stats.msgSizeMax} txmsgs=${stats.txmsgs}; brokers: ${stats.brokers.map((b) => `${b.name} ${b.state}`).join(', ')}`,
    })
  } else missing.push('librdkafka statistics (set statistics.interval.ms and keep the latest JSON): queued messages and broker state')
  if (ev.library) {
    confidence += WEIGHTS.library
    evidence.push(ev.library)
  } else missing.push('librdkafka in the process mappings (pmap -x or /proc/PID/maps of the process)')
  if (ev.config) {
    confidence += WEIGHTS.config
    evidence.push(
      ...configEvidence(
        'suspect',
        ev.config,
        (k) => k.startsWith('queue.') || k === 'bootstrap.servers' || k === 'message.timeout.ms',
        ev.config.queueBufferingMaxMessages === null && ev.config.queueBufferingMaxKbytes === null
          ? 'no queue.buffering.* keys: librdkafka defaults apply'
          : undefined,
      ),
    )
  } else missing.push('the client configuration (its .properties or equivalent)')
  const logEvents = ev.log?.events ?? []
  if (ev.log && logEvents.length) {
    confidence += WEIGHTS.log
    for (const kind of ['connection-refused', 'all-brokers-down', 'queue-full', 'message-timed-out'] as const) {
      const first = logEvents.find((e) => e.kind === kind)
      if (first)
        evidence.push({
          bundle: 'suspect',
          file: ev.log.file,
          line: first.line,
          excerpt: first.excerpt,
          note: `${ev.log.counts[kind]}x ${kind}`,
        })
    }
  } else missing.push('the client log (librdkafka errors: Connection refused, brokers down, Queue full)')
  if (dumps.length) {
    confidence += WEIGHTS.records
    for (const d of dumps.slice(0, 2)) evidence.push(dumpEvidence(d))
  } else missing.push('a dump of the grown region (gdb dump memory) to see the queued records')
  if (inArenas) {
    confidence += WEIGHTS.arenas
    evidence.push(...regionEvidence(regions, 'growth in glibc malloc arenas'))
  }
  if (!ev.library && !ev.stats && !ev.config) confidence = Math.min(confidence, NO_LIBRARY_CAP)
  const healthy = context.baseline ? kafkaEvidence(context.baseline, 'baseline', p.name).config : null
  if (healthy && (healthy.queueBufferingMaxMessages !== null || healthy.queueBufferingMaxKbytes !== null)) {
    const keys = ['queue.buffering.max.messages', 'queue.buffering.max.kbytes']
    evidence.push(...configEvidence('baseline', healthy, (k) => keys.includes(k), 'the baseline caps its queue'))
  }

  const queue = estimate(p, ev, dumps, missing)
  return {
    kind: 'queue-buildup',
    process: p.name,
    confidence: Math.round(Math.min(confidence, 0.97) * 100) / 100,
    title: `${p.name}: a librdkafka producer queue is building up${queue.brokerDown ? ' while the broker is down' : ''}`,
    detail: detailOf(p, queue),
    evidence,
    ...fix(queue),
    queue,
    client: clientOf(queue, evidence),
  }
}

/** librdkafka's figures in the general shape every queue-buildup finding has. */
function clientOf(q: QueueEstimate, evidence: Evidence[]): QueueClient {
  return {
    family: 'librdkafka',
    client: q.libraryVersion ? `librdkafka ${q.libraryVersion}` : 'librdkafka',
    seenIn: [...new Set(evidence.filter((e) => e.file !== evidence[0]!.file).map((e) => e.file))],
    limits: [
      { key: 'queue.buffering.max.messages', value: q.maxMessages, unit: 'messages', source: q.maxMessagesSource, atLimit: 'error' },
      { key: 'queue.buffering.max.kbytes', value: q.maxKbytes * 1024, unit: 'bytes', source: q.maxKbytesSource, atLimit: 'error' },
    ],
    bounded: true,
    boundKib: q.boundKib,
    queuedMessages: q.queuedMessages,
    queuedKib: q.queuedKib,
    fill: q.fill,
    fillSource: q.queuedSource,
    serverDown: q.brokerDown,
    missing: q.missing,
  }
}

function dumpEvidence(d: DumpContent): Evidence {
  const top = d.scan.json.clusters[0]
  const values = d.scan.discriminators[0]
  const what = top
    ? `${d.scan.jsonRecords} JSON records${d.scan.partialJsonRecords ? ` and ${d.scan.partialJsonRecords} cut short` : ''} (${Math.round(d.scan.recordShare * 100)}% of ${bytes(d.scan.bytesScanned)}), mean ${Math.round(top.meanBytes)} B${values ? `; ${values.field}: ${values.values.map((v) => `${v.value} ${v.count}${v.partial ? `+${v.partial} cut short` : ''}`).join(', ')}` : ''}`
    : `${d.scan.textRecords} text records (${Math.round(d.scan.recordShare * 100)}% of the dump)`
  if (!top?.example) return { bundle: d.bundle, file: d.file, excerpt: '', note: what }
  return { bundle: d.bundle, file: d.file, offset: top.example.offset, excerpt: top.example.text.slice(0, 160), note: what }
}

/** The lines of a config that set the chosen keys, as written (`key=value` or `key = value`). */
function configEvidence(
  side: Evidence['bundle'],
  config: KafkaEvidence['config'] & {},
  keep: (key: string) => boolean,
  note?: string,
): Evidence[] {
  const cited = Object.entries(config.lines)
    .filter(([k]) => keep(k))
    .map(([k, line]): Evidence => ({ bundle: side, file: config.file, line, excerpt: `${k} … ${config.properties[k]}` }))
  if (note) cited[0] = cited[0] ? { ...cited[0], note } : { bundle: side, file: config.file, excerpt: '', note }
  return cited
}

function estimate(p: ProcessGrowth, ev: KafkaEvidence, dumps: DumpContent[], missing: string[]): QueueEstimate {
  const stats = ev.stats?.latest
  const limits = limitsOf(ev)
  let meanBytes: number | null = null
  let meanSource: QueueEstimate['meanMessageSource'] = null
  if (stats?.msgCnt && stats.msgSize) [meanBytes, meanSource] = [stats.msgSize / stats.msgCnt, 'statistics']
  else {
    const clusters = dumps.flatMap((d) => d.scan.json.clusters)
    const count = clusters.reduce((n, c) => n + c.count, 0)
    if (count) [meanBytes, meanSource] = [clusters.reduce((n, c) => n + c.bytes, 0) / count, 'dump']
  }
  const growth = p.presence === 'both' ? p.deltaKib : null
  const overhead =
    (stats?.msgCnt && stats.msgSize != null ? measuredOverhead(growth, stats.msgCnt, stats.msgSize) : null) ?? DEFAULT_OVERHEAD_BYTES
  const full = meanBytes ? capacity(limits, meanBytes) : null
  // Without statistics, the growth in messages; never more than a full queue holds.
  const fromGrowth = meanBytes && growth ? Math.round((growth * 1024) / (meanBytes + overhead)) : null
  const queuedMessages = stats?.msgCnt ?? (fromGrowth !== null && full ? Math.min(fromGrowth, full) : fromGrowth)
  if (!stats && fromGrowth !== null && full && fromGrowth > full) {
    missing.push(
      `the growth is more than a full queue of ${meanBytes!.toFixed(0)} B records holds: larger records than the dump shows, or other memory`,
    )
  }
  const brokers = (stats?.brokers ?? []).map((b) => ({ name: b.name, state: b.state }))
  const logDown = (ev.log?.counts['all-brokers-down'] ?? 0) + (ev.log?.counts['connection-refused'] ?? 0) > 0
  return {
    library: 'librdkafka',
    libraryVersion: ev.log?.libraryVersion ?? null,
    ...limits,
    meanMessageBytes: meanBytes === null ? null : Math.round(meanBytes),
    meanMessageSource: meanSource,
    overheadBytes: overhead,
    boundKib: full && meanBytes ? kib(full * (meanBytes + overhead)) : null,
    queuedMessages,
    queuedKib: queuedMessages && meanBytes ? kib(queuedMessages * (meanBytes + overhead)) : null,
    queuedSource: stats?.msgCnt != null ? 'statistics' : queuedMessages !== null ? 'estimate' : null,
    fill: fillOf(stats, limits, queuedMessages, full),
    brokers,
    brokerDown: brokers.length ? brokers.every((b) => b.state !== 'UP') : logDown ? true : null,
    ratePerSecond: full ? roundRate(fillRate(ev, stats?.msgMax ?? full)) : null,
    missing,
  }
}

function fillOf(stats: KafkaStatsSample | undefined, limits: Limits, queued: number | null, full: number | null): number | null {
  if (stats?.msgCnt != null) {
    const byCount = stats.msgCnt / limits.maxMessages
    const bySize = stats.msgSize != null ? stats.msgSize / (limits.maxKbytes * 1024) : 0
    return Math.round(Math.max(byCount, bySize) * 1000) / 1000
  }
  return queued && full ? Math.round(Math.min(1, queued / full) * 1000) / 1000 : null
}

const roundRate = (r: number | null) => (r === null ? null : Math.round(r))

function detailOf(p: ProcessGrowth, q: QueueEstimate): string {
  const parts = [
    `${p.name} grew by ${mib(p.deltaKib)}.`,
    q.queuedMessages !== null
      ? `About ${q.queuedMessages} messages are queued (${q.queuedSource})${q.queuedKib ? `, ${mib(q.queuedKib)} with librdkafka's ~${q.overheadBytes} B per message` : ''}.`
      : '',
    `Limits: queue.buffering.max.messages=${q.maxMessages} (${q.maxMessagesSource}), queue.buffering.max.kbytes=${q.maxKbytes} (${q.maxKbytesSource}).`,
    q.boundKib
      ? `At ${q.meanMessageBytes} B a message a full queue holds ${mib(q.boundKib)}${q.fill !== null ? `; it is ${Math.round(q.fill * 100)}% full` : ''}.`
      : '',
    q.brokerDown
      ? `No broker is up (${q.brokers.map((b) => `${b.name}: ${b.state}`).join(', ') || 'from the log'}), so nothing drains the queue.`
      : '',
  ]
  return parts.filter(Boolean).join(' ')
}

function fix(q: QueueEstimate): { recommendation: string; configLines: string[] } {
  const mean = q.meanMessageBytes ?? 1024
  const sized = sizedLimits(mean, q.overheadBytes, q.ratePerSecond)
  const configLines = [`queue.buffering.max.messages=${sized.messages}`, `queue.buffering.max.kbytes=${sized.kbytes}`]
  const basis = sized.seconds
    ? `hold ${sized.seconds} s of broker outage at the observed ${q.ratePerSecond} msg/s`
    : `keep the queue near 32 MiB (no message rate could be observed)`
  const recommendation =
    `Cap the producer queue: ${configLines.join(' and ')} ${basis}, about ${mib(sized.memoryKib)} per producer at ${mean} B a message` +
    (q.boundKib ? ` instead of up to ${mib(q.boundKib)} now. ` : '. ') +
    `On QUEUE_FULL (RD_KAFKA_RESP_ERR__QUEUE_FULL) do not block or retry in a loop: call rd_kafka_poll() to serve delivery reports, ` +
    `then drop or spill the record to disk, count the drops and alert on them; restore the broker connection to drain the queue.`
  return { recommendation, configLines }
}
