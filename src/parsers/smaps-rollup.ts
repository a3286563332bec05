/**
 * /proc/PID/smaps_rollup: the sums of smaps over all mappings, one `Key: N kB` a line.
 *
 * A real sample (kafka suspect, fwlog, test/fixtures/samples/kafka-suspect-smaps_rollup-5.txt):
 *
 *   00400000-7fff5ac98000 ---p 00000000 00:00 0                              [rollup]
 *   Rss:              147124 kB
 *   Pss:              139433 kB
 *   Pss_Dirty:        137440 kB
 *   Private_Dirty:    137440 kB
 *   Anonymous:        137440 kB
 *
 * A full smaps given here is summed mapping by mapping, which is what the kernel's rollup is.
 */
import { SmapsRollup } from '../../schemas/parsers.ts'
import type { Warning } from '../../schemas/warning.ts'
import { pidFromPath } from '../bundle/hints.ts'
import { capRecord, defineSource } from '../bundle/source.ts'
import { excerpt, readKib, splitField, splitLines, warningList } from './common.ts'

type Warn = ReturnType<typeof warningList>['warn']

/** `start-end perms offset dev inode [path]`: opens each block (the rollup has one). */
export const RANGE_LINE = /^[0-9a-fA-F]+-[0-9a-fA-F]+\s+[-rwxspS]{4}\s+[0-9a-fA-F]+\s+[0-9a-fA-F]+:[0-9a-fA-F]+\s+\d+(\s.*)?$/
/** smaps fields that are not sizes: flags and counters, skipped. */
const NOT_SIZES = new Set(['VmFlags', 'THPeligible', 'ProtectionKey'])

export function looksLikeSmapsRollup(text: string): boolean {
  const lines = splitLines(text.slice(0, 4096))
    .filter((line) => line.trim())
    .slice(0, 30)
  const first = lines[0]?.trim() ?? ''
  if (RANGE_LINE.test(first)) return first.endsWith('[rollup]')
  // Pasted without its range line: Rss and Pss, and no per-mapping Size.
  const keys = new Set(lines.map((line) => splitField(line.trim())?.key))
  return keys.has('Rss') && keys.has('Pss') && !keys.has('Size') && !keys.has('MemTotal')
}

export function parseSmapsRollup(text: string, file?: string): { data: SmapsRollup; warnings: Warning[] } {
  const { warnings, warn } = warningList(file)
  const fields: Record<string, number> = {}
  const lines: Record<string, number> = {}
  const seen = new Set<string>()
  let blocks = 0
  splitLines(text).forEach((raw, i) => {
    const line = raw.trim()
    if (!line) return
    if (RANGE_LINE.test(line)) {
      blocks++
      seen.clear()
      return
    }
    if (readLine(line, i + 1, fields, seen, warn)) lines[splitField(line)!.key] ??= i + 1
  })
  if (blocks > 1) warn('smaps_summed', `a full smaps (${blocks} mappings): its fields are summed into a rollup`)
  if (Object.keys(fields).length === 0) warn('smaps_rollup_empty', 'no smaps_rollup field found')
  // A full smaps summed has no one line per field to cite.
  return { data: { fields, lines: blocks > 1 ? {} : lines }, warnings }
}

function readLine(line: string, n: number, fields: Record<string, number>, seen: Set<string>, warn: Warn): boolean {
  const field = splitField(line)
  if (!field) {
    warn('smaps_rollup_unknown_line', `not a smaps_rollup line: ${excerpt(line)}`, n)
    return false
  }
  if (NOT_SIZES.has(field.key)) return false
  const value = readKib(field.value)
  if (!value || value.n === 'nan' || !value.kB) {
    warn('smaps_rollup_bad_value', `${field.key}: not a kB value: ${excerpt(field.value)}`, n)
    return false
  }
  if (seen.has(field.key)) {
    warn('smaps_rollup_duplicate_field', `${field.key} appears twice in one block: the first is kept`, n)
    return false
  }
  const sum = (fields[field.key] ?? 0) + (value.n === 'range' ? Infinity : value.n)
  if (!Number.isSafeInteger(sum)) {
    warn('smaps_rollup_value_out_of_range', `${field.key}: ${excerpt(field.value)} is too large`, n)
    return false
  }
  seen.add(field.key)
  fields[field.key] = sum
  return true
}

/** This source, as the bundle reader's list (src/bundle/sources.ts) takes it. */
export const smapsRollupSource = defineSource({
  kind: 'smaps_rollup',
  order: 'a one-block smaps marked [rollup]: before smaps; `Key: N kB` lines: before meminfo',
  loose: false,
  detect: looksLikeSmapsRollup,
  parse: parseSmapsRollup,
  schema: SmapsRollup,
  field: 'rollups',
  // Lines kept: evidence cites the very line each figure was read from.
  keep: (data, file) => ({ fields: capRecord(data.fields), lines: capRecord(data.lines ?? {}), file, pid: pidFromPath(file) }),
})
