// The report's four charts, each a pure function from the diagnosis to inline SVG (and its legend).

import type { Diagnosis, ProcessGrowth } from '../../schemas/diagnosis.ts'
import type { DumpContent } from '../../schemas/findings.ts'
import type { ProcessRegions } from '../../schemas/regions.ts'
import type { SafeHtml } from './escape.ts'
import { bytes, CLASS_LABEL, count, mib, percent, plural, signedMib } from './format.ts'
import { byteSplit, clusterRows, compared, gapRows, mainDiscriminator, regionClasses, regionTotal, topProcesses } from './model.ts'
import { type LegendItem, legend, type Row, rowsChart, type Segment } from './svg.ts'

export interface Chart {
  svg: SafeHtml
  legend: SafeHtml
}

/** Leaves the right quarter of a chart for the numbers written after the bars. */
const ROOM_FOR_NUMBERS = 0.72

// ---- (1) the gap, part by part ---------------------------------------------

/** A waterfall: each part of the gap starts where the one before it ended; the gap is the last bar. */
export function gapChart(d: Diagnosis, id = 'gap'): Chart | null {
  const gap = d.gap
  if (!gap) return null
  const parts = gapRows(d)
  const grownKib = d.processes
    .filter((p) => p.deltaKib > 0)
    .slice(0, 3)
    .reduce((a, p) => a + p.deltaKib, 0)
  const ends: number[] = [0, gap.kib, grownKib]
  let run = 0
  for (const p of parts) ends.push((run += p.kib))
  const lo = Math.min(...ends)
  const span = Math.max(...ends) - lo || 1
  const x = (kib: number) => (kib - lo) / span
  run = 0
  const rows: Row[] = parts.map((p) => {
    const from = run
    run += p.kib
    const tone = p.kib >= 0 ? 'grow' : 'shrink'
    const tip = `${p.label} ${signedMib(p.kib)}`
    return { kind: 'bar', label: p.label, value: signedMib(p.kib), lines: [{ segments: [{ from: x(from), to: x(run), tone, tip }] }] }
  })
  const total = `${signedMib(gap.kib)} by ${gap.basis}`
  rows.push({
    kind: 'bar',
    label: 'the gap',
    value: signedMib(gap.kib),
    more: ` by ${gap.basis}`,
    strong: true,
    lines: [{ segments: [{ from: x(0), to: x(gap.kib), tone: 'total', tip: `gap ${total}` }] }],
  })
  const grown = grownProcessesRow(d, x)
  if (grown) rows.push({ kind: 'head', text: 'Processes that grew most' }, grown)
  const desc = `The suspect uses ${signedMib(gap.kib)} more than the baseline (${gap.basis}): ${parts.map((p) => `${p.label} ${signedMib(p.kib)}`).join(', ') || 'no part is known'}.`
  const items: LegendItem[] = [
    { tone: 'grow', label: 'more on the suspect' },
    { tone: 'shrink', label: 'less on the suspect' },
    { tone: 'total', label: 'the gap' },
  ]
  return { svg: rowsChart({ id, title: 'The gap split into its parts', desc, rows, zero: x(0) }), legend: legend(items) }
}

const PROCESS_TONES = ['p1', 'p2', 'p3'] as const

/** The top growers side by side with the gap, on its scale: do they explain it? */
function grownProcessesRow(d: Diagnosis, x: (kib: number) => number): Row | null {
  const grown = d.processes.filter((p) => p.deltaKib > 0).slice(0, PROCESS_TONES.length)
  if (grown.length === 0 || !d.gap || d.gap.kib <= 0) return null
  let run = 0
  const segments = grown.map(
    (p, i): Segment => ({
      from: x(run),
      to: x((run += p.deltaKib)),
      tone: PROCESS_TONES[i] ?? 'p3',
      tip: `${p.name} ${signedMib(p.deltaKib)} (${p.metric.toUpperCase()})`,
    }),
  )
  const more = ` · ${percent(run / d.gap.kib)} of gap`
  return { kind: 'bar', label: grown.map((p) => p.name).join(' + '), value: signedMib(run), more, lines: [{ segments }] }
}

// ---- (2) processes, baseline versus suspect ----------------------------------

function processLabel(p: ProcessGrowth, both: boolean): string {
  const instances = Math.max(p.instances.baseline, p.instances.suspect)
  const many = instances > 1 ? ` ×${instances}` : ''
  // Without a baseline every process is "suspect-only": that says nothing.
  const presence = !both ? '' : p.presence === 'suspect-only' ? ' (new)' : p.presence === 'baseline-only' ? ' (gone)' : ''
  return `${p.name}${many}${presence}`
}

function shareOfGap(p: ProcessGrowth): string | undefined {
  return p.shareOfGap !== null && p.shareOfGap > 0 ? ` · ${percent(p.shareOfGap)} of gap` : undefined
}

