import type { QueueFamily, QueueLimit } from '../../schemas/queues.ts'

// What memgap knows of one messaging client: how it shows in a bundle, its queue's limits and
// their defaults, what it does at the limit, and its fix in its own configuration language.
// One module per family in this folder declares its clients; index.ts lists them all.

export interface LimitSpec {
  key: QueueLimit['key']
  unit: QueueLimit['unit']
  /** In effect when nothing sets it; null: no limit at all. */
  default: number | null
  /** A configured 0 (or negative) turns the limit off, as most of these clients document. */
  zeroIsUnbounded: boolean
  atLimit: QueueLimit['atLimit']
  /** A line of a config file that sets it; group 1 is the value, with its unit suffix if any. */
  config?: RegExp
}

export interface ClientSpec {
  /** Stable id, stored in parsed bundles: lower-case, no spaces. */
  id: string
  family: QueueFamily
  /** As a person names it: `ioredis`, `paho-mqtt (Python)`. */
  name: string
  /** The ways the client shows itself, by runtime. Each is tested on one line of text. */
  seen: {
    library?: RegExp // a shared library path in pmap/maps/smaps (C)
    text?: RegExp // module paths, jar names, thread names, static-binary strings, banner lines
    program?: RegExp // the process itself: its name or command line (a daemon that is the client)
  }
  /** Lines it (or its caller) logs when the server cannot be reached. */
  down?: RegExp
  /** Lines it logs at its limit: blocked, dropped, refused. */
  full?: RegExp
  /** Statistics lines: group `queued` (messages) or `queuedBytes`, optional `max` and `name`. */
  stats?: RegExp[]
  limits: LimitSpec[]
  /** Several queues each hold their limit (rsyslog's main and action queues): the bound is their sum. */
  boundIsSum?: boolean
  /** It drops (or refuses) at a small fixed bound by design: never the cause of a large gap. */
  boundedByDesign?: boolean
  /** Config lines in the client's own language, sized from the mean message size when known. */
  fix: (meanBytes: number | null) => string[]
  /** What to do beside the config lines, in one or two sentences. */
  advice: string
}

/** 5MB, 64k, 1g, 8388608 -> bytes; a plain number stays as it is. */
export function sizeValue(text: string): number | null {
  const m = /^\s*(-?\d+(?:\.\d+)?)\s*([kmgt]?)(?:i?b)?\s*$/i.exec(text.replace(/^["']|["']$/g, ''))
  if (!m) return null
  const scale = { '': 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3, t: 1024 ** 4 }[m[2]!.toLowerCase() as '' | 'k' | 'm' | 'g' | 't']
  return Math.round(Number(m[1]) * scale)
}

/** Messages that fit a memory budget at a mean size: the count limit a fix proposes. */
export function messagesFor(budgetBytes: number, meanBytes: number | null, fallback: number): number {
  if (!meanBytes || meanBytes <= 0) return fallback
  const n = Math.floor(budgetBytes / meanBytes)
  const scale = 10 ** Math.max(0, Math.floor(Math.log10(n)) - 1)
  return Math.max(100, Math.floor(n / scale) * scale)
}

/** What a proposed queue may take per process: the same budget as librdkafka's fix (queue-math.ts). */
export const FIX_BUDGET_BYTES = 32 * 1024 * 1024
