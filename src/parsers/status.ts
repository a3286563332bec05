/**
 * /proc/PID/status: who the process is and its memory counters.
 *
 * A real sample (kafka suspect, fwlog, test/fixtures/samples/kafka-suspect-status-5.txt):
 *
 *   Name:	fwlog
 *   Pid:	5
 *   PPid:	1
 *   VmRSS:	  147124 kB
 *   RssAnon:	  137440 kB
 *   HugetlbPages:	       0 kB
 *
 * Only Name, Pid, PPid and the Vm*, Rss* and HugetlbPages sizes are kept; the other lines
 * (signals, capabilities, cpus) are valid status lines and skipped without a word.
 */
import { ProcStatus } from '../../schemas/parsers.ts'
import type { Warning } from '../../schemas/warning.ts'
import { pidFromPath } from '../bundle/hints.ts'
import { capRecord, defineSource } from '../bundle/source.ts'
import { excerpt, readInt, readKib, splitField, splitLines, warningList } from './common.ts'

type Warn = ReturnType<typeof warningList>['warn']

const MEMORY_KEY = /^(Vm\w+|Rss\w+|HugetlbPages)$/

/** Name plus Pid/PPid/Tgid, or mostly Vm and Rss sizes (a `grep Vm` of it). */
export function looksLikeStatus(text: string): boolean {
  const keys = splitLines(text.slice(0, 4096))
    .slice(0, 40)
    .flatMap((line) => splitField(line.trim())?.key ?? [])
  const has = (key: string) => keys.includes(key)
  if (has('Name') && (has('Pid') || has('PPid') || has('Tgid') || has('State'))) return true
  const memory = keys.filter((key) => MEMORY_KEY.test(key)).length
  return has('VmRSS') && memory >= keys.length * 0.8
}

export function parseStatus(text: string, file?: string): { data: ProcStatus; warnings: Warning[] } {
  const { warnings, warn } = warningList(file)
  const data: ProcStatus = { name: null, pid: null, ppid: null, memory: {}, lines: {} }
  splitLines(text).forEach((line, i) => readLine(line.trim(), i + 1, data, warn))
  if (data.name === null && data.pid === null && Object.keys(data.memory).length === 0) {
    warn('status_empty', 'no Name, Pid or memory field found')
  }
  return { data, warnings }
}

function readLine(line: string, n: number, data: ProcStatus, warn: Warn): void {
  if (!line) return
  const field = splitField(line)
  if (!field) {
    warn('status_unknown_line', `not a status line: ${excerpt(line)}`, n)
    return
  }
  const { key, value } = field
  if (key === 'Name') {
    if (data.name === null && value) data.lines!.Name = n
    data.name ??= value.slice(0, 256) || null
  } else if (key === 'Pid' || key === 'PPid') readId(key, value, n, data, warn)
  else if (MEMORY_KEY.test(key)) readMemory(key, value, n, data, warn)
}

function readId(key: 'Pid' | 'PPid', value: string, n: number, data: ProcStatus, warn: Warn): void {
  const id = readInt(value)
  if (typeof id !== 'number' || id < 0) {
    warn('status_bad_value', `${key}: not a process id: ${excerpt(value)}`, n)
    return
  }
  if (key === 'Pid') data.pid ??= id
  else data.ppid ??= id
}

function readMemory(key: string, value: string, n: number, data: ProcStatus, warn: Warn): void {
  const size = readKib(value)
  if (!size?.kB || size.n === 'nan') {
    warn('status_bad_value', `${key}: not a kB value: ${excerpt(value)}`, n)
  } else if (size.n === 'range') {
    warn('status_value_out_of_range', `${key}: ${excerpt(value)} is too large`, n)
  } else if (Object.hasOwn(data.memory, key)) {
    warn('status_duplicate_field', `${key} appears again: the first value is kept`, n)
  } else {
    data.memory[key] = size.n
    data.lines![key] = n
  }
}

/** This source, as the bundle reader's list (src/bundle/sources.ts) takes it. */
export const statusSource = defineSource({
  kind: 'status',
  order: '`Key: N kB` lines like meminfo, which shares some names: before meminfo',
  loose: false,
  detect: looksLikeStatus,
  parse: parseStatus,
  schema: ProcStatus,
  field: 'statuses',
  keep: (data, file) => ({ ...data, memory: capRecord(data.memory), pid: data.pid ?? pidFromPath(file), file }),
})
