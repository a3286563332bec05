import type { QueueEstimate } from '../../schemas/findings.ts'
import type { KafkaEvidence } from '../analysis/kafka.ts'

// The numbers of a producer queue: its limits, what a full queue holds, how full it is, how fast
// it fills, and limits sized for a stated outage. librdkafka counts payload bytes against
// queue.buffering.max.kbytes; its own per-message bookkeeping comes on top.

export const DEFAULT_MAX_MESSAGES = 100000
export const DEFAULT_MAX_KBYTES = 1048576 // librdkafka 1.x and 2.x; 0.9-0.11 had 4000000
/** Per-message overhead seen on the kafka capture (librdkafka 2.0.2): used when not measurable. */
export const DEFAULT_OVERHEAD_BYTES = 270
/** What a recommended queue may take per producer, and the outage it should ride out. */
export const MEMORY_BUDGET_BYTES = 32 * 1024 * 1024
export const MIN_OUTAGE_SECONDS = 5
export const MAX_OUTAGE_SECONDS = 60

export interface Limits {
  maxMessages: number
  maxMessagesSource: QueueEstimate['maxMessagesSource']
  maxKbytes: number
  maxKbytesSource: QueueEstimate['maxKbytesSource']
}

export function limitsOf(ev: KafkaEvidence): Limits {
  const stats = ev.stats?.latest
  const statsKbytes = stats?.msgSizeMax != null ? Math.round(stats.msgSizeMax / 1024) : null
  // A key the configuration lacks is librdkafka's default; statistics say what is in effect.
  const pick = (configured: number | null | undefined, inEffect: number | null | undefined, fallback: number) => {
    if (configured != null) return { value: configured, source: 'config' as const }
    if (inEffect != null && (inEffect !== fallback || !ev.config)) return { value: inEffect, source: 'statistics' as const }
    return { value: fallback, source: 'default' as const }
  }
  const messages = pick(ev.config?.queueBufferingMaxMessages, stats?.msgMax, DEFAULT_MAX_MESSAGES)
  const kbytes = pick(ev.config?.queueBufferingMaxKbytes, statsKbytes, DEFAULT_MAX_KBYTES)
  return { maxMessages: messages.value, maxMessagesSource: messages.source, maxKbytes: kbytes.value, maxKbytesSource: kbytes.source }
}

/** Messages a full queue holds: the tighter of the count and the payload limit. */
export function capacity(limits: Limits, meanBytes: number): number {
  return Math.max(1, Math.min(limits.maxMessages, Math.floor((limits.maxKbytes * 1024) / meanBytes)))
}

/** Overhead per message from the process's growth, when statistics say what the payload was. */
export function measuredOverhead(growthKib: number | null, queuedMessages: number, queuedBytes: number): number | null {
  if (growthKib === null || queuedMessages < 1000) return null
  const perMessage = (growthKib * 1024 - queuedBytes) / queuedMessages
  return perMessage >= 32 && perMessage <= 4096 ? Math.round(perMessage) : null
}

/** Messages per second: from how long the queue took to fill after the broker went down. */
export function fillRate(ev: KafkaEvidence, full: number): number | null {
  const events = ev.log?.events ?? []
  const down = events.find((e) => e.kind === 'connection-refused' || e.kind === 'all-brokers-down' || e.kind === 'broker-transport')
  const queueFull = events.find((e) => e.kind === 'queue-full')
  const t0 = down?.time ? Date.parse(down.time) : NaN
  const t1 = queueFull?.time ? Date.parse(queueFull.time) : NaN
  if (t1 > t0 && t1 - t0 >= 1000) return full / ((t1 - t0) / 1000)
  const stats = ev.stats?.latest
  // A queue that never drained and is not full yet filled at its average rate since start.
  if (stats?.msgCnt && stats.age && (stats.txmsgs ?? 0) === 0 && stats.msgCnt < full) return stats.msgCnt / (stats.age / 1e6)
  return null
}

/** Up to two significant digits, rounded up: 180120 -> 190000. */
export function roundUp(n: number): number {
  if (n <= 10) return Math.max(1, Math.ceil(n))
  const scale = 10 ** (Math.floor(Math.log10(n)) - 1)
  return Math.ceil(n / scale) * scale
}

/**
 * Limits that hold a stated number of seconds of outage at the observed rate, within a memory
 * budget per producer: as many seconds as MEMORY_BUDGET allows, at least MIN_OUTAGE_SECONDS and
 * at most MAX_OUTAGE_SECONDS. With no rate, the budget alone.
 */
export function sizedLimits(meanBytes: number, overheadBytes: number, rate: number | null) {
  const perMessage = meanBytes + overheadBytes
  let seconds: number | null = null
  let messages: number
  if (rate) {
    const affordable = Math.floor(MEMORY_BUDGET_BYTES / (rate * perMessage))
    seconds = Math.min(MAX_OUTAGE_SECONDS, Math.max(MIN_OUTAGE_SECONDS, affordable))
    messages = roundUp(rate * seconds)
  } else {
    messages = roundUp(MEMORY_BUDGET_BYTES / perMessage)
  }
  const kbytes = roundUp((messages * meanBytes * 1.25) / 1024) // headroom for larger records
  const memoryKib = Math.round((messages * perMessage) / 1024)
  return { messages, kbytes, memoryKib, seconds }
}