/** Two bars a process when there is a baseline, one (its size) when the suspect stands alone. */
export function processChart(d: Diagnosis, id = 'processes', limit = 8): Chart | null {
  const top = topProcesses(d, limit)
  if (top.length === 0) return null
  const both = compared(d)
  const max = Math.max(1, ...top.map((p) => Math.max(p.baselineKib, p.suspectKib)))
  const x = (kib: number) => (kib / max) * ROOM_FOR_NUMBERS
  const bar = (kib: number, tone: 'baseline' | 'suspect', side: string): Segment => ({
    from: 0,
    to: x(kib),
    tone,
    tip: `${side} ${mib(kib)}`,
  })
  const rows: Row[] = top.map((p) => ({
    kind: 'bar',
    label: processLabel(p, both),
    value: both ? signedMib(p.deltaKib) : mib(p.suspectKib),
    more: both ? shareOfGap(p) : undefined,
    lines: both
      ? [
          { segments: [bar(p.baselineKib, 'baseline', 'baseline')], after: mib(p.baselineKib) },
          { segments: [bar(p.suspectKib, 'suspect', 'suspect')], after: mib(p.suspectKib) },
        ]
      : [{ segments: [bar(p.suspectKib, 'suspect', 'size')] }],
  }))
  const metric = [...new Set(top.map((p) => p.metric.toUpperCase()))].join('/')
  const title = both ? `Per-process memory (${metric}), baseline vs suspect` : `Largest processes (${metric})`
  const desc = top
    .map((p) => `${p.name}: ${both ? `${mib(p.baselineKib)} to ${mib(p.suspectKib)}, ${signedMib(p.deltaKib)}` : mib(p.suspectKib)}`)
    .join('; ')
  const items: LegendItem[] = both
    ? [
        { tone: 'baseline', label: 'baseline' },
        { tone: 'suspect', label: 'suspect' },
      ]
    : [{ tone: 'suspect', label: 'size on the suspect' }]
  return { svg: rowsChart({ id, title, desc, rows }), legend: legend(items) }
}

// ---- (3) regions by class, per process -----------------------------------

/** Arenas are counted because a queue in a threaded producer shows up as more 64 MiB arenas. */
function regionLabel(r: ProcessRegions, growth: boolean): string {
  const now = r.suspect?.arenas ?? 0
  const before = r.baseline?.arenas
  if (now === 0 && !before) return r.process
  const arenas = `${now} ${now === 1 ? 'arena' : 'arenas'}`
  return growth && before !== undefined && before !== now ? `${r.process} · ${before} → ${arenas}` : `${r.process} · ${arenas}`
}

function regionValue(r: ProcessRegions, growth: boolean): string {
  const total = regionTotal(r, growth)
  if (total === null) return 'not on both sides'
  if (total === 0) return growth ? 'no growth' : 'none'
  return growth ? signedMib(total) : mib(total)
}

function regionWhere(r: ProcessRegions): string | undefined {
  return r.concentratedIn ? ` · mostly ${CLASS_LABEL[r.concentratedIn]}` : undefined
}

/** Stacked bars of dirty anonymous memory by class: growth goes right of zero, shrinkage left. */
export function regionChart(d: Diagnosis, id = 'regions'): Chart | null {
  if (d.regions.length === 0) return null
  const growth = compared(d)
  const split = d.regions.map((r) => regionClasses(r, growth))
  const sum = (sign: 1 | -1) =>
    Math.max(0, ...split.map((cs) => cs.reduce((a, c) => a + (Math.sign(c.kib) === sign ? Math.abs(c.kib) : 0), 0)))
  const pos = sum(1)
  const neg = sum(-1)
  const span = pos + neg || 1
  const zero = neg / span
  const rows: Row[] = d.regions.map((r, i) => {
    let right = zero
    let left = zero
    const segments = (split[i] ?? []).map((c): Segment => {
      const w = Math.abs(c.kib) / span
      const tip = `${CLASS_LABEL[c.cls]} ${growth ? signedMib(c.kib) : mib(c.kib)}`
      if (c.kib >= 0) return { from: right, to: (right += w), tone: c.cls, tip }
      return { from: (left -= w), to: left + w, tone: c.cls, tip }
    })
    return { kind: 'bar', label: regionLabel(r, growth), value: regionValue(r, growth), more: regionWhere(r), lines: [{ segments }] }
  })
  const present = new Set(split.flat().map((c) => c.cls))
  const items = [...present].map((cls) => ({ tone: cls, label: CLASS_LABEL[cls] }))
  const title = growth ? 'Growth of dirty anonymous memory by region class' : 'Dirty anonymous memory by region class'
  const desc = d.regions.map((r) => `${r.process}: ${regionValue(r, growth)}${regionWhere(r) ?? ''}`).join('; ')
  return { svg: rowsChart({ id, title, desc, rows, zero: neg > 0 ? zero : undefined }), legend: legend(items) }
}

