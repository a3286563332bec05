import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { ProcStatus } from '../../schemas/parsers.ts'
import { looksLikeStatus, parseStatus } from '../../src/parsers/status.ts'

const sample = (name: string) => readFileSync(new URL(`../fixtures/samples/${name}`, import.meta.url), 'utf8')

describe('parseStatus', () => {
  it('reads /proc/5/status of fwlog (kafka suspect)', () => {
    const { data, warnings } = parseStatus(sample('kafka-suspect-status-5.txt'), 'proc/5/status')
    expect(warnings).toEqual([])
    expect(data).toMatchObject({ name: 'fwlog', pid: 5, ppid: 1 })
    expect(data.memory).toEqual({
      VmPeak: 389592,
      VmSize: 389592,
      VmLck: 0,
      VmPin: 0,
      VmHWM: 147124,
      VmRSS: 147124,
      RssAnon: 137440,
      RssFile: 9684,
      RssShmem: 0,
      VmData: 171244,
      VmStk: 132,
      VmExe: 2764,
      VmLib: 9008,
      VmPTE: 380,
      VmSwap: 0,
      HugetlbPages: 0,
    })
    expect(ProcStatus.parse(data)).toEqual(data)
  })

  it('reads a status of this machine', () => {
    const { data, warnings } = parseStatus(sample('status.txt'))
    expect(warnings).toEqual([])
    expect(data).toMatchObject({ name: 'python3', pid: 2, ppid: 1, memory: { VmRSS: 64796, RssAnon: 58072 } })
  })

  it('skips broken lines with a warning each', () => {
    const text = [
      'Name:\tfw log',
      'Pid:\t-3',
      'PPid:\t1',
      `VmRSS:\t${'9'.repeat(30)} kB`,
      'RssAnon:\t12 pages',
      '\u0000\u0000\u0001',
      'VmSwap:\t0 kB',
      'VmSwap:\t5 kB',
    ].join('\n')
    const { data, warnings } = parseStatus(text, 's')
    expect(data).toEqual({ name: 'fw log', pid: null, ppid: 1, memory: { VmSwap: 0 }, lines: { Name: 1, VmSwap: 7 } })
    expect(warnings.map((w) => [w.code, w.line])).toEqual([
      ['status_bad_value', 2],
      ['status_value_out_of_range', 4],
      ['status_bad_value', 5],
      ['status_unknown_line', 6],
      ['status_duplicate_field', 8],
    ])
    expect(parseStatus('').warnings.map((w) => w.code)).toEqual(['status_empty'])
  })
})

describe('looksLikeStatus', () => {
  it('knows status, and a grep Vm of it, and not meminfo', () => {
    expect(looksLikeStatus(sample('kafka-suspect-status-5.txt'))).toBe(true)
    expect(looksLikeStatus('VmPeak:\t  389592 kB\nVmSize:\t  389592 kB\nVmRSS:\t  147124 kB\n')).toBe(true)
    expect(looksLikeStatus(sample('kafka-suspect-meminfo.txt'))).toBe(false)
    expect(looksLikeStatus(sample('kafka-suspect-smaps_rollup-5.txt'))).toBe(false)
  })
})
