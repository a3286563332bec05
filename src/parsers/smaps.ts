/**
 * /proc/PID/smaps: per mapping, its maps line then `Key: N kB` fields.
 *
 * A real sample (python3 that malloc'd 3 x 40 MiB and, from a thread, 20000 x 2000 bytes,
 * kernel 6.18, test/fixtures/samples/smaps-python-malloc.txt):
 *
 *   7f848c000000-7f848e67e000 rw-p 00000000 00:00 0
 *   Size:              39416 kB
 *   Rss:               39416 kB
 *   Pss:               39416 kB
 *   Private_Dirty:     39416 kB
 *   Anonymous:         39416 kB
 *   VmFlags: rd wr mr mw me nr
 *   7f848e67e000-7f8490000000 ---p 00000000 00:00 0
 *   Size:              26120 kB
 *
 * (the thread's glibc arena: 64 MiB reserved, the touched part rw-p, the tail ---p).
 * Fields vary by kernel (Pss_Dirty is 6.x, Anonymous 2.6.32+): all kB fields are kept by name.
 */

import type { SmapsRow } from '../../schemas/sources.ts'
import { Smaps } from '../../schemas/sources.ts'
import type { Warning } from '../../schemas/warning.ts'
import { pidFromPath } from '../bundle/hints.ts'
import { defineSource, mappedFiles } from '../bundle/source.ts'
import { excerpt, isPromptLine, readKib, splitField, splitLines, warningList } from './common.ts'
import { readMapsLine } from './maps.ts'

type Warn = ReturnType<typeof warningList>['warn']

/** Fields that are flags or counters, not sizes: skipped. */
const NOT_SIZES = new Set(['THPeligible', 'ProtectionKey'])
const TYPED = {
  rssKib: 'Rss',
  pssKib: 'Pss',
  sharedCleanKib: 'Shared_Clean',
  sharedDirtyKib: 'Shared_Dirty',
  privateCleanKib: 'Private_Clean',
  privateDirtyKib: 'Private_Dirty',
  anonymousKib: 'Anonymous',
  swapKib: 'Swap',
} as const

/** A maps line, then a `Size:` field within the next lines. */
export function looksLikeSmaps(text: string): boolean {
  const lines = splitLines(text.slice(0, 8192))
    .map((line) => line.trim())
    .filter((line) => line && !isPromptLine(line))
  const first = lines[0]
  if (first === undefined || typeof readMapsLine(first) !== 'object') return false
  return lines.slice(1, 4).some((line) => /^Size:\s+\d+ kB$/.test(line))
}

export function parseSmaps(text: string, file?: string): { data: Smaps; warnings: Warning[] } {
  const { warnings, warn } = warningList(file)
  const rows: SmapsRow[] = []
  // The block being read; 'skipped' after a broken header, so its fields are not each reported.
  let current: SmapsRow | 'skipped' | null = null
  splitLines(text).forEach((raw, i) => {
    const line = raw.trim()
    const n = i + 1
    if (!line || isPromptLine(line)) return
    const field = splitField(line)
    if (field) {
      if (current === null) warn('smaps_field_outside_block', `a field before any mapping line: ${excerpt(line)}`, n)
      else if (current !== 'skipped') readField(current, field.key, field.value, n, warn)
      return
    }
    const header = readMapsLine(line)
    if (typeof header === 'object') {
      current = { ...header, line: n, ...nulls(), fields: {}, vmFlags: null }
      rows.push(current)
    } else if (header === 'range') {
      warn('smaps_value_out_of_range', `a number out of range: ${excerpt(line)}`, n)
      current = 'skipped'
    } else {
      warn('smaps_unknown_line', `not an smaps line: ${excerpt(line)}`, n)
    }
  })
  for (const row of rows) {
    for (const [name, key] of Object.entries(TYPED) as [keyof typeof TYPED, string][]) row[name] = row.fields[key] ?? null
  }
  if (rows.length === 0) warn('smaps_no_rows', 'no mapping found')
  return { data: { rows }, warnings }
}

function nulls(): Pick<SmapsRow, keyof typeof TYPED> {
  return {
    rssKib: null,
    pssKib: null,
    sharedCleanKib: null,
    sharedDirtyKib: null,
    privateCleanKib: null,
    privateDirtyKib: null,
    anonymousKib: null,
    swapKib: null,
  }
}

function readField(row: SmapsRow, key: string, value: string, n: number, warn: Warn): void {
  if (key === 'VmFlags') {
    row.vmFlags = value.split(/\s+/).filter((flag) => /^[a-z0-9]{2}$/.test(flag))
    return
  }
  if (NOT_SIZES.has(key)) return
  const kib = readKib(value)
  if (kib?.n === 'range') {
    warn('smaps_value_out_of_range', `${key}: ${excerpt(value)} is too large`, n)
  } else if (!kib || kib.n === 'nan' || !kib.kB || kib.n < 0) {
    warn('smaps_bad_value', `${key}: not a kB value: ${excerpt(value)}`, n)
  } else if (Object.hasOwn(row.fields, key)) {
    warn('smaps_duplicate_field', `${key} appears twice in one mapping: the first is kept`, n)
  } else {
    row.fields[key] = kib.n
  }
}

/** This source, as the bundle reader's list (src/bundle/sources.ts) takes it. */
export const smapsSource = defineSource({
  kind: 'smaps',
  order: 'after smaps_rollup (a one-block smaps), before maps (each block opens with a maps line)',
  loose: false,
  detect: looksLikeSmaps,
  parse: parseSmaps,
  schema: Smaps,
  field: 'smaps',
  // The analysis reads which files a process maps (its libraries), not each mapping's every field.
  keep: (data, file) => ({
    file,
    pid: pidFromPath(file),
    rows: mappedFiles(data.rows).map((r) => ({ ...r, fields: {}, vmFlags: null })),
  }),
})
