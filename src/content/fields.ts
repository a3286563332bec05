/**
 * Discriminator fields: string fields whose few values tell kinds of records apart (`LogType`:
 * netflow, waf). Named ones (type, LogType, event, kind, level, severity...) are known by name;
 * others by their values (few, and category-like: not times, addresses, counters or ids).
 */
import type { Discriminator, JsonCluster } from '../../schemas/content.ts'

const MAX_VALUES = 64
const MAX_VALUE_LENGTH = 100

/** Fields whose name says they tell kinds of records apart. */
export const STRONG_NAME = /^(?:type|log_?type|record_?type|msg_?type|message_?type|event_?type|event|kind)$/i
const NAMED = /(?:type|kind|event|level|severity|category)$|^(?:action|topic|facility|class|status|source)$/i

export function namedField(field: string): boolean {
  return STRONG_NAME.test(field) || NAMED.test(field)
}

export interface ValueCount {
  count: number
  partial: number
}

export interface FieldStats {
  values: Map<string, ValueCount>
  other: number // records whose value was past the cap
  capped: boolean
}

export function newFieldStats(): FieldStats {
  return { values: new Map(), other: 0, capped: false }
}

export function countValue(stats: FieldStats, value: string, partial: number): void {
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
export function categorical(stats: FieldStats): boolean {
  for (const value of stats.values.keys()) if (value.length > 32 || /^[-+]?\d|\d{3}/.test(value)) return false
  return true
}

/**
 * Of the string fields seen while learning a cluster, the ones worth counting for every record:
 * named ones first, then those with few category-like values.
 */
export function chooseFields(fields: Map<string, FieldStats>, learned: number, max: number): string[] {
  return [...fields.entries()]
    .map(([field, stats]) => ({ field, stats, distinct: stats.values.size + (stats.capped ? MAX_VALUES : 0), named: namedField(field) }))
    .filter((f) => (f.named ? f.distinct <= learned / 2 : f.distinct >= 2 && f.distinct <= 8 && categorical(f.stats)))
    .sort(
      (a, b) =>
        Number(STRONG_NAME.test(b.field)) - Number(STRONG_NAME.test(a.field)) ||
        Number(b.named) - Number(a.named) ||
        a.distinct - b.distinct,
    )
    .slice(0, max)
    .map((f) => f.field)
}

/** The fields of a cluster (of `total` records) that look like discriminators, best first (at most 3). */
export function discriminators(fields: Map<string, FieldStats>, total: number): Discriminator[] {
  const out: (Discriminator & { strong: boolean })[] = []
  for (const [field, stats] of fields) {
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
    const list = [...values.entries()].map(([value, c]) => ({ value, ...c })).sort((a, b) => b.count + b.partial - (a.count + a.partial))
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
