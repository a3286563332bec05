import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { Meminfo } from '../../schemas/parsers.ts'
import { looksLikeMeminfo, parseMeminfo } from '../../src/parsers/meminfo.ts'

const sample = (name: string) => readFileSync(new URL(`../fixtures/samples/${name}`, import.meta.url), 'utf8')

describe('parseMeminfo', () => {
  it('reads the seed paste (grep -i active, prompt line first): 6 fields, no warnings', () => {
    const { data, warnings } = parseMeminfo(sample('sta-18-meminfo.txt'), 'meminfo.txt')
    expect(warnings).toEqual([])
    expect(data.fields).toEqual({
      Active: 1767116,
      Inactive: 473376,
      'Active(anon)': 1745808,
      'Inactive(anon)': 412100,
      'Active(file)': 21308,
      'Inactive(file)': 61276,
    })
    expect(Meminfo.parse(data)).toEqual(data)
  })

  it('gives the seed figures: anonymous gap +346328 kB', () => {
    const suspect = parseMeminfo(sample('sta-18-meminfo.txt')).data.fields
    const baseline = parseMeminfo(sample('sta-49-meminfo.txt')).data.fields
    const anon = (f: Record<string, number>) => f['Active(anon)']! + f['Inactive(anon)']!
    expect(anon(suspect) - anon(baseline)).toBe(346328)
  })

  it('reads a whole /proc/meminfo, kB and unit-less HugePages counts', () => {
    const { data, warnings } = parseMeminfo(sample('kafka-suspect-meminfo.txt'), 'proc/meminfo')
    expect(warnings).toEqual([])
    expect(Object.keys(data.fields)).toHaveLength(54)
    expect(data.fields.MemAvailable).toBe(22613968)
    expect(data.fields.AnonPages).toBe(1708704)
    expect(data.fields.VmallocTotal).toBe(34359738367)
    expect(data.fields.HugePages_Total).toBe(0)
    expect(data.fields.Hugepagesize).toBe(2048)
  })

  it('reports unknown lines with file and line, but not prompts or blank lines', () => {
    const text = '[root@box ~]# cat /proc/meminfo\n\nMemTotal: 100 kB\nsomething odd here\nMemFree: 50 kB\n'
    const { data, warnings } = parseMeminfo(text, 'm.txt')
    expect(data.fields).toEqual({ MemTotal: 100, MemFree: 50 })
    expect(warnings).toEqual([expect.objectContaining({ code: 'meminfo_unknown_line', file: 'm.txt', line: 4 })])
  })

  it('keeps the first of a duplicated field', () => {
    const { data, warnings } = parseMeminfo('MemFree: 1 kB\nMemFree: 2 kB\n')
    expect(data.fields.MemFree).toBe(1)
    expect(warnings.map((w) => [w.code, w.line])).toEqual([['meminfo_duplicate_field', 2]])
  })

  it('gives empty fields and a warning when no meminfo field is known', () => {
    expect(parseMeminfo('Foo: 12 kB\nBar: 3 kB\n').data.fields).toEqual({})
    expect(parseMeminfo('Foo: 12 kB\n').warnings[0]!.code).toBe('meminfo_no_known_field')
    expect(parseMeminfo('').warnings[0]!.code).toBe('meminfo_no_known_field')
  })

  it('skips broken values with a warning: huge numbers, other units, NUL bytes, truncation', () => {
    const text = [
      'MemTotal:       24684084 kB',
      `MemFree: ${'9'.repeat(30)} kB`,
      'Cached: 12 MB',
      'Buffers:\u0000\u0000 132 kB',
      'Active(an',
      `Slab: 145296 kB${' x'.repeat(500_000)}`,
    ].join('\n')
    const { data, warnings } = parseMeminfo(text, 'm')
    expect(data.fields).toEqual({ MemTotal: 24684084 })
    expect(warnings.map((w) => [w.code, w.line])).toEqual([
      ['meminfo_value_out_of_range', 2],
      ['meminfo_bad_value', 3],
      ['meminfo_bad_value', 4],
      ['meminfo_unknown_line', 5],
      ['meminfo_bad_value', 6],
    ])
    expect(warnings.every((w) => w.message.length < 200)).toBe(true)
    Meminfo.parse(data)
  })
})

describe('looksLikeMeminfo', () => {
  it('knows meminfo, whole or partial, and not its look-alikes', () => {
    expect(looksLikeMeminfo(sample('kafka-suspect-meminfo.txt'))).toBe(true)
    expect(looksLikeMeminfo(sample('sta-49-meminfo.txt'))).toBe(true)
    expect(looksLikeMeminfo(sample('kafka-suspect-status-5.txt'))).toBe(false)
    expect(looksLikeMeminfo(sample('kafka-suspect-smaps_rollup-5.txt'))).toBe(false)
    expect(looksLikeMeminfo('\u0000\u0001garbage')).toBe(false)
  })
})
