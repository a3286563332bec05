import { describe, expect, it } from 'vitest'
import { ParsedBundle } from '../../schemas/bundle.ts'
import type { Snapshot } from '../../src/trend/series.ts'
import { analyseTrend } from '../../src/trend/trend.ts'

// The engine on small hand-built series: exact figures where the line is exact, and the
// warnings a caller acts on. The real captured series are in series.test.ts.

const HOUR = 3_600_000
const T0 = Date.parse('2026-01-01T00:00:00Z')
const MIB = 1024

/** A parsed bundle with MemAvailable and ps rows (RSS), as the engine reads them. */
function snapshot(i: number, availableMib: number, programs: Record<string, [pid: number, mib: number]>, host = 'box-1'): Snapshot {
  const bundle = ParsedBundle.parse({
    id: i.toString(16).padStart(64, '0'),
    bytes: 1,
    receivedAt: new Date(T0).toISOString(),
    host,
    role: null,
    format: 'tar.gz',
    files: [],
    warnings: [],
    error: null,
    manifest: null,
    meminfo: { file: 'proc/meminfo', fields: { MemTotal: 2048 * MIB, MemAvailable: availableMib * MIB } },
    processes: Object.entries(programs).map(([name, [pid, mib]]) => ({
      pid,
      name,
      exe: name,
      rssKib: mib * MIB,
      pssKib: null,
      anonKib: null,
      sources: ['ps.txt'],
    })),
    maps: [],
    rollups: [],
    statuses: [],
  })
  return { bundle, at: new Date(T0 + i * HOUR).toISOString(), timeSource: 'manifest' }
}

describe('analyseTrend', () => {
  it('projects the host and a leak exactly when the lines are exact, and shares the loss', () => {
    // Eight hourly bundles: leaky +10 MiB/h, MemAvailable -10 MiB/h from 1000 MiB, steady 50 MiB.
    // At the last (hour 7) 930 MiB are left: 930 / 10 = 93 h on the line and on both bounds (no residual).
    const series = Array.from({ length: 8 }, (_, i) => snapshot(i, 1000 - 10 * i, { leaky: [7, 100 + 10 * i], steady: [8, 50] }))
    const t = analyseTrend(series)
    expect(t.memory).toMatchObject({ basis: 'MemAvailable', shape: 'falling' })
    expect(t.memory!.fit!.rateKibPerHour).toBeCloseTo(-10 * MIB, 6)
    expect(t.memory!.projection).toMatchObject({ fromKib: 930 * MIB, hours: 93, earliestHours: 93, latestHours: 93 })
    expect(t.memory!.projection!.at).toBe(new Date(T0 + (7 + 93) * HOUR).toISOString())
    const leaky = t.programs[0]!
    expect(leaky).toMatchObject({ name: 'leaky', shape: 'growing', metric: 'rss', shareOfLoss: 1, pids: [7] })
    expect(leaky.projection!.hours).toBe(93)
    expect(t.programs.find((p) => p.name === 'steady')).toMatchObject({ shape: 'flat', projection: null, shareOfLoss: null })
    expect(t.findings).toHaveLength(1)
    // R² 1 over 8 samples: 0.3 + 0.6 * 1 * 8/12 = 0.7, a firm title (R² >= 0.9).
    expect(t.findings[0]).toMatchObject({
      kind: 'steady-growth',
      process: 'leaky',
      confidence: 0.7,
      title: 'leaky grows steadily: 10 MiB/h',
    })
    expect(t.findings[0]!.evidence[0]).toMatchObject({ bundle: 'suspect', file: 'ps.txt' })
    expect(t.summary).toMatch(/^box-1's MemAvailable falls by 10 MiB\/h over 7 h and would reach zero in 3\.9 days/)
    expect(t.series[3]).toMatchObject({
      memAvailableKib: 970 * MIB,
      memTotalKib: 2048 * MIB,
      programs: { leaky: 130 * MIB, steady: 50 * MIB },
    })
  })

  it('says not enough data for a program seen in too few bundles, and for a short series', () => {
    const series = Array.from({ length: 8 }, (_, i) => snapshot(i, 1000, i >= 4 ? { late: [9, 10 + 20 * i] } : {}))
    const late = analyseTrend(series).programs.find((p) => p.name === 'late')!
    expect(late).toMatchObject({ shape: 'not-enough-data', fit: null, projection: null, samples: 4 })
    expect(late.why).toMatch(/^4 samples over 3 h; a trend needs 6 over 3 min or more; present in 4 of 8 snapshots/)
    const short = analyseTrend(series.slice(0, 3))
    expect(short.memory!.shape).toBe('not-enough-data')
    expect(short.summary).toMatch(/not enough data/)
  })

  it('orders bundles by time, counts a bundle given twice once, and warns of mixed hosts and bad times', () => {
    const series = Array.from({ length: 6 }, (_, i) => snapshot(i, 1000, { a: [1, 10] }, i === 5 ? 'box-2' : 'box-1'))
    const bad = { ...snapshot(9, 1000, {}), at: 'yesterday' }
    const t = analyseTrend([series[3]!, ...series, bad].reverse())
    expect(t.series.map((s) => s.at)).toEqual(series.map((s) => s.at))
    expect(t.warnings.map((w) => w.code).sort()).toEqual(['trend_bad_time', 'trend_duplicate_bundle', 'trend_several_hosts'])
  })
})
