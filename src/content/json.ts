/**
 * JSON records found in printable runs, clustered by their set of top-level keys.
 *
 * A record is a complete `{...}` that parses, at most MAX_RECORD bytes. JSON.parse of every record
 * is the cost that dominates a dump full of records (~175 ms for the 53 MB of records in the
 * kafka arena dump, in Node 20), so once a cluster has been learned from its first records a
 * *template* takes over: one sticky regex per key order that matches exactly the JSON grammar of
 * a flat object with those keys in that order (strings with valid escapes, JSON numbers, true,
 * false, null) and captures the few string fields tracked as discriminators. A match is as good as
 * a parse for such a record, and about twice as fast. Records that fit no template (nested values,
 * other keys, another order) are parsed.
 *
 * Records cut short (by unprintable bytes or the dump's end) are read leniently for their leading
 * key/value pairs; they are counted apart and, at the end, attributed to the complete cluster
 * whose key order they begin, or form a cluster of their own (`complete: false`).
 */
import type { Discriminator, Folded, JsonCluster } from '../../schemas/content.ts'

export const MAX_RECORD = 64 * 1024
/** Records of a cluster read by JSON.parse before its template is built and its fields chosen. */
const LEARN = 24
const MAX_CLUSTERS = 256
const MAX_TEMPLATES = 32
const TEMPLATES_PER_CLUSTER = 4
const TEMPLATE_TRIES = 6
const MAX_TRACKED = 6
const MAX_VALUES = 64
const MAX_FIELDS_LEARNED = 64
const MAX_PARTIAL_GROUPS = 256
const MAX_TEMPLATE_KEYS = 200
const MAX_VALUE_LENGTH = 200
const EXAMPLE_RAW = 2048

/** Fields whose name says they tell kinds of records apart. */
const STRONG_NAME = /^(?:type|log_?type|record_?type|msg_?type|message_?type|event_?type|event|kind)$/i
const NAMED = /(?:type|kind|event|level|severity|category)$|^(?:action|topic|facility|class|status|source)$/i

export function namedField(field: string): boolean {
  return STRONG_NAME.test(field) || NAMED.test(field)
}

/**
 * End (exclusive) of the object or array that starts at t[i], or -1 when `limit` comes first.
 * Brackets are counted outside strings only; whether it is valid JSON is JSON.parse's business.
 */
export function valueEnd(t: string, i: number, limit: number): number {
  let depth = 0
  let p = i
  while (p < limit) {
    const c = t.charCodeAt(p)
    if (c === 0x22) {
      let q = p + 1
      for (;;) {
        q = t.indexOf('"', q)
        if (q < 0 || q >= limit) return -1
        let b = q - 1
        while (t.charCodeAt(b) === 0x5c) b--
        if (((q - 1 - b) & 1) === 0) break // an even number of backslashes: the quote closes
        q++
      }
      p = q + 1
      continue
    }
    if (c === 0x7b || c === 0x5b) depth++
    else if (c === 0x7d || c === 0x5d) {
      if (--depth === 0) return p + 1
    }
    p++
  }
  return -1
}

// The JSON grammar of a flat object, as regex pieces (the text is printable ASCII).
const WS = '[ \\t\\n\\r]*'
const STRING_BODY = '[^"\\\\]*(?:\\\\(?:["\\\\/bfnrt]|u[0-9a-fA-F]{4})[^"\\\\]*)*'
const NUMBER = '-?(?:0|[1-9][0-9]*)(?:\\.[0-9]+)?(?:[eE][+-]?[0-9]+)?'
const SCALAR = `(?:"${STRING_BODY}"|${NUMBER}|true|false|null)`
const CAPTURED = `(?:"(${STRING_BODY})"|${NUMBER}|true|false|null)`
/** One leading `"key": scalar` pair of a record cut short, and what follows it. */
const PAIR = new RegExp(`${WS}"(${STRING_BODY})"${WS}:${WS}(?:"(${STRING_BODY})"|(${NUMBER}|true|false|null))${WS}([,}])`, 'y')

