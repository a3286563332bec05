import { describe, expect, it } from 'vitest'
import { ProcessRegions } from '../../schemas/regions.ts'
import { compareRegions } from '../../src/analysis/regions.ts'
import { parsedFixture } from '../helpers/bundles.ts'

describe('regions: where the dirty anonymous memory sits', () => {
  it('seed: fwlog grew 146464 KiB of dirty anonymous memory, in 64 MiB malloc arenas', async () => {
    const regions = compareRegions(await parsedFixture('seed/sta-49.tar.gz'), await parsedFixture('seed/sta-18.tar.gz'))
    const fwlog = ProcessRegions.parse(regions.find((r) => r.process === 'fwlog'))
    expect(fwlog.baseline!.dirtyAnonKib).toBe(43916)
    expect(fwlog.suspect!.dirtyAnonKib).toBe(190380)
    expect(fwlog.deltaDirtyAnonKib).toBe(146464)
    expect(fwlog.concentratedIn).toBe('arena')
    expect(fwlog.metric).toBe('dirty')
    expect(fwlog.top.slice(0, 2).map((r) => [r.address, r.dirtyKib, r.class])).toEqual([
      ['00007f21b8000000', 65532, 'arena'],
      ['00007f21c8000000', 65472, 'arena'],
    ])
    expect(fwlog.suspect!.arenas).toBeGreaterThan(fwlog.baseline!.arenas)
  })

  it('kafka: the producers grew in a merged pair of arenas; ad_appd did not grow', async () => {
    const regions = compareRegions(await parsedFixture('kafka/baseline.tar.gz'), await parsedFixture('kafka/suspect.tar.gz'))
    const byName = Object.fromEntries(regions.map((r) => [r.process, r]))
    expect(byName.fwlog!.top[0]).toMatchObject({ address: '00007f2250000000', dirtyKib: 129032, class: 'arena' })
    expect(byName.fwlog!.suspect!.arenas).toBeGreaterThanOrEqual(2) // two 64 MiB heaps in one row
    for (const name of ['fwlog', 'logsd', 'auditd']) expect(byName[name]!.concentratedIn, name).toBe('arena')
    expect(Math.abs(byName.ad_appd!.deltaDirtyAnonKib!)).toBeLessThan(1024)
    expect(
      regions
        .slice(0, 3)
        .map((r) => r.process)
        .sort(),
    ).toEqual(['auditd', 'fwlog', 'logsd'])
  })
})
