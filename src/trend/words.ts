import type { Projection } from '../../schemas/fit.ts'
import { mib } from '../analysis/summary.ts'

// Rates, spans and projections in words, shared by the finding, the summary and the renderers.

/** A rate in KiB/hour as MiB/h (or KiB/h when small), signed when it falls. */
export function perHour(kibPerHour: number): string {
  if (Math.abs(kibPerHour) < 1024) return `${Math.round(kibPerHour)} KiB/h`
  return `${mib(Math.round(kibPerHour))}/h`
}

export function duration(hours: number): string {
  if (hours < 1) return `${Math.round(hours * 60)} min`
  if (hours < 48) return `${Math.round(hours * 10) / 10} h`
  return `${Math.round((hours / 24) * 10) / 10} days`
}

/** "in 11 h (by 2026-12-05T03:00:00.000Z; as soon as 9.5 h on the band's fast bound, ...)". */
export function when(p: Projection): string {
  const slow = p.latestHours === null ? 'never on its slow bound' : `${duration(p.latestHours)} on its slow bound`
  return `in ${duration(p.hours)} (${p.at}), as soon as ${duration(p.earliestHours)} on the rate band's fast bound and ${slow}`
}
