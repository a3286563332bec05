import { readdir, readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import type { Trend } from '../../schemas/trend.ts'
import { trendPaths } from '../../src/cli/trend.ts'

// The trend on real series captured on this machine (test/fixtures/series/README.md): each
// workload logged what it held and when, so its true rate is computed here from its own log,
// over the span of the snapshots, and the trend must find it from the bundles within 10 %.

const SERIES = new URL('../fixtures/series/', import.meta.url).pathname

async function load(name: string): Promise<Trend> {
  const dir = join(SERIES, name)
  const files = (await readdir(dir)).filter((f) => f.endsWith('.tar.gz'))
  return trendPaths(files.map((f) => join(dir, f)))
}

/** KiB/hour from the workload's log: least squares of held_mib over time, for one pid, in [from, to]. */
async function trueRate(name: string, pid: number, from: string, to: string): Promise<number> {
  const log = await readFile(join(SERIES, 'logs', `${name}.log`), 'utf8')
  const points = [...log.matchAll(/^([\d.]+) pid=(\d+) held_mib=([\d.]+)/gm)]
    .filter((m) => Number(m[2]) === pid)
    .map((m) => ({ t: Number(m[1]) * 1000, mib: Number(m[3]) }))
    .filter((p) => p.t >= Date.parse(from) && p.t <= Date.parse(to))
  const n = points.length
  const mx = points.reduce((a, p) => a + p.t, 0) / n
  const my = points.reduce((a, p) => a + p.mib, 0) / n
  const sxy = points.reduce((a, p) => a + (p.t - mx) * (p.mib - my), 0)
  const sxx = points.reduce((a, p) => a + (p.t - mx) ** 2, 0)
  return (sxy / sxx) * 3_600_000 * 1024
}

const program = (trend: Trend, name: string) => trend.programs.find((p) => p.name === name)!

describe('trend on real series', () => {
  const trends: Record<string, Trend> = {}
  beforeAll(async () => {
    for (const name of ['steady', 'plateau', 'sawtooth', 'restart']) trends[name] = await load(name)
  })

  it('steady: names the growing process at its true rate, with a projection, and not the flat ones', async () => {
    const t = trends.steady!
    const leakd = program(t, 'leakd')
    expect(leakd.shape).toBe('growing')
    const truth = await trueRate('steady', pidOf(t, 'leakd'), t.from!, t.to!)
    expect(Math.abs(leakd.fit!.rateKibPerHour / truth - 1)).toBeLessThan(0.1)
    expect(leakd.projection).not.toBeNull()
    expect(leakd.projection!.earliestHours).toBeLessThanOrEqual(leakd.projection!.hours)
    for (const flat of ['flatd-a', 'flatd-b', 'flatd-c']) {
      expect(program(t, flat).shape).toBe('flat')
      expect(program(t, flat).projection).toBeNull()
    }
    expect(t.findings.map((f) => [f.kind, f.process])).toEqual([['steady-growth', 'leakd']])
    expect(t.findings[0]!.growth!.fit.rateKibPerHour).toBe(leakd.fit!.rateKibPerHour)
    // The first bundle against the latest says what grows: a heap, no queue.
    expect(t.findings[0]!.growth!.linked).toMatchObject({ kind: 'heap-growth', title: expect.stringMatching(/^(Suspected: )?leakd grew/) })
    expect(t.summary).toContain('Growing steadily: leakd')
    expect(t.series).toHaveLength(16)
  })

  it('plateau: a cache that filled is told apart and never projected', () => {
    const t = trends.plateau!
    const cached = program(t, 'cached')
    expect(cached.shape).toBe('plateau')
    expect(cached.projection).toBeNull()
    expect(t.findings.filter((f) => f.process === 'cached')).toEqual([])
  })

  it('saw-tooth: the floor of a collected heap is fitted, at its true rate, and projected', async () => {
    const t = trends.sawtooth!
    const heap = program(t, 'gcheap')
    expect(heap.shape).toBe('saw-tooth')
    expect(heap.fit!.points).toBe('floor')
    const truth = await trueRate('sawtooth', pidOf(t, 'gcheap'), t.from!, t.to!)
    expect(Math.abs(heap.fit!.rateKibPerHour / truth - 1)).toBeLessThan(0.1)
    expect(heap.projection).not.toBeNull()
    expect(program(t, 'flatd-a').shape).toBe('flat')
    expect(t.findings.map((f) => f.process)).toEqual(['gcheap'])
  })

  it('restart: a new PID with less memory is a break; the segment since is fitted at its true rate', async () => {
    const t = trends.restart!
    const svcd = program(t, 'svcd')
    expect(svcd.restarts).toHaveLength(1)
    const restart = svcd.restarts[0]!
    expect(restart.pidsAfter).not.toEqual(restart.pidsBefore)
    expect(restart.afterKib).toBeLessThan(restart.beforeKib / 2)
    expect(Date.parse(svcd.fit!.from)).toBe(Date.parse(restart.at))
    const truth = await trueRate('restart', pidOf(t, 'svcd'), restart.at, t.to!)
    expect(Math.abs(svcd.fit!.rateKibPerHour / truth - 1)).toBeLessThan(0.1)
    const finding = t.findings.find((f) => f.process === 'svcd')!
    expect(finding.growth!.restarts).toBe(1)
    expect(finding.detail).toMatch(/restarted once/)
    expect(t.summary).toContain('Restarted during the series: svcd')
  })
})

/** A single-instance program's PID in the latest bundle (the captures ran in a PID namespace of their own, as their logs did). */
const pidOf = (t: Trend, name: string) => program(t, name).pids[0]!
