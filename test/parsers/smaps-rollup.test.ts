import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { SmapsRollup } from '../../schemas/parsers.ts'
import { looksLikeSmapsRollup, parseSmapsRollup } from '../../src/parsers/smaps-rollup.ts'

const sample = (name: string) => readFileSync(new URL(`../fixtures/samples/${name}`, import.meta.url), 'utf8')

describe('parseSmapsRollup', () => {
  it('reads smaps_rollup of fwlog (kafka suspect)', () => {
    const { data, warnings } = parseSmapsRollup(sample('kafka-suspect-smaps_rollup-5.txt'), 'proc/5/smaps_rollup')
    expect(warnings).toEqual([])
    expect(Object.keys(data.fields)).toHaveLength(22)
    expect(data.fields).toMatchObject({ Rss: 147124, Pss: 139433, Pss_Dirty: 137440, Private_Dirty: 137440, Anonymous: 137440, Swap: 0 })
    expect(SmapsRollup.parse(data)).toEqual(data)
  })

  it('sums a full smaps into a rollup, and says so', () => {
    const { data, warnings } = parseSmapsRollup(sample('smaps.txt'), 'proc/3/smaps')
    // awk sums of the file: Rss 1684, Pss 267, Private_Dirty 112, Size 2924 (= pmap's total Kbytes).
    expect(data.fields).toMatchObject({ Rss: 1684, Pss: 267, Private_Dirty: 112, Size: 2924 })
    expect(data.fields).not.toHaveProperty('THPeligible')
    expect(warnings.map((w) => w.code)).toEqual(['smaps_summed'])
  })

  it('skips broken lines with a warning each', () => {
    const text = [
      '00400000-7fff5ac98000 ---p 00000000 00:00 0                              [rollup]',
      'Rss:              147124 kB',
      `Pss:              ${'9'.repeat(30)} kB`,
      'Pss_Dirty:        12',
      'Rss:              1 kB',
      '\u0000\u0000garbage',
      'Private_Dir',
    ].join('\n')
    const { data, warnings } = parseSmapsRollup(text, 'r')
    expect(data.fields).toEqual({ Rss: 147124 })
    expect(warnings.map((w) => [w.code, w.line])).toEqual([
      ['smaps_rollup_value_out_of_range', 3],
      ['smaps_rollup_bad_value', 4],
      ['smaps_rollup_duplicate_field', 5],
      ['smaps_rollup_unknown_line', 6],
      ['smaps_rollup_unknown_line', 7],
    ])
    expect(parseSmapsRollup('').warnings.map((w) => w.code)).toEqual(['smaps_rollup_empty'])
  })
})

describe('looksLikeSmapsRollup', () => {
  it('knows the rollup, with or without its range line, and not a full smaps', () => {
    const rollup = sample('kafka-suspect-smaps_rollup-5.txt')
    expect(looksLikeSmapsRollup(rollup)).toBe(true)
    expect(looksLikeSmapsRollup(rollup.split('\n').slice(1).join('\n'))).toBe(true)
    expect(looksLikeSmapsRollup(sample('smaps.txt'))).toBe(false)
    expect(looksLikeSmapsRollup(sample('kafka-suspect-meminfo.txt'))).toBe(false)
  })
})