function regexEscape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')
}

function unescapeString(body: string): string {
  if (!body.includes('\\')) return body
  try {
    return JSON.parse(`"${body}"`) as string
  } catch {
    return body
  }
}

interface ValueCount { count: number; partial: number }

interface FieldStats {
  values: Map<string, ValueCount>
  other: number // records whose value was past the cap
  capped: boolean
}

interface Cluster {
  signature: string
  keys: string[]
  count: number
  bytes: number
  partial: number
  partialBytes: number
  complete: boolean
  learned: number
  fields: Map<string, FieldStats>
  tracked: string[] | null // chosen after LEARN records
  templates: number
  failedTemplates: number
  example: { text: string; offset: number; bytes: number } | null
}

interface Template { re: RegExp; cluster: Cluster; fields: string[]; order: string }

interface PartialGroup {
  keys: string[]
  named: [string, string][] // named fields' values: part of the group's identity
  count: number
  bytes: number
  example: { text: string; offset: number; bytes: number }
}

function countValue(stats: FieldStats, value: string, partial: number): void {
  const entry = stats.values.get(value)
  if (entry) {
    if (partial) entry.partial += partial
    else entry.count++
  } else if (stats.values.size < MAX_VALUES && value.length <= MAX_VALUE_LENGTH) {
    stats.values.set(value, partial ? { count: 0, partial } : { count: 1, partial: 0 })
  } else {
    stats.capped = true
    if (!partial) stats.other++
  }
}

/** Values that name categories, not times, addresses, counters or ids. */
function categorical(stats: FieldStats): boolean {
  for (const value of stats.values.keys()) if (value.length > 32 || /^[-+]?\d|\d{3}/.test(value)) return false
  return true
}

export class JsonRecords {
  private clusters = new Map<string, Cluster>()
  private templates: Template[] = []
  private partials = new Map<string, PartialGroup>()
  folded: Folded = { clusters: 0, count: 0, bytes: 0 }
  private foldedKeySets = new Set<string>()
  foldedPartials = { count: 0, bytes: 0 }
  records = 0
  bytes = 0
  partialRecords = 0
  partialBytes = 0

  /**
   * Tries the templates at t[i] (a `{`). Returns the record's end, or -1 when none fits.
   */
  matchTemplate(t: string, i: number, offset: number): number {
    const templates = this.templates
    const tries = Math.min(templates.length, TEMPLATE_TRIES)
    for (let k = 0; k < tries; k++) {
      const template = templates[k]!
      const re = template.re
      re.lastIndex = i
      const match = re.exec(t)
      if (match === null) continue
      if (k > 0) {
        templates[k] = templates[k - 1]!
        templates[k - 1] = template // move up: the most used are tried first
      }
      const end = re.lastIndex
      const cluster = template.cluster
      cluster.count++
      cluster.bytes += end - i
      this.records++
      this.bytes += end - i
      const fields = template.fields
      for (let f = 0; f < fields.length; f++) {
        const body = match[f + 1]
        if (body === undefined) continue
        const stats = cluster.fields.get(fields[f]!)!
        if (stats.capped) stats.other++ // too many values to be a discriminator: stop counting them
        else countValue(stats, unescapeString(body), 0)
      }
      if (cluster.example === null) cluster.example = { text: t.slice(i, Math.min(end, i + EXAMPLE_RAW)), offset, bytes: end - i }
      return end
    }
    return -1
  }