// ---- (4) what a dump holds ------------------------------------------------

function bytesRow(c: DumpContent): Row {
  const s = c.scan
  const total = s.bytesScanned || 1
  let at = 0
  const segments = byteSplit(s).map(
    (p): Segment => ({
      from: at,
      to: (at += p.bytes / total),
      tone: p.kind,
      tip: `${p.label} ${bytes(p.bytes)} (${percent(p.bytes / total)})`,
    }),
  )
  return {
    kind: 'bar',
    label: 'bytes scanned',
    value: `${percent(s.recordShare)} records`,
    more: ` of ${bytes(s.bytesScanned)}`,
    lines: [{ segments }],
  }
}

/** Clusters under half a percent of the bytes are noise next to a queue: they fold into one row. */
const NOTABLE_SHARE = 0.005

function clusterSection(c: DumpContent): Row[] {
  const all = clusterRows(c.scan, 50)
  if (all.length === 0) return []
  const notable = all.filter((r) => r.share + r.partialShare >= NOTABLE_SHARE)
  const clusters = (notable.length > 0 ? notable : all).slice(0, 4)
  const rest = all.slice(clusters.length)
  const rows: Row[] = clusters.map((r) => {
    const cut = r.partial > 0 ? ` + ${count(r.partial)} cut short` : ''
    const value = r.count > 0 ? `${count(r.count)} × ${bytes(r.meanBytes)}` : `${count(r.partial)} cut short`
    const more = r.count > 0 ? `${cut} · ${percent(r.share)}` : undefined
    const segments: Segment[] = [{ from: 0, to: r.share, tone: r.kind, tip: `${r.label}: ${percent(r.share)} of the bytes` }]
    if (r.partialShare > 0) {
      segments.push({
        from: r.share,
        to: r.share + r.partialShare,
        tone: 'partial',
        tip: `${r.label} cut short: ${percent(r.partialShare)} of the bytes`,
      })
    }
    return { kind: 'bar', label: r.label, value, more, lines: [{ segments: r.share > 0 ? segments : segments.slice(1) }] }
  })
  if (rest.length > 0) {
    const share = rest.reduce((a, r) => a + r.share, 0)
    const n = rest.reduce((a, r) => a + r.count, 0)
    const label = `${rest.length} other ${rest.length === 1 ? 'kind' : 'kinds'}`
    rows.push({
      kind: 'bar',
      label,
      value: plural(n, 'record'),
      more: ` · ${percent(share)}`,
      lines: [{ segments: [{ from: 0, to: share, tone: 'other', tip: `${label}: ${percent(share)} of the bytes` }] }],
    })
  }
  return [{ kind: 'head', text: 'Record kinds, share of bytes' }, ...rows]
}

function discriminatorSection(c: DumpContent, limit = 6): Row[] {
  const disc = mainDiscriminator(c.scan)
  if (!disc || disc.values.length < 2) return []
  const values = disc.values.slice(0, limit).map((v) => ({ label: v.value, n: v.count + v.partial, partial: v.partial }))
  if (disc.otherCount > 0) values.push({ label: 'other values', n: disc.otherCount, partial: 0 })
  const max = Math.max(1, ...values.map((v) => v.n))
  const rows: Row[] = values.map((v) => ({
    kind: 'bar',
    label: v.label,
    value: plural(v.n, 'record'),
    more: v.partial > 0 ? ` (${count(v.partial)} cut short)` : undefined,
    lines: [{ segments: [{ from: 0, to: v.n / max, tone: 'value', tip: `${disc.field}=${v.label}: ${count(v.n)}` }] }],
  }))
  return [{ kind: 'head', text: `Records by ${disc.field}` }, ...rows]
}

/** One dump: what its bytes are, the kinds of records that fill it, and their discriminator values. */
export function dumpChart(c: DumpContent, id: string): Chart {
  const rows = [bytesRow(c), ...clusterSection(c), ...discriminatorSection(c)]
  const desc = `${c.file}: ${percent(c.scan.recordShare)} of ${bytes(c.scan.bytesScanned)} are records; ${clusterRows(c.scan)
    .map((r) => `${r.label} ${count(r.count)} records, ${percent(r.share)}`)
    .join('; ')}`
  const labels: Record<string, string> = {
    json: 'JSON records',
    text: 'text records',
    partial: 'cut short',
    fragments: 'pieces of records',
    other: 'other bytes',
  }
  const items = byteSplit(c.scan).map((p) => ({ tone: p.kind, label: labels[p.kind] ?? p.kind }))
  return { svg: rowsChart({ id, title: `What ${c.process ?? 'the dump'} holds`, desc, rows }), legend: legend(items) }
}
