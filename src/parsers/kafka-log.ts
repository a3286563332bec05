/**
 * Log lines of librdkafka and of the applications that use it: connection failures, brokers
 * down, full queues, timed-out messages.
 *
 * A real sample (kafka suspect, fwlog, test/fixtures/samples/kafka-suspect-fwlog.log):
 *
 *   2026-11-27T09:51:27.441 INFO fwlog[5]: started pid=5 confluent-kafka=1.7.0 librdkafka=2.0.2 bootstrap=127.0.0.1:19092 ...
 *   2026-11-27T09:51:27.442 RDKAFKA fwlog[5]: ERROR FAIL [fwlog#producer-1] [thrd:127.0.0.1:19092/bootstrap]: 127.0.0.1:19092/bootstrap: Connect to ipv4#127.0.0.1:19092 failed: Connection refused (after 0ms in state CONNECT)
 *   2026-11-27T09:51:27.442 ERROR fwlog[5]: kafka error_cb: code=_ALL_BROKERS_DOWN (-187) fatal=False retriable=False: 1/1 brokers are down
 *   2026-11-27T09:52:00.772 WARN fwlog[5]: produce() failed: Local: Queue full (QUEUE_FULL); dropping record (queue has 100000 messages)
 *
 * librdkafka's own logger prints `%3|1598437392.123|FAIL|rdkafka#producer-1| [thrd:...]: ...`.
 * One kind per line, the most specific first. Phrases any program may print (`Connection refused`,
 * `Disconnected`) count only on a line that also names Kafka; librdkafka's own wording
 * (`1/1 brokers are down`, `Local: Queue full`) counts anywhere. Lines are not warned about:
 * a log is mostly other things.
 */
import { KafkaLog, type KafkaLogEvent, KafkaLogKind } from '../../schemas/sources.ts'
import type { Warning } from '../../schemas/warning.ts'
import { defineSource } from '../bundle/source.ts'
import { readInt, splitLines, warningList } from './common.ts'

/** Past this many, events are counted but not listed. */
const MAX_EVENTS = 2000
/** The marks sit near a line's start: a megabyte line is not searched whole. */
const SCAN = 8192

