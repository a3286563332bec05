import { describe, expect, it } from 'vitest'
import type { Gap } from '../../schemas/diagnosis.ts'
import { measureGap } from '../../src/analysis/gap.ts'
import { renderHtml, renderMarkdown, renderText } from '../../src/render/index.ts'
import { diagnoseFixtures } from '../helpers/diagnose.ts'

// The gap adds up on the basis it is measured by (issue 13 §3): its parts sum to it, what the
// basis counts as available is reported apart, and the verdict comes from the parts alone.

const partsSum = (gap: Gap) => Object.values(gap.breakdown).reduce<number>((n, v) => n + (v ?? 0), 0)

/** A 24 GiB machine's meminfo, settled; `change` adds KiB to fields, moving MemFree/MemAvailable as the kernel would. */
function meminfo(change: Record<string, number> = {}, availableChange = 0): Record<string, number> {
  const fields: Record<string, number> = {
    MemTotal: 24_000_000,
    MemFree: 23_000_000,
    MemAvailable: 23_100_000,
    Buffers: 10_000,
    Cached: 200_000,
    'Active(anon)': 20_000,
    'Inactive(anon)': 60_000,
    'Active(file)': 90_000,
    'Inactive(file)': 90_000,
    AnonPages: 70_000,
    Shmem: 10_000,
    KReclaimable: 40_000,
    SReclaimable: 40_000,
    SUnreclaim: 30_000,
    KernelStack: 2_000,
    PageTables: 3_000,
  }
  let used = 0
  for (const [name, kib] of Object.entries(change)) {
    fields[name] = (fields[name] ?? 0) + kib
    if (!['Active(anon)', 'Inactive(anon)', 'Cached', 'KReclaimable'].includes(name)) used += kib // counted once
  }
  fields.MemFree! -= used
  fields.MemAvailable! += availableChange - used
  return fields
}

describe('measureGap on a MemAvailable basis', () => {
  it('leaves page cache out of the gap and reports it as reclaimable', () => {
    const cache = 3_000_000
    const suspect = meminfo({ 'Inactive(file)': cache, Cached: cache }, cache) // the kernel counts it available
    const gap = measureGap(meminfo(), suspect, [])!
    expect(gap).toMatchObject({ basis: 'MemAvailable', kib: 0, verdict: 'none' })
    expect(gap.breakdown.file).toBeUndefined()
    expect(gap.reclaimable).toEqual({ kib: cache, file: cache, slab: 0 })
  })

  it('calls tmpfs shmem however much reclaimable slab grew beside it', () => {
    const suspect = meminfo(
      { Shmem: 1_500_000, 'Inactive(anon)': 1_500_000, Cached: 1_500_000, SReclaimable: 300_000, KReclaimable: 300_000 },
      300_000,
    )
    const gap = measureGap(meminfo(), suspect, [])!
    expect(gap).toMatchObject({ kib: 1_500_000, verdict: 'shmem' })
    expect(gap.breakdown).toMatchObject({ shmem: 1_500_000, slab: 0, other: 0 })
    expect(gap.reclaimable).toMatchObject({ slab: 300_000 })
  })

  it('counts the cache the estimate holds back as a part of the gap', () => {
    // The suspect's estimate keeps 80 MiB more of its cache back (its min(cache / 2, wmark_low) term).
    const suspect = meminfo({ 'Inactive(file)': 1_000_000, Cached: 1_000_000 }, 1_000_000 - 80_000)
    const gap = measureGap(meminfo(), suspect, [])!
    expect(gap.breakdown).toMatchObject({ keptBack: 80_000, other: 0 })
    expect(partsSum(gap)).toBe(gap.kib)
  })
})

