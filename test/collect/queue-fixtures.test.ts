import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { figureRows, fixturePath, QUEUE_CASES, type SideFigures, sideFigures, stat } from '../helpers/queue-figures.ts'

// The queue fixtures (test/fixtures/queues/) against what their READMEs say: every figure row of a
// README is computed again from the bundles' own files, and each pair shows what it was made to
// show, in the client's own statistics and the kernel's figures (not in memgap's verdicts: the
// engine is tested on these elsewhere).

const MIB = 1024

function pair(dir: string, marker: string): { baseline: SideFigures; suspect: SideFigures; readme: string } {
  return {
    baseline: sideFigures(fixturePath(`${dir}/baseline.tar.gz`), marker),
    suspect: sideFigures(fixturePath(`${dir}/suspect.tar.gz`), marker),
    readme: readFileSync(fixturePath(`${dir}/README.md`), 'utf8'),
  }
}

describe.each(QUEUE_CASES)('queue fixture $dir', ({ dir, kind, marker, queue, stats }) => {
  const { baseline, suspect, readme } = pair(dir, marker)

  it("states the bundles' own figures in its README", () => {
    for (const row of figureRows(baseline, suspect, stats)) expect(readme).toContain(row)
  })

  it('keeps the same processes steady on both sides', () => {
    const steady = (side: SideFigures) => side.others.find((o) => o.program === 'steady.py')!
    expect(Math.abs(steady(suspect).anonKib - steady(baseline).anonKib)).toBeLessThan(MIB)
    expect(suspect.client.program).toBe(baseline.client.program)
  })

  if (kind === 'queue') {
    it("shows the client's queue filling while its server is down", () => {
      expect(suspect.client.anonKib - baseline.client.anonKib).toBeGreaterThan(10 * MIB)
      expect(Number(stat(baseline.stats, queue))).toBeLessThan(Number(stat(suspect.stats, queue)) / 100)
      expect(suspect.refusedLines).toBeGreaterThan(0)
      expect(suspect.dumpRecords).toBeGreaterThan(0) // records in its heap (how many: what a few MiB of dumps caught)
    })
  }

  if (kind === 'drops') {
    it('shows the client reconnecting without its memory or buffer growing', () => {
      expect(suspect.refusedLines).toBeGreaterThan(0)
      expect(suspect.client.anonKib - baseline.client.anonKib).toBeLessThan(10 * MIB)
      expect(Number(stat(suspect.stats, queue))).toBeLessThan(MIB * 1024)
    })
  }
})

describe('control pairs', () => {
  it('rsyslog bounded at 2000 drops while sessiond grows', () => {
    const { baseline, suspect } = pair('control-rsyslog-bounded', '"LogType"')
    expect(Number(stat(suspect.stats, 'central queue.maxqsize'))).toBeLessThanOrEqual(2000)
    expect(Number(stat(suspect.stats, 'central queue.discarded.full'))).toBeGreaterThan(0)
    expect(suspect.client.anonKib - baseline.client.anonKib).toBeLessThan(10 * MIB)
    const sessiond = (side: SideFigures) => side.others.find((o) => o.program === 'sessiond.py')!
    expect(sessiond(suspect).anonKib - sessiond(baseline).anonKib).toBeGreaterThan(10 * MIB)
  })

  it('an ioredis client connected the whole time, its offline queue empty, while its process grows', () => {
    const { baseline, suspect } = pair('control-redis-cache', '"orderId"')
    for (const side of [baseline, suspect]) expect(side.stats).toMatchObject({ status: 'ready', offlineQueue: 0 })
    expect(suspect.client.anonKib - baseline.client.anonKib).toBeGreaterThan(10 * MIB)
    expect(suspect.refusedLines).toBe(0)
  })
})
