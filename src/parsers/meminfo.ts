/**
 * /proc/meminfo, whole or partial.
 *
 * A real sample (seed sta-18: pasted by an engineer, prompt included,
 * test/fixtures/samples/sta-18-meminfo.txt):
 *
 *   TS3.0.24.4474 ~ # cat /proc/meminfo | grep -i active
 *   Active:          1767116 kB
 *   Inactive:        473376 kB
 *   Active(anon):    1745808 kB
 *
 * Values are kB, except the HugePages_* counts which have no unit.
 */
import { Meminfo } from '../../schemas/parsers.ts'
import type { Warning } from '../../schemas/warning.ts'
import { capRecord, defineSource } from '../bundle/source.ts'
import { excerpt, isPromptLine, readKib, splitField, splitLines, warningList } from './common.ts'

/** Fields the kernel prints (2.6 to 6.x). Others are kept too: a new kernel may add some. */
const KNOWN = new Set([
  'MemTotal',
  'MemFree',
  'MemAvailable',
  'Buffers',
  'Cached',
  'SwapCached',
  'Active',
  'Inactive',
  'Active(anon)',
  'Inactive(anon)',
  'Active(file)',
  'Inactive(file)',
  'Unevictable',
  'Mlocked',
  'HighTotal',
  'HighFree',
  'LowTotal',
  'LowFree',
  'MmapCopy',
  'SwapTotal',
  'SwapFree',
  'Zswap',
  'Zswapped',
  'Dirty',
  'Writeback',
  'AnonPages',
  'Mapped',
  'Shmem',
  'KReclaimable',
  'Slab',
  'SReclaimable',
  'SUnreclaim',
  'KernelStack',
  'ShadowCallStack',
  'PageTables',
  'SecPageTables',
  'NFS_Unstable',
  'Bounce',
  'WritebackTmp',
  'CommitLimit',
  'Committed_AS',
  'VmallocTotal',
  'VmallocUsed',
  'VmallocChunk',
  'Percpu',
  'HardwareCorrupted',
  'AnonHugePages',
  'ShmemHugePages',
  'ShmemPmdMapped',
  'FileHugePages',
  'FilePmdMapped',
  'CmaTotal',
  'CmaFree',
  'Unaccepted',
  'Balloon',
  'HugePages_Total',
  'HugePages_Free',
  'HugePages_Rsvd',
  'HugePages_Surp',
  'Hugepagesize',
  'Hugetlb',
  'DirectMap4k',
  'DirectMap4M',
  'DirectMap2M',
  'DirectMap1G',
  'Quicklists',
])

/** Fields only meminfo has: smaps and status share AnonHugePages and the like, not these. */
const DISTINCTIVE = new Set([
  'MemTotal',
  'MemFree',
  'MemAvailable',
  'Buffers',
  'Cached',
  'Active',
  'Inactive',
  'Active(anon)',
  'Inactive(anon)',
  'Active(file)',
  'Inactive(file)',
  'SwapTotal',
  'AnonPages',
  'Slab',
  'SUnreclaim',
  'Committed_AS',
  'HugePages_Total',
])

/** Cheap sniff: mostly `Key: N kB` lines, at least one of them a meminfo-only field. */
export function looksLikeMeminfo(text: string): boolean {
  let fields = 0
  let other = 0
  let distinctive = false
  for (const line of splitLines(text.slice(0, 8192)).slice(0, 40)) {
    const trimmed = line.trim()
    if (!trimmed || isPromptLine(trimmed)) continue
    const field = splitField(trimmed)
    if (field && readKib(field.value)) {
      fields++
      if (DISTINCTIVE.has(field.key)) distinctive = true
    } else other++
  }
  return distinctive && fields > other
}

export function parseMeminfo(text: string, file?: string): { data: Meminfo; warnings: Warning[] } {
  const { warnings, warn } = warningList(file)
  const fields: Record<string, number> = {}
  const lines: Record<string, number> = {}
  splitLines(text).forEach((line, i) => readLine(line.trim(), i + 1, fields, lines, warn))
  const kept = keepIfKnown(fields, warn)
  return { data: { fields: kept, lines: Object.keys(kept).length ? lines : {} }, warnings }
}

type Warn = ReturnType<typeof warningList>['warn']

function readLine(line: string, n: number, fields: Record<string, number>, lines: Record<string, number>, warn: Warn): void {
  if (!line) return
  const field = splitField(line)
  if (!field) {
    // A pasted prompt is expected noise; anything else is worth saying.
    if (!isPromptLine(line)) warn('meminfo_unknown_line', `not a meminfo line: ${excerpt(line)}`, n)
    return
  }
  const value = readKib(field.value)
  if (!value || value.n === 'nan') {
    warn('meminfo_bad_value', `${field.key}: not a kB value: ${excerpt(field.value)}`, n)
  } else if (value.n === 'range') {
    warn('meminfo_value_out_of_range', `${field.key}: ${excerpt(field.value)} is too large`, n)
  } else if (Object.hasOwn(fields, field.key)) {
    warn('meminfo_duplicate_field', `${field.key} appears again: the first value is kept`, n)
  } else {
    fields[field.key] = value.n
    lines[field.key] = n
  }
}

/** `Key: N` lines with no meminfo name among them are something else: better none than wrong ones. */
function keepIfKnown(fields: Record<string, number>, warn: Warn): Record<string, number> {
  const keys = Object.keys(fields)
  if (keys.some((key) => KNOWN.has(key))) return fields
  warn(
    'meminfo_no_known_field',
    keys.length === 0 ? 'no meminfo field found' : `no known meminfo field among ${keys.length} fields: none kept`,
  )
  return {}
}

/** This source, as the bundle reader's list (src/bundle/sources.ts) takes it. */
export const meminfoSource = defineSource({
  kind: 'meminfo',
  order: 'after status and smaps_rollup: all are `Key: N kB` lists that share names like AnonHugePages',
  loose: false,
  detect: looksLikeMeminfo,
  parse: parseMeminfo,
  schema: Meminfo,
  field: 'meminfo',
  keep: (data, file) => ({ fields: capRecord(data.fields), lines: capRecord(data.lines ?? {}), file }),
})
