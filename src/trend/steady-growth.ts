import type { Finding } from '../../schemas/findings.ts'
import type { ProgramTrend } from '../../schemas/trend.ts'
import { compareProcesses } from '../analysis/processes.ts'
import { mib } from '../analysis/summary.ts'
import { growthEvidence } from '../rules/context.ts'
import { FIRM_R2 } from './limits.ts'
import type { ProgramSeries, Snapshot } from './series.ts'
import { restartsOf } from './shape.ts'
import { duration, perHour, when } from './words.ts'

// A program that grows steadily across snapshots of one host: its rate, how well the line fits,
// and when its growth alone would take what the host has left. A loose fit is a suspicion.
// The evidence is the first and the latest sample of the fitted segment, as the diagnosis of
// that pair would give it (growthEvidence): `baseline` is the segment's first bundle.

export function steadyGrowth(p: ProgramTrend, series: ProgramSeries, snapshots: Snapshot[], pairFindings: Finding[]): Finding[] {
  const fit = p.fit
  if (!fit || (p.shape !== 'growing' && p.shape !== 'saw-tooth')) return []
  const segment = series.points.slice(restartsOf(series.points).at(-1) ?? 0)
  const first = snapshots[segment[0]!.snapshot]!
  const latest = snapshots[segment.at(-1)!.snapshot]!
  const only = (s: Snapshot) => s.bundle.processes.filter((x) => x.name === p.name)
  const growth = compareProcesses(only(first), only(latest), null)[0]
  const context = { baseline: first.bundle, suspect: latest.bundle, gap: null, processes: growth ? [growth] : [], regions: [], content: [] }
  const linked = pairFindings.find((f) => (f.kind === 'queue-buildup' || f.kind === 'heap-growth') && f.process === p.name)
  const r2 = fit.r2 ?? 0
  const firm = r2 >= FIRM_R2
  const confidence = Math.round(Math.min(0.9, 0.3 + 0.6 * r2 * Math.min(1, fit.samples / 12)) * 100) / 100
  const rate = perHour(fit.rateKibPerHour)
  const sentences = [
    `${p.name}'s ${p.metric.toUpperCase()} ${firm ? 'grew' : 'seems to grow'} by ${rate} (least squares over ${fit.samples} ` +
      `${fit.points === 'floor' ? 'troughs' : 'snapshots'} across ${duration(fit.spanHours)}; 95 % band ${perHour(fit.rateLowKibPerHour)} to ` +
      `${perHour(fit.rateHighKibPerHour)}; R² ${r2.toFixed(2)}), from ${mib(Math.round(segment[0]!.kib))} on ${first.at} to ` +
      `${mib(Math.round(segment.at(-1)!.kib))} on ${latest.at}.`,
  ]
  if (fit.points === 'floor') {
    sentences.push(
      `Its memory rises and falls as its heap is collected; the line is fitted to the floor (the trough after each fall), which is what it keeps.`,
    )
  }
  if (p.restarts.length > 0) {
    const lastRestart = p.restarts.at(-1)!
    sentences.push(
      `It restarted ${p.restarts.length === 1 ? 'once' : `${p.restarts.length} times`} (last seen ${lastRestart.at}: ${mib(lastRestart.beforeKib)} -> ${mib(lastRestart.afterKib)}, new PID): ` +
        `the restart freed the memory, it did not stop the growth, so only the samples since are fitted.`,
    )
  }
  if (p.projection) {
    sentences.push(
      `At this rate alone it would take the host's remaining ${mib(p.projection.fromKib - p.projection.floorKib)} of MemAvailable` +
        `${p.projection.floorKib > 0 ? ` (down to the ${mib(p.projection.floorKib)} floor)` : ''} ${when(p.projection)}.`,
    )
  }
  if (linked) sentences.push(`The diagnosis of the bundles it spans says what grows: ${linked.title}.`)
  return [
    {
      kind: 'steady-growth',
      process: p.name,
      confidence,
      title: firm ? `${p.name} grows steadily: ${rate}` : `${p.name} may be growing: about ${rate}, a loose fit`,
      detail: sentences.join(' '),
      evidence: growth ? growthEvidence(growth, context) : [],
      recommendation: linked
        ? `Act on the linked ${linked.kind} finding; ${p.projection ? `do it before ${p.projection.earliest} (the band's earliest exhaustion), or restart ${p.name} to buy time.` : `restarting ${p.name} only buys time.`}`
        : `Find what ${p.name} keeps: diagnose its first bundle against the latest (memgap diagnose first latest), collected with ` +
          `pmap -x and a dump of its largest region (memgap-collect.sh --dumps 1). ` +
          (p.projection
            ? `Restart it before ${p.projection.earliest} (the band's earliest exhaustion) to buy time; that is not a fix.`
            : `Restarting it buys time; that is not a fix.`),
      configLines: [],
      growth: {
        fit,
        projection: p.projection,
        restarts: p.restarts.length,
        linked: linked ? { kind: linked.kind as 'queue-buildup' | 'heap-growth', title: linked.title } : null,
      },
    },
  ]
}
