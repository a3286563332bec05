// What the trend renderers show, computed once: the rows of the programs table and the
// timeline's columns. Strings here are not escaped: each renderer escapes for its format.

import type { ProgramTrend, Trend } from '../../schemas/trend.ts'
import { duration, perHour } from '../trend/words.ts'
import { count, METRIC_LABEL, mib } from './format.ts'

export const SHAPE_LABEL: Record<ProgramTrend['shape'], string> = {
  'not-enough-data': 'not enough data',
  flat: 'flat',
  falling: 'falling',
  growing: 'growing',
  'saw-tooth': 'saw-tooth, floor growing',
  plateau: 'plateau',
}

export function trendTitle(t: Trend): string {
  const span = t.from && t.to ? `, ${t.from} to ${t.to}` : ''
  return `${t.host ?? 'one host'}${span} (${t.series.length} bundles)`
}

/** Programs worth a row: every one that grows or levelled off, then the largest others. */
export function programRows(t: Trend, max = 12): { p: ProgramTrend; cells: string[] }[] {
  const notable = t.programs.filter((p) => p.shape !== 'flat' && p.shape !== 'not-enough-data')
  const rest = t.programs.filter((p) => !notable.includes(p)).sort((a, b) => b.latestKib - a.latestKib)
  return [...notable, ...rest].slice(0, max).map((p) => ({
    p,
    cells: [
      p.name,
      SHAPE_LABEL[p.shape],
      p.fit ? perHour(p.fit.rateKibPerHour) : '',
      p.fit ? `±${perHour((p.fit.rateHighKibPerHour - p.fit.rateLowKibPerHour) / 2)}` : '',
      p.fit?.r2 != null ? p.fit.r2.toFixed(2) : '',
      `${mib(p.latestKib)} ${METRIC_LABEL[p.metric]}`,
      String(p.samples),
      p.projection ? duration(p.projection.earliestHours) : '',
      p.restarts.length ? String(p.restarts.length) : '',
    ],
  }))
}

export const PROGRAM_HEADS = ['program', 'shape', 'rate', '95 %', 'R²', 'latest', 'samples', 'runs out in', 'restarts']

/** The host line: its basis, rate and projection in words. */
export function hostLine(t: Trend): string {
  const m = t.memory
  if (!m) return "No meminfo in the bundles: the host's free memory cannot be followed."
  const rate = m.fit
    ? `, ${perHour(m.fit.rateKibPerHour)} (95 % band ${perHour(m.fit.rateLowKibPerHour)} to ${perHour(m.fit.rateHighKibPerHour)}, R² ${m.fit.r2?.toFixed(2) ?? 'n/a'})`
    : ''
  const end = m.projection
    ? `; reaches ${m.projection.floorKib > 0 ? mib(m.projection.floorKib) : 'zero'} in ${duration(m.projection.hours)}, as soon as ${duration(m.projection.earliestHours)} (${m.projection.earliest})`
    : '; no exhaustion projected'
  return `${m.basis}: ${SHAPE_LABEL[m.shape]}${rate}${end} (${m.why}).`
}

/** The timeline: time, MemAvailable and the programs of the table (at most `max`). */
export function timeline(t: Trend, max = 4): { heads: string[]; rows: string[][] } {
  const names = programRows(t, max).map((r) => r.p.name)
  const heads = ['time', 'MemAvailable', ...names]
  const rows = t.series.map((s) => [
    s.at.replace('T', ' ').replace(/\.\d+Z$|Z$/, 'Z') + (s.timeSource === 'file-time' ? ' (file time)' : ''),
    s.memAvailableKib === null ? '' : mib(s.memAvailableKib),
    ...names.map((n) => (s.programs[n] === undefined ? '' : mib(s.programs[n]!))),
  ])
  return { heads, rows }
}

export function limitsLine(t: Trend): string {
  return `A trend needs ${t.limits.minSamples} samples over ${duration(t.limits.minSpanHours)} since any restart; rates are least squares with a ${Math.round(t.limits.confidence * 100)} % band; projections to ${t.limits.floorKib > 0 ? `a floor of ${count(t.limits.floorKib)} KiB` : 'zero'}.`
}
