import type { Trend } from '../../schemas/trend.ts'
import { mib } from '../analysis/summary.ts'
import { FIRM_R2 } from './limits.ts'
import { duration, perHour, when } from './words.ts'

// The trend in two or three sentences for a ticket: the host, then the programs that grow.

export function writeTrendSummary(t: Omit<Trend, 'summary'>): string {
  const host = t.host ?? 'The host'
  const sentences: string[] = []
  const m = t.memory
  if (!m) sentences.push(`${host}: the bundles have no meminfo, so the host's free memory cannot be followed.`)
  else if (m.shape === 'not-enough-data') sentences.push(`${host}: not enough data for a trend of ${m.basis} (${m.why}).`)
  else if (m.shape === 'falling' && m.fit && m.projection) {
    // A loose line (other load moving MemAvailable) is a suspicion, not a forecast.
    const firm = (m.fit.r2 ?? 0) >= FIRM_R2
    sentences.push(
      `${host}'s ${m.basis} ${firm ? 'falls' : `seems to fall (a loose fit, R² ${(m.fit.r2 ?? 0).toFixed(2)})`} by ${perHour(-m.fit.rateKibPerHour)} over ${duration(m.fit.spanHours)} ` +
        `and ${firm ? 'would' : 'might'} reach ${m.projection.floorKib > 0 ? mib(m.projection.floorKib) : 'zero'} ${when(m.projection)}.`,
    )
  } else if (m.shape === 'plateau') sentences.push(`${host}'s ${m.basis} fell, then levelled off: no exhaustion is projected.`)
  else sentences.push(`${host}'s ${m.basis} shows no steady fall (${m.shape}: ${m.why}).`)
  const growing = t.programs.filter((p) => p.shape === 'growing' || p.shape === 'saw-tooth')
  if (growing.length > 0) {
    const list = growing
      .slice(0, 3)
      .map(
        (p) =>
          `${p.name} ${perHour(p.fit!.rateKibPerHour)}${p.shape === 'saw-tooth' ? ' (floor of a saw-tooth)' : ''}${p.shareOfLoss !== null ? `, ${Math.round(p.shareOfLoss * 100)} % of the loss` : ''}`,
      )
    sentences.push(`Growing steadily: ${list.join('; ')}${growing.length > 3 ? `; and ${growing.length - 3} more` : ''}.`)
  } else sentences.push('No program grows steadily.')
  const plateaus = t.programs.filter((p) => p.shape === 'plateau').map((p) => p.name)
  if (plateaus.length > 0) sentences.push(`Grew, then levelled off (not projected): ${plateaus.slice(0, 3).join(', ')}.`)
  const restarted = t.programs.filter((p) => p.restarts.length > 0).map((p) => p.name)
  if (restarted.length > 0) sentences.push(`Restarted during the series: ${restarted.slice(0, 3).join(', ')}.`)
  return sentences.join(' ')
}
