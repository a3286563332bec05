/**
 * `pmap -x PID`, procps or busybox: one row per mapping.
 *
 * A real sample (kafka suspect, procps 4, test/fixtures/samples/kafka-suspect-pmap-5.txt):
 *
 *   5:   /opt/sta/apps/bin/fwlog /opt/sta/apps/gen/producer.py --name fwlog --rate 3000 ...
 *   Address           Kbytes     RSS   Dirty Mode  Mapping
 *   00007f2250000000  129032  129032  129032 rw---   [ anon ]
 *   ---------------- ------- ------- -------
 *   total kB          389596  147124  137440
 *
 * busybox 1.35 (test/fixtures/samples/busybox-pmap-x.txt) prints PSS where procps prints RSS,
 * counts only private dirty pages, adds Swap, and has modes like `rw-p`:
 *
 *   Address		  Kbytes     PSS   Dirty    Swap  Mode  Mapping
 *   00007f1937eb2000   52432   51936   51936       0  rw-p    [ anon ]
 *   total		   67788   63258   58072       0
 *
 * Pasted copies may lack the PID line, the total, even the header (seed sta-18: tab separated,
 * header, no PID line, no total). The header says which column is which.
 */

import type { PmapRow } from '../../schemas/parsers.ts'
import { Pmap } from '../../schemas/parsers.ts'
import type { Warning } from '../../schemas/warning.ts'
import { nameFromPath, pidFromPath } from '../bundle/hints.ts'
import { defineSource, MAX_ROWS_KEPT } from '../bundle/source.ts'
import { excerpt, readInt, splitLines, warningList } from './common.ts'

type Warn = ReturnType<typeof warningList>['warn']
type Role = 'address' | 'kbytes' | 'resident' | 'dirty' | 'swap' | 'mode' | 'mapping' | 'other'
interface Header {
  roles: Role[]
}

const ROLES: Record<string, Role> = {
  ADDRESS: 'address',
  KBYTES: 'kbytes',
  RSS: 'resident',
  PSS: 'resident',
  DIRTY: 'dirty',
  SWAP: 'swap',
  MODE: 'mode',
  MAPPING: 'mapping',
}
/** procps' `pmap -x` columns, assumed for rows pasted without their header. */
const PROCPS_HEADER = 'Address Kbytes RSS Dirty Mode Mapping'
const ROW = /^(0x)?[0-9a-fA-F]{4,16}\s+\d+(\s|$)/
const PID_LINE = /^(\d+):\s*(.*)$/

export function looksLikePmap(text: string): boolean {
  const lines = splitLines(text.slice(0, 8192))
    .filter((line) => line.trim())
    .slice(0, 12)
  if (lines.slice(0, 3).some(isHeader)) return true
  const rows = lines.filter((line) => ROW.test(line) && /\s[-rwxsp]{4,5}\s/.test(line))
  return rows.length >= 2 && rows.length >= lines.length * 0.7
}

export function parsePmap(text: string, file?: string): { data: Pmap; warnings: Warning[] } {
  const { warnings, warn } = warningList(file)
  const data: Pmap = {
    pid: null,
    command: null,
    variant: 'procps',
    residentMetric: 'rss',
    dirtyIsPrivate: false,
    rows: [],
    total: null,
  }
  let header: Header | null = null
  const lines = splitLines(text)
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.trim()
    const n = i + 1
    if (!line || /^-+(\s+-+)*$/.test(line)) continue
    const pidLine = PID_LINE.exec(line)
    if (pidLine) {
      if (data.rows.length > 0 || data.pid !== null) {
        // pmap of several PIDs: one process per file is what the analysis expects.
        warn('pmap_multiple_processes', 'a second process: only the first one is read', n)
        break
      }
      readPidLine(pidLine, data, n, warn)
    } else if (isHeader(line)) {
      header = readHeader(line, data)
    } else if (/^total\b/i.test(line)) {
      data.total = readTotal(line, header ?? readHeader(PROCPS_HEADER, data), n, warn)
    } else if (ROW.test(line)) {
      if (!header) {
        warn('pmap_no_header', `rows without the pmap header: read as "${PROCPS_HEADER}"`, n)
        header = readHeader(PROCPS_HEADER, data)
      }
      const row = readRow(line, header, n, warn)
      if (row) data.rows.push(row)
    } else {
      warn('pmap_unknown_line', `not a pmap line: ${excerpt(line)}`, n)
    }
  }
  if (data.rows.length === 0) warn('pmap_no_rows', 'no mapping found')
  return { data, warnings }
}

function isHeader(line: string): boolean {
  return /^\s*Address\s+Kbytes\s/i.test(line)
}

