/**
 * /proc/vmstat: `name value` counters, in pages or events.
 *
 * A real sample (kafka suspect, kernel 6.18, test/fixtures/samples/kafka-suspect-vmstat.txt):
 *
 *   nr_free_pages 982239
 *   nr_zone_inactive_anon 425906
 *   nr_slab_unreclaimable 7159
 *   nr_anon_pages 427176
 *   pgfault 11551129
 *   oom_kill 0
 *
 * The vmstat command's output (a table, or `vmstat -s`) is another thing: one warning, no counters.
 */
import { Vmstat } from '../../schemas/sources.ts'
import type { Warning } from '../../schemas/warning.ts'
import { defineSource } from '../bundle/source.ts'
import { excerpt, isPromptLine, readInt, splitLines, warningList } from './common.ts'

const COUNTER = /^([a-z][a-z0-9_]{0,127})\s+(-?\d+)$/
const COMMAND = /^procs\s+-+memory|^r\s+b\s+swpd\s+free|^\d+ K total memory$/

export function looksLikeVmstat(text: string): boolean {
  const lines = splitLines(text.slice(0, 8192))
    .map((line) => line.trim())
    .filter((line) => line && !isPromptLine(line))
    .slice(0, 40)
  const counters = lines.filter((line) => COUNTER.test(line)).length
  return counters >= lines.length * 0.8 && lines.some((line) => /^(nr_free_pages|pgpgin|pgfault|nr_dirty|nr_inactive_anon) /.test(line))
}

export function parseVmstat(text: string, file?: string): { data: Vmstat; warnings: Warning[] } {
  const { warnings, warn } = warningList(file)
  const counters: Record<string, number> = {}
  const lines = splitLines(text)
  if (lines.slice(0, 5).some((line) => COMMAND.test(line.trim()))) {
    warn('vmstat_command_output', 'the output of the vmstat command, not /proc/vmstat: not read')
    return { data: { counters }, warnings }
  }
  lines.forEach((raw, i) => {
    const line = raw.trim()
    const n = i + 1
    if (!line || isPromptLine(line)) return
    const m = line.length > 256 ? null : COUNTER.exec(line)
    if (!m) {
      warn('vmstat_bad_line', `not a vmstat line: ${excerpt(line)}`, n)
      return
    }
    const name = m[1]!
    const value = readInt(m[2]!)
    if (value === 'nan' || value === 'range') warn('vmstat_value_out_of_range', `${name}: ${excerpt(m[2]!)} is out of range`, n)
    else if (Object.hasOwn(counters, name)) warn('vmstat_duplicate_counter', `${name} appears again: the first value is kept`, n)
    else counters[name] = value
  })
  if (Object.keys(counters).length === 0) warn('vmstat_empty', 'no vmstat counter found')
  return { data: { counters }, warnings }
}

/**
 * The counters the parsed bundle keeps: what they say about memory pressure. The rest of the
 * file (about 170 counters) is read for its warnings and dropped.
 */
export const PRESSURE_COUNTERS = [
  'oom_kill', // processes the OOM killer killed since boot (4.13+)
  'pgmajfault', // page faults that had to read from disk
  'workingset_refault',
  'workingset_refault_anon',
  'workingset_refault_file', // evicted pages needed again: cache thrashing
  'pswpin',
  'pswpout',
  'allocstall_normal',
  'compact_stall',
] as const

/** This source, as the bundle reader's list (src/bundle/sources.ts) takes it. */
export const vmstatSource = defineSource({
  kind: 'vmstat',
  order: 'structured: `nr_free_pages 123` counters have the shape of ps `command rss` pairs, so before ps',
  loose: false,
  detect: looksLikeVmstat,
  parse: parseVmstat,
  schema: Vmstat,
  field: 'vmstat',
  keep: (data, file) => {
    const counters = Object.fromEntries(
      PRESSURE_COUNTERS.flatMap((name) => (Object.hasOwn(data.counters, name) ? [[name, data.counters[name]!]] : [])),
    )
    return Object.keys(counters).length ? { file, counters } : null
  },
})
