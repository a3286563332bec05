// What every renderer shows, derived once from a Diagnosis: the same rows in Markdown, text and HTML.

import type { DumpScan, JsonCluster, TextCluster } from '../../schemas/content.ts'
import type { Diagnosis, ProcessGrowth } from '../../schemas/diagnosis.ts'
import type { DumpContent } from '../../schemas/findings.ts'
import { ANON_CLASSES, type ProcessRegions } from '../../schemas/regions.ts'
import { sideNames } from '../analysis/sides.ts'
import type { GapPart } from './format.ts'
import { mib, PART_LABEL, RECLAIMABLE_LABEL, signedMib, truncate } from './format.ts'

export interface Hosts {
  suspect: string
  baseline: string | null
}

/** Host names, falling back to a short bundle id when a manifest gave none. */
export function hosts(d: Diagnosis): Hosts {
  const name = (ref: { bundleId: string; host: string | null }) => ref.host ?? `bundle ${ref.bundleId.slice(0, 12)}`
  if (!d.baseline) return { suspect: name(d.suspect), baseline: null }
  // One host before and after: the sides are named by time.
  const fallback = { baseline: name(d.baseline), suspect: name(d.suspect) }
  const c = d.context
  const at = (ref: { host: string | null }, x: { collectedAt: string | null } | null | undefined) => ({
    host: ref.host,
    collectedAt: x?.collectedAt ?? null,
  })
  return sideNames(at(d.baseline, c?.baseline), at(d.suspect, c?.suspect), fallback)
}

/** What each bundle says of itself (manifest and metadata): one line a side, plain text. */
export function contextLines(d: Diagnosis): string[] {
  const c = d.context
  if (!c) return []
  const sides = [
    ['baseline', c.baseline],
    ['suspect', c.suspect],
  ] as const
  return sides.flatMap(([side, x]) => {
    if (!x) return []
    const parts = [
      x.host,
      x.role && x.role !== side ? `declared ${x.role}` : null,
      x.collectedAt && `collected ${x.collectedAt}`,
      x.firmware && `firmware ${x.firmware}`,
      x.kernel && `kernel ${x.kernel}`,
      x.notes && `notes: ${truncate(x.notes, 300)}`,
    ].filter((p): p is string => Boolean(p))
    return parts.length ? [`${side}: ${parts.join(', ')}`] : []
  })
}

/** "host-a vs host-b", or the one host of a lone bundle. */
export function title(d: Diagnosis): string {
  const h = hosts(d)
  return h.baseline ? `${h.suspect} vs ${h.baseline}` : `${h.suspect} (one bundle)`
}

export interface GapRow {
  part: GapPart
  label: string
  kib: number
}

const PART_ORDER: GapPart[] = ['anon', 'file', 'shmem', 'slab', 'kernelStack', 'pageTables', 'hugePages', 'keptBack', 'memTotal', 'other']

/** The parts of the gap that moved, in meminfo's order; zero parts say nothing and are left out. */
export function gapRows(d: Diagnosis): GapRow[] {
  if (!d.gap) return []
  const breakdown = d.gap.breakdown
  return PART_ORDER.flatMap((part) => {
    const kib = breakdown[part]
    return kib === undefined || kib === 0 ? [] : [{ part, label: PART_LABEL[part], kib }]
  })
}

/**
 * What grew that the basis counts as available, in one sentence, apart from the gap's parts so
 * that those still add up to the gap; null when the basis counts nothing so (or nothing moved).
 */
export function reclaimableNote(d: Diagnosis): string | null {
  const r = d.gap?.reclaimable
  if (!r || r.kib === 0) return null
  const parts = (['file', 'slab'] as const).flatMap((k) => (r[k] ? [`${RECLAIMABLE_LABEL[k]} ${signedMib(r[k])}`] : []))
  const held = d.gap?.breakdown.keptBack ? ` (the kernel holds back ${mib(d.gap.breakdown.keptBack)} of it: "cache held back" above)` : ''
  return `Counted as available by ${d.gap!.basis}, so not in the gap: ${parts.join(', ')}${held}.`
}

/** The processes worth a row: growth first (the engine's order), at most `limit`. */
export function topProcesses(d: Diagnosis, limit = 8): ProcessGrowth[] {
  return d.processes.slice(0, limit)
}

/** Whether there is a second bundle to grow from: one bundle shows sizes, not growth. */
export function compared(d: Diagnosis): boolean {
  return d.baseline !== null
}

export type AnonClass = (typeof ANON_CLASSES)[number]

export interface ClassShare {
  cls: AnonClass
  kib: number
}

/** Dirty anonymous KiB by class: growth with two bundles, the suspect's own sizes with one. */
export function regionClasses(r: ProcessRegions, growth: boolean): ClassShare[] {
  const source = growth ? r.deltaByClass : (r.suspect?.byClass ?? {})
  return ANON_CLASSES.flatMap((cls) => {
    const kib = source[cls]
    return kib === undefined || kib === 0 ? [] : [{ cls, kib }]
  })
}

