/**
 * ps output, in the shapes bundles carry it.
 *
 * A real sample (kafka suspect, procps 4 `ps -eo pid,ppid,rss,vsz,comm,args --sort=-rss`,
 * test/fixtures/samples/kafka-suspect-ps.txt):
 *
 *       PID    PPID   RSS    VSZ COMMAND         COMMAND
 *         5       1 147124 389592 fwlog          /opt/sta/apps/bin/fwlog /opt/sta/apps/gen/producer.py --name fwlog ...
 *         4       1  1840   2920 sleep           sleep 86400
 *
 * Also `ps aux` / sosreport `ps auxwww` (USER PID %CPU %MEM VSZ RSS TTY STAT START TIME COMMAND),
 * busybox `ps` (`PID   USER     COMMAND`: no RSS, and sizes like `66m` when -o asks for them), and
 * headerless `command rss` pairs (seed sta-18 rss.txt: `/usr/sbin/fwlog 197240`), and smem
 * (`PID User Command Swap USS PSS RSS`: only RSS is kept, PsRow has no PSS).
 * Columns are found by the header; the values of a row are whitespace separated, except the
 * command columns at the end, which may hold spaces.
 */

import type { PsRow } from '../../schemas/parsers.ts'
import { Ps } from '../../schemas/parsers.ts'
import type { Warning } from '../../schemas/warning.ts'
import { defineSource, MAX_ROWS_KEPT } from '../bundle/source.ts'
import { basename, excerpt, isPromptLine, readInt, splitLines, warningList } from './common.ts'
import { programName } from './program.ts'

type Warn = ReturnType<typeof warningList>['warn']
type Role = 'pid' | 'ppid' | 'rss' | 'vsz' | 'command' | 'other'
interface Column {
  name: string
  role: Role
  start: number
}
interface Header {
  columns: Column[]
  format: Ps['format']
}

const ROLES: Record<string, Role> = {
  PID: 'pid',
  PPID: 'ppid',
  RSS: 'rss',
  RSZ: 'rss',
  VSZ: 'vsz',
  VSIZE: 'vsz',
  COMMAND: 'command',
  CMD: 'command',
  COMM: 'command',
  ARGS: 'command',
  UCMD: 'command',
}
/** Column titles of procps and busybox ps: a header is PID plus others, nearly all of these. */
const PS_COLUMNS = new Set([
  ...Object.keys(ROLES),
  'USER',
  'RUSER',
  'UID',
  'GID',
  'GROUP',
  'TTY',
  'TT',
  'STAT',
  'S',
  'TIME',
  '%CPU',
  '%MEM',
  'START',
  'STARTED',
  'STIME',
  'ELAPSED',
  'C',
  'F',
  'NI',
  'PRI',
  'PGID',
  'SID',
  'TID',
  'LWP',
  'NLWP',
  'WCHAN',
  'ADDR',
  'SZ',
  'PSR',
  'CLS',
  'RTPRIO',
  'LABEL',
  'CGROUP',
  'TGID',
  'SPID',
  'SWAP',
  'USS',
  'PSS', // the last three: smem
])
/** busybox defaults: `ps` with and without CONFIG_DESKTOP, older builds. */
const BUSYBOX_HEADERS = new Set(['PID USER COMMAND', 'PID USER TIME COMMAND', 'PID USER VSZ STAT COMMAND'])
/** A command line this long is cut: it says nothing more about memory. */
const MAX_ARGS = 16384

export function looksLikePs(text: string): boolean {
  const lines = meaningful(splitLines(text.slice(0, 8192))).slice(0, 20)
  if (lines.slice(0, 3).some(([line]) => isHeader(line))) return true
  // `command rss` pairs: two tokens, the first a program (a path, or no vmstat-like counter name).
  const pairs = lines.filter(([line]) => /^\S+\s+\d+$/.test(line.trim()))
  const programs = pairs.filter(([line]) => line.trim().startsWith('/') || !/^(nr_|pg|numa_|thp_)/.test(line.trim()))
  return pairs.length >= 2 && pairs.length >= lines.length * 0.8 && programs.length === pairs.length
}

