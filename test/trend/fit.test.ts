import { describe, expect, it } from 'vitest'
import { fitLine, project, t95 } from '../../src/trend/fit.ts'
import { restartsOf, shapeOf, troughsOf } from '../../src/trend/shape.ts'

// The fitting on tiny series whose least-squares values are worked out by hand in the comments.

const HOUR = 3_600_000
const T0 = Date.parse('2026-01-01T00:00:00Z')
/** Points one hour apart (or at the given hours), KiB as given. */
const hourly = (kib: number[], hours = kib.map((_, i) => i)) => kib.map((v, i) => ({ t: T0 + hours[i]! * HOUR, kib: v }))

describe('fitLine', () => {
  it('gives the least-squares slope, intercept, R², residual and t band', () => {
    // x = 0 1 2 3, y = 10 12 15 17: mean x 1.5, mean y 13.5; Sxx = 5, Sxy = 12, Syy = 29.
    // slope 12/5 = 2.4, intercept 13.5 - 2.4 * 1.5 = 9.9; fitted 9.9 12.3 14.7 17.1,
    // residuals 0.1 -0.3 0.3 -0.1, SSE 0.2; s = sqrt(0.2 / 2) = 0.316228, SE = s / sqrt(5) = 0.141421;
    // t(0.975, 2 df) = 4.303, margin 0.608536; R² = 1 - 0.2/29 = 0.993103.
    const fit = fitLine(hourly([10, 12, 15, 17]))
    expect(fit.rateKibPerHour).toBeCloseTo(2.4, 9)
    expect(fit.interceptKib).toBeCloseTo(9.9, 9)
    expect(fit.residualKib).toBeCloseTo(0.316228, 6)
    expect(fit.rateLowKibPerHour).toBeCloseTo(2.4 - 0.608536, 5)
    expect(fit.rateHighKibPerHour).toBeCloseTo(2.4 + 0.608536, 5)
    expect(fit.r2).toBeCloseTo(0.993103, 6)
    expect(fit).toMatchObject({ samples: 4, spanHours: 3, points: 'all', from: '2026-01-01T00:00:00.000Z' })
  })

  it('measures time, not sample count: uneven intervals weigh as they should', () => {
    // x = 0 1 4, y = 0 1 4 (one KiB an hour, exactly): slope 1 whatever the spacing.
    const fit = fitLine(hourly([0, 1, 4], [0, 1, 4]))
    expect(fit.rateKibPerHour).toBeCloseTo(1, 12)
    expect(fit.r2).toBe(1)
    expect(fit.rateLowKibPerHour).toBeCloseTo(1, 12) // no residual: no band
  })

  it('says R² is undefined for a flat series, and gives no band for two points', () => {
    expect(fitLine(hourly([5, 5, 5])).r2).toBeNull()
    const two = fitLine(hourly([0, 10]))
    expect(two.rateKibPerHour).toBe(10)
    expect(two.rateLowKibPerHour).toBe(Number.NEGATIVE_INFINITY) // nothing to judge a slope's error by
  })

  it('uses Student t for few samples and tends to 1.96', () => {
    expect(t95(1)).toBe(12.706)
    expect(t95(10)).toBe(2.228)
    expect(t95(60)).toBeCloseTo(2.0, 2)
    expect(t95(10_000)).toBeCloseTo(1.96, 3)
  })
})

describe('project', () => {
  const now = T0
  it('counts down on the line and on both bounds of the band', () => {
    // 100 KiB left above a floor of 0: at -10/h 10 h; the fast bound -20/h 5 h; the slow -5/h 20 h.
    const p = project(100, 0, { line: -10, fast: -20, slow: -5 }, now)!
    expect(p).toMatchObject({ hours: 10, earliestHours: 5, latestHours: 20, fromKib: 100, floorKib: 0 })
    expect(p.at).toBe('2026-01-01T10:00:00.000Z')
    expect(p.earliest).toBe('2026-01-01T05:00:00.000Z')
  })
  it('stops at a floor, and has no latest time when the slow bound does not fall', () => {
    // 100 - 40 = 60 KiB to go at -10/h: 6 h.
    const p = project(100, 40, { line: -10, fast: -15, slow: 2 }, now)!
    expect(p.hours).toBe(6)
    expect(p.latest).toBeNull()
  })
  it('projects nothing when the memory does not fall', () => {
    expect(project(100, 0, { line: 0, fast: -1, slow: 1 }, now)).toBeNull()
  })
})

describe('shapeOf', () => {
  it('says not enough data below the minimum of samples', () => {
    expect(shapeOf(hourly([1, 2, 3, 4, 5]), { sawTooth: true })).toMatchObject({ shape: 'not-enough-data', fit: null })
  })

  it('fits a saw-tooth on its troughs', () => {
    // Rises 10 KiB/h, falls back each third hour; the troughs 12, 14, 16 at hours 3, 6, 9 leak
    // 2 KiB per 3 hours: 0.667 KiB/h.
    const kib = [10, 20, 30, 12, 22, 32, 14, 24, 34, 16].map((v) => v * 1024)
    const { troughs, drops } = troughsOf(hourly(kib))
    expect(drops).toBe(3)
    expect(troughs.map((p) => p.kib / 1024)).toEqual([12, 14, 16])
    const shaped = shapeOf(hourly(kib), { sawTooth: true })
    expect(shaped.shape).toBe('saw-tooth')
    expect(shaped.fit!.points).toBe('floor')
    expect(shaped.fit!.rateKibPerHour / 1024).toBeCloseTo(2 / 3, 9)
  })

  it('calls growth that stopped a plateau, and steady growth growing', () => {
    // 0 to 50 MiB in five hours, then seven hours at 50: the later half (hours 5.5-11) is flat.
    const plateau = [0, 10, 20, 30, 40, 50, 50, 50, 50, 50, 50, 50].map((v) => v * 1024)
    expect(shapeOf(hourly(plateau), { sawTooth: true }).shape).toBe('plateau')
    const steady = plateau.map((_, i) => i * 10 * 1024)
    expect(shapeOf(hourly(steady), { sawTooth: true })).toMatchObject({ shape: 'growing', recentRateKibPerHour: 10 * 1024 })
  })

  it('calls small wobbles flat', () => {
    // +/- 100 KiB around 50 MiB: under the 4 MiB of change a trend needs.
    const kib = [0, 100, -100, 50, -50, 100, 0, -100].map((d) => 50 * 1024 + d)
    expect(shapeOf(hourly(kib), { sawTooth: true }).shape).toBe('flat')
  })
})

describe('restartsOf', () => {
  it('breaks where the PIDs change and the memory drops, not where only one of them does', () => {
    const points = [
      { t: 0, kib: 100, pids: [7] },
      { t: 1, kib: 120, pids: [7] },
      { t: 2, kib: 20, pids: [9] }, // new PID, 83 % less: a restart
      { t: 3, kib: 40, pids: [9] },
      { t: 4, kib: 41, pids: [11] }, // new PID, no drop: a worker rotated, not a restart
      { t: 5, kib: 10, pids: [11] }, // a drop, same PID: a heap shrinking
    ].map((p, snapshot) => ({ ...p, snapshot }))
    expect(restartsOf(points)).toEqual([2])
  })
})
