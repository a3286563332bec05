import type { ProcessSample } from '../../schemas/bundle.ts'
import type { Metric, ProcessGrowth } from '../../schemas/diagnosis.ts'

// Step 2 of the method: the same program on both sides, instances summed, ranked by growth.
// The metric is the best one every instance on both sides has: PSS counts shared pages once,
// RSS is what every ps prints, anon is the last resort (status or smaps_rollup without RSS).

const METRICS: Metric[] = ['pss', 'rss', 'anon']

function valueOf(sample: ProcessSample, metric: Metric): number | null {
  return metric === 'pss' ? sample.pssKib : metric === 'rss' ? sample.rssKib : sample.anonKib
}

/** The best metric that all of these samples carry, or null when none does. */
function commonMetric(samples: ProcessSample[]): Metric | null {
  return METRICS.find((m) => samples.every((s) => valueOf(s, m) !== null)) ?? null
}

function total(samples: ProcessSample[], metric: Metric): number {
  return samples.reduce((n, s) => n + (valueOf(s, metric) ?? 0), 0)
}

/** The program a process is an instance of: its name (see src/parsers/ps.ts identify). */
export function programOf(sample: ProcessSample): string {
  return sample.name
}

function byProgram(samples: ProcessSample[]): Map<string, ProcessSample[]> {
  const groups = new Map<string, ProcessSample[]>()
  for (const sample of samples) {
    const group = groups.get(programOf(sample)) ?? []
    group.push(sample)
    groups.set(programOf(sample), group)
  }
  return groups
}

export function compareProcesses(
  baseline: ProcessSample[],
  suspect: ProcessSample[],
  gapKib: number | null,
): ProcessGrowth[] {
  const before = byProgram(baseline)
  const after = byProgram(suspect)
  const names = new Set([...before.keys(), ...after.keys()])
  const rows: ProcessGrowth[] = []
  for (const name of names) {
    const b = before.get(name) ?? []
    const s = after.get(name) ?? []
    const metric = commonMetric([...b, ...s])
    if (!metric) continue // e.g. busybox ps: no size to compare
    const baselineKib = total(b, metric)
    const suspectKib = total(s, metric)
    const deltaKib = suspectKib - baselineKib
    rows.push({
      name,
      exe: (s[0] ?? b[0])!.exe,
      presence: b.length && s.length ? 'both' : b.length ? 'baseline-only' : 'suspect-only',
      instances: { baseline: b.length, suspect: s.length },
      baselineKib,
      suspectKib,
      deltaKib,
      metric,
      shareOfGap: gapKib && gapKib > 0 ? Math.round((deltaKib / gapKib) * 10000) / 10000 : null,
    })
  }
  return rows.sort((x, y) => y.deltaKib - x.deltaKib || x.name.localeCompare(y.name))
}