export function parsePs(text: string, file?: string): { data: Ps; warnings: Warning[] } {
  const { warnings, warn } = warningList(file)
  const lines = meaningful(splitLines(text))
  const table = lines.slice(0, 3).some(([line]) => isHeader(line))
  const data = table ? readTable(lines, warn) : { format: 'pairs' as const, rows: readPairs(lines, warn) }
  return { data, warnings }
}

/** A row starts with a PID, or a user then a PID (aux), or is `command rss`. */
const ROW_START = /^\s*(\S+\s+)?\d+(\s|$)/

/** Non-blank lines with their 1-based numbers, pasted prompts left out (`sh -c ps > x` rows stay). */
function meaningful(lines: string[]): [string, number][] {
  const out: [string, number][] = []
  lines.forEach((line, i) => {
    if (line.trim() && !(isPromptLine(line) && !ROW_START.test(line))) out.push([line, i + 1])
  })
  return out
}

/** PID and another column title, and (unlike a row whose args mention PID) little else. */
function isHeader(line: string): boolean {
  const names = line
    .trim()
    .split(/\s+/)
    .map((name) => name.toUpperCase())
  const known = names.filter((name) => PS_COLUMNS.has(name)).length
  return names.includes('PID') && known >= 2 && known >= names.length * 0.75
}

function readHeader(line: string): Header {
  const columns = [...line.matchAll(/\S+/g)].map((m) => {
    const name = m[0].toUpperCase()
    return { name, role: ROLES[name] ?? 'other', start: m.index }
  })
  const names = columns.map((c) => c.name).join(' ')
  // procps right-aligns PID, busybox left-aligns it: a header starting with `PID` is busybox.
  const busybox = /^PID\s/.test(line) || BUSYBOX_HEADERS.has(names)
  const aux = names.includes('%CPU') || names.includes('%MEM')
  return { columns, format: busybox ? 'busybox' : aux ? 'aux' : 'procps' }
}

function readTable(lines: [string, number][], warn: Warn): Ps {
  let header: Header | null = null
  let format: Ps['format'] = 'procps'
  const rows: PsRow[] = []
  const seen = new Set<number>()
  const rounded = { first: 0 }
  const boxed: [PsRow, number][] = [] // rows whose command sits in a fixed-width column
  for (const [line, n] of lines) {
    if (isHeader(line)) {
      // A second header starts a second listing (two snapshots pasted together).
      header = readHeader(line)
      format = header.format
      if (!header.columns.some((c) => c.role === 'rss')) {
        warn(
          'ps_no_rss',
          'this ps printed no RSS column: its processes have no size, so none of them can be compared (add rss to ps -o)',
          n,
        )
      }
      continue
    }
    if (!header) {
      warn('ps_unknown_line', `before the ps header: ${excerpt(line)}`, n)
      continue
    }
    const row = readRow(line, n, header, warn, rounded)
    if (!row) continue
    if (row.pid !== null && seen.has(row.pid)) {
      warn('ps_duplicate_pid', `PID ${row.pid} listed again: the first row is kept`, n)
      continue
    }
    if (row.pid !== null) seen.add(row.pid)
    rows.push(row)
    if (header.columns.at(-1)?.role !== 'command') boxed.push([row, n])
  }
  warnCut(boxed, warn)
  if (rounded.first) {
    warn('ps_size_rounded', 'sizes printed with a unit (e.g. 62m) are rounded to that unit', rounded.first)
    format = 'busybox'
  }
  return { format, rows }
}

/**
 * smem cuts the command at a fixed width (`/root/.pyenv/versions/3.11.`, `/usr/bin/python3 /usr/bin/s`):
 * a command as long as the longest one may be cut, and its name (a path or a script) wrong. Said, not guessed.
 */
function warnCut(boxed: [PsRow, number][], warn: Warn): void {
  const width = boxed.reduce((max, [row]) => Math.max(max, row.args?.length ?? 0), 0)
  for (const [row, n] of boxed) {
    if (width >= 16 && row.args?.length === width) {
      warn('ps_command_truncated', `the command may be cut at ${width} characters: name "${row.name}" may be wrong`, n)
    }
  }
}

