import type { LineFit, Projection } from '../../schemas/fit.ts'

// Ordinary least squares over (time, KiB) points, as Prometheus' predict_linear does, plus what
// it leaves out: the slope's standard error and a 95 % band from Student's t, so that an alert
// can rest on the band's fast bound (as Datadog's forecasts do) rather than on the line alone.

export interface Point {
  /** Milliseconds since the epoch. */
  t: number
  kib: number
}

const MS_PER_HOUR = 3_600_000

/** Student's t, two-sided 95 %, for 1 to 30 degrees of freedom. */
const T95 = [
  12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.16, 2.145, 2.131, 2.12, 2.11, 2.101, 2.093, 2.086,
  2.08, 2.074, 2.069, 2.064, 2.06, 2.056, 2.052, 2.048, 2.045, 2.042,
]

/** t for `df` degrees of freedom; past 30, 1.96 + 2.5/df is within 0.002 of the table's values. */
export function t95(df: number): number {
  if (df < 1) return Number.POSITIVE_INFINITY
  return T95[df - 1] ?? 1.96 + 2.5 / df
}

/** The least-squares line through `points` (two or more, times not all equal), x in hours from the first. */
export function fitLine(points: Point[], kind: LineFit['points'] = 'all'): LineFit {
  const n = points.length
  const t0 = points[0]!.t
  const xs = points.map((p) => (p.t - t0) / MS_PER_HOUR)
  const ys = points.map((p) => p.kib)
  const meanX = xs.reduce((a, b) => a + b, 0) / n
  const meanY = ys.reduce((a, b) => a + b, 0) / n
  let sxx = 0
  let sxy = 0
  let syy = 0
  for (let i = 0; i < n; i++) {
    const dx = xs[i]! - meanX
    const dy = ys[i]! - meanY
    sxx += dx * dx
    sxy += dx * dy
    syy += dy * dy
  }
  const slope = sxx > 0 ? sxy / sxx : 0
  const intercept = meanY - slope * meanX
  let sse = 0
  for (let i = 0; i < n; i++) sse += (ys[i]! - (intercept + slope * xs[i]!)) ** 2
  // Two parameters are fitted: n - 2 degrees of freedom. With two points the line is exact and
  // its slope has no error estimate: the band is infinite, which no alert will rest on.
  const residual = n > 2 ? Math.sqrt(sse / (n - 2)) : 0
  const stderr = n > 2 && sxx > 0 ? residual / Math.sqrt(sxx) : Number.POSITIVE_INFINITY
  const margin = stderr === 0 ? 0 : t95(n - 2) * stderr
  return {
    points: kind,
    samples: n,
    spanHours: xs[n - 1]! - xs[0]!,
    rateKibPerHour: slope,
    rateLowKibPerHour: slope - margin,
    rateHighKibPerHour: slope + margin,
    interceptKib: intercept,
    from: new Date(t0).toISOString(),
    r2: syy > 0 ? 1 - sse / syy : null,
    residualKib: residual,
  }
}

/** The line's value at time `t` (ms). */
export function valueAt(fit: LineFit, t: number): number {
  return fit.interceptKib + fit.rateKibPerHour * ((t - Date.parse(fit.from)) / MS_PER_HOUR)
}

/**
 * When `fromKib` of free memory, falling at `rate` KiB/hour (a line's band bounds give the other
 * two), reaches `floorKib`, counted from time `now`. Null when the fitted rate does not fall.
 */
export function project(
  fromKib: number,
  floorKib: number,
  rate: { line: number; fast: number; slow: number },
  now: number,
): Projection | null {
  if (rate.line >= 0) return null
  const left = Math.max(0, fromKib - floorKib)
  const hours = left / -rate.line
  const earliestHours = left / -Math.min(rate.fast, rate.line)
  const latestHours = rate.slow < 0 ? left / -rate.slow : null
  const iso = (h: number) => new Date(now + h * MS_PER_HOUR).toISOString()
  return {
    floorKib: Math.round(floorKib),
    fromKib: Math.round(fromKib),
    at: iso(hours),
    hours: round(hours),
    earliest: iso(earliestHours),
    earliestHours: round(earliestHours),
    latest: latestHours === null ? null : iso(latestHours),
    latestHours: latestHours === null ? null : round(latestHours),
  }
}

const round = (h: number) => Math.round(h * 100) / 100