/** What makes a line Kafka's: the name (rdkafka, confluent-kafka), a client or thread name, an error code. */
const CONTEXT = [/kafka/i, /#(producer|consumer|admin)-\d|\[thrd:|^%\d\||\bLocal: |\b_[A-Z][A-Z_]+ \(-\d+\)/]
interface Rule {
  kind: KafkaLogKind
  test: RegExp
  needsContext: boolean
}
const RULES: Rule[] = [
  { kind: 'queue-full', test: /\b_?QUEUE_FULL\b|Local: Queue full/, needsContext: false },
  { kind: 'queue-full', test: /queue (is )?full/i, needsContext: true },
  { kind: 'message-timed-out', test: /_MSG_TIMED_OUT\b|Message timed out/i, needsContext: false },
  { kind: 'all-brokers-down', test: /_ALL_BROKERS_DOWN\b|\d+\/\d+ brokers are down|all brokers (are )?down/i, needsContext: false },
  { kind: 'message-too-large', test: /MSG_SIZE_TOO_LARGE|Message size too large/i, needsContext: false },
  { kind: 'unknown-topic', test: /UNKNOWN_TOPIC|Unknown topic or partition/i, needsContext: false },
  { kind: 'connection-refused', test: /Connection refused|ECONNREFUSED/i, needsContext: true },
  { kind: 'name-resolution', test: /_RESOLVE\b|Failed to resolve|Name or service not known/i, needsContext: true },
  { kind: 'authentication', test: /_AUTHENTICATION\b|SASL authentication (error|failed)|Authentication failed/i, needsContext: true },
  { kind: 'ssl', test: /\b_SSL\b|SSL handshake failed/i, needsContext: true },
  { kind: 'request-timed-out', test: /(?<![A-Z])_TIMED_OUT\b|REQTMOUT|Timed out \d+ in-flight|requests? timed out/i, needsContext: true },
  { kind: 'fatal', test: /\b_FATAL\b|Fatal error/i, needsContext: true },
  {
    kind: 'broker-transport',
    test: /\b_TRANSPORT\b|Broker transport failure|Disconnected \(after|Connection reset by peer|Receive failed|Send failed|Connect to \S+ failed|No route to host|Network is unreachable/i,
    needsContext: true,
  },
]

/** A leading timestamp: ISO 8601, syslog, librdkafka's `%N|epoch|`, a bracketed epoch. */
const TIMES = [
  /^\[?(\d{4}-\d\d-\d\d[T ]\d\d:\d\d:\d\d(?:[.,]\d+)?(?:Z|[+-]\d\d:?\d\d)?)\]?/,
  /^([A-Z][a-z]{2} [ \d]\d \d\d:\d\d:\d\d)\b/,
  /^%\d\|(\d{9,11}(?:\.\d+)?)\|/,
  /^\[?(\d{10}(?:\.\d+)?)\]?\s/,
]
const PROCESS = /(?:^|\s)([A-Za-z_][\w./-]{0,63})\[(\d{1,10})\]:/
const VERSION = /librdkafka(?:[\s_-]*version)?\s*[:=]?\s*v?(\d+\.\d+(?:\.\d+)?(?:-[\w.]+)?)/i

/** At least one line of librdkafka's trouble in the first 16 KiB. */
export function looksLikeKafkaLog(text: string): boolean {
  return splitLines(text.slice(0, 16384)).some((line) => classify(line.slice(0, SCAN)) !== null)
}

export function parseKafkaLog(text: string, file?: string): { data: KafkaLog; warnings: Warning[] } {
  const { warnings, warn } = warningList(file)
  const counts = Object.fromEntries(KafkaLogKind.options.map((kind) => [kind, 0])) as KafkaLog['counts']
  const data: KafkaLog = { events: [], counts, firstTime: null, lastTime: null, libraryVersion: null }
  let capped = false
  splitLines(text).forEach((raw, i) => {
    const line = raw.slice(0, SCAN)
    if (data.libraryVersion === null) data.libraryVersion = VERSION.exec(line)?.[1] ?? null
    const kind = classify(line)
    if (kind === null) return
    counts[kind]++
    const time = timeOf(line)
    if (time !== null) {
      data.firstTime ??= time
      data.lastTime = time
    }
    if (data.events.length < MAX_EVENTS) data.events.push(event(line, i + 1, kind, time))
    else if (!capped) {
      capped = true
      warn('kafka_log_events_capped', `more than ${MAX_EVENTS} events: the rest are counted, not listed`, i + 1)
    }
  })
  return { data, warnings }
}

function classify(line: string): KafkaLogKind | null {
  let context: boolean | undefined
  for (const rule of RULES) {
    if (!rule.test.test(line)) continue
    context ??= CONTEXT.some((re) => re.test(line))
    if (!rule.needsContext || context) return rule.kind
  }
  return null
}

function timeOf(line: string): string | null {
  for (const re of TIMES) {
    const m = re.exec(line)
    if (m) return m[1]!
  }
  return null
}

function event(line: string, n: number, kind: KafkaLogKind, time: string | null): KafkaLogEvent {
  const proc = PROCESS.exec(line)
  const pid = proc ? readInt(proc[2]!) : null
  // Control characters (a NUL in a binary log) are shown as `?`: the excerpt goes into reports.
  const clean = line.trim().replace(/[\u0000-\u001f\u007f-\u009f]/g, '?')
  return {
    line: n,
    time,
    kind,
    process: proc ? proc[1]! : null,
    pid: typeof pid === 'number' ? pid : null,
    excerpt: clean.length > 300 ? `${clean.slice(0, 297)}...` : clean,
  }
}

/** This source, as the bundle reader's list (src/bundle/sources.ts) takes it. */
export const kafkaLogSource = defineSource({
  kind: 'log',
  order: 'last: one line naming a librdkafka error anywhere makes a log, so every other kind goes first',
  loose: true,
  detect: looksLikeKafkaLog,
  parse: parseKafkaLog,
  schema: KafkaLog,
  field: 'kafkaLogs',
  keep: (data, file) => (data.events.length || data.libraryVersion ? { ...data, file } : null),
})