/**
 * The columns of one row, by role. Columns after the last command column (smem: `Command Swap
 * USS PSS RSS`) are read from the right; the command takes what is left, spaces and all.
 */
function splitRow(line: string, columns: Column[]): Map<number, string> | null {
  const values = new Map<number, string>()
  const last = columns.findLastIndex((c) => c.role === 'command')
  let body = line.trimEnd()
  for (let i = columns.length - 1; last >= 0 && i > last; i--) {
    const match = /\s(\S+)$/.exec(body)
    if (!match) return null
    values.set(i, match[1]!)
    body = body.slice(0, match.index).trimEnd()
  }
  let pos = 0
  for (let i = 0; i < (last >= 0 ? last + 1 : columns.length); i++) {
    const column = columns[i]!
    const next = columns[i + 1]
    const start = skipSpaces(body, pos)
    if (start >= body.length) return column.role === 'command' && values.size > 0 ? values : null
    if (i === last) {
      values.set(i, body.slice(start).trim())
      break
    }
    let end = tokenEnd(body, start)
    // comm followed by args: comm may hold spaces, so it is cut at its width, as the header pads it.
    if (column.role === 'command' && next?.role === 'command') {
      const width = next.start - column.start
      if (isPadded(body, start, width)) end = start + width - 1
    }
    values.set(i, body.slice(start, end).trim())
    pos = end
  }
  return values
}

function readRow(line: string, n: number, header: Header, warn: Warn, rounded: { first: number }): PsRow | null {
  const values = splitRow(line, header.columns)
  if (!values) {
    warn('ps_truncated_row', `too few columns: ${excerpt(line)}`, n)
    return null
  }
  const get = (role: Role): string | null => {
    const i = header.columns.findIndex((c) => c.role === role)
    return i < 0 ? null : (values.get(i) ?? null)
  }
  const commands = header.columns.flatMap((c, i) => (c.role === 'command' ? [values.get(i) ?? ''] : []))
  // `ps m` / `ps auxwwwm` list each process's threads under it, PID and command `-`: not processes.
  if (get('pid') === '-' && commands.every((c) => c === '-')) return null
  const pid = readId(get('pid'))
  const ppid = readId(get('ppid'))
  const rss = readSize(get('rss'))
  const vsz = readSize(get('vsz'))
  if (pid === 'nan' || ppid === 'nan' || rss === 'nan' || vsz === 'nan') {
    warn('ps_bad_row', `not a ps row: ${excerpt(line)}`, n)
    return null
  }
  if (pid === 'range' || ppid === 'range' || rss === 'range' || vsz === 'range') {
    warn('ps_value_out_of_range', `a number is out of range: ${excerpt(line)}`, n)
    return null
  }
  if ((rss?.rounded || vsz?.rounded) && !rounded.first) rounded.first = n
  // Two command columns are comm then args; a lone one is read as args (ps aux's COMMAND is).
  const comm = commands.length > 1 ? (commands[0] ?? null) : null
  const args = commands.length > 0 ? cutArgs(commands[commands.length - 1]!, n, warn) : null
  const who = identify(comm, args)
  if (!who.name) {
    warn('ps_no_command', `no command on this row: ${excerpt(line)}`, n)
    return null
  }
  return { pid, ppid, ...who, rssKib: rss?.kib ?? null, vszKib: vsz?.kib ?? null, line: n }
}

function readId(token: string | null): number | null | 'nan' | 'range' {
  if (token === null || token === '-') return null
  const value = readInt(token)
  return typeof value === 'number' && value < 0 ? 'nan' : value
}

