import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { Vmstat } from '../../schemas/sources.ts'
import { looksLikeVmstat, parseVmstat } from '../../src/parsers/vmstat.ts'

const sample = (name: string) => readFileSync(new URL(`../fixtures/samples/${name}`, import.meta.url), 'utf8')

describe('parseVmstat', () => {
  it('reads the kafka suspect /proc/vmstat: 192 counters, no warnings', () => {
    const { data, warnings } = parseVmstat(sample('kafka-suspect-vmstat.txt'), 'proc/vmstat')
    expect(warnings).toEqual([])
    expect(Vmstat.parse(data)).toEqual(data)
    expect(Object.keys(data.counters)).toHaveLength(192)
    expect(data.counters).toMatchObject({
      nr_free_pages: 982239,
      nr_zone_inactive_anon: 425906,
      nr_anon_pages: 427176,
      nr_slab_unreclaimable: 7159,
      pgfault: 11551129,
      oom_kill: 0,
      pgalloc_dma32: 0,
    })
  })

  it('keeps negative values (per-cpu drift), the first of a duplicate, and warns about the rest', () => {
    const text = ['nr_dirty -3', 'nr_dirty 5', `pgfault ${'9'.repeat(30)}`, 'Not A Counter', 'nr_free_pages\u00001', 'constructor 1'].join(
      '\n',
    )
    const { data, warnings } = parseVmstat(text, 'v')
    expect(data.counters).toEqual({ nr_dirty: -3, constructor: 1 })
    expect(warnings.map((w) => [w.code, w.line])).toEqual([
      ['vmstat_duplicate_counter', 2],
      ['vmstat_value_out_of_range', 3],
      ['vmstat_bad_line', 4],
      ['vmstat_bad_line', 5],
    ])
  })

  it('says the vmstat command output is not /proc/vmstat, once', () => {
    const { data, warnings } = parseVmstat(sample('vmstat-cmd.txt'), 'vmstat.txt')
    expect(data.counters).toEqual({})
    expect(warnings).toEqual([expect.objectContaining({ code: 'vmstat_command_output', file: 'vmstat.txt' })])
  })
})

describe('looksLikeVmstat', () => {
  it('knows /proc/vmstat, and not meminfo or the vmstat command', () => {
    expect(looksLikeVmstat(sample('kafka-suspect-vmstat.txt'))).toBe(true)
    expect(looksLikeVmstat(sample('kafka-suspect-meminfo.txt'))).toBe(false)
    expect(looksLikeVmstat(sample('vmstat-cmd.txt'))).toBe(false)
    expect(looksLikeVmstat('\u0000\u0001garbage')).toBe(false)
  })
})