describe('measureGap on the other bases', () => {
  it('MemFree counts page cache and all slab as parts of the gap', () => {
    const drop = (f: Record<string, number>) => {
      delete f.MemAvailable
      return f
    }
    const gap = measureGap(drop(meminfo()), drop(meminfo({ 'Inactive(file)': 500_000, Cached: 500_000, SReclaimable: 100_000 })), [])!
    expect(gap).toMatchObject({ basis: 'MemFree', kib: 600_000, verdict: 'page-cache', reclaimable: null })
    expect(gap.breakdown).toMatchObject({ file: 500_000, slab: 100_000, other: 0 })
  })

  it('Active+Inactive counts the LRU lists only', () => {
    const lru = (anon: number, file: number) => ({
      Active: 100_000 + file,
      Inactive: 200_000 + anon,
      AnonPages: 150_000 + anon,
      'Active(file)': 50_000 + file,
      'Inactive(file)': 50_000,
      Shmem: 0,
    })
    const gap = measureGap(lru(0, 0), lru(300_000, -40_000), [])!
    expect(gap).toMatchObject({ basis: 'Active+Inactive', kib: 260_000, verdict: 'user-space' })
    expect(gap.breakdown).toEqual({ anon: 300_000, shmem: 0, file: -40_000, other: 0 })
  })
})

// Real pairs: the parts add up with a small `other`, and the verdict is the one the README of
// each capture says a correct diagnosis gives.
describe.each([
  ['kafka', 'user-space'],
  ['gap/tmpfs', 'shmem'],
  ['gap/process', 'user-space'],
  ['leak', 'user-space'],
  ['shmem', 'shmem'],
  ['slab', 'kernel'],
] as const)('real pair %s', (pair, verdict) => {
  it(`adds up, other under 10 % of the gap, verdict ${verdict}`, async () => {
    const d = await diagnoseFixtures(`${pair}/baseline.tar.gz`, `${pair}/suspect.tar.gz`)
    const gap = d.gap!
    expect(gap.basis).toBe('MemAvailable')
    expect(partsSum(gap)).toBe(gap.kib)
    expect(Math.abs(gap.breakdown.other)).toBeLessThan(gap.kib * 0.1)
    expect(gap.verdict).toBe(verdict)
    expect(gap.breakdown.file).toBeUndefined() // page cache is never a part of a MemAvailable gap
  })
})

describe('real pair gap/pagecache: only the page cache differs', async () => {
  const d = await diagnoseFixtures('gap/pagecache/baseline.tar.gz', 'gap/pagecache/suspect.tar.gz')

  it('finds no gap, and reports the 3 GiB of cache apart as reclaimable', () => {
    expect(d.gap).toMatchObject({ basis: 'MemAvailable', kib: -86564, verdict: 'none' })
    expect(d.gap!.reclaimable!.file).toBe(3152068)
    expect(partsSum(d.gap!)).toBe(d.gap!.kib)
    // No gap to take a share of: `other` stays small against the memory that moved (MemFree -2,995,760 KiB).
    expect(Math.abs(d.gap!.breakdown.other)).toBeLessThan(2_995_760 * 0.1)
    expect(d.findings.filter((f) => f.process !== null)).toEqual([])
  })
})

describe('real pair gap/process: a process grows while the cache grows', async () => {
  const d = await diagnoseFixtures('gap/process/baseline.tar.gz', 'gap/process/suspect.tar.gz')

  it('blames grow, and keeps the 2 GiB of cache out of the verdict', () => {
    expect(d.processes[0]).toMatchObject({ name: 'grow', presence: 'suspect-only' })
    expect(d.processes[0]!.deltaKib).toBeGreaterThan(1_000_000)
    expect(d.gap!.reclaimable!.file).toBeGreaterThan(2_000_000)
    expect(d.summary).not.toMatch(/page cache|mixed/i)
  })
})

describe('reports of gap/tmpfs show the parts and, apart, the reclaimable', async () => {
  const d = await diagnoseFixtures('gap/tmpfs/baseline.tar.gz', 'gap/tmpfs/suspect.tar.gz')
  const apart = /Counted as available by MemAvailable, so not in the gap: page cache \+9\.6 MiB, reclaimable kernel memory \+283 MiB/

  it.each([
    ['Markdown', renderMarkdown],
    ['text', renderText],
    ['HTML', renderHtml],
  ] as const)('%s', (_, render) => {
    const out = render(d).replace(/\s+/g, ' ')
    expect(out).toMatch(/shmem \/ tmpfs/)
    expect(out).toMatch(/cache held back/)
    expect(out).toMatch(apart)
  })
})
