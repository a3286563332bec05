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
import type { Folded, JsonCluster } from '../../schemas/content.ts'
import { chooseFields, countValue, discriminators, type FieldStats, namedField, newFieldStats } from './fields.ts'
import { keepTop } from './fold.ts'
import { hash, leadingPairs, templateRegex, unescapeString } from './grammar.ts'

export const MAX_RECORD = 64 * 1024
/** Records of a cluster read by JSON.parse before its template is built and its fields chosen. */
const LEARN = 24
const MAX_CLUSTERS = 256
const MAX_TEMPLATES = 32
const TEMPLATES_PER_CLUSTER = 4
const TEMPLATE_TRIES = 6
const MAX_TRACKED = 6
const MAX_FIELDS_LEARNED = 64
const MAX_PARTIAL_GROUPS = 256
/** Clusters are kept for records of at most MAX_KEYS keys of at most MAX_KEY_LENGTH characters (memory). */
const MAX_KEYS = 200
const MAX_KEY_LENGTH = 128
const EXAMPLE_RAW = 2048

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

interface Template {
  re: RegExp
  cluster: Cluster
  fields: string[]
  order: string
}

interface PartialGroup {
  keys: string[]
  named: [string, string][] // named fields' values: part of the group's identity
  count: number
  bytes: number
  example: { text: string; offset: number; bytes: number }
}

export class JsonRecords {
  private clusters = new Map<string, Cluster>()
  private templates: Template[] = []
  private partials = new Map<string, PartialGroup>()
  folded: Folded = { clusters: 0, count: 0, bytes: 0 }
  private foldedKeySets = new Set<number>() // hashes: the key sets themselves could be big
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
        if (stats.capped)
          stats.other++ // too many values to be a discriminator: stop counting them
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
    const keepable = keys.length <= MAX_KEYS && keys.every((key) => key.length <= MAX_KEY_LENGTH)
    const signature = keepable ? [...keys].sort().join(',') : ''
    let cluster = keepable ? this.clusters.get(signature) : undefined
    if (!cluster) {
      if (!keepable || this.clusters.size >= MAX_CLUSTERS) {
        this.folded.count++
        this.folded.bytes += end - i
        if (this.foldedKeySets.size < 100_000 && keepable) this.foldedKeySets.add(hash(signature))
        this.records++
        this.bytes += end - i
        return true
      }
      cluster = {
        signature,
        keys,
        count: 0,
        bytes: 0,
        partial: 0,
        partialBytes: 0,
        complete: true,
        learned: 0,
        fields: new Map(),
        tracked: null,
        templates: 0,
        failedTemplates: 0,
        example: null,
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
          stats = newFieldStats()
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

  /** After LEARN records: the fields to count from now on; the others are forgotten. */
  private chooseFields(cluster: Cluster): void {
    const tracked = chooseFields(cluster.fields, cluster.learned, MAX_TRACKED)
    cluster.tracked = tracked
    for (const field of [...cluster.fields.keys()]) if (!tracked.includes(field)) cluster.fields.delete(field)
  }

  private maybeTemplate(cluster: Cluster, keys: string[], object: Record<string, unknown>, t: string, i: number, end: number): void {
    if (cluster.templates >= TEMPLATES_PER_CLUSTER || cluster.failedTemplates >= 4 || this.templates.length >= MAX_TEMPLATES) return
    if (keys.length > MAX_KEYS) return
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
    // a record printed compactly (as JSON.stringify does) gets a template without whitespace
    const compact = JSON.stringify(object).length === end - i
    const { re, fields } = templateRegex(keys, new Set(cluster.tracked), compact)
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
    const pairs = leadingPairs(t, i, MAX_KEYS)
    if (pairs.some(([key]) => key.length > MAX_KEY_LENGTH)) return false
    const keys = pairs.map(([key]) => key)
    const named: [string, string][] = []
    for (const [key, value] of pairs) if (value !== null && namedField(key)) named.push([key, value])
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
            signature,
            keys: group.keys,
            count: 0,
            bytes: 0,
            partial: 0,
            partialBytes: 0,
            complete: false,
            learned: 0,
            fields: new Map(),
            tracked: [],
            templates: 0,
            failedTemplates: 0,
            example: group.example,
          }
          this.clusters.set(signature, best)
        }
      }
      best.partial += group.count
      best.partialBytes += group.bytes
      for (const [field, value] of group.named) {
        let stats = best.fields.get(field)
        if (!stats) {
          stats = newFieldStats()
          best.fields.set(field, stats)
        }
        countValue(stats, value, group.count)
      }
    }
    this.partials.clear()
  }

  /** The clusters, biggest first (by bytes, then partial bytes); the rest folded. */
  finish(
    bytesScanned: number,
    top: number,
    example: (raw: { text: string; offset: number; bytes: number }) => JsonCluster['example'],
  ): {
    clusters: JsonCluster[]
    distinctKeySets: number
    folded: Folded
  } {
    this.attributePartials()
    const all = [...this.clusters.values()].sort((a, b) => b.bytes - a.bytes || b.partialBytes - a.partialBytes)
    const folded: Folded = { clusters: this.folded.clusters + this.foldedKeySets.size, count: this.folded.count, bytes: this.folded.bytes }
    const clusters = keepTop(
      all,
      top,
      folded,
      (cluster): JsonCluster => ({
        keySignature: cluster.signature,
        keys: cluster.keys,
        count: cluster.count,
        bytes: cluster.bytes,
        meanBytes: cluster.count > 0 ? Math.round((cluster.bytes / cluster.count) * 10) / 10 : 0,
        share: bytesScanned > 0 ? cluster.bytes / bytesScanned : 0,
        partial: cluster.partial,
        partialBytes: cluster.partialBytes,
        complete: cluster.complete,
        discriminators: discriminators(cluster.fields, cluster.count + cluster.partial),
        example: cluster.example ? example(cluster.example) : null,
      }),
    )
    return { clusters, distinctKeySets: this.clusters.size + this.foldedKeySets.size, folded }
  }
}
