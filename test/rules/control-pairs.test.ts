import { describe, expect, it } from 'vitest'
import { diagnoseFixtures } from '../helpers/diagnose.ts'

// The control captures of test/fixtures/{leak,shmem,slab}/ (real, made by test/fixtures/make/):
// what is not a queue must not be called one, and a kernel-side gap must not be blamed on a process.

describe('leak control pair: a process leaking binary records, no messaging client', async () => {
  const d = await diagnoseFixtures('leak/baseline.tar.gz', 'leak/suspect.tar.gz')

  it('finds the user-space gap and the leaking program', () => {
    expect(d.gap).toMatchObject({ basis: 'MemAvailable', kib: 215924, verdict: 'user-space' })
    expect(d.processes[0]).toMatchObject({ name: 'cached', metric: 'pss' })
    expect(d.processes[0]!.shareOfGap!).toBeGreaterThan(0.9)
  })

  it('calls it heap growth in malloc arenas, never a queue', () => {
    expect(d.findings.filter((f) => f.kind === 'queue-buildup')).toEqual([])
    const leak = d.findings.find((f) => f.kind === 'heap-growth')!
    expect(leak).toMatchObject({ process: 'cached', confidence: 0.7, configLines: [] })
    expect(leak.detail).toMatch(/glibc malloc arenas/)
    // PSS is compared, so PSS is cited where it was read: smaps_rollup, not ps.txt.
    expect(leak.evidence.map((e) => `${e.bundle}:${e.file}`)).toEqual([
      'suspect:proc/4/smaps_rollup',
      'baseline:proc/4/smaps_rollup',
      'suspect:pmap/4.txt',
      'suspect:pmap/4.txt',
      'suspect:dumps/4-7f8d20000000-7f8d21000000.bin',
    ])
    expect(leak.evidence[0]!.excerpt).toMatch(/^Pss: \d+ kB$/)
    expect(leak.evidence.at(-1)!.note).toMatch(/not a buffer of messages/)
    expect(d.regions.find((r) => r.process === 'cached')!.concentratedIn).toBe('arena')
    const dump = d.content.find((c) => c.process === 'cached' && c.bundle === 'suspect')!
    expect(dump.scan.jsonRecords).toBe(0)
  })
})

describe('shmem control pair: 300 MiB written to tmpfs, no process grows', async () => {
  const d = await diagnoseFixtures('shmem/baseline.tar.gz', 'shmem/suspect.tar.gz')

  it('names shared memory, and blames no process', () => {
    expect(d.gap).toMatchObject({ verdict: 'shmem' })
    expect(d.gap!.breakdown.shmem).toBe(307200)
    expect(d.findings.map((f) => f.kind)).toEqual(['kernel-growth'])
    expect(d.findings[0]!.process).toBeNull()
    expect(d.findings[0]!.title).toMatch(/shared memory/)
    expect(d.findings[0]!.evidence.map((e) => e.excerpt)).toEqual(['Shmem: 8952 kB', 'Shmem: 316152 kB'])
    expect(d.findings[0]!.recommendation).toMatch(/ipcs -m/)
    expect(d.summary).not.toMatch(/grew most/)
  })
})

describe('slab control pair: inodes and dentries of a million files, no process grows', async () => {
  const d = await diagnoseFixtures('slab/baseline.tar.gz', 'slab/suspect.tar.gz')

  it('names the kernel, the slab caches that grew, and blames no process', () => {
    expect(d.gap).toMatchObject({ verdict: 'kernel' })
    // Slab grew 264748 KiB: 215748 unreclaimable (the gap) and 49000 reclaimable (counted as available).
    expect(d.gap!.breakdown.slab).toBe(215748)
    expect(d.gap!.reclaimable).toMatchObject({ slab: 49000 })
    const kernel = d.findings.find((f) => f.kind === 'kernel-growth')!
    expect(kernel.process).toBeNull()
    const caches = kernel.evidence.filter((e) => e.file === 'proc/slabinfo').map((e) => e.excerpt.split(' … ')[0])
    expect(caches.slice(0, 2)).toEqual(['shmem_inode_cache', 'dentry'])
    expect(d.findings.filter((f) => f.kind === 'heap-growth' || f.kind === 'queue-buildup')).toEqual([])
    expect(d.summary).toMatch(/Slab caches that grew most: shmem_inode_cache, dentry/)
  })
})