/** kB, or with busybox's unit suffix (`62m` = 62 MiB, rounded by busybox). `-` is unknown. */
function readSize(token: string | null): { kib: number; rounded: boolean } | null | 'nan' | 'range' {
  if (token === null || token === '-') return null
  const match = /^(\d+)([kmgt]?)$/i.exec(token)
  if (!match) return 'nan'
  const value = readInt(match[1]!)
  if (typeof value !== 'number') return value
  const unit = match[2]!.toLowerCase()
  const kib = value * (unit === 'm' ? 1024 : unit === 'g' ? 1024 ** 2 : unit === 't' ? 1024 ** 3 : 1)
  return Number.isSafeInteger(kib) ? { kib, rounded: unit !== '' && unit !== 'k' } : 'range'
}

function cutArgs(args: string, n: number, warn: Warn): string {
  if (args.length <= MAX_ARGS) return args
  warn('ps_args_truncated', `command line of ${args.length} characters cut to ${MAX_ARGS}`, n)
  return args.slice(0, MAX_ARGS)
}

/**
 * name and exe from comm and args. The name is the program (src/parsers/program.ts: the script
 * an interpreter runs, a name the process set); `[kthreadd]` is a kernel thread; busybox
 * prefixes `{comm}` when it differs.
 */
export function identify(comm: string | null, rawArgs: string | null): { name: string; exe: string; args: string | null } {
  let args = rawArgs?.trim() || null
  const braced = args ? /^\{([^}]*)\}\s*(.*)$/.exec(args) : null
  if (braced) {
    comm ??= braced[1]!
    args = braced[2]! || null
  }
  const kernel = /^\[(.+)\](\s+<defunct>)?$/.exec(args ?? comm ?? '')
  if (kernel) return { name: kernel[1]!, exe: kernel[1]!, args }
  const first = args?.split(/\s+/)[0]?.replace(/^-/, '') ?? ''
  const name = programName(comm, args) ?? ''
  if (first.startsWith('/')) return { name, exe: first, args }
  if (comm) return { name, exe: comm, args }
  return { name, exe: first, args }
}

function readPairs(lines: [string, number][], warn: Warn): PsRow[] {
  const rows: PsRow[] = []
  for (const [line, n] of lines) {
    const match = /^(.*\S)\s+(\S+)$/.exec(line.trim())
    const rss = match ? readInt(match[2]!) : 'nan'
    if (!match || rss === 'nan' || (typeof rss === 'number' && rss < 0)) {
      // A `command rss` title line is expected; anything else is reported.
      if (!/^(command|cmd|comm|name|process)\s+(rss|rss_kib|rss_kb|rss\(kb\)|kb)$/i.test(line.trim())) {
        warn('ps_bad_line', `not a "command rss" line: ${excerpt(line)}`, n)
      }
      continue
    }
    if (rss === 'range') {
      warn('ps_value_out_of_range', `RSS out of range: ${excerpt(line)}`, n)
      continue
    }
    const command = match[1]!
    const exe = command.split(/\s+/)[0]!
    rows.push({
      pid: null,
      ppid: null,
      name: programName(null, command) ?? basename(exe),
      exe,
      args: command === exe ? null : command,
      rssKib: rss,
      vszKib: null,
      line: n,
    })
  }
  return rows
}

/** comm padded to its column: a blank at the column's edge and args right after it. */
function isPadded(line: string, start: number, width: number): boolean {
  const edge = line[start + width - 1] ?? ''
  const after = line[start + width] ?? ''
  return edge.trim() === '' && edge !== '' && after.trim() !== ''
}

function skipSpaces(line: string, pos: number): number {
  while (pos < line.length && (line[pos] === ' ' || line[pos] === '\t')) pos++
  return pos
}

function tokenEnd(line: string, pos: number): number {
  while (pos < line.length && line[pos] !== ' ' && line[pos] !== '\t') pos++
  return pos
}

/** This source, as the bundle reader's list (src/bundle/sources.ts) takes it. */
export const psSource = defineSource({
  kind: 'ps',
  order:
    'loose and late: `command rss` pairs have the shape of vmstat counters and of many `key value` files, so every stricter kind goes first',
  loose: true,
  detect: looksLikePs,
  parse: parsePs,
  schema: Ps,
  field: 'ps',
  keep: (data, file) => ({ file, ps: { ...data, rows: data.rows.slice(0, MAX_ROWS_KEPT) } }),
})
