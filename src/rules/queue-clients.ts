import type { ProcessGrowth } from '../../schemas/diagnosis.ts'
import type { DumpContent, Evidence, Finding } from '../../schemas/findings.ts'
import type { QueueClient, QueueLimit } from '../../schemas/queues.ts'
import { type ClientEvidence, clientsOf, type ProgramClients } from '../analysis/clients.ts'
import { mib } from '../analysis/summary.ts'
import type { ClientSpec } from '../queues/types.ts'
import { growthEvidence, kib, type RuleContext } from './context.ts'

// queue-buildup for every client of src/queues/ but librdkafka (whose rule is queue-buildup.ts),
// and for a queue whose client is not seen. A client is the cause when its server is gone or its
// statistics show a queue, and it can hold what the process grew by: a client that drops at a
// small bound, or whose statistics say its queue is empty, is not.

const WEIGHTS = { growth: 0.1, seen: 0.2, down: 0.2, full: 0.1, stats: 0.25, config: 0.05, records: 0.2 }
const UNKNOWN_CAP = 0.45
/** Statistics showing fewer queued messages than this are an empty queue. */
const EMPTY_QUEUE = 100
const EMPTY_QUEUE_KIB = 64
/** A generous size per queued message, to tell whether a queue can hold a growth at all. */
const LARGE_MESSAGE_BYTES = 4096

/** The finding for the first client of the program that explains its growth, or null. */
export function clientQueueFinding(context: RuleContext, p: ProcessGrowth, seen: ProgramClients, dumps: DumpContent[]): Finding | null {
  const records = recordsOf(context, p.name)
  for (const c of seen.clients) {
    if (c.spec.family === 'librdkafka') continue
    const q = queueOf(c, p, records)
    if (notTheCause(c, q, p, records)) continue
    if (!(c.down.length || c.full.length || (c.stats.length && !isEmpty(c, q)))) continue
    return finding(context, p, c, q, dumps)
  }
  return null
}

/** Clients present in the program that drop at a bound too small for its growth: said, never blamed. */
/** Clients present in a grown program that are not the cause, said in a sentence ('' when none). */
export function notTheCauseNote(context: RuleContext, p: ProcessGrowth): string {
  const records = recordsOf(context, p.name)
  const seen = clientsOf(context.suspect, 'suspect', p.name).clients
  const listed = seen.filter((c) => c.spec.family !== 'librdkafka' && notTheCause(c, queueOf(c, p, records), p, records))
  return listed
    .map((c) => {
      const q = queueOf(c, p, records)
      const why = isEmpty(c, q)
        ? 'its statistics show an empty queue'
        : `it ${q.limits.find((l) => l.value !== null)?.atLimit ?? 'drop'}s at ${q.limits
            .filter((l) => l.value !== null)
            .map((l) => `${l.key}=${l.value}`)
            .join(', ')}${q.queuedMessages !== null ? ` and holds ${q.queuedMessages} messages` : ''}`
      return ` ${c.spec.name} is present in ${p.name} but is not the cause: ${why}.`
    })
    .join('')
}

/** Statistics say the queue holds (next to) nothing. */
function isEmpty(c: ClientEvidence, q: QueueClient): boolean {
  if (!c.stats.length) return false
  return q.queuedMessages !== null ? q.queuedMessages < EMPTY_QUEUE : (q.queuedKib ?? 0) < EMPTY_QUEUE_KIB
}

/** The program's dumps that hold records at all: what its messages look like. */
function recordsOf(context: RuleContext, process: string): DumpContent[] {
  return context.content.filter((d) => d.bundle === 'suspect' && d.process === process && d.scan.jsonRecords + d.scan.textRecords > 0)
}

function notTheCause(c: ClientEvidence, q: QueueClient, p: ProcessGrowth, records: DumpContent[]): boolean {
  if (isEmpty(c, q)) return true // its statistics say the queue is empty
  // What its statistics say it holds cannot make a quarter of the growth, even at a large size a message.
  const mean = meanRecordBytes(records)
  if (q.queuedMessages !== null && (q.queuedMessages * Math.max(mean ?? 0, LARGE_MESSAGE_BYTES)) / 1024 < p.deltaKib * 0.25) return true
  // Bounded or dropping by design, and not reconfigured: it loses messages rather than keep them.
  if (c.spec.boundedByDesign && !q.limits.some((l) => l.source === 'config')) return true
  const drops = q.limits.some((l) => l.value !== null && (l.atLimit === 'drop' || l.atLimit === 'error'))
  const small = q.boundKib !== null ? q.boundKib * 4 < p.deltaKib : c.spec.boundedByDesign === true
  return q.bounded && drops && small
}

export function limitsOf(c: ClientEvidence): QueueLimit[] {
  return c.spec.limits.map((l) => {
    const set = c.config.filter((x) => x.line.key === l.key).at(-1)
    const raw = set ? set.line.value : l.default
    const value = raw !== null && l.zeroIsUnbounded && raw <= 0 ? null : raw
    return { key: l.key, value, unit: l.unit, source: set ? 'config' : 'default', atLimit: l.atLimit }
  })
}

