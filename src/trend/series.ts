import type { ParsedBundle, ProcessSample } from '../../schemas/bundle.ts'
import type { Metric } from '../../schemas/diagnosis.ts'
import type { SeriesPoint } from '../../schemas/trend.ts'
import type { Warning } from '../../schemas/warning.ts'
import { byProgram, commonMetric, total } from '../analysis/processes.ts'
import type { ProgramPoint } from './shape.ts'

// The bundles of one host in time order, and each program's memory across them. Programs are
// matched by the diagnosis' own grouping (src/analysis/processes.ts: same name, instances
// summed), on the best metric that every snapshot holding the program carries.

/** A bundle and when it was collected; `timeSource` says whether the time is the manifest's. */
export interface Snapshot {
  bundle: ParsedBundle
  at: string
  timeSource: SeriesPoint['timeSource']
}

export interface ProgramSeries {
  name: string
  metric: Metric
  points: ProgramPoint[]
}

/** Oldest first; one snapshot per bundle id; unreadable times are dropped with a warning. */
export function orderSnapshots(snapshots: Snapshot[], warnings: Warning[]): Snapshot[] {
  const seen = new Set<string>()
  const kept: Snapshot[] = []
  for (const s of snapshots) {
    if (Number.isNaN(Date.parse(s.at))) {
      warnings.push({
        code: 'trend_bad_time',
        message: `bundle ${s.bundle.id.slice(0, 12)}: its time ${JSON.stringify(s.at.slice(0, 64))} is not a date, so it is left out`,
      })
    } else if (seen.has(s.bundle.id)) {
      warnings.push({ code: 'trend_duplicate_bundle', message: `bundle ${s.bundle.id.slice(0, 12)} was given twice; it counts once` })
    } else {
      seen.add(s.bundle.id)
      kept.push(s)
    }
  }
  kept.sort((a, b) => Date.parse(a.at) - Date.parse(b.at))
  for (let i = 1; i < kept.length; i++) {
    if (kept[i]!.at === kept[i - 1]!.at) {
      warnings.push({
        code: 'trend_same_time',
        message: `two bundles say they were collected at ${kept[i]!.at}: the fit treats them as two samples of one moment`,
      })
    }
  }
  return kept
}

export function programSeries(snapshots: Snapshot[]): ProgramSeries[] {
  // One pass over the snapshots: each program's samples, by snapshot index.
  const present = new Map<string, { samples: ProcessSample[]; snapshot: number }[]>()
  snapshots.forEach((s, snapshot) => {
    for (const [name, samples] of byProgram(s.bundle.processes)) {
      const list = present.get(name) ?? []
      list.push({ samples, snapshot })
      present.set(name, list)
    }
  })
  const times = snapshots.map((s) => Date.parse(s.at))
  const series: ProgramSeries[] = []
  for (const [name, seen] of present) {
    const metric = commonMetric(seen.flatMap((x) => x.samples))
    if (!metric) continue // e.g. busybox ps: no size to follow
    series.push({
      name,
      metric,
      points: seen.map((x) => ({
        t: times[x.snapshot]!,
        snapshot: x.snapshot,
        kib: total(x.samples, metric),
        pids: x.samples
          .map((s) => s.pid)
          .filter((pid): pid is number => pid !== null)
          .sort((a, b) => a - b),
      })),
    })
  }
  return series
}

/** The series as the output carries it: times, the host's figures, each program's KiB. */
export function seriesPoints(snapshots: Snapshot[], programs: ProgramSeries[]): SeriesPoint[] {
  // Each program's points by snapshot index: a month of hourly bundles with hundreds of programs
  // stays linear.
  const bySnapshot = programs.map((p) => ({ name: p.name, points: new Map(p.points.map((x) => [x.snapshot, x.kib])) }))
  return snapshots.map((s, index) => {
    const values: Record<string, number> = {}
    for (const p of bySnapshot) {
      const kib = p.points.get(index)
      if (kib !== undefined) values[p.name] = kib
    }
    const fields = s.bundle.meminfo?.fields
    return {
      at: new Date(Date.parse(s.at)).toISOString(),
      timeSource: s.timeSource,
      bundleId: s.bundle.id,
      memAvailableKib: fields?.MemAvailable ?? null,
      memTotalKib: fields?.MemTotal ?? null,
      programs: values,
    }
  })
}
