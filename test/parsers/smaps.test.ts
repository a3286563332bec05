import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { Smaps } from '../../schemas/sources.ts'
import { looksLikeSmaps, parseSmaps } from '../../src/parsers/smaps.ts'

const sample = (name: string) => readFileSync(new URL(`../fixtures/samples/${name}`, import.meta.url), 'utf8')

describe('parseSmaps', () => {
  it("reads a python3 that malloc'd a lot: 61 mappings, no warnings", () => {
    const { data, warnings } = parseSmaps(sample('smaps-python-malloc.txt'), 'proc/1/smaps')
    expect(warnings).toEqual([])
    expect(Smaps.parse(data)).toEqual(data)
    expect(data.rows).toHaveLength(61)
    expect(data.rows[0]).toMatchObject({
      start: '00400000',
      end: '0041f000',
      perms: 'r--p',
      path: '/usr/bin/python3.11',
      line: 1,
      sizeKib: 124,
      rssKib: 124,
      pssKib: 124,
      privateCleanKib: 124,
      privateDirtyKib: 0,
      anonymousKib: 0,
      swapKib: 0,
      vmFlags: ['rd', 'mr', 'mw', 'me'],
    })
  })

  it('shows the big anonymous regions: the 3 x 40 MiB mallocs and the thread arena with its tail', () => {
    const { data } = parseSmaps(sample('smaps-python-malloc.txt'))
    const mallocs = data.rows.find((row) => row.start === '7f8492b52000')!
    expect(mallocs).toMatchObject({ path: '', sizeKib: 122892, rssKib: 122892, privateDirtyKib: 122892, anonymousKib: 122892 })
    const arena = data.rows.find((row) => row.start === '7f848c000000')!
    const tail = data.rows.find((row) => row.start === '7f848e67e000')!
    expect(arena).toMatchObject({ perms: 'rw-p', line: 183, privateDirtyKib: 39416, sharedDirtyKib: 0 })
    expect(tail).toMatchObject({ perms: '---p', rssKib: 0 })
    expect(arena.sizeKib + tail.sizeKib).toBe(64 * 1024)
    // Every kB field is kept by its kernel name, this kernel's new ones included.
    expect(arena.fields).toMatchObject({ Size: 39416, Pss_Dirty: 39416, KernelPageSize: 4, AnonHugePages: 0, SwapPss: 0 })
    expect(arena.fields).not.toHaveProperty('THPeligible')
  })

  it('adds up the anonymous memory: the mallocs, the arena, the heap', () => {
    const { data } = parseSmaps(sample('smaps-python-malloc.txt'))
    const anon = data.rows.reduce((sum, row) => sum + (row.anonymousKib ?? 0), 0)
    expect(anon).toBeGreaterThan(160_000)
    expect(data.rows.find((row) => row.path === '[heap]')?.anonymousKib).toBeGreaterThan(0)
  })

  it('reads the sleep smaps too', () => {
    const { data, warnings } = parseSmaps(sample('smaps.txt'))
    expect(warnings).toEqual([])
    expect(data.rows[0]).toMatchObject({ path: '/usr/bin/sleep', rssKib: 8 })
  })

  it('leaves a field null when an old kernel does not print it', () => {
    const text = '08048000-08050000 r-xp 00000000 03:01 1234 /bin/busybox\nSize: 32 kB\nRss: 28 kB\nShared_Clean: 28 kB\n'
    expect(parseSmaps(text).data.rows[0]).toMatchObject({ rssKib: 28, pssKib: null, anonymousKib: null, vmFlags: null })
  })

  it('skips broken lines with a warning each, and the fields of a broken header silently', () => {
    const text = [
      'Rss: 4 kB',
      '00400000-0041f000 r--p 00000000 fe:00 260811   /usr/bin/python3.11',
      'Rss: 12 MB',
      `Pss: ${'9'.repeat(30)} kB`,
      'Rss: 8 kB',
      'Rss: 9 kB',
      'garbage \u0000 here',
      '0041f000-00400000 r-xp 0001f000 fe:00 260811   /usr/bin/python3.11',
      'Rss: 1 kB',
    ].join('\n')
    const { data, warnings } = parseSmaps(text, 's')
    expect(data.rows).toHaveLength(1)
    expect(data.rows[0]).toMatchObject({ rssKib: 8, pssKib: null })
    expect(warnings.map((w) => [w.code, w.line])).toEqual([
      ['smaps_field_outside_block', 1],
      ['smaps_bad_value', 3],
      ['smaps_value_out_of_range', 4],
      ['smaps_duplicate_field', 6],
      ['smaps_unknown_line', 7],
      ['smaps_value_out_of_range', 8],
    ])
  })
})

describe('looksLikeSmaps', () => {
  it('knows smaps, and not maps or smaps_rollup pasted without its range line', () => {
    expect(looksLikeSmaps(sample('smaps-python-malloc.txt'))).toBe(true)
    expect(looksLikeSmaps(sample('smaps.txt'))).toBe(true)
    expect(looksLikeSmaps(sample('kafka-suspect-maps-5.txt'))).toBe(false)
    expect(looksLikeSmaps('Rss: 4 kB\nPss: 4 kB\n')).toBe(false)
    expect(looksLikeSmaps('\u0000\u0001garbage')).toBe(false)
  })
})
