import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { diagnoseParsed, parsedBytes } from '../helpers/diagnose.ts'
import { tarGz } from '../helpers/tar.ts'

// What a parser noticed reaches the diagnosis: per bundle, once, without noise.

const insights = (name: string) => readFileSync(new URL(`../fixtures/insights-core/${name}`, import.meta.url), 'utf8')

describe('diagnosis warnings from what the parsers noticed', async () => {
  const junk = Array.from({ length: 30 }, (_, i) => ({
    name: `notes/${i}.txt`,
    body: `shift handover ${i}: nothing to see\nsee you tomorrow\n`,
  }))
  const broken = ['  PID  PPID   RSS COMMAND', ...Array.from({ length: 12 }, (_, i) => `  ${100 + i}     1   x${i} /usr/bin/app`)].join(
    '\n',
  )
  const bundle = tarGz([
    { name: 'meminfo.txt', body: insights('meminfo-rhel7.txt') },
    { name: 'ps-ef.txt', body: insights('ps-ef.txt') },
    { name: 'ps-m.txt', body: insights('ps-auxwwwm.txt') },
    { name: 'ps-broken.txt', body: broken },
    ...junk,
  ])
  const d = diagnoseParsed(null, await parsedBytes(bundle))
  const codes = d.warnings.map((w) => w.code)

  it('names the files it did not understand once, summarised', () => {
    const unknown = d.warnings.filter((w) => w.code === 'files_not_understood')
    expect(unknown).toHaveLength(1)
    expect(unknown[0]!.message).toMatch(/^suspect: 30 file\(s\) memgap does not recognise were left out: notes\/0\.txt, .*and 25 more$/)
  })

  it('says why ps -ef gave no comparable program, once', () => {
    expect(d.warnings.filter((w) => w.code === 'ps_no_rss')).toEqual([
      expect.objectContaining({
        file: 'ps-ef.txt',
        message: expect.stringMatching(/^suspect: ps-ef\.txt: this ps printed no RSS column: .*none of them can be compared/),
      }),
    ])
  })

  it("counts a file's broken rows in one warning, and takes ps m thread rows for threads", () => {
    const bad = d.warnings.filter((w) => w.file === 'ps-broken.txt')
    expect(bad).toHaveLength(1)
    expect(bad[0]!.message).toMatch(/\(12 lines like it\)$/)
    expect(codes).not.toContain('ps_no_command')
    expect(d.processes.map((p) => p.name)).toEqual(expect.arrayContaining(['smartd', 'udisksd', 'polkitd']))
  })
})
