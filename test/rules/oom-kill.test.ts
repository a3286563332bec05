import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { diagnoseParsed, parsedBytes } from '../helpers/diagnose.ts'
import { tarGz } from '../helpers/tar.ts'

// Bundles made in the test from the dmesg samples (kernel formats of mm/oom_kill.c, old and new)
// and the real ps and meminfo of the kafka capture.

const sample = (name: string) => readFileSync(fileURLToPath(new URL(`../fixtures/samples/${name}`, import.meta.url)), 'utf8')

function bundle(dmesg: string) {
  return parsedBytes(
    tarGz([
      { name: 'proc/meminfo', body: sample('kafka-suspect-meminfo.txt') },
      { name: 'ps.txt', body: sample('kafka-suspect-ps.txt') },
      { name: 'dmesg.txt', body: dmesg },
    ]),
  )
}

describe('oom-kill', () => {
  it('reports each victim of the new (5.x+) format, global and cgroup, with its line', async () => {
    const d = diagnoseParsed(null, await bundle(sample('dmesg-oom-new.txt')))
    const kills = d.findings.filter((f) => f.kind === 'oom-kill')
    expect(kills.map((f) => f.process)).toEqual(['fwlog', 'auditd'])
    expect(kills[0]!.confidence).toBe(1)
    expect(kills[0]!.evidence[0]).toMatchObject({ bundle: 'suspect', file: 'dmesg.txt', line: 50 })
    expect(kills[0]!.evidence[0]!.excerpt).toContain('anon-rss:1051184kB')
    expect(kills[0]!.detail).toMatch(/1051184 KiB of anonymous memory/)
    expect(kills[1]!.detail).toMatch(/CONSTRAINT_MEMCG|cgroup/i)
  })

  it('reports victims of the old format (kern.log, 3.x), with the largest tasks of the table', async () => {
    const d = diagnoseParsed(null, await bundle(sample('dmesg-oom-old.txt')))
    const kills = d.findings.filter((f) => f.kind === 'oom-kill')
    expect(kills).toHaveLength(2)
    expect(kills[0]!.title).toMatch(/killed fwlog \(pid 2207\)/)
    expect(kills[0]!.evidence.some((e) => /^task \d+ /.test(e.note ?? ''))).toBe(true)
  })

  it('says nothing when dmesg has no OOM report', async () => {
    const d = diagnoseParsed(null, await bundle(sample('dmesg-boot.txt')))
    expect(d.findings.filter((f) => f.kind === 'oom-kill')).toEqual([])
  })
})

describe('oom-kill from /proc/vmstat alone', () => {
  const vmstat = (kills: number) => sample('kafka-suspect-vmstat.txt').replace(/^oom_kill \d+$/m, `oom_kill ${kills}`)
  const withVmstat = (kills: number, dmesg: string) =>
    parsedBytes(
      tarGz([
        { name: 'proc/meminfo', body: sample('kafka-suspect-meminfo.txt') },
        { name: 'ps.txt', body: sample('kafka-suspect-ps.txt') },
        { name: 'proc/vmstat', body: vmstat(kills) },
        { name: 'dmesg.txt', body: dmesg },
      ]),
    )

  it('says kills happened when dmesg has no report of them, citing the counter', async () => {
    const d = diagnoseParsed(null, await withVmstat(3, sample('dmesg-boot.txt')))
    const kill = d.findings.find((f) => f.kind === 'oom-kill')!
    expect(kill).toMatchObject({ process: null, title: 'The OOM killer killed 3 processes on the suspect since it booted' })
    expect(kill.evidence).toEqual([{ bundle: 'suspect', file: 'proc/vmstat', excerpt: 'oom_kill 3' }])
    expect(kill.detail).toMatch(/workingset_refault/)
  })

  it('says nothing more when dmesg names the victims, or when the counter is 0', async () => {
    expect(
      diagnoseParsed(null, await withVmstat(2, sample('dmesg-oom-new.txt'))).findings.filter(
        (f) => f.kind === 'oom-kill' && f.process === null,
      ),
    ).toEqual([])
    expect(diagnoseParsed(null, await withVmstat(0, sample('dmesg-boot.txt'))).findings.filter((f) => f.kind === 'oom-kill')).toEqual([])
  })
})
