/**
 * /proc/PID/maps: one line per mapping.
 *
 * A real sample (kafka suspect, fwlog, test/fixtures/samples/kafka-suspect-maps-5.txt):
 *
 *   00400000-0041f000 r--p 00000000 fe:00 260811                             /usr/bin/python3.11
 *   7f22683aa000-7f22683c3000 r--p 00000000 fe:00 5595137                    /usr/lib/x86_64-linux-gnu/librdkafka.so.1
 *   7f2268582000-7f2268586000 rw-p 00000000 00:00 0
 *
 * Addresses stay hex strings: 64-bit ones (the vsyscall page, ffffffffff600000) do not fit a
 * JS number, so sizes are computed with BigInt.
 */

import type { MapsRow } from '../../schemas/sources.ts'
import { Maps } from '../../schemas/sources.ts'
import type { Warning } from '../../schemas/warning.ts'
import { pidFromPath } from '../bundle/hints.ts'
import { defineSource, mappedFiles } from '../bundle/source.ts'
import { excerpt, isPromptLine, readInt, splitLines, warningList } from './common.ts'

const LINE =
  /^([0-9a-fA-F]{1,16})-([0-9a-fA-F]{1,16})\s+([-rwxspS]{4})\s+([0-9a-fA-F]{1,16})\s+([0-9a-fA-F]{1,8}:[0-9a-fA-F]{1,8})\s+(\d+)(?:\s+(.*))?$/
/** The kernel caps a path at PATH_MAX: anything much longer is not a maps line. */
const MAX_LINE = 8192

/** A maps line read, or why not: 'range' (a number too large, or end before start), 'bad' (not a maps line). */
export function readMapsLine(line: string): MapsRow | 'range' | 'bad' {
  if (line.length > MAX_LINE) return 'bad'
  const m = LINE.exec(line)
  if (!m) return 'bad'
  const start = m[1]!.toLowerCase()
  const end = m[2]!.toLowerCase()
  const inode = readInt(m[6]!)
  const bytes = BigInt(`0x${end}`) - BigInt(`0x${start}`)
  const sizeKib = Number(bytes / 1024n)
  if (typeof inode !== 'number' || bytes < 0n || !Number.isSafeInteger(sizeKib)) return 'range'
  return {
    start,
    end,
    perms: m[3]!,
    offset: m[4]!.toLowerCase(),
    dev: m[5]!.toLowerCase(),
    inode,
    path: (m[7] ?? '').trim(),
    sizeKib,
  }
}

/** Mostly maps lines, and no `Size:` fields (those make it smaps). */
export function looksLikeMaps(text: string): boolean {
  const lines = splitLines(text.slice(0, 8192))
    .map((line) => line.trim())
    .filter((line) => line && !isPromptLine(line))
    .slice(0, 40)
  if (lines.length === 0 || lines.some((line) => /^Size:\s/.test(line))) return false
  return lines.filter((line) => typeof readMapsLine(line) === 'object').length >= lines.length * 0.8
}

export function parseMaps(text: string, file?: string): { data: Maps; warnings: Warning[] } {
  const { warnings, warn } = warningList(file)
  const rows: MapsRow[] = []
  splitLines(text).forEach((raw, i) => {
    const line = raw.trim()
    if (!line || isPromptLine(line)) return
    const row = readMapsLine(line)
    if (row === 'range') warn('maps_value_out_of_range', `a number out of range: ${excerpt(line)}`, i + 1)
    else if (row === 'bad') warn('maps_bad_line', `not a maps line: ${excerpt(line)}`, i + 1)
    else rows.push({ ...row, line: i + 1 })
  })
  if (rows.length === 0) warn('maps_no_rows', 'no mapping found')
  return { data: { rows }, warnings }
}

/** This source, as the bundle reader's list (src/bundle/sources.ts) takes it. */
export const mapsSource = defineSource({
  kind: 'maps',
  order: 'after smaps, whose every block opens with a maps line',
  loose: false,
  detect: looksLikeMaps,
  parse: parseMaps,
  schema: Maps,
  field: 'procMaps',
  // The analysis reads which files a process maps (its libraries), not each mapping.
  keep: (data, file) => ({
    file,
    pid: pidFromPath(file),
    rows: mappedFiles(data.rows),
  }),
})
