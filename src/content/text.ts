/**
 * Text records that are not JSON: log lines, syslog lines, statsd metrics, XML elements,
 * key=value lines, and any text that repeats. Each piece of printable text between JSON records is
 * classified and clustered by *shape*: quoted strings and numbers (decimal, hex, addresses, times)
 * replaced by placeholders, so `fwlog: sent 12 records to 10.0.0.1` and
 * `fwlog: sent 7 records to 10.0.0.2` are one cluster (`fwlog: sent N records to N`).
 *
 * Pieces that look like bits of JSON (`"key":"value"`, `\"`) are the leftovers of freed or
 * overwritten records: counted as fragments, not clustered.
 */
import type { Folded, TextCluster, TextKind } from '../../schemas/content.ts'
import { keepTop } from './fold.ts'

/** Shorter pieces are printable bytes, not records. */
export const MIN_TEXT = 16
const MAX_SHAPES = 1000
/** A piece of unknown kind is a record when its shape repeats at least this often. */
const REPEATED = 8
const SHAPE_HEAD = 160
const EXAMPLE_RAW = 1024

const FRAGMENT = /"[ ]?:[ ]?["\d[{tfn-]|",[ ]?"|\\"|^[^"]*"[,}\]]/
const SYSLOG =
  /^(?:<\d{1,3}>\d?[ ]?)?(?:[A-Z][a-z]{2} [ 0-3]\d [0-2]\d:[0-5]\d:[0-5]\d|\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?(?:Z|[+-]\d\d:?\d\d)?) \S+ [^\s:[]+(?:\[\d+\])?: /
const LOG_HEAD =
  /\d{4}[-/]\d\d[-/]\d\d[T ]\d\d:\d\d:\d\d|\b\d\d:\d\d:\d\d[.,]\d{3}|^\[\s*\d+\.\d{3,}\]|^\d{10}(?:\.\d+)?[ |]|^%\d\|\d+\.\d+\||\b(?:TRACE|DEBUG|INFO|NOTICE|WARN(?:ING)?|ERROR|CRIT(?:ICAL)?|FATAL)\b/
const STATSD = /^[\w.\-/]+:-?\d+(?:\.\d+)?\|(?:c|g|ms|h|s|d|m)(?:\|@\d+(?:\.\d+)?)?(?:\|#[^|]*)?$/
const XML_START = /^<[A-Za-z_?!]/
const XML_END = /(?:<\/[\w:.-]+>|\/>|\?>)$/
/** Markup that is not a whole element: the middle or tail of an XML/HTML string. */
const MARKUP = /<\/[\w:.-]+>|\/>/
const KV = /^(?:[A-Za-z_][\w.-]*=(?:"[^"]*"|[^\s"]*)[ ,;&]+){2,}[A-Za-z_][\w.-]*=/

export type PieceKind = TextKind | 'fragment'

export function classifyText(s: string): PieceKind {
  const head = s.length > 200 ? s.slice(0, 200) : s
  if (SYSLOG.test(head)) return 'syslog'
  if (STATSD.test(s)) return 'statsd'
  if (XML_START.test(head) && XML_END.test(s)) return 'xml'
  const quotes = head.includes('"')
  if ((quotes && FRAGMENT.test(head)) || (head.includes('/') && MARKUP.test(head))) return 'fragment'
  if (LOG_HEAD.test(head.slice(0, 64))) return 'log'
  if (KV.test(head)) return 'kv'
  return 'text'
}

const KIND_CODE: Record<TextKind, number> = { log: 1, syslog: 2, statsd: 3, xml: 4, kv: 5, text: 6 }

function wordChar(c: number): boolean {
  return (c >= 0x30 && c <= 0x39) || ((c | 0x20) >= 0x61 && (c | 0x20) <= 0x7a)
}

/** Inside a number: hex digits, `.` and `:` (addresses, times, versions, hex ids). */
function numberChar(c: number): boolean {
  return (c >= 0x30 && c <= 0x39) || ((c | 0x20) >= 0x61 && (c | 0x20) <= 0x66) || c === 0x2e || c === 0x3a
}

/**
 * Walks the shape of s (its first SHAPE_HEAD characters): a number (a digit, then hex digits, `.`
 * or `:`) becomes N, a quoted string "S", runs of spaces one space. Returns a 53-bit hash of the
 * shape, and the shape itself when `text` is asked for. One loop, no allocation: this runs once
 * per text record, where regex replacements cost ~1 us a line.
 */