/**
 * Mean size of the serialized messages in the program's dumps: its JSON records. Text records of
 * a heap are as often its own strings as messages: they size nothing.
 */
function meanRecordBytes(dumps: DumpContent[]): number | null {
  const clusters = dumps.flatMap((d) => d.scan.json.clusters)
  const count = clusters.reduce((n, c) => n + c.count, 0)
  return count ? clusters.reduce((n, c) => n + c.bytes, 0) / count : null
}

function queueOf(c: ClientEvidence, p: ProcessGrowth, dumps: DumpContent[]): QueueClient {
  const limits = limitsOf(c)
  const mean = meanRecordBytes(dumps)
  const sizes = limits.flatMap((l) => {
    if (l.value === null || l.unit === 'retries') return []
    if (l.unit === 'bytes') return [l.value / 1024]
    return mean ? [(l.value * mean) / 1024] : []
  })
  const boundKib = sizes.length ? Math.round(c.spec.boundIsSum ? sizes.reduce((a, b) => a + b, 0) : Math.min(...sizes)) : null
  const bounded = limits.some((l) => l.value !== null && l.unit !== 'retries')
  const byCount = c.stats.filter((s) => s.line.key !== 'bytes')
  const byBytes = c.stats.filter((s) => s.line.key === 'bytes')
  const queued = byCount.length ? byCount.reduce((n, s) => n + (s.line.value ?? 0), 0) : null
  const queuedBytes = byBytes.length ? byBytes.reduce((n, s) => n + (s.line.value ?? 0), 0) : null
  const growth = p.presence === 'both' ? p.deltaKib : null
  let fill: number | null = null
  let fillSource: QueueClient['fillSource'] = null
  const counted = limits.find((l) => l.value !== null && l.unit !== 'bytes' && l.unit !== 'retries')
  if (queued !== null && counted) [fill, fillSource] = [fullest(c, limits) ?? queued / counted.value!, 'statistics']
  else if (c.full.length && bounded) [fill, fillSource] = [1, 'log']
  else if (growth && boundKib) [fill, fillSource] = [Math.min(1, growth / boundKib), 'estimate']
  const missing: string[] = []
  if (!c.stats.length) missing.push(`${c.spec.name} queue statistics (how many messages it holds)`)
  if (!c.config.length) missing.push(`the ${c.spec.name} configuration: without it the defaults are assumed`)
  if (!dumps.length) missing.push('a dump of the grown region (gdb dump memory) to see the queued messages')
  return {
    family: c.spec.family,
    client: c.spec.name,
    seenIn: [...new Set(c.seen.map((e) => e.file))],
    limits,
    bounded,
    boundKib,
    // Bytes only when the statistics count them: records of a dump do not say what a queued message weighs.
    queuedMessages: queued,
    queuedKib: queuedBytes !== null ? kib(queuedBytes) : null,
    fill: fill === null ? null : Math.round(Math.min(fill, 1) * 1000) / 1000,
    fillSource,
    serverDown: c.down.length ? true : null,
    missing,
  }
}

/** rsyslog names each queue: the fullest one against its own limit (main Q against the main queue). */
function fullest(c: ClientEvidence, limits: QueueLimit[]): number | null {
  const fills = c.stats.map((s) => {
    const main = /main/i.test(s.line.key ?? '')
    const limit = limits.find((l) => l.value !== null && l.unit !== 'bytes' && (limits.length < 2 || /main/i.test(l.key) === main))
    return limit ? (s.line.value ?? 0) / limit.value! : 0
  })
  return fills.length ? Math.max(...fills) : null
}

function finding(context: RuleContext, p: ProcessGrowth, c: ClientEvidence, q: QueueClient, dumps: DumpContent[]): Finding {
  const evidence: Evidence[] = [...growthEvidence(p, context), ...c.seen.slice(0, 2)]
  let confidence = WEIGHTS.growth + WEIGHTS.seen
  const add = (weight: number, items: Evidence[]) => {
    if (items.length) [confidence, evidence.length] = [confidence + weight, evidence.push(...items)]
  }
  add(
    WEIGHTS.config,
    c.config.slice(-2).map((x) => x.evidence),
  )
  add(WEIGHTS.stats, !isEmpty(c, q) ? c.stats.slice(0, 2).map((s) => s.evidence) : [])
  add(
    WEIGHTS.down,
    c.down.slice(0, 1).map((d) => ({ ...d.evidence, excerpt: `${d.evidence.excerpt} (${c.counts.down}x)`.slice(0, 400) })),
  )
  add(
    WEIGHTS.full,
    c.full.slice(0, 1).map((d) => ({ ...d.evidence, excerpt: `${d.evidence.excerpt} (${c.counts.full}x)`.slice(0, 400) })),
  )
  add(WEIGHTS.records, dumps.slice(0, 2).map(recordEvidence))
  // Memory a message takes in this process: measured when statistics say how many grew it.
  const mean = meanRecordBytes(recordsOf(context, p.name))
  const measured = q.queuedMessages && p.presence === 'both' && p.deltaKib > 0 ? (p.deltaKib * 1024) / q.queuedMessages : null
  const configLines = c.spec.fix(measured !== null ? Math.max(measured, mean ?? 0) : mean)
  return {
    kind: 'queue-buildup',
    process: p.name,
    confidence: Math.round(Math.min(confidence, 0.95) * 100) / 100,
    title: `${p.name}: its ${c.spec.name} queue is building up${q.serverDown ? ' while its server is unreachable' : ''}`,
    detail: detailOf(p, c.spec, q),
    evidence: evidence.map((e) => ({ ...e, excerpt: e.excerpt.slice(0, 400) })),
    recommendation: `Bound the ${c.spec.name} queue: ${configLines.join(' ')}. ${c.spec.advice} Restoring the server drains what is queued.`,
    configLines,
    client: q,
  }
}

