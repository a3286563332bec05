import type { Finding } from '../../schemas/findings.ts'
import type { HostTrend, ProgramTrend, Trend } from '../../schemas/trend.ts'
import type { Warning } from '../../schemas/warning.ts'
import { type Point, project, valueAt } from './fit.ts'
import { CONFIDENCE, MIN_SAMPLES, MIN_SPAN_HOURS } from './limits.ts'
import { orderSnapshots, type ProgramSeries, programSeries, type Snapshot, seriesPoints } from './series.ts'
import { describeRestart, restartsOf, shapeOf } from './shape.ts'
import { steadyGrowth } from './steady-growth.ts'
import { writeTrendSummary } from './summary.ts'

// One host over time: pure and runtime-free, so the CLI (`memgap trend`) and the HTTP routes
// (a host's timeline) are thin calls into it. The caller resolves each bundle's time.

export interface TrendOptions {
  /** Project MemAvailable down to this (KiB) rather than to zero. */
  floorKib?: number
  /**
   * Findings of a diagnosis of two of these bundles (the CLI: the first against the latest): a
   * steady-growth finding links to the queue or heap finding about the same program.
   */
  pairFindings?: Finding[]
}

export type { Snapshot } from './series.ts'

export function analyseTrend(input: Snapshot[], options: TrendOptions = {}): Trend {
  const warnings: Warning[] = []
  const floorKib = Math.max(0, Math.round(options.floorKib ?? 0))
  const snapshots = orderSnapshots(input, warnings)
  const hosts = [...new Set(snapshots.map((s) => s.bundle.host).filter((h): h is string => h !== null))]
  if (hosts.length > 1) {
    warnings.push({
      code: 'trend_several_hosts',
      message: `the bundles name ${hosts.length} hosts (${hosts.slice(0, 3).join(', ')}): a trend mixes them as one`,
    })
  }
  const fileTimes = snapshots.filter((s) => s.timeSource === 'file-time').length
  if (fileTimes > 0) {
    warnings.push({
      code: 'trend_time_from_file',
      message: `${fileTimes} bundle(s) carry no collectedAt in their manifest: their file times were used, which a copy can change`,
    })
  }
  const programs = programSeries(snapshots)
  const last = snapshots.at(-1)
  const now = last ? Date.parse(last.at) : 0
  const memory = hostTrend(snapshots, floorKib, now)
  const latestAvailable = last?.bundle.meminfo?.fields.MemAvailable ?? null
  const trends = programs
    .map((p) => programTrend(p, latestAvailable, floorKib, now, snapshots.length))
    .map((p) => ({ ...p, shareOfLoss: shareOfLoss(p, memory) }))
    .sort(byConcern)
  const findings = trends.flatMap((p) => steadyGrowth(p, programs.find((s) => s.name === p.name)!, snapshots, options.pairFindings ?? []))
  const trend: Omit<Trend, 'summary'> = {
    host: hosts[0] ?? null,
    from: snapshots[0]?.at ?? null,
    to: last?.at ?? null,
    series: seriesPoints(snapshots, programs),
    memory,
    programs: trends,
    findings,
    limits: { minSamples: MIN_SAMPLES, minSpanHours: MIN_SPAN_HOURS, floorKib, confidence: CONFIDENCE },
    warnings,
  }
  return { ...trend, summary: writeTrendSummary(trend) }
}

/** The host's MemAvailable (else MemFree): falling toward the floor, or not. */
function hostTrend(snapshots: Snapshot[], floorKib: number, now: number): HostTrend | null {
  for (const basis of ['MemAvailable', 'MemFree'] as const) {
    const points: Point[] = snapshots.flatMap((s) => {
      const kib = s.bundle.meminfo?.fields[basis]
      return kib === undefined ? [] : [{ t: Date.parse(s.at), kib }]
    })
    if (points.length === 0) continue
    const shaped = shapeOf(points, { sawTooth: false })
    const fit = shaped.fit
    const projection =
      shaped.shape === 'falling' && fit
        ? project(valueAt(fit, now), floorKib, { line: fit.rateKibPerHour, fast: fit.rateLowKibPerHour, slow: fit.rateHighKibPerHour }, now)
        : null
    return { basis, ...shaped, projection }
  }
  return null
}

function programTrend(
  series: ProgramSeries,
  availableKib: number | null,
  floorKib: number,
  now: number,
  snapshots: number,
): Omit<ProgramTrend, 'shareOfLoss'> {
  const points = series.points
  const breaks = restartsOf(points)
  const start = breaks.at(-1) ?? 0
  const shaped = shapeOf(points.slice(start), { sawTooth: true })
  const fit = shaped.fit
  const grows = shaped.shape === 'growing' || shaped.shape === 'saw-tooth'
  // Its rate alone against what the host has left: MemAvailable falls as fast as it grows.
  const projection =
    grows && fit && availableKib !== null
      ? project(availableKib, floorKib, { line: -fit.rateKibPerHour, fast: -fit.rateHighKibPerHour, slow: -fit.rateLowKibPerHour }, now)
      : null
  let why = shaped.why
  if (points.length < snapshots) why += `; present in ${points.length} of ${snapshots} snapshots`
  if (breaks.length > 0)
    why += `; restarted ${breaks.length === 1 ? 'once' : `${breaks.length} times`}, only the samples since the last restart are fitted`
  return {
    name: series.name,
    metric: series.metric,
    samples: points.length,
    pids: points.at(-1)!.pids,
    latestKib: Math.round(points.at(-1)!.kib),
    ...shaped,
    why,
    restarts: breaks.map((i) => describeRestart(points[i - 1]!, points[i]!)),
    projection,
  }
}

/** A growing program's share of the host's loss rate, when the host's memory is falling. */
function shareOfLoss(p: Omit<ProgramTrend, 'shareOfLoss'>, memory: HostTrend | null): number | null {
  if (!memory?.fit || memory.shape !== 'falling' || !p.fit) return null
  if (p.shape !== 'growing' && p.shape !== 'saw-tooth') return null
  return Math.round((p.fit.rateKibPerHour / -memory.fit.rateKibPerHour) * 1000) / 1000
}

/** Growing programs first, fastest first; then the rest by size. */
function byConcern(a: ProgramTrend, b: ProgramTrend): number {
  const rate = (p: ProgramTrend) => (p.shape === 'growing' || p.shape === 'saw-tooth' ? (p.fit?.rateKibPerHour ?? 0) : -1)
  return rate(b) - rate(a) || b.latestKib - a.latestKib || a.name.localeCompare(b.name)
}
