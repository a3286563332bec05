import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { Maps } from '../../schemas/sources.ts'
import { looksLikeMaps, parseMaps } from '../../src/parsers/maps.ts'

const sample = (name: string) => readFileSync(new URL(`../fixtures/samples/${name}`, import.meta.url), 'utf8')

describe('parseMaps', () => {
  it('reads fwlog maps of the kafka suspect: 178 mappings, librdkafka among them, no warnings', () => {
    const { data, warnings } = parseMaps(sample('kafka-suspect-maps-5.txt'), 'proc/5/maps')
    expect(warnings).toEqual([])
    expect(Maps.parse(data)).toEqual(data)
    expect(data.rows).toHaveLength(178)
    const rdkafka = data.rows.filter((row) => row.path.endsWith('/librdkafka.so.1'))
    expect(rdkafka.map((row) => row.perms)).toEqual(['r--p', 'r-xp', 'r--p', 'r--p', 'rw-p'])
    expect(rdkafka[0]).toMatchObject({
      start: '7f22683aa000',
      end: '7f22683c3000',
      perms: 'r--p',
      offset: '00000000',
      dev: 'fe:00',
      inode: 5595137,
      path: '/usr/lib/x86_64-linux-gnu/librdkafka.so.1',
      sizeKib: 100,
    })
  })

  it('gives anonymous mappings an empty path, and sizes the malloc arenas', () => {
    const { data } = parseMaps(sample('kafka-suspect-maps-5.txt'))
    const big = data.rows.find((row) => row.start === '7f2250000000')!
    expect(big).toMatchObject({ perms: 'rw-p', path: '', inode: 0, sizeKib: 129032 })
    // Its ---p tail: the rest of the reservation.
    expect(data.rows.find((row) => row.start === '7f2257e02000')).toMatchObject({ perms: '---p', sizeKib: 2040 })
    expect(data.rows.find((row) => row.path === '[heap]')).toMatchObject({ start: '185c7000', sizeKib: 2512 })
  })

  it('sizes 64-bit addresses exactly (the vsyscall page does not fit a JS number)', () => {
    const { data } = parseMaps(sample('kafka-suspect-maps-5.txt'))
    expect(data.rows.at(-1)).toMatchObject({ start: 'ffffffffff600000', end: 'ffffffffff601000', path: '[vsyscall]', sizeKib: 4 })
  })

  it('keeps paths with spaces and (deleted)', () => {
    const text = '7f0000000000-7f0000001000 rw-s 00000000 00:05 1234  /dev/shm/my queue (deleted)\n'
    expect(parseMaps(text).data.rows[0]!.path).toBe('/dev/shm/my queue (deleted)')
  })

  it('skips broken lines with a warning each: junk, end before start, huge inode', () => {
    const text = [
      '00400000-0041f000 r--p 00000000 fe:00 260811   /usr/bin/python3.11',
      'hello world',
      '0041f000-00400000 r-xp 0001f000 fe:00 260811   /usr/bin/python3.11',
      `0041f000-006d2000 r-xp 0001f000 fe:00 ${'9'.repeat(30)} /x`,
      '\u0000\u0000\u0000',
      '7f2268582000-7f2268586000 rw-p 00000000 00:00 0 ',
    ].join('\n')
    const { data, warnings } = parseMaps(text, 'maps')
    expect(data.rows.map((row) => row.start)).toEqual(['00400000', '7f2268582000'])
    expect(warnings.map((w) => [w.code, w.line])).toEqual([
      ['maps_bad_line', 2],
      ['maps_value_out_of_range', 3],
      ['maps_value_out_of_range', 4],
      ['maps_bad_line', 5],
    ])
  })
})

describe('looksLikeMaps', () => {
  it('knows maps, and not smaps or pmap', () => {
    expect(looksLikeMaps(sample('kafka-suspect-maps-5.txt'))).toBe(true)
    expect(looksLikeMaps(sample('smaps-python-malloc.txt'))).toBe(false)
    expect(looksLikeMaps(sample('kafka-suspect-pmap-5.txt'))).toBe(false)
    expect(looksLikeMaps('\u0000\u0001garbage')).toBe(false)
  })
})