function walkShape(s: string, seed: number, text: number[] | null): number {
  let h1 = 0x811c9dc5 ^ seed
  let h2 = 0x27d4eb2f ^ seed
  const n = Math.min(s.length, SHAPE_HEAD)
  let i = 0
  let prev = -1
  while (i < n) {
    let c = s.charCodeAt(i++)
    if (c >= 0x30 && c <= 0x39) {
      while (i < n && numberChar(s.charCodeAt(i))) i++
      c = 0x4e // N
      if (text) text.push(c)
    } else if (c === 0x22 || (c === 0x27 && !wordChar(prev))) {
      // a quoted string ("..." with escapes, or '...' that does not follow a letter: not "can't")
      const quote = c
      while (i < n) {
        const d = s.charCodeAt(i++)
        if (d === 0x5c && quote === 0x22) i++
        else if (d === quote) break
      }
      if (text) text.push(quote, 0x53, quote)
      h1 = Math.imul(h1 ^ quote, 0x01000193)
      c = 0x53 // S
    } else if (c === 0x20 && prev === 0x20) continue
    else if (text) text.push(c)
    prev = c
    h1 = Math.imul(h1 ^ c, 0x01000193)
    h2 = Math.imul(h2 ^ c, 0x5bd1e995)
    h2 ^= h2 >>> 15
  }
  return (h1 >>> 0) * 0x200000 + (h2 >>> 11)
}

/** The shape of a text: what stays when the values are taken out. */
export function textShape(s: string): string {
  const codes: number[] = []
  walkShape(s, 0, codes)
  let out = ''
  for (let i = 0; i < codes.length; i += 4096) out += String.fromCharCode(...codes.slice(i, i + 4096))
  return out
}

interface Cluster {
  kind: TextKind
  shape: string
  count: number
  bytes: number
  example: { text: string; offset: number; bytes: number }
}

export class TextRecords {
  private clusters = new Map<number, Cluster>() // known kinds, by shape hash
  private unknown = new Map<number, Cluster>() // kind 'text': kept apart, so junk cannot crowd out log lines
  /** Pieces whose shape came after the table was full, by kind. */
  private overflow = new Map<TextKind, { count: number; bytes: number }>()
  fragments = { count: 0, bytes: 0 }

  /** A piece of printable text t[from, to) at stream offset `offset`. */
  add(t: string, from: number, to: number, offset: number): void {
    while (from < to && t.charCodeAt(from) === 0x20) {
      from++
      offset++
    }
    while (to > from && t.charCodeAt(to - 1) === 0x20) to--
    if (to - from < MIN_TEXT) return
    const s = t.slice(from, to)
    const kind = classifyText(s)
    if (kind === 'fragment') {
      this.fragments.count++
      this.fragments.bytes += s.length
      return
    }
    const key = walkShape(s, KIND_CODE[kind], null)
    const table = kind === 'text' ? this.unknown : this.clusters
    const cluster = table.get(key)
    if (cluster) {
      cluster.count++
      cluster.bytes += s.length
    } else if (table.size < MAX_SHAPES) {
      table.set(key, {
        kind,
        shape: textShape(s),
        count: 1,
        bytes: s.length,
        example: { text: s.slice(0, EXAMPLE_RAW), offset, bytes: s.length },
      })
    } else {
      const entry = this.overflow.get(kind) ?? { count: 0, bytes: 0 }
      entry.count++
      entry.bytes += s.length
      this.overflow.set(kind, entry)
    }
  }

  /** Records among the text: {count, bytes}. */
  totals(): { count: number; bytes: number } {
    let count = 0
    let bytes = 0
    for (const cluster of this.all()) {
      if (isRecord(cluster.kind, cluster.count)) {
        count += cluster.count
        bytes += cluster.bytes
      }
    }
    for (const [kind, entry] of this.overflow) {
      if (kind !== 'text') {
        count += entry.count
        bytes += entry.bytes
      }
    }
    return { count, bytes }
  }

  /** The top clusters by bytes, records first; the rest folded. */
  finish(
    bytesScanned: number,
    top: number,
    example: (raw: Cluster['example']) => TextCluster['example'],
  ): {
    clusters: TextCluster[]
    distinctShapes: number
    folded: Folded
  } {
    const all = [...this.all()].sort((a, b) => Number(isRecord(b.kind, b.count)) - Number(isRecord(a.kind, a.count)) || b.bytes - a.bytes)
    const folded: Folded = { clusters: 0, count: 0, bytes: 0 }
    for (const entry of this.overflow.values()) {
      folded.count += entry.count
      folded.bytes += entry.bytes
    }
    const clusters = keepTop(
      all,
      top,
      folded,
      (cluster): TextCluster => ({
        kind: cluster.kind,
        shape: cluster.shape,
        count: cluster.count,
        bytes: cluster.bytes,
        meanBytes: Math.round((cluster.bytes / cluster.count) * 10) / 10,
        share: bytesScanned > 0 ? cluster.bytes / bytesScanned : 0,
        record: isRecord(cluster.kind, cluster.count),
        example: example(cluster.example),
      }),
    )
    const overflowShapes = this.overflow.size > 0
    return { clusters, distinctShapes: this.clusters.size + this.unknown.size + (overflowShapes ? 1 : 0), folded }
  }

  private *all(): Iterable<Cluster> {
    yield* this.clusters.values()
    yield* this.unknown.values()
  }

  /** Whether shapes of known kinds were folded because their table was full. */
  get overflowed(): boolean {
    for (const kind of this.overflow.keys()) if (kind !== 'text') return true
    return false
  }
}

function isRecord(kind: TextKind, count: number): boolean {
  return kind !== 'text' || count >= REPEATED
}