/** Largest first, for lists that may be cut short. */
export function bySize(classes: ClassShare[]): ClassShare[] {
  return [...classes].sort((a, b) => Math.abs(b.kib) - Math.abs(a.kib))
}

/** The number a region row stands for: its growth, or with one bundle its dirty anonymous size. */
export function regionTotal(r: ProcessRegions, growth: boolean): number | null {
  return growth ? r.deltaDirtyAnonKib : (r.suspect?.dirtyAnonKib ?? null)
}

/**
 * The dumps worth showing: a hexdump and a binary dump of one region say the same, so one region
 * keeps its largest scan; the fullest of records first, which puts a suspect's grown arena next to
 * the baseline's.
 */
export function mainDumps(d: Diagnosis, limit = 4): DumpContent[] {
  const byRegion = new Map<string, DumpContent>()
  for (const c of d.content) {
    const key = `${c.bundle}|${c.process ?? c.file}|${c.scan.target?.start ?? c.file}`
    const kept = byRegion.get(key)
    if (!kept || c.scan.bytesScanned > kept.scan.bytesScanned) byRegion.set(key, c)
  }
  const side = (c: DumpContent) => (c.bundle === 'suspect' ? 0 : 1)
  return [...byRegion.values()].sort((a, b) => b.scan.bytesInRecords - a.scan.bytesInRecords || side(a) - side(b)).slice(0, limit)
}

export type ByteKind = 'json' | 'text' | 'partial' | 'fragments' | 'other'

export interface ByteSplit {
  kind: ByteKind
  label: string
  bytes: number
}

/** What the scanned bytes are, adding up to bytesScanned. */
export function byteSplit(scan: DumpScan): ByteSplit[] {
  const rest = Math.max(0, scan.bytesOther - scan.bytesInPartialRecords - scan.bytesFragments)
  const parts: ByteSplit[] = [
    { kind: 'json', label: 'JSON records', bytes: scan.bytesInJsonRecords },
    { kind: 'text', label: 'text records', bytes: scan.bytesInTextRecords },
    { kind: 'partial', label: 'records cut short', bytes: scan.bytesInPartialRecords },
    { kind: 'fragments', label: 'pieces of records', bytes: scan.bytesFragments },
    { kind: 'other', label: 'other bytes', bytes: rest },
  ]
  return parts.filter((p) => p.bytes > 0)
}

export interface ClusterRow {
  kind: 'json' | 'text'
  label: string
  count: number
  partial: number
  bytes: number
  meanBytes: number
  share: number
  /** Share of the bytes in records of this kind that were cut short (not in `share`). */
  partialShare: number
}

/** A JSON cluster by what tells it apart: `LogType=waf` reads better than 19 keys. */
export function jsonClusterLabel(c: JsonCluster): string {
  const single = c.discriminators.find((x) => x.named && x.distinct === 1 && x.values.length === 1)
  if (single?.values[0]) return `${single.field}=${single.values[0].value}`
  const keys = c.keys.slice(0, 3).join(', ')
  return `{${keys}${c.keys.length > 3 ? ', …' : ''}}`
}

function textClusterLabel(c: TextCluster): string {
  return `${c.kind}: ${truncate(c.shape, 40)}`
}

/** Record clusters by share of the bytes: JSON first (it is what queues hold), then text records. */
export function clusterRows(scan: DumpScan, limit = 6): ClusterRow[] {
  const json = scan.json.clusters.map(
    (c): ClusterRow => ({
      kind: 'json',
      label: jsonClusterLabel(c),
      count: c.count,
      partial: c.partial,
      bytes: c.bytes,
      meanBytes: c.meanBytes,
      share: c.share,
      partialShare: scan.bytesScanned > 0 ? c.partialBytes / scan.bytesScanned : 0,
    }),
  )
  const text = scan.text.clusters
    .filter((c) => c.record)
    .map(
      (c): ClusterRow => ({
        kind: 'text',
        label: textClusterLabel(c),
        count: c.count,
        partial: 0,
        bytes: c.bytes,
        meanBytes: c.meanBytes,
        share: c.share,
        partialShare: 0,
      }),
    )
  return [...json, ...text]
    .filter((r) => r.count + r.partial > 0)
    .sort((a, b) => b.bytes - a.bytes || b.partial - a.partial)
    .slice(0, limit)
}

/** The field that best tells records apart: a named one (LogType) before one guessed from values. */
export function mainDiscriminator(scan: DumpScan): DumpScan['discriminators'][number] | null {
  return scan.discriminators.find((x) => x.named && x.distinct > 1) ?? scan.discriminators[0] ?? null
}

/** A dump as a person names it: process, class and address of the region, and the file. */
export function dumpTitle(c: DumpContent): string {
  const who = c.process ?? c.scan.target?.name ?? (c.pid !== null ? `pid ${c.pid}` : 'unknown process')
  const where = c.scan.target ? ` ${c.scan.target.start}` : ''
  return `${who}: ${c.regionClass ?? 'region'}${where} (${c.bundle})`
}
