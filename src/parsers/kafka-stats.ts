/**
 * librdkafka statistics: the JSON object the client emits every statistics.interval.ms.
 *
 * A real sample (kafka suspect, fwlog, test/fixtures/samples/kafka-suspect-fwlog-stats.json),
 * one line in the file, cut here:
 *
 *   { "name": "fwlog#producer-1", "client_id": "fwlog", "type": "producer", "ts":1879664108,
 *     "time":1795773237, "age":150004946, "replyq":0, "msg_cnt":100000, "msg_size":104319233,
 *     "msg_max":100000, "msg_size_max":1073741824, "brokers":{ "127.0.0.1:19092/bootstrap": {
 *     "name":"127.0.0.1:19092/bootstrap", "nodeid":-1, "state":"INIT", "stateage":989986,
 *     "outbuf_msg_cnt":0, "tx":0, "txerrs":0, "req_timeouts":0, "connects":150, ... } },
 *     "topics":{ "waf": { ... "partitions":{ "-1": { "msgq_cnt":39910, "msgq_bytes":64183184, ... } } } },
 *     "txmsgs":0, "txmsg_bytes":0, ... }
 *
 * A file may hold many objects (one per line as an application logs them, pretty-printed,
 * in an array, or after a log prefix): every one is read, in file order, so a reader can see
 * whether txmsgs moved. Objects are found by matching braces outside strings; a `{` in the first
 * column while an object is open starts a new one (the open one was cut: librdkafka prints one
 * line, pretty-printers indent nested objects).
 */

import type { KafkaStatsBroker, KafkaStatsSample, KafkaStatsTopic } from '../../schemas/sources.ts'
import { KafkaStats } from '../../schemas/sources.ts'
import type { Warning } from '../../schemas/warning.ts'
import { defineSource } from '../bundle/source.ts'
import { warningList } from './common.ts'

type Warn = ReturnType<typeof warningList>['warn']
type Json = Record<string, unknown>

/** Past this many objects the oldest are dropped: the latest tell the state. */
const MAX_SAMPLES = 10_000

/** An object with msg_cnt and one of the fields only librdkafka statistics have. */
export function looksLikeKafkaStats(text: string): boolean {
  const head = text.slice(0, 8192)
  return /"msg_cnt"\s*:/.test(head) && /"(msg_max|msg_size_max|brokers|txmsgs)"\s*:/.test(head)
}

export function parseKafkaStats(text: string, file?: string): { data: KafkaStats; warnings: Warning[] } {
  const { warnings, warn } = warningList(file)
  let samples: KafkaStatsSample[] = []
  for (const found of objects(text)) {
    if ('cut' in found) {
      warn('kafka_stats_truncated', 'a JSON object that does not end: skipped', found.line)
      continue
    }
    const sample = readObject(text.slice(found.start, found.end), found.line, warn)
    if (sample) samples.push(sample)
  }
  if (samples.length > MAX_SAMPLES) {
    warn('kafka_stats_too_many', `${samples.length} statistics objects: the first ${samples.length - MAX_SAMPLES} are left out`)
    samples = samples.slice(-MAX_SAMPLES)
  }
  if (samples.length === 0) warn('kafka_stats_empty', 'no librdkafka statistics object found')
  return { data: { samples }, warnings }
}

type Found = { start: number; end: number; line: number } | { cut: true; line: number }

/** Top-level `{...}` spans, by brace matching; strings are skipped so braces in them do not count. */
function* objects(text: string): Generator<Found> {
  let depth = 0
  let inString = false
  let escaped = false
  let start = 0
  let startLine = 0
  let line = 1
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i)
    if (c === 10) {
      line++
      // JSON strings hold no raw newline: the object was cut inside a string.
      if (inString) {
        yield { cut: true, line: startLine }
        depth = 0
        inString = false
      }
      continue
    }
    if (inString) {
      if (escaped) escaped = false
      else if (c === 92) escaped = true
      else if (c === 34) inString = false
    } else if (c === 34) {
      inString = depth > 0
    } else if (c === 123) {
      if (depth > 0 && (i === 0 || text.charCodeAt(i - 1) === 10)) {
        yield { cut: true, line: startLine }
        depth = 0
      }
      if (depth === 0) {
        start = i
        startLine = line
      }
      depth++
    } else if (c === 125 && depth > 0) {
      depth--
      if (depth === 0) yield { start, end: i + 1, line: startLine }
    }
  }
  if (depth > 0) yield { cut: true, line: startLine }
}