  /** Parses t[i, end) and counts it when it is a JSON object. False: not a record. */
  addParsed(t: string, i: number, end: number, offset: number): boolean {
    if (end - i > MAX_RECORD) return false
    const text = t.slice(i, end)
    let value: unknown
    try {
      value = JSON.parse(text)
    } catch {
      return false
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return false
    const object = value as Record<string, unknown>
    const keys = Object.keys(object)
    if (keys.length === 0) return false
    const signature = [...keys].sort().join(',')
    let cluster = this.clusters.get(signature)
    if (!cluster) {
      if (this.clusters.size >= MAX_CLUSTERS) {
        this.folded.count++
        this.folded.bytes += end - i
        if (this.foldedKeySets.size < 10_000) this.foldedKeySets.add(signature)
        this.records++
        this.bytes += end - i
        return true
      }
      cluster = {
        signature, keys, count: 0, bytes: 0, partial: 0, partialBytes: 0, complete: true, learned: 0,
        fields: new Map(), tracked: null, templates: 0, failedTemplates: 0, example: null,
      }
      this.clusters.set(signature, cluster)
    }
    cluster.count++
    cluster.bytes += end - i
    this.records++
    this.bytes += end - i
    if (cluster.example === null) cluster.example = { text: text.slice(0, EXAMPLE_RAW), offset, bytes: end - i }
    if (cluster.tracked === null) {
      // learning: every string field is a candidate
      for (const key of keys) {
        const v = object[key]
        if (typeof v !== 'string') continue
        let stats = cluster.fields.get(key)
        if (!stats) {
          if (cluster.fields.size >= MAX_FIELDS_LEARNED) continue
          stats = { values: new Map(), other: 0, capped: false }
          cluster.fields.set(key, stats)
        }
        countValue(stats, v, 0)
      }
      if (++cluster.learned >= LEARN) this.chooseFields(cluster)
    } else {
      for (const key of cluster.tracked) {
        const v = object[key]
        if (typeof v === 'string') countValue(cluster.fields.get(key)!, v, 0)
      }
    }
    if (cluster.tracked !== null) this.maybeTemplate(cluster, keys, object, t, i, end)
    return true
  }

  /** Keeps the fields worth tracking: named ones first, then those with few values. */
  private chooseFields(cluster: Cluster): void {
    const ranked = [...cluster.fields.entries()]
      .map(([field, stats]) => ({ field, distinct: stats.values.size + (stats.capped ? MAX_VALUES : 0), named: namedField(field) }))
      .filter((f) => (f.named ? f.distinct <= LEARN / 2 : f.distinct >= 2 && f.distinct <= 8 && categorical(cluster.fields.get(f.field)!)))
      .sort((a, b) => Number(STRONG_NAME.test(b.field)) - Number(STRONG_NAME.test(a.field)) || Number(b.named) - Number(a.named) || a.distinct - b.distinct)
      .slice(0, MAX_TRACKED)
      .map((f) => f.field)
    cluster.tracked = ranked
    for (const field of [...cluster.fields.keys()]) if (!ranked.includes(field)) cluster.fields.delete(field)
  }

  private maybeTemplate(cluster: Cluster, keys: string[], object: Record<string, unknown>, t: string, i: number, end: number): void {
    if (cluster.templates >= TEMPLATES_PER_CLUSTER || cluster.failedTemplates >= 4 || this.templates.length >= MAX_TEMPLATES) return
    if (keys.length > MAX_TEMPLATE_KEYS) return
    for (const key of keys) {
      const v = object[key]
      if (v !== null && typeof v === 'object') return // nested: parse these
    }
    const order = keys.join('\u0000')
    const existing = this.templates.findIndex((template) => template.order === order)
    if (existing >= 0) {
      // it exists but was not tried (past TEMPLATE_TRIES) or did not fit: move it to the front
      const [template] = this.templates.splice(existing, 1)
      this.templates.unshift(template!)
      return
    }
    const tracked = new Set(cluster.tracked)
    const fields: string[] = []
    // a record printed compactly (as JSON.stringify does) gets a template without whitespace
    const ws = JSON.stringify(object).length === end - i ? '' : WS
    let source = `\\{${ws}`
    keys.forEach((key, n) => {
      if (n > 0) source += `${ws},${ws}`
      source += `${regexEscape(JSON.stringify(key))}${ws}:${ws}`
      if (tracked.has(key)) {
        source += CAPTURED
        fields.push(key)
      } else source += SCALAR
    })
    source += `${ws}\\}`
    const re = new RegExp(source, 'y')
    re.lastIndex = i
    if (!re.test(t) || re.lastIndex !== end) {
      // Object.keys puts integer-like keys first: this order is not the text's
      cluster.failedTemplates++
      return
    }
    cluster.templates++
    this.templates.unshift({ re, cluster, fields, order })
  }

  /**
   * A record cut short at t.length: its leading `"key": scalar` pairs. False when fewer than two
   * pairs could be read (then it is not taken for a record).
   */
  addPartial(t: string, i: number, offset: number): boolean {
    const keys: string[] = []
    const named: [string, string][] = []
    PAIR.lastIndex = i + 1
    for (;;) {
      const match = PAIR.exec(t)
      if (match === null) break
      const key = unescapeString(match[1]!)
      keys.push(key)
      if (match[2] !== undefined && namedField(key)) named.push([key, unescapeString(match[2])])
      if (match[4] === '}' || keys.length > MAX_TEMPLATE_KEYS) break
    }
    if (keys.length < 2) return false
    const bytes = t.length - i
    this.partialRecords++
    this.partialBytes += bytes
    const id = `${keys.join('\u0000')}\u0001${named.map(([k, v]) => `${k}\u0000${v}`).join('\u0000')}`
    const group = this.partials.get(id)
    if (group) {
      group.count++
      group.bytes += bytes
    } else if (this.partials.size < MAX_PARTIAL_GROUPS) {
      this.partials.set(id, { keys, named, count: 1, bytes, example: { text: t.slice(i, i + EXAMPLE_RAW), offset, bytes } })
    } else {
      this.foldedPartials.count++
      this.foldedPartials.bytes += bytes
    }
    return true
  }

  /** Partial records go to the complete cluster whose key order they begin, or to their own. */
  private attributePartials(): void {
    const complete = [...this.clusters.values()].filter((c) => c.complete)
    for (const group of this.partials.values()) {
      let best: Cluster | null = null
      let bestScore = -1
      for (const cluster of complete) {
        const prefix = group.keys.every((key, n) => cluster.keys[n] === key)
        if (!prefix && !group.keys.every((key) => cluster.keys.includes(key))) continue
        let score = prefix ? 1 : 0
        for (const [field, value] of group.named) if (cluster.fields.get(field)?.values.get(value)?.count) score += 2
        if (score > bestScore || (score === bestScore && best !== null && cluster.count > best.count)) {
          best = cluster
          bestScore = score
        }
      }
      if (best === null) {
        const signature = [...group.keys].sort().join(',')
        best = this.clusters.get(signature) ?? null
        if (best === null) {
          best = {
            signature, keys: group.keys, count: 0, bytes: 0, partial: 0, partialBytes: 0, complete: false, learned: 0,
            fields: new Map(), tracked: [], templates: 0, failedTemplates: 0, example: group.example,
          }
          this.clusters.set(signature, best)
        }
      }
      best.partial += group.count
      best.partialBytes += group.bytes
      for (const [field, value] of group.named) {
        let stats = best.fields.get(field)
        if (!stats) {
          stats = { values: new Map(), other: 0, capped: false }
          best.fields.set(field, stats)
        }
        countValue(stats, value, group.count)
      }
    }
    this.partials.clear()
  }

  /** The clusters, biggest first (by bytes, then partial bytes); the rest folded. */
  finish(bytesScanned: number, top: number, example: (raw: { text: string; offset: number; bytes: number }) => JsonCluster['example']): {
    clusters: JsonCluster[]
    distinctKeySets: number
    folded: Folded
  } {
    this.attributePartials()
    const all = [...this.clusters.values()].sort((a, b) => b.bytes - a.bytes || b.partialBytes - a.partialBytes)
    const folded: Folded = { clusters: this.folded.clusters + this.foldedKeySets.size, count: this.folded.count, bytes: this.folded.bytes }
    const clusters: JsonCluster[] = []
    for (const cluster of all) {
      if (clusters.length >= top) {
        folded.clusters++
        folded.count += cluster.count
        folded.bytes += cluster.bytes
        continue
      }
      clusters.push({
        keySignature: cluster.signature,
        keys: cluster.keys,
        count: cluster.count,
        bytes: cluster.bytes,
        meanBytes: cluster.count > 0 ? Math.round((cluster.bytes / cluster.count) * 10) / 10 : 0,
        share: bytesScanned > 0 ? cluster.bytes / bytesScanned : 0,
        partial: cluster.partial,
        partialBytes: cluster.partialBytes,
        complete: cluster.complete,
        discriminators: discriminators(cluster),
        example: cluster.example ? example(cluster.example) : null,
      })
    }
    return { clusters, distinctKeySets: this.clusters.size + this.foldedKeySets.size, folded }
  }
}

/** The fields of a cluster that look like discriminators, best first (at most 3). */
function discriminators(cluster: Cluster): Discriminator[] {
  const total = cluster.count + cluster.partial
  const out: (Discriminator & { strong: boolean })[] = []
  for (const [field, stats] of cluster.fields) {
    const distinct = stats.values.size
    const named = namedField(field)
    if (stats.capped || distinct === 0) continue
    // named: few values for the records seen; else: enough records to tell, and category-like values
    const fits = named
      ? distinct <= 32 && (total <= 3 || distinct <= total / 2)
      : total >= 20 && distinct >= 2 && distinct <= Math.min(32, total / 5) && categorical(stats)
    if (!fits) continue
    const values = [...stats.values.entries()]
      .map(([value, c]) => ({ value, count: c.count, partial: c.partial }))
      .sort((a, b) => b.count + b.partial - (a.count + a.partial))
    const listed = values.slice(0, 10)
    const otherCount = stats.other + values.slice(10).reduce((sum, v) => sum + v.count, 0)
    out.push({ field, named, distinct, values: listed, otherCount, strong: STRONG_NAME.test(field) })
  }
  out.sort((a, b) => Number(b.strong) - Number(a.strong) || Number(b.named) - Number(a.named) || a.distinct - b.distinct)
  return out.slice(0, 3).map(({ strong: _strong, ...d }) => d)
}

/** One discriminator per field name across clusters (named fields only), by records covered. */
export function mergeDiscriminators(clusters: JsonCluster[], top = 5): Discriminator[] {
  const byField = new Map<string, Map<string, { count: number; partial: number }>>()
  const other = new Map<string, number>()
  for (const cluster of clusters) {
    for (const d of cluster.discriminators) {
      if (!d.named) continue
      let values = byField.get(d.field)
      if (!values) byField.set(d.field, (values = new Map()))
      for (const v of d.values) {
        const entry = values.get(v.value) ?? { count: 0, partial: 0 }
        entry.count += v.count
        entry.partial += v.partial
        values.set(v.value, entry)
      }
      other.set(d.field, (other.get(d.field) ?? 0) + d.otherCount)
    }
  }
  const merged: Discriminator[] = [...byField.entries()].map(([field, values]) => {
    const list = [...values.entries()]
      .map(([value, c]) => ({ value, ...c }))
      .sort((a, b) => b.count + b.partial - (a.count + a.partial))
    return {
      field,
      named: true,
      distinct: list.length,
      values: list.slice(0, 10),
      otherCount: (other.get(field) ?? 0) + list.slice(10).reduce((sum, v) => sum + v.count, 0),
    }
  })
  const covered = (d: Discriminator): number => d.values.reduce((sum, v) => sum + v.count + v.partial, 0) + d.otherCount
  merged.sort((a, b) => Number(STRONG_NAME.test(b.field)) - Number(STRONG_NAME.test(a.field)) || covered(b) - covered(a))
  return merged.slice(0, top)
}