function readHeader(line: string, data: Pmap): Header {
  const names = line
    .trim()
    .split(/\s+/)
    .map((name) => name.toUpperCase())
  const busybox = names.includes('PSS')
  data.variant = busybox ? 'busybox' : 'procps'
  data.residentMetric = busybox ? 'pss' : 'rss'
  data.dirtyIsPrivate = busybox // busybox sums Private_Dirty only
  return { roles: names.map((name) => ROLES[name] ?? 'other') }
}

function readPidLine(match: RegExpExecArray, data: Pmap, n: number, warn: Warn): void {
  const pid = readInt(match[1]!)
  if (typeof pid === 'number') data.pid = pid
  else warn('pmap_value_out_of_range', `PID out of range: ${excerpt(match[1]!)}`, n)
  data.command = match[2]!.trim() || null
}

/** A row: a token per column, the mapping (which may hold spaces, `[ anon ]`) takes the rest. */
function readRow(line: string, header: Header, n: number, warn: Warn): PmapRow | null {
  const values: Partial<Record<Role, string>> = {}
  let rest = line
  for (const role of header.roles) {
    if (role === 'mapping') {
      values.mapping = rest.trim()
      rest = ''
      break
    }
    const match = /^\s*(\S+)/.exec(rest)
    if (!match) break
    values[role] = match[1]!
    rest = rest.slice(match[0].length)
  }
  const address = values.address?.toLowerCase().replace(/^0x/, '')
  if (!address || !/^[0-9a-f]{1,16}$/.test(address) || !values.mode) {
    warn('pmap_bad_row', `not a pmap row: ${excerpt(line)}`, n)
    return null
  }
  if (!/^[-rwxspR]{4,5}$/.test(values.mode)) {
    warn('pmap_bad_row', `unexpected mode ${excerpt(values.mode)}: ${excerpt(line)}`, n)
    return null
  }
  const sizes = { kbytes: size(values.kbytes), resident: size(values.resident), dirty: size(values.dirty), swap: size(values.swap) }
  const bad = Object.values(sizes).find((v) => v === 'nan' || v === 'range')
  if (bad !== undefined || sizes.kbytes === null) {
    const code = bad === 'range' ? 'pmap_value_out_of_range' : 'pmap_bad_row'
    warn(code, `${bad === 'range' ? 'a size is out of range' : 'a size is not a number'}: ${excerpt(line)}`, n)
    return null
  }
  const kib = (v: (typeof sizes)['kbytes']): number | null => (typeof v === 'number' ? v : null)
  return {
    address,
    kbytes: kib(sizes.kbytes)!,
    resident: kib(sizes.resident),
    dirty: kib(sizes.dirty),
    swap: kib(sizes.swap),
    mode: values.mode,
    mapping: values.mapping ?? '',
    line: n,
  }
}

/** A kB column: `-` (procps, when the kernel does not say) and a missing column are null. */
function size(token: string | undefined): number | null | 'nan' | 'range' {
  if (token === undefined || token === '-') return null
  const value = readInt(token)
  return typeof value === 'number' && value < 0 ? 'nan' : value
}

/** `total kB  389596  147124  137440` (procps) or `total  67788  63258  58072  0` (busybox). */
function readTotal(line: string, header: Header, n: number, warn: Warn): Pmap['total'] {
  const numbers = line
    .replace(/^total\s*(kB)?/i, '')
    .trim()
    .split(/\s+/)
  // The total has a number for each numeric column, in the header's order.
  const roles: Role[] = header.roles.filter((r) => r !== 'address' && r !== 'mode' && r !== 'mapping')
  const get = (role: Role): number | null | 'nan' | 'range' => {
    const i = roles.indexOf(role)
    return i < 0 ? null : size(numbers[i])
  }
  const kbytes = get('kbytes')
  const resident = get('resident')
  const dirty = get('dirty')
  if (typeof kbytes !== 'number' || [resident, dirty].some((v) => v === 'nan' || v === 'range')) {
    warn('pmap_bad_total', `unreadable total: ${excerpt(line)}`, n)
    return null
  }
  return { kbytes, resident: typeof resident === 'number' ? resident : null, dirty: typeof dirty === 'number' ? dirty : null, line: n }
}

/** This source, as the bundle reader's list (src/bundle/sources.ts) takes it. */
export const pmapSource = defineSource({
  kind: 'pmap',
  order: 'a table with an Address/Kbytes header: before ps, another table',
  loose: false,
  detect: looksLikePmap,
  parse: parsePmap,
  schema: Pmap,
  field: 'maps',
  keep: (data, file) => ({
    file,
    pid: data.pid ?? pidFromPath(file),
    name: nameFromPath(file),
    pmap: { ...data, rows: data.rows.slice(0, MAX_ROWS_KEPT) },
  }),
})
