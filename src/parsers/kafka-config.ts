/**
 * A librdkafka configuration: `.properties` or `key=value` lines, `key: value` accepted too.
 *
 * A real sample (kafka baseline, fwlog, test/fixtures/samples/kafka-baseline-fwlog.properties):
 *
 *   # librdkafka producer config used by fwlog (confluent-kafka 1.7.0, librdkafka 2.0.2)
 *   bootstrap.servers=127.0.0.1:19092
 *   client.id=fwlog
 *   linger.ms=5
 *   queue.buffering.max.messages=2000
 *   queue.buffering.max.kbytes=4096
 *
 * The suspect's copy has no queue.buffering.* line: its limits are null, which means
 * librdkafka's defaults (100000 messages, 1048576 kB in 1.x/2.x). The typed fields also read
 * keys written with a wrapper's prefix (`rdkafka.` as in Fluent Bit, `kafka.`, `producer.`) or
 * as environment names (`KAFKA_QUEUE_BUFFERING_MAX_MESSAGES`); `properties` keeps keys as written.
 */
import { KafkaConfig } from '../../schemas/sources.ts'
import type { Warning } from '../../schemas/warning.ts'
import { capRecord, defineSource } from '../bundle/source.ts'
import { excerpt, isPromptLine, readInt, splitLines, warningList } from './common.ts'

type Warn = ReturnType<typeof warningList>['warn']

const PAIR = /^([^\s=:]+)\s*[=:]\s*(.*)$/
const COMMENT = /^[#!;]/
/** librdkafka properties that name a file as a librdkafka configuration. */
const KNOWN =
  /^(bootstrap\.servers|metadata\.broker\.list|client\.id|acks|request\.required\.acks|linger\.ms|queue\.buffering\.[\w.]+|message\.timeout\.ms|delivery\.timeout\.ms|compression\.(codec|type)|statistics\.interval\.ms|batch\.num\.messages|batch\.size|message\.send\.max\.retries|retry\.backoff\.ms|enable\.idempotence|security\.protocol|sasl\.mechanisms?|socket\.keepalive\.enable|topic\.metadata\.[\w.]+|message\.max\.bytes|group\.id|enable\.auto\.commit|auto\.offset\.reset)$/
/** librdkafka's range for the queue limits (2.x: 0 or 1 to 2^31-1). */
const INT_MAX = 2147483647

/** At least one librdkafka key, and most lines are settings. */
export function looksLikeKafkaConfig(text: string): boolean {
  const lines = splitLines(text.slice(0, 8192))
    .map((line) => line.trim())
    .filter((line) => line && !COMMENT.test(line) && !isPromptLine(line))
    .slice(0, 60)
  const keys = lines.map((line) => PAIR.exec(line)?.[1] ?? null)
  const known = keys.some((key) => key !== null && KNOWN.test(normalise(key)))
  return known && keys.filter((key) => key !== null).length >= lines.length * 0.8
}

export function parseKafkaConfig(text: string, file?: string): { data: KafkaConfig; warnings: Warning[] } {
  const { warnings, warn } = warningList(file)
  const properties: Record<string, string> = {}
  const lines: Record<string, number> = {}
  // By normalised key: the value and its line, the last one winning as in librdkafka and Java.
  const settings = new Map<string, { value: string; line: number }>()
  splitLines(text).forEach((raw, i) => {
    const line = raw.trim()
    const n = i + 1
    // `[producer]`: an ini section; its keys still count.
    if (!line || COMMENT.test(line) || isPromptLine(line) || /^\[[\w .-]{1,64}\]$/.test(line)) return
    const pair = line.length <= 65536 ? PAIR.exec(line) : null
    if (!pair) {
      warn('kafka_config_unknown_line', `not a key=value line: ${excerpt(line)}`, n)
      return
    }
    const key = pair[1]!
    const value = pair[2]!
    const name = normalise(key)
    if (settings.has(name)) warn('kafka_config_duplicate_key', `${excerpt(key)} is set again: the last value wins`, n)
    settings.set(name, { value: unquote(value), line: n })
    // defineProperty: a key named __proto__ stays a plain entry.
    Object.defineProperty(properties, key, { value, enumerable: true, writable: true, configurable: true })
    Object.defineProperty(lines, key, { value: n, enumerable: true, writable: true, configurable: true })
  })
  if (settings.size === 0) warn('kafka_config_empty', 'no key=value setting found')
  // Of aliases, the one set last in the file wins.
  const get = (...names: string[]) =>
    names.map((name) => settings.get(name)).reduce((a, b) => (b && (!a || b.line > a.line) ? b : a), undefined)
  const bootstrap = get('metadata.broker.list', 'bootstrap.servers')
  const data: KafkaConfig = {
    properties,
    lines,
    bootstrapServers: bootstrap
      ? bootstrap.value
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean)
      : [],
    clientId: get('client.id')?.value ?? null,
    queueBufferingMaxMessages: integer(get('queue.buffering.max.messages'), 'queue.buffering.max.messages', warn),
    queueBufferingMaxKbytes: integer(get('queue.buffering.max.kbytes'), 'queue.buffering.max.kbytes', warn),
    lingerMs: integer(get('queue.buffering.max.ms', 'linger.ms'), 'linger.ms', warn),
    messageTimeoutMs: integer(get('delivery.timeout.ms', 'message.timeout.ms'), 'message.timeout.ms', warn),
  }
  return { data, warnings }
}

/** `rdkafka.queue.buffering.max.messages`, `KAFKA_QUEUE_BUFFERING_MAX_MESSAGES` -> `queue.buffering.max.messages`. */
function normalise(key: string): string {
  let name = key.toLowerCase()
  if (!name.includes('.')) name = name.replace(/_/g, '.')
  return name.replace(/^(librdkafka|rdkafka|kafka|producer)\./, '')
}

/** Shell and ini habits: `"value"` or `'value'`. */
function unquote(value: string): string {
  const m = /^(["'])(.*)\1$/.exec(value)
  return m ? m[2]! : value
}

function integer(setting: { value: string; line: number } | undefined, name: string, warn: Warn): number | null {
  if (!setting) return null
  const n = readInt(setting.value)
  if (n === 'nan') warn('kafka_config_bad_value', `${name}: not an integer: ${excerpt(setting.value)}`, setting.line)
  else if (n === 'range' || n < 0 || n > INT_MAX) {
    warn('kafka_config_value_out_of_range', `${name}: ${excerpt(setting.value)} is out of librdkafka's range`, setting.line)
  } else return n
  return null
}

/** This source, as the bundle reader's list (src/bundle/sources.ts) takes it. */
export const kafkaConfigSource = defineSource({
  kind: 'kafka-config',
  order: 'loose: `key=value` lines; after the JSON kinds, before the kernel log',
  loose: true,
  detect: looksLikeKafkaConfig,
  parse: parseKafkaConfig,
  schema: KafkaConfig,
  field: 'kafkaConfigs',
  keep: (data, file) => ({ ...data, properties: capRecord(data.properties), lines: capRecord(data.lines), file }),
})
