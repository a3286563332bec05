import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { compareProcesses } from '../../src/analysis/processes.ts'
import { combineProcesses } from '../../src/bundle/combine.ts'
import { looksLikeDmesg, parseDmesg } from '../../src/parsers/dmesg.ts'
import { looksLikeMeminfo, parseMeminfo } from '../../src/parsers/meminfo.ts'
import { looksLikePs, parsePs } from '../../src/parsers/ps.ts'
import { looksLikeSlabinfo, parseSlabinfo } from '../../src/parsers/slabinfo.ts'

// A peer's samples (test/fixtures/insights-core/README.md): memgap must read from them what
// insights-core's own tests say is there. The expected figures are those tests' expectations.

const sample = (name: string) => readFileSync(new URL(`../fixtures/insights-core/${name}`, import.meta.url), 'utf8')
const ps = (name: string) => {
  const text = sample(name)
  expect(looksLikePs(text)).toBe(true)
  return parsePs(text, name)
}
const pids = (name: string) => ps(name).data.rows.map((r) => String(r.pid))
const programs = (name: string) =>
  compareProcesses([], combineProcesses({ ps: [{ file: name, ps: ps(name).data }], statuses: [], rollups: [], maps: [] }).processes, null)

describe('insights-core ps samples', () => {
  it('ps auxww: the PIDs, RSS and VSZ insights-core reads', () => {
    expect(pids('ps-auxww.txt')).toEqual(['1', '2', '781', '1111', '1112', '2713', '8257'])
    const rows = ps('ps-auxww.txt').data.rows
    expect(rows[0]).toMatchObject({ name: 'systemd', rssKib: 5000, vszKib: 193892 })
    expect(rows.find((r) => r.pid === 2713)).toMatchObject({ name: 'firefox', rssKib: 3077224 })
    expect(rows.reduce((n, r) => n + r.vszKib!, 0)).toBe(13718356)
    expect(ps('ps-auxww.txt').warnings).toEqual([])
  })

  it('ps auxcww: kernel threads by bare name are themselves, and bash has 3 instances', () => {
    const { data, warnings } = ps('ps-auxcww.txt')
    expect(warnings).toEqual([])
    expect(data.rows.find((r) => r.pid === 1821)).toMatchObject({ name: 'kondemand/0', rssKib: 0 })
    expect(data.rows.filter((r) => r.name === 'bash').map((r) => r.pid)).toEqual([20160, 20161, 20164])
    const rows = programs('ps-auxcww.txt')
    expect(rows.find((r) => r.name === 'bash')!.instances.suspect).toBe(3)
    expect(rows.map((r) => r.name)).not.toContain('0')
  })

  it('ps aux and a late header: bracketed kernel threads, the java main class, the line before the header said', () => {
    const aux = ps('ps-aux.txt').data.rows
    expect(aux.find((r) => r.pid === 1821)!.name).toBe('kondemand/0')
    expect(aux.find((r) => r.pid === 3662)).toMatchObject({ name: 'org.apache.catalina.startup.Bootstrap', rssKib: 58236 })
    const late = ps('ps-auxwww-late-header.txt')
    expect(late.data.rows[0]!.args).toBe('/usr/lib/systemd/systemd --switched-root --system --deserialize 21')
    expect(late.data.rows.map((r) => r.name)).toEqual(['systemd', 'kthreadd', 'ksoftirqd/0', 'kworker/0:0H', 'migration/0'])
    expect(late.warnings.map((w) => w.code)).toEqual(['ps_unknown_line'])
  })

  it('ps auxwwwm: 6 processes, their thread rows neither processes nor broken rows', () => {
    const { data, warnings } = ps('ps-auxwwwm.txt')
    expect(data.rows.map((r) => r.pid)).toEqual([1503, 1514, 1535, 1541, 1610, 1621])
    expect(data.rows[0]).toMatchObject({ name: 'smartd', rssKib: 6152, vszKib: 11932 })
    expect(warnings).toEqual([])
  })

  it('ps alxwww, -eo and -eo cmd: PIDs and parents as insights-core reads them', () => {
    expect(pids('ps-alxwww.txt')).toEqual(['1', '2', '3', '4', '5', '1585', '2964', '2966', '2968', '3000'])
    expect(ps('ps-alxwww.txt').data.rows.find((r) => r.pid === 3000)).toMatchObject({ name: 'dbus-daemon', rssKib: 3580 })
    expect(pids('ps-eo.txt')).toHaveLength(23)
    expect(ps('ps-eo.txt').data.rows.find((r) => r.pid === 18379)).toMatchObject({ ppid: 18347, name: 'ps' })
    expect(ps('ps-eo.txt').data.rows.filter((r) => r.ppid === 2)).toHaveLength(6)
    expect(pids('ps-eo-cmd.txt')).toHaveLength(7)
    expect(ps('ps-eo-cmd.txt').data.rows.find((r) => r.pid === 1221279)!.name).toBe('java')
  })

  it('ps -ef: every process, and a warning saying why none can be compared (no RSS)', () => {
    const { data, warnings } = ps('ps-ef.txt')
    expect(data.rows.map((r) => String(r.pid))).toEqual(['1', '2', '1803', '1969', '1995', '2078', '7201', '111434', '111435'])
    expect(data.rows.find((r) => r.pid === 111435)).toMatchObject({ ppid: 111434 })
    expect(warnings.map((w) => w.code)).toEqual(['ps_no_rss'])
  })
})

