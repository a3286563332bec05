import type { FileKind, ParsedBundle } from '../../schemas/bundle.ts'
import type { Warning } from '../../schemas/warning.ts'
import { parseClientLines } from '../parsers/client-lines.ts'
import { dmesgSource } from '../parsers/dmesg.ts'
import { kafkaConfigSource } from '../parsers/kafka-config.ts'
import { kafkaLogSource } from '../parsers/kafka-log.ts'
import { kafkaStatsSource } from '../parsers/kafka-stats.ts'
import { manifestSource } from '../parsers/manifest.ts'
import { mapsSource } from '../parsers/maps.ts'
import { meminfoSource } from '../parsers/meminfo.ts'
import { openFilesSource, pidOfPath } from '../parsers/open-files.ts'
import { pmapSource } from '../parsers/pmap.ts'
import { psSource } from '../parsers/ps.ts'
import { slabinfoSource } from '../parsers/slabinfo.ts'
import { smapsSource } from '../parsers/smaps.ts'
import { smapsRollupSource } from '../parsers/smaps-rollup.ts'
import { statusSource } from '../parsers/status.ts'
import { vmstatSource } from '../parsers/vmstat.ts'
import type { TextKind } from './source.ts'

// The sources of a bundle, in the order their detectors are tried: the first that takes a file
// names its kind (classify.ts). Each declares itself in its parser module (its `order` says why it
// sits where it does); adding one is that module and one line here. Strict kinds first, loose
// ones (`loose: true`) after the check for a file named like a dump. The one thing run outside
// this list is not a file kind: the client-line scan across kinds (`clientLineScan`, below).

/**
 * The version of what the sources make of a bundle, stored in parsed.json. Bump it when a source
 * is added or a parser changes what it keeps: stored bundles of another version are parsed anew
 * from their raw bytes when next read or uploaded (src/services/stored.ts).
 */
export const SOURCES_VERSION = 4
// 3: client lines and open files (src/queues), line numbers for evidence. 4: fd.txt is a source
// (kind `open-files`, no longer `unknown`, so no longer scanned for client lines).

export const SOURCES = [
  openFilesSource,
  slabinfoSource,
  smapsRollupSource,
  smapsSource,
  mapsSource,
  statusSource,
  meminfoSource,
  vmstatSource,
  pmapSource,
  manifestSource,
  kafkaStatsSource,
  kafkaConfigSource,
  dmesgSource,
  psSource,
  kafkaLogSource,
] as const

type AnySource = (typeof SOURCES)[number]
type Kept<S> = S extends { keep: (...args: never[]) => infer E } ? NonNullable<E> : never

/** What the sources found in a bundle, by the field each declares: derived from SOURCES. */
export type Found = { [S in AnySource as S['field']]: Kept<S>[] } & {
  dumps: ParsedBundle['dumps']
  hostname?: string // the first line of an `etc/hostname`-like file: the host when nothing else names it
  clientLines: ParsedBundle['clientLines'] // the client-line scan's, below: not a source
}

// The compiler refuses a half-wired source: a file kind no source declares, or a field the parsed
// bundle does not have (ps rows are folded into `processes`, src/bundle/combine.ts).
type Undeclared = Exclude<TextKind, AnySource['kind']>
type Unplaced = Exclude<AnySource['field'], keyof ParsedBundle | 'ps'>
export const EVERY_KIND_DECLARED: [Undeclared] extends [never] ? true : Undeclared = true
export const EVERY_FIELD_PLACED: [Unplaced] extends [never] ? true : Unplaced = true

export function emptyFound(): Found {
  const found: Record<string, unknown[]> = { dumps: [], clientLines: [] }
  for (const source of SOURCES) found[source.field] = []
  return found as unknown as Found
}

const BY_KIND = new Map<string, AnySource>(SOURCES.map((source) => [source.kind, source]))

export function isParsedKind(kind: string): kind is TextKind {
  return BY_KIND.has(kind)
}

/** Parses one file of a known kind and keeps what its source keeps, where it says. */
export function parseInto(kind: TextKind, file: string, text: string, found: Found): Warning[] {
  const source = BY_KIND.get(kind)
  if (!source) return []
  // The union of sources loses the link between a source's data and its field: each source's own
  // declaration (defineSource) checked it.
  const { data, warnings } = (source.parse as (text: string, file: string) => { data: unknown; warnings: Warning[] })(text, file)
  const kept = (source.keep as (data: unknown, file: string) => unknown)(data, file)
  if (kept !== null) (found[source.field] as unknown[]).push(kept)
  return warnings
}

/**
 * The one hook outside SOURCES, and not a file kind: a scan across kinds. A file of one of
 * `kinds` (after its own source, if it has one, parsed it) is searched for lines naming a
 * messaging client (src/parsers/client-lines.ts), kept in `clientLines`. It names no kind because
 * a client shows in any text: logs, configs, statistics, thread and module lists. Files of the
 * other kinds hold figures and tables, not client lines (fd.txt's paths are read by its source).
 */
export const clientLineScan = {
  kinds: new Set<FileKind>(['log', 'unknown', 'kafka-config', 'kafka-stats', 'manifest']) as ReadonlySet<FileKind>,
  field: 'clientLines',
  scan(text: string, file: string, found: Found): void {
    // Only proc/<pid>/ says whose file it is: config/etc/rsyslog.d/60-forward.conf is no PID 60's.
    const lines = parseClientLines(text, file, pidOfPath(file))
    if (lines.lines.length) found.clientLines.push(lines)
  },
} as const
