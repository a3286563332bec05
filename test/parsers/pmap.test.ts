import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { Pmap } from '../../schemas/parsers.ts'
import { looksLikePmap, parsePmap } from '../../src/parsers/pmap.ts'

const sample = (name: string) => readFileSync(new URL(`../fixtures/samples/${name}`, import.meta.url), 'utf8')
const parse = (name: string) => {
  const result = parsePmap(sample(name), name)
  Pmap.parse(result.data)
  return result
}
const sum = (pmap: Pmap, key: 'kbytes' | 'resident' | 'dirty', rows = pmap.rows) => rows.reduce((n, row) => n + (row[key] ?? 0), 0)
const anon = (pmap: Pmap) => pmap.rows.filter((row) => row.mapping === '[ anon ]')

describe('parsePmap: procps', () => {
  it('reads pmap -x of fwlog (kafka suspect): PID line, rows, total', () => {
    const { data, warnings } = parse('kafka-suspect-pmap-5.txt')
    expect(warnings).toEqual([])
    expect(data).toMatchObject({ pid: 5, variant: 'procps', residentMetric: 'rss', dirtyIsPrivate: false })
    expect(data.command).toMatch(/^\/opt\/sta\/apps\/bin\/fwlog \/opt\/sta\/apps\/gen\/producer.py --name fwlog/)
    expect(data.total).toEqual({ kbytes: 389596, resident: 147124, dirty: 137440, line: 182 })
    expect(sum(data, 'resident')).toBe(147124)
    expect(sum(data, 'dirty')).toBe(137440)
    expect(data.rows.find((row) => row.address === '00007f2250000000')).toMatchObject({
      address: '00007f2250000000',
      kbytes: 129032,
      resident: 129032,
      dirty: 129032,
      swap: null,
      mode: 'rw---',
      mapping: '[ anon ]',
    })
    expect(data.rows[0]).toMatchObject({ address: '0000000000400000', mode: 'r----', mapping: 'python3.11' })
  })

  it('reads the seed pastes: tab separated, no PID line, no total', () => {
    const suspect = parse('sta-18-pmap-fwlog.txt')
    const baseline = parse('sta-49-pmap-fwlog.txt')
    expect(suspect.warnings).toEqual([])
    expect(baseline.warnings).toEqual([])
    expect(suspect.data).toMatchObject({ pid: null, command: null, total: null, variant: 'procps' })
    expect(suspect.data.rows).toHaveLength(32)
    // The write-up's figures: dirty anonymous memory 190380 vs 43916 (libnsl.so.1 adds 4 kB to the column).
    expect(sum(suspect.data, 'dirty', anon(suspect.data))).toBe(190380)
    expect(sum(baseline.data, 'dirty', anon(baseline.data))).toBe(43916)
    expect(sum(suspect.data, 'dirty')).toBe(190384)
    expect(suspect.data.rows.find((row) => row.address === '00007f21b8000000')!.dirty).toBe(65532)
    expect(suspect.data.rows.find((row) => row.address === '00007f21c8000000')!.dirty).toBe(65472)
  })

  it('reads the same process as procps and busybox see it: RSS beside PSS', () => {
    const procps = parse('procps-pmap-x.txt').data
    expect(procps.total).toMatchObject({ kbytes: 67788, resident: 64796, dirty: 58072 })
    expect(procps.rows.find((row) => row.address === '00007f1937eb2000')).toMatchObject({ kbytes: 52432, resident: 51936, mode: 'rw---' })
  })
})

