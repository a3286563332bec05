import type { Cite } from '../../schemas/bundle.ts'
import type { PmapRow, PsRow } from '../../schemas/parsers.ts'
import type { MapsRow } from '../../schemas/sources.ts'

// Excerpts for evidence, written so that a reader finds them on the cited line: the line's own
// text, or pieces of it joined by ` … ` when columns between them are left out (schemas/findings.ts).

export const PIECES = ' … '
const MAX_COMMAND = 120

/** A ps row: its PID, its RSS and its command, the columns a reader looks for. */
export function psExcerpt(row: PsRow): string {
  const command = (row.args ?? row.exe).slice(0, MAX_COMMAND)
  return [row.pid, row.rssKib, command].filter((v) => v !== null).join(PIECES)
}

/** `Key: N kB` as /proc prints it (meminfo, status, smaps_rollup), blanks squeezed. */
export function fieldExcerpt(key: string, kib: number): string {
  return `${key}: ${kib} kB`
}

/** A pmap row: address and size, the dirty column, mode and mapping (procps and busybox agree on these). */
export function pmapExcerpt(row: Pick<PmapRow, 'address' | 'kbytes' | 'dirty' | 'mode' | 'mapping'>): string {
  return [`${row.address} ${row.kbytes}`, row.dirty, `${row.mode} ${row.mapping}`.trim()].filter((v) => v !== null).join(PIECES)
}

/** A /proc/PID/maps or smaps header line: range and perms, then the path. */
export function mapsExcerpt(row: MapsRow): string {
  return [`${row.start}-${row.end} ${row.perms}`, row.path].filter(Boolean).join(PIECES)
}

export function cite(file: string, line: number | undefined, excerpt: string): Cite | undefined {
  return line === undefined ? undefined : { file, line, excerpt }
}
