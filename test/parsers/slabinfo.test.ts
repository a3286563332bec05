import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { Slabinfo } from '../../schemas/sources.ts'
import { looksLikeSlabinfo, parseSlabinfo } from '../../src/parsers/slabinfo.ts'

const sample = (name: string) => readFileSync(new URL(`../fixtures/samples/${name}`, import.meta.url), 'utf8')
const bySize = (data: Slabinfo) => [...data.caches].sort((a, b) => b.sizeKib - a.sizeKib)

describe('parseSlabinfo', () => {
  it('reads the kafka suspect slabinfo: 235 caches, ext4_inode_cache the biggest', () => {
    const { data, warnings } = parseSlabinfo(sample('kafka-suspect-slabinfo.txt'), 'proc/slabinfo')
    expect(warnings).toEqual([])
    expect(Slabinfo.parse(data)).toEqual(data)
    expect(data.version).toBe('2.1')
    expect(data.caches).toHaveLength(235)
    expect(bySize(data)[0]).toEqual({
      line: 59,
      name: 'ext4_inode_cache',
      activeObjs: 65003,
      numObjs: 65016,
      objSize: 1128,
      objPerSlab: 14,
      pagesPerSlab: 4,
      numSlabs: 4644,
      sizeKib: 71619,
      slabsKib: 74304,
    })
    expect(
      bySize(data)
        .slice(1, 3)
        .map((c) => [c.name, c.sizeKib]),
    ).toEqual([
      ['dentry', 18758],
      ['proc_inode_cache', 14570],
    ])
  })

  it('keeps empty caches, in file order', () => {
    const { data } = parseSlabinfo(sample('kafka-suspect-slabinfo.txt'))
    expect(data.caches[0]).toMatchObject({ line: 3, name: 'btrfs_delayed_node', numObjs: 0, sizeKib: 0, slabsKib: 0 })
  })

  it('reads slabtop -o, sizes approximate', () => {
    const { data, warnings } = parseSlabinfo(sample('slabtop-o.txt'))
    expect(warnings).toEqual([])
    expect(data.version).toBeNull()
    expect(data.caches).toHaveLength(13)
    expect(data.caches[0]).toMatchObject({
      name: 'ext4_inode_cache',
      numObjs: 86828,
      activeObjs: 86813,
      objSize: 1126,
      objPerSlab: 14,
      numSlabs: 6202,
      pagesPerSlab: null,
      slabsKib: 99232,
    })
    expect(data.caches[0]!.sizeKib).toBeCloseTo(86828 * 1.1, -2)
  })

  it('skips broken lines with a warning each', () => {
    const text = [
      'slabinfo - version: 2.1',
      '# name            <active_objs> <num_objs> <objsize> <objperslab> <pagesperslab> : tunables <limit> <batchcount> <sharedfactor> : slabdata <active_slabs> <num_slabs> <sharedavail>',
      'dentry  98402 100044    192   21    1 : tunables    0    0    0 : slabdata   4764   4764      0',
      'kmalloc-8  1  2 ',
      `big  1 ${'9'.repeat(30)}  8  1  1 : tunables 0 0 0 : slabdata 1 1 0`,
      `huge  1 ${'9'.repeat(12)}  ${'9'.repeat(9)}  1  1 : tunables 0 0 0 : slabdata 1 1 0`,
      '\u0000\u0000 junk',
    ].join('\n')
    const { data, warnings } = parseSlabinfo(text, 's')
    expect(data.caches.map((c) => c.name)).toEqual(['dentry'])
    expect(warnings.map((w) => [w.code, w.line])).toEqual([
      ['slabinfo_bad_line', 4],
      ['slabinfo_value_out_of_range', 5],
      ['slabinfo_value_out_of_range', 6],
      ['slabinfo_bad_line', 7],
    ])
  })

  it('warns about a version it does not know, and about no caches', () => {
    expect(parseSlabinfo('slabinfo - version: 1.1\n').warnings.map((w) => w.code)).toEqual([
      'slabinfo_unknown_version',
      'slabinfo_no_caches',
    ])
  })
})

describe('looksLikeSlabinfo', () => {
  it('knows slabinfo and slabtop', () => {
    expect(looksLikeSlabinfo(sample('kafka-suspect-slabinfo.txt'))).toBe(true)
    expect(looksLikeSlabinfo(sample('slabtop-o.txt'))).toBe(true)
    expect(looksLikeSlabinfo(sample('kafka-suspect-vmstat.txt'))).toBe(false)
    expect(looksLikeSlabinfo('\u0000\u0001garbage')).toBe(false)
  })
})
