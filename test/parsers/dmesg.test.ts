import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { Dmesg } from '../../schemas/sources.ts'
import { looksLikeDmesg, parseDmesg } from '../../src/parsers/dmesg.ts'

const sample = (name: string) => readFileSync(new URL(`../fixtures/samples/${name}`, import.meta.url), 'utf8')
const parse = (name: string) => {
  const result = parseDmesg(sample(name), name)
  expect(Dmesg.parse(result.data)).toEqual(result.data)
  return result
}

describe('parseDmesg: old kernels (3.10, kern.log)', () => {
  it('reads two OOM kills: the invoking line, the nr_ptes task table, the victim', () => {
    const { data, warnings } = parse('dmesg-oom-old.txt')
    expect(warnings).toEqual([])
    expect(data.reports).toHaveLength(2)
    const [first, second] = data.reports
    expect(first!.invocation).toEqual({
      line: 2,
      time: 'Nov 27 03:12:44',
      process: 'fwlog',
      gfpMask: '0x201da',
      order: 0,
      oomScoreAdj: 0,
    })
    expect(first!.victim).toEqual({
      line: 44,
      time: 'Nov 27 03:12:44',
      format: 'old',
      cgroup: false,
      pid: 2207,
      name: 'fwlog',
      totalVmKib: 1573520,
      anonRssKib: 842316,
      fileRssKib: 1204,
      shmemRssKib: null,
      uid: null,
      pgtablesKib: null,
      oomScoreAdj: null,
    })
    expect(first!.constraint).toBeNull()
    expect(first!.tasks).toHaveLength(7)
    expect(first!.tasks.find((t) => t.pid === 2207)).toEqual({
      line: 40,
      pid: 2207,
      uid: 0,
      tgid: 2207,
      totalVmPages: 393380,
      rssPages: 210880,
      totalVmKib: 1573520,
      rssKib: 843520,
      rssAnonPages: null,
      rssFilePages: null,
      rssShmemPages: null,
      pgtablesBytes: null,
      nrPtes: 431,
      swapents: 0,
      oomScoreAdj: 0,
      name: 'fwlog',
    })
    expect(first!.tasks.find((t) => t.name === 'sshd')!.oomScoreAdj).toBe(-1000)
    expect(second!.invocation).toMatchObject({ line: 45, process: 'logsd' })
    expect(second!.victim).toMatchObject({ line: 87, pid: 3051, name: 'fwlog', anonRssKib: 519880 })
  })

  it('agrees with itself: the victim row of the table (pages x 4 KiB) matches its Killed line', () => {
    for (const report of parse('dmesg-oom-old.txt').data.reports) {
      const row = report.tasks.find((t) => t.pid === report.victim!.pid)!
      expect(row.totalVmKib).toBe(report.victim!.totalVmKib)
      expect(row.rssKib).toBe(report.victim!.anonRssKib + report.victim!.fileRssKib)
    }
  })
})