function readObject(source: string, line: number, warn: Warn): KafkaStatsSample | null {
  let value: unknown
  try {
    value = JSON.parse(source)
  } catch {
    warn('kafka_stats_bad_json', 'not valid JSON: skipped', line)
    return null
  }
  if (!isObject(value) || !('msg_cnt' in value || 'brokers' in value)) {
    warn('kafka_stats_not_stats', 'a JSON object without msg_cnt or brokers: not librdkafka statistics', line)
    return null
  }
  const bad = new Set<string>()
  const int = (o: Json, key: string, label = key) => readIntField(o, key, label, bad)
  const str = (o: Json, key: string) => (typeof o[key] === 'string' ? (o[key] as string) : null)
  const sample: KafkaStatsSample = {
    line,
    name: str(value, 'name'),
    clientId: str(value, 'client_id'),
    type: str(value, 'type'),
    ts: int(value, 'ts'),
    time: int(value, 'time'),
    age: int(value, 'age'),
    msgCnt: int(value, 'msg_cnt'),
    msgSize: int(value, 'msg_size'),
    msgMax: int(value, 'msg_max'),
    msgSizeMax: int(value, 'msg_size_max'),
    txmsgs: int(value, 'txmsgs'),
    txmsgBytes: int(value, 'txmsg_bytes'),
    brokers: entries(value.brokers).map(
      ([key, b]): KafkaStatsBroker => ({
        name: str(b, 'name') ?? key,
        nodeid: int(b, 'nodeid', 'brokers.nodeid'),
        state: str(b, 'state'),
        stateage: int(b, 'stateage', 'brokers.stateage'),
        connects: int(b, 'connects', 'brokers.connects'),
        disconnects: int(b, 'disconnects', 'brokers.disconnects'),
        tx: int(b, 'tx', 'brokers.tx'),
        txerrs: int(b, 'txerrs', 'brokers.txerrs'),
        reqTimeouts: int(b, 'req_timeouts', 'brokers.req_timeouts'),
        outbufMsgCnt: int(b, 'outbuf_msg_cnt', 'brokers.outbuf_msg_cnt'),
        waitrespMsgCnt: int(b, 'waitresp_msg_cnt', 'brokers.waitresp_msg_cnt'),
      }),
    ),
    topics: entries(value.topics).map(([key, t]) => readTopic(str(t, 'topic') ?? key, t, bad)),
  }
  for (const key of ['brokers', 'topics']) if (value[key] !== undefined && !isObject(value[key])) bad.add(key)
  if (bad.size > 0) {
    warn('kafka_stats_bad_value', `of an unexpected type or out of range, left out: ${[...bad].slice(0, 10).join(', ')}`, line)
  }
  return sample
}

/** Partitions summed; partition -1 (unassigned) is where messages wait when no broker answers. */
function readTopic(topic: string, t: Json, bad: Set<string>): KafkaStatsTopic {
  const sum = { msgqCnt: 0, msgqBytes: 0, txmsgs: 0 }
  for (const [, p] of entries(t.partitions)) {
    const get = (key: string) => readIntField(p, key, `partitions.${key}`, bad) ?? 0
    sum.msgqCnt += get('msgq_cnt') + get('xmit_msgq_cnt')
    sum.msgqBytes += get('msgq_bytes') + get('xmit_msgq_bytes')
    sum.txmsgs += get('txmsgs')
  }
  for (const key of ['msgqCnt', 'msgqBytes', 'txmsgs'] as const) {
    if (!Number.isSafeInteger(sum[key])) {
      bad.add(`topics.${key}`)
      sum[key] = 0
    }
  }
  return { topic, ...sum }
}

/** A safe integer, or null; a value present but not one is noted in `bad`. */
function readIntField(o: Json, key: string, label: string, bad: Set<string>): number | null {
  const v = o[key]
  if (v === undefined || v === null) return null
  if (typeof v === 'number' && Number.isSafeInteger(v)) return v
  bad.add(label)
  return null
}

function isObject(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v)
}

/** The object members of a JSON object (brokers by name, topics, partitions), capped. */
function entries(v: unknown): [string, Json][] {
  if (!isObject(v)) return []
  return Object.entries(v)
    .filter((e): e is [string, Json] => isObject(e[1]))
    .slice(0, 1000)
}

/** This source, as the bundle reader's list (src/bundle/sources.ts) takes it. */
export const kafkaStatsSource = defineSource({
  kind: 'kafka-stats',
  order: 'loose: JSON, after a manifest.json named so (a manifest may quote statistics)',
  loose: true,
  detect: looksLikeKafkaStats,
  parse: parseKafkaStats,
  schema: KafkaStats,
  field: 'kafkaStats',
  keep: (data, file) => {
    // The first and the latest sample: enough to see whether anything moved.
    const first = data.samples[0]
    const latest = data.samples.at(-1)
    const capped = (s: typeof first & object) => ({ ...s, brokers: s.brokers.slice(0, MAX_LISTED), topics: s.topics.slice(0, MAX_LISTED) })
    return first && latest ? { file, samples: data.samples.length, first: capped(first), latest: capped(latest) } : null
  },
})

/** Brokers and topics kept of a sample: a client talks to a few brokers, and a producer to tens of topics. */
const MAX_LISTED = 256
