import { describe, expect, it } from 'vitest'
import { diagnoseFixtures, diagnoseParsed, parsedBytes } from '../helpers/diagnose.ts'
import { bundleFiles, uncheckable } from '../helpers/evidence.ts'
import { fixture } from '../helpers/fixtures.ts'
import { tarGz } from '../helpers/tar.ts'

// Every evidence pointer is checkable: for every finding of every fixture pair, and of each bundle
// alone, the cited file holds the excerpt at the cited line or offset.

const PAIRS = [
  ['seed/sta-49.tar.gz', 'seed/sta-18.tar.gz'],
  ['kafka/baseline.tar.gz', 'kafka/suspect.tar.gz'],
  ['leak/baseline.tar.gz', 'leak/suspect.tar.gz'],
  ['shmem/baseline.tar.gz', 'shmem/suspect.tar.gz'],
  ['slab/baseline.tar.gz', 'slab/suspect.tar.gz'],
] as const

describe('evidence pointers open where they say', () => {
  for (const [baseline, suspect] of PAIRS) {
    it(`${baseline} vs ${suspect}`, async () => {
      const d = await diagnoseFixtures(baseline, suspect)
      const files = { baseline: await bundleFiles(fixture(baseline)), suspect: await bundleFiles(fixture(suspect)) }
      expect(d.findings.length).toBeGreaterThan(0)
      expect(await uncheckable(d, files)).toEqual([])
    })
    for (const alone of [baseline, suspect]) {
      it(`${alone} alone`, async () => {
        const d = await diagnoseFixtures(null, alone)
        expect(await uncheckable(d, { baseline: null, suspect: await bundleFiles(fixture(alone)) })).toEqual([])
      })
    }
  }
})

describe('evidence of a program with two instances', async () => {
  // Two instances of one program, each with its own pmap: the grown arena is only in pid 20's.
  const meminfo = (anon: number) =>
    `MemTotal: 4000000 kB\nMemFree: ${1000000 - anon} kB\nMemAvailable: ${1500000 - anon} kB\nActive(anon): ${anon} kB\nInactive(anon): 0 kB\nActive(file): 100000 kB\nInactive(file): 100000 kB\nShmem: 0 kB\n`
  const ps = (rss: number) =>
    `  PID  PPID   RSS    VSZ COMMAND         COMMAND\n   10     1  20000 300000 appd            /usr/sbin/appd -c a\n   20     1 ${rss} 300000 appd            /usr/sbin/appd -c b\n`
  const pmap = (pid: number, dirty: number) =>
    `${pid}:   /usr/sbin/appd\nAddress           Kbytes     RSS   Dirty Mode  Mapping\n0000000000400000     100     100       0 r-x-- appd\n00007f0000000000   65536   ${dirty}   ${dirty} rw---   [ anon ]\n---------------- ------- ------- -------\ntotal kB           65636   ${dirty + 100}   ${dirty}\n`
  const bundle = (rss: number, dirty: number) =>
    tarGz([
      { name: 'meminfo.txt', body: meminfo(200000 + dirty) },
      { name: 'ps.txt', body: ps(rss) },
      { name: 'pmap/10.txt', body: pmap(10, 1000) },
      { name: 'pmap/20.txt', body: pmap(20, dirty) },
    ])
  const raw = { baseline: bundle(20000, 1000), suspect: bundle(90000, 60000) }
  const d = diagnoseParsed(await parsedBytes(raw.baseline), await parsedBytes(raw.suspect))

  it('cites each region in the pmap it is in, and each instance on its own ps line', async () => {
    const f = d.findings.find((x) => x.process === 'appd')!
    expect(f.evidence.filter((e) => e.file.startsWith('pmap/')).map((e) => e.file)).toContain('pmap/20.txt')
    expect(f.evidence.filter((e) => e.file === 'ps.txt').map((e) => [e.bundle, e.line])).toEqual([
      ['suspect', 2],
      ['suspect', 3],
      ['baseline', 2],
      ['baseline', 3],
    ])
    const files = { baseline: await bundleFiles(raw.baseline), suspect: await bundleFiles(raw.suspect) }
    expect(await uncheckable(d, files)).toEqual([])
  })

  it('the checker itself fails on a pointer to the wrong file', async () => {
    const region = d.findings.flatMap((x) => x.evidence).find((e) => e.file === 'pmap/20.txt')!
    const wrong = { ...d, findings: [{ ...d.findings[0]!, evidence: [{ ...region, file: 'pmap/10.txt' }] }] }
    expect(await uncheckable(wrong, { baseline: null, suspect: await bundleFiles(raw.suspect) })).toHaveLength(1)
  })
})