function detailOf(p: ProcessGrowth, spec: ClientSpec, q: QueueClient): string {
  const limit = (l: QueueLimit) =>
    `${l.key}=${l.value ?? 'none'} (${l.source}${l.value === null ? ', no limit' : `, ${l.atLimit}s at the limit`})`
  return [
    `${p.name} grew by ${mib(p.deltaKib)}.`,
    q.queuedMessages !== null ? `Its ${spec.name} statistics show ${q.queuedMessages} messages queued.` : '',
    `Limits: ${q.limits.map(limit).join(', ')}.`,
    q.bounded
      ? q.boundKib !== null
        ? `A full queue holds at least ${mib(q.boundKib)} (its limits at the mean size of the records in its dumps, the client's own bookkeeping not counted).`
        : ''
      : 'Nothing in effect bounds the queue: it grows as long as the server is away.',
    q.fill !== null ? `It is ${Math.round(q.fill * 100)}% full (${q.fillSource}).` : '',
    q.serverDown ? 'Its log says the server cannot be reached, so nothing drains the queue.' : '',
  ]
    .filter(Boolean)
    .join(' ')
}

/** What the records in a dump are, for a finding's evidence. */
export function recordEvidence(d: DumpContent): Evidence {
  const top = d.scan.json.clusters[0]
  const text = d.scan.text.clusters.find((c) => c.record)
  const what = top
    ? `${d.scan.jsonRecords} JSON records, mean ${Math.round(top.meanBytes)} B, keys ${top.keys.slice(0, 6).join(', ')}`
    : `${d.scan.textRecords} text records${text ? ` (${text.kind}: ${text.shape.slice(0, 80)})` : ''}`
  const example = top?.example ?? text?.example
  return {
    bundle: d.bundle,
    file: d.file,
    offset: example?.offset,
    excerpt: `${what}, ${Math.round(d.scan.recordShare * 100)}% of the dump${example ? `: ${example.text.slice(0, 160)}` : ''}`,
  }
}

/** Records in a grown heap and a failing connection, but no client seen: a queue of unknown kind. */
export function unknownQueueFinding(context: RuleContext, p: ProcessGrowth, seen: ProgramClients, dumps: DumpContent[]): Finding | null {
  if (!seen.failing.length || !dumps.length) return null
  const evidence = [...growthEvidence(p, context), seen.failing[0]!.evidence, ...dumps.slice(0, 2).map(recordEvidence)]
  const missing = [
    'the client library: pmap -x or /proc/PID/maps (C), thread names in /proc/PID/task/*/comm (JVM), open files and the command line (Python, Node), strings of the binary (Go)',
    "the client's configuration and queue statistics",
  ]
  return {
    kind: 'queue-buildup',
    process: p.name,
    confidence: Math.min(UNKNOWN_CAP, WEIGHTS.growth + WEIGHTS.down + WEIGHTS.records),
    title: `${p.name}: records pile up in its heap while it cannot reach a server (suspected queue, client not identified)`,
    detail:
      `${p.name} grew by ${mib(p.deltaKib)}, its dumps are mostly records, and it logs that a connection fails. ` +
      `That is what an outgoing queue looks like when its server is down, but no messaging client was seen in ${p.name}, so its limits are unknown. ` +
      `Knowing the client would confirm it: ${missing[0]}.`,
    evidence,
    recommendation: `Find which client of ${p.name} buffers outgoing messages (its library, module or thread names), bound its queue in that client's configuration, and restore the server it cannot reach.`,
    configLines: [],
    client: {
      family: 'unknown',
      client: null,
      seenIn: [],
      limits: [],
      bounded: false,
      boundKib: null,
      queuedMessages: null,
      queuedKib: null,
      fill: null,
      fillSource: null,
      serverDown: true,
      missing,
    },
  }
}