describe('insights-core meminfo and dmesg samples', () => {
  it('meminfo of RHEL 7.1: every value insights-core reads, in kB', () => {
    const text = sample('meminfo-rhel7.txt')
    expect(looksLikeMeminfo(text)).toBe(true)
    const { data, warnings } = parseMeminfo(text)
    expect(warnings).toEqual([])
    expect(data.fields).toMatchObject({
      MemTotal: 8009912,
      MemFree: 538760,
      MemAvailable: 6820236,
      Buffers: 157048,
      Cached: 4893932,
      SwapCached: 120,
      'Active(anon)': 311596,
      'Inactive(anon)': 505800,
      Shmem: 461316,
      Slab: 1982652,
      SReclaimable: 1945228,
      SUnreclaim: 37424,
      KernelStack: 3568,
      PageTables: 8504,
      VmallocTotal: 34359738367,
      AnonHugePages: 135168,
      HugePages_Total: 0,
      Hugepagesize: 2048,
      DirectMap4k: 71664,
      DirectMap2M: 8316928,
    })
    expect(Object.keys(data.fields)).toHaveLength(43)
  })

  it('dmesg without timestamps (RHEL 6) is recognised as dmesg, and holds no OOM report', () => {
    const text = sample('dmesg-no-timestamps.txt')
    expect(looksLikeDmesg(text)).toBe(true)
    expect(parseDmesg(text)).toEqual({ data: { reports: [] }, warnings: [] })
  })
})

describe('insights-core slabinfo samples', () => {
  it('slabinfo 2.1: 103 caches, and the sizes and slab counts insights-core reads', () => {
    const text = sample('slabinfo-rhel7.txt')
    expect(looksLikeSlabinfo(text)).toBe(true)
    const { data, warnings } = parseSlabinfo(text)
    expect(warnings).toEqual([])
    expect(data.version).toBe('2.1')
    expect(data.caches).toHaveLength(103)
    const named = (name: string) => data.caches.find((c) => c.name === name)
    expect(named('kcopyd_job')).toMatchObject({ objSize: 3312 })
    expect(named('kmalloc-16')).toMatchObject({ objSize: 16 })
    // insights-core's slab_details: num_slabs is the second slabdata figure, not active_slabs (17)
    expect(named('kmem_cache')).toMatchObject({
      activeObjs: 112,
      numObjs: 111,
      objSize: 256,
      objPerSlab: 16,
      pagesPerSlab: 1,
      numSlabs: 18,
    })
  })

  it('rows with extra slabdata columns: insights-core rejects them, memgap warns and keeps none', () => {
    const { data, warnings } = parseSlabinfo(sample('slabinfo-extra-columns.txt'))
    expect(data.caches).toEqual([])
    expect(warnings.map((w) => [w.code, w.line])).toEqual([
      ['slabinfo_bad_line', 3],
      ['slabinfo_bad_line', 4],
      ['slabinfo_no_caches', undefined],
    ])
  })
})
