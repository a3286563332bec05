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

/**
 * The capture's own processes: the `ps` that printed the listing, the process that ran it (a
 * collector script, or its subshell and the script), and everything that process started (its
 * `cat`, `sh`, `pmap`). They exist because the bundle was taken: never growth. PID 1 stays: in a
 * container the capture may be PID 1, but so is init.
 */
export function captureProcesses(samples: ProcessSample[]): Set<ProcessSample> {
  const byPid = new Map(samples.filter((s) => s.pid !== null).map((s) => [s.pid!, s]))
  const own = new Set<ProcessSample>()
  for (const ps of samples.filter((s) => s.name === 'ps')) {
    own.add(ps)
    let top: ProcessSample | undefined
    let parent = ps.ppid != null && ps.ppid > 1 ? byPid.get(ps.ppid) : undefined
    while (parent && !own.has(parent)) {
      own.add(parent)
      top = parent
      // A subshell has its parent's name: climb once more, to the script itself.
      const up = parent.ppid != null && parent.ppid > 1 ? byPid.get(parent.ppid) : undefined
      parent = up && up.name === parent.name ? up : undefined
    }
    if (top) for (const s of descendants(top, samples)) own.add(s)
  }
  return own
}

function descendants(root: ProcessSample, samples: ProcessSample[]): ProcessSample[] {
  const out: ProcessSample[] = []
  const pids = new Set([root.pid])
  for (let grew = true; grew; ) {
    grew = false
    for (const s of samples) {
      if (s.ppid != null && pids.has(s.ppid) && !pids.has(s.pid)) {
        pids.add(s.pid)
        out.push(s)
        grew = true
      }
    }
  }
  return out
}

export function compareProcesses(baseline: ProcessSample[], suspect: ProcessSample[], gapKib: number | null): ProcessGrowth[] {
  const own = new Set([...captureProcesses(baseline), ...captureProcesses(suspect)])
  const before = byProgram(baseline.filter((s) => !own.has(s)))
  const after = byProgram(suspect.filter((s) => !own.has(s)))
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

// Also for the trend (src/trend/series.ts): programs matched across snapshots as across a pair.
export { byProgram, commonMetric, total }