describe('parseDmesg: new kernels (5.x/6.x)', () => {
  it('reads a global OOM and a memory cgroup OOM, with UID, pgtables, oom_score_adj', () => {
    const { data, warnings } = parse('dmesg-oom-new.txt')
    expect(warnings).toEqual([])
    expect(data.reports).toHaveLength(2)
    const [global, memcg] = data.reports
    expect(global!.invocation).toMatchObject({
      line: 2,
      time: '8312.402113',
      process: 'logsd',
      gfpMask: '0x140cca(GFP_HIGHUSER_MOVABLE|__GFP_COMP)',
      order: 0,
    })
    expect(global!.constraint).toBe('CONSTRAINT_NONE')
    expect(global!.taskMemcg).toBe('/system.slice/fwlog.service')
    expect(global!.victim).toEqual({
      line: 50,
      time: '8312.402257',
      format: 'new',
      cgroup: false,
      pid: 5,
      name: 'fwlog',
      totalVmKib: 1689432,
      anonRssKib: 1051184,
      fileRssKib: 3456,
      shmemRssKib: 0,
      uid: 0,
      pgtablesKib: 2212,
      oomScoreAdj: 0,
    })
    expect(global!.tasks.map((t) => t.name)).toEqual(['systemd-journal', 'systemd-udevd', 'sshd', 'fwlog', 'logsd', 'auditd'])
    expect(global!.tasks[3]).toMatchObject({ pid: 5, pgtablesBytes: 2265088, nrPtes: null, rssPages: 263660, rssKib: 1054640 })
    expect(memcg!.constraint).toBe('CONSTRAINT_MEMCG')
    expect(memcg!.victim).toMatchObject({ line: 64, cgroup: true, pid: 7, name: 'auditd', anonRssKib: 258044, pgtablesKib: 584 })
    expect(memcg!.tasks).toHaveLength(1)
  })

  it('reads `dmesg -T` stamps and the 6.x table that splits rss, names with spaces included', () => {
    const { data, warnings } = parse('dmesg-oom-split-rss.txt')
    expect(warnings).toEqual([])
    const [report] = data.reports
    expect(report!.invocation!.time).toBe('Thu Nov 27 10:02:17 2026')
    expect(report!.tasks.find((t) => t.pid === 1305)).toMatchObject({
      name: 'Web Content',
      uid: 1000,
      rssPages: 40211,
      rssAnonPages: 31102,
      rssFilePages: 8821,
      rssShmemPages: 288,
      oomScoreAdj: 200,
    })
    const victim = report!.victim!
    expect(victim).toMatchObject({ pid: 48211, name: 'python3', anonRssKib: 7865220, uid: 1000, oomScoreAdj: 200 })
    expect(report!.tasks.find((t) => t.pid === 48211)!.rssAnonPages! * 4).toBe(victim.anonRssKib)
  })

  it('reads grep excerpts: a victim alone, RHEL 7 `(name), UID n,`, a <6> level, journalctl', () => {
    const text = [
      '<3>[ 100.5] Out of memory: Killed process 99 (a b) total-vm:100kB, anon-rss:40kB, file-rss:4kB, shmem-rss:0kB, UID:0 pgtables:8kB oom_score_adj:-17',
      'Nov 27 03:12:44 box kernel: Killed process 9165 (java), UID 1000, total-vm:2000kB, anon-rss:1000kB, file-rss:0kB, shmem-rss:0kB',
      '2026-11-27T03:12:44+0000 box kernel: Memory cgroup out of memory: Killed process 7 (x) total-vm:8kB, anon-rss:4kB, file-rss:0kB, shmem-rss:0kB',
    ].join('\n')
    const { data, warnings } = parseDmesg(text)
    expect(warnings).toEqual([])
    expect(data.reports.map((r) => [r.invocation, r.victim!.name, r.victim!.uid, r.victim!.cgroup, r.victim!.time])).toEqual([
      [null, 'a b', 0, false, '100.5'],
      [null, 'java', 1000, false, 'Nov 27 03:12:44'],
      [null, 'x', null, true, '2026-11-27T03:12:44+0000'],
    ])
    expect(data.reports[0]!.victim!.oomScoreAdj).toBe(-17)
  })

  it('finds nothing in a boot log, without a word', () => {
    expect(parseDmesg(sample('dmesg-boot.txt'))).toEqual({ data: { reports: [] }, warnings: [] })
  })

  it('skips broken OOM lines with a warning each', () => {
    const text = [
      'Killed process 12 (x) total-vm:abckB, anon-rss:1kB, file-rss:1kB',
      `Killed process 13 (y) total-vm:${'9'.repeat(30)}kB, anon-rss:1kB, file-rss:1kB`,
      '[  pid  ]   uid  tgid total_vm      rss pgtables_bytes swapents oom_score_adj name',
      '[  14]     0    14     junk',
      `[  15]     0    15 ${'9'.repeat(30)}   1  4096  0  0 z`,
      '[  16]     0    16     100     10   4096        0         0 ok',
      '[  pid  ]   uid  what name',
      `oom ${'x'.repeat(5000)}`,
    ].join('\n')
    const { data, warnings } = parseDmesg(text, 'k')
    expect(warnings.map((w) => [w.code, w.line])).toEqual([
      ['dmesg_bad_oom_line', 1],
      ['dmesg_value_out_of_range', 2],
      ['dmesg_bad_task_row', 4],
      ['dmesg_value_out_of_range', 5],
      ['dmesg_unknown_task_header', 7],
      ['dmesg_line_too_long', 8],
    ])
    expect(data.reports.flatMap((r) => r.tasks.map((t) => t.name))).toEqual(['ok'])
  })
})

describe('looksLikeDmesg', () => {
  it('knows kernel logs and OOM excerpts', () => {
    for (const name of ['dmesg-oom-old.txt', 'dmesg-oom-new.txt', 'dmesg-oom-split-rss.txt', 'dmesg-boot.txt']) {
      expect(looksLikeDmesg(sample(name)), name).toBe(true)
    }
    expect(looksLikeDmesg(sample('kafka-suspect-fwlog.log'))).toBe(false)
    expect(looksLikeDmesg('\u0000\u0001garbage')).toBe(false)
  })
})

describe('parseDmesg: 2.6.32 and vendor trees, no timestamps (RHEL 6 dmesg)', () => {
  // Written from the format strings quoted at the top of src/parsers/dmesg.ts.
  it('is recognised without timestamps, and reads both victim formats', () => {
    const text = sample('dmesg-oom-2.6.32.txt')
    expect(looksLikeDmesg(text)).toBe(true)
    const { data, warnings } = parse('dmesg-oom-2.6.32.txt')
    expect(warnings).toEqual([])
    expect(
      data.reports.map(
        (r) =>
          r.victim && [
            r.victim.line,
            r.victim.pid,
            r.victim.name,
            r.victim.uid,
            r.victim.totalVmKib,
            r.victim.anonRssKib,
            r.victim.fileRssKib,
            r.victim.format,
          ],
      ),
    ).toEqual([
      [11, 2207, 'fwlog', 0, 1573520, 842316, 1204, 'old'],
      [14, 2310, 'logsd', null, 1156048, 548212, 2176, 'old'],
    ])
    expect(data.reports[0]!.tasks.map((t) => [t.pid, t.name, t.rssKib])).toEqual([
      [812, 'udevd', 448],
      [2207, 'fwlog', 842316],
      [2310, 'logsd', 56488],
    ])
  })
})
