/**
 * Text records that are not JSON: log lines, syslog lines, statsd metrics, XML elements,
 * key=value lines, and any text that repeats. Each piece of printable text between JSON records is
 * classified and clustered by *shape*: quoted strings, addresses, hex and digits replaced by
 * placeholders, so `fwlog: sent 12 records to 10.0.0.1` and `fwlog: sent 7 records to 10.0.0.2`
 * are one cluster.
 *
 * Pieces that look like bits of JSON (`"key":"value"`, `\"`) are the leftovers of freed or
 * overwritten records: counted as fragments, not clustered.
 */
import type { Folded, TextCluster, TextKind } from '../../schemas/content.ts'

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
const MARKUP = /<\/[\w:.-]+>|\/>|="[^"]*"/
const KV = /^(?:[A-Za-z_][\w.-]*=(?:"[^"]*"|[^\s"]*)[ ,;&]+){2,}[A-Za-z_][\w.-]*=/

export type PieceKind = TextKind | 'fragment'

export function classifyText(s: string): PieceKind {
  const head = s.length > 200 ? s.slice(0, 200) : s
  if (SYSLOG.test(head)) return 'syslog'
  if (STATSD.test(s)) return 'statsd'
  if (XML_START.test(head) && XML_END.test(s)) return 'xml'
  if (FRAGMENT.test(head) || MARKUP.test(head)) return 'fragment'
  if (LOG_HEAD.test(head.slice(0, 64))) return 'log'
  if (KV.test(head)) return 'kv'
  return 'text'
}

const QUOTED = /"(?:[^"\\]|\\.)*"|'[^']*'/g
const IPV4 = /\b\d{1,3}(?:\.\d{1,3}){3}\b/g
const HEXISH = /\b(?:0x)?[0-9a-fA-F]*\d[0-9a-fA-F]*[a-fA-F][0-9a-fA-F]*\b|\b(?:0x)?[0-9a-fA-F]*[a-fA-F][0-9a-fA-F]*\d[0-9a-fA-F]*\b/g
const DIGITS = /\d+/g
const SPACES = /\s+/g

/** The shape of a text: what stays when the values are taken out. */
export function textShape(s: string): string {
  const head = s.length > SHAPE_HEAD ? s.slice(0, SHAPE_HEAD) : s
  return head
    .replace(QUOTED, '"S"')
    .replace(IPV4, 'IP')
    .replace(HEXISH, (m) => (m.length >= 6 ? 'H' : m))
    .replace(DIGITS, 'N')
    .replace(SPACES, ' ')
}

interface Cluster {
  kind: TextKind
  shape: string
  count: number
  bytes: number
  example: { text: string; offset: number; bytes: number }
}

export class TextRecords {
  private clusters = new Map<string, Cluster>() // known kinds
  private unknown = new Map<string, Cluster>() // kind 'text': kept apart, so junk cannot crowd out log lines
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
    const key = `${kind}\u0000${textShape(s)}`
    const table = kind === 'text' ? this.unknown : this.clusters
    const cluster = table.get(key)
    if (cluster) {
      cluster.count++
      cluster.bytes += s.length
    } else if (table.size < MAX_SHAPES) {
      table.set(key, {
        kind, shape: key.slice(kind.length + 1), count: 1, bytes: s.length,
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
  finish(bytesScanned: number, top: number, example: (raw: Cluster['example']) => TextCluster['example']): {
    clusters: TextCluster[]
    distinctShapes: number
    folded: Folded
  } {
    const all = [...this.all()].sort(
      (a, b) => Number(isRecord(b.kind, b.count)) - Number(isRecord(a.kind, a.count)) || b.bytes - a.bytes,
    )
    const folded: Folded = { clusters: 0, count: 0, bytes: 0 }
    for (const entry of this.overflow.values()) {
      folded.count += entry.count
      folded.bytes += entry.bytes
    }
    const clusters: TextCluster[] = []
    for (const cluster of all) {
      if (clusters.length >= top) {
        folded.clusters++
        folded.count += cluster.count
        folded.bytes += cluster.bytes
        continue
      }
      clusters.push({
        kind: cluster.kind,
        shape: cluster.shape,
        count: cluster.count,
        bytes: cluster.bytes,
        meanBytes: Math.round((cluster.bytes / cluster.count) * 10) / 10,
        share: bytesScanned > 0 ? cluster.bytes / bytesScanned : 0,
        record: isRecord(cluster.kind, cluster.count),
        example: example(cluster.example),
      })
    }
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