describe('parsePmap: busybox', () => {
  it('reads busybox pmap -x: PSS column, private dirty, swap, rw-p modes', () => {
    const { data, warnings } = parse('busybox-pmap-x.txt')
    expect(warnings).toEqual([])
    expect(data).toMatchObject({ pid: 2, variant: 'busybox', residentMetric: 'pss', dirtyIsPrivate: true })
    expect(data.total).toMatchObject({ kbytes: 67788, resident: 63258, dirty: 58072 })
    expect(data.rows.find((row) => row.address === '00007f1937eb2000')).toMatchObject({
      address: '00007f1937eb2000',
      kbytes: 52432,
      resident: 51936,
      dirty: 51936,
      swap: 0,
      mode: 'rw-p',
      mapping: '[ anon ]',
    })
    expect(data.rows.find((row) => row.mapping === '[heap]')).toMatchObject({ kbytes: 1612, mode: 'rw-p' })
  })

  it('reads a small busybox pmap (sleep)', () => {
    const { data } = parse('busybox-pmap-x-sleep.txt')
    expect(data).toMatchObject({ pid: 3, command: 'sleep 1000', residentMetric: 'pss' })
    expect(data.rows).toHaveLength(37)
    expect(data.total!.kbytes).toBe(sum(data, 'kbytes'))
  })
})

describe('parsePmap: odd and broken input', () => {
  it('reads rows pasted without a header as procps columns, and says so', () => {
    const text = '00007f21b8000000  65532  65532  65532 rw---   [ anon ]\n0000003697810000      4      4      4 rw--- libnsl.so.1\n'
    const { data, warnings } = parsePmap(text, 'p.txt')
    expect(data.rows.map((row) => row.dirty)).toEqual([65532, 4])
    expect(warnings).toEqual([expect.objectContaining({ code: 'pmap_no_header', file: 'p.txt', line: 1 })])
  })

  it('keeps spaces in mapping names, and 0x prefixes out of addresses', () => {
    const text = 'Address Kbytes RSS Dirty Mode Mapping\n0x00007F00AA000000 8 4 4 rw-s- my file (deleted)\n'
    expect(parsePmap(text).data.rows[0]).toMatchObject({ address: '00007f00aa000000', mapping: 'my file (deleted)' })
  })

  it('reads "-" as unknown, not zero', () => {
    const text = 'Address Kbytes RSS Dirty Mode Mapping\n0000000000400000 124 - - r---- python3.11\n'
    expect(parsePmap(text).data.rows[0]).toMatchObject({ kbytes: 124, resident: null, dirty: null })
  })

  it('skips broken rows with a warning each: huge numbers, bad modes, junk, truncation', () => {
    const text = [
      '5:   /opt/fwlog',
      'Address           Kbytes     RSS   Dirty Mode  Mapping',
      `0000000000400000 ${'9'.repeat(40)} 1 1 r---- a`,
      '0000000000401000     124     124       0 banana a',
      '\u0000\u0000\u0000 junk \ufffd',
      '0000000000402000     124',
      '0000000000403000       4       4       4 rw---   [ anon ]',
      'total kB  abc',
      '6:   /opt/other',
      '0000000000500000       4       4       4 rw---   [ anon ]',
    ].join('\n')
    const { data, warnings } = parsePmap(text, 'pmap/5.txt')
    expect(data.rows.map((row) => row.address)).toEqual(['0000000000403000'])
    expect(data.total).toBeNull()
    expect(warnings.map((w) => [w.code, w.line])).toEqual([
      ['pmap_value_out_of_range', 3],
      ['pmap_bad_row', 4],
      ['pmap_unknown_line', 5],
      ['pmap_bad_row', 6],
      ['pmap_bad_total', 8],
      ['pmap_multiple_processes', 9],
    ])
    Pmap.parse(data)
  })

  it('says when it found no mapping', () => {
    expect(parsePmap('').warnings.map((w) => w.code)).toEqual(['pmap_no_rows'])
  })
})

describe('looksLikePmap', () => {
  it('knows pmap with or without its header, and not maps', () => {
    for (const name of ['kafka-suspect-pmap-5.txt', 'sta-18-pmap-fwlog.txt', 'busybox-pmap-x.txt'])
      expect(looksLikePmap(sample(name)), name).toBe(true)
    expect(looksLikePmap(sample('sta-18-pmap-fwlog.txt').split('\n').slice(1).join('\n'))).toBe(true)
    expect(looksLikePmap(sample('maps.txt'))).toBe(false)
    expect(looksLikePmap(sample('kafka-suspect-ps.txt'))).toBe(false)
  })
})
