import type { z } from 'zod'
import type { FileKind } from '../../schemas/bundle.ts'
import type { Warning } from '../../schemas/warning.ts'

// What a source of a bundle declares about itself, in its own parser module. The ordered list of
// all of them is src/bundle/sources.ts: plain imports, no global registry.

/** The kinds a text source can be: dumps are scanned, not parsed, and unknown is what is left. */
export type TextKind = Exclude<FileKind, 'dump' | 'unknown'>

export interface Source<K extends TextKind, F extends string, T, E> {
  kind: K
  /** Why it sits where it does in SOURCES: the kinds it must be tried before or after. */
  order: string
  /** Tried after a file named like a dump is taken for one: `strings` of a heap holds JSON and log lines. */
  loose: boolean
  /** The one detector: the file's first KiB decoded (and its path, which only hints). */
  detect: (head: string, path: string) => boolean
  parse: (text: string, file?: string) => { data: T; warnings: Warning[] }
  /** What parse returns. */
  schema: z.ZodType<T>
  /** Where what it keeps goes: the field of the parsed bundle (src/bundle/read.ts). */
  field: F
  /** What the parsed bundle keeps of one file; null when the file said nothing worth keeping. */
  keep: (data: T, file: string) => E | null
}

/** Infers a source's types from its declaration, and checks them. */
export function defineSource<K extends TextKind, F extends string, T, E>(source: Source<K, F, T, E>): Source<K, F, T, E> {
  return source
}

// What the parsed bundle keeps of one file is bounded, so that parsed.json stays small and cheap
// to read whatever a file holds (issue 12 item 1): rows past these counts are left in the raw
// bytes. Real files stay far below them: a pmap or ps of a few thousand rows, ~300 slab caches,
// ~60 meminfo fields.
export const MAX_ROWS_KEPT = 8192
export const MAX_FIELDS_KEPT = 512

/** The first `max` entries of a record, in its order. */
export function capRecord<V>(record: Record<string, V>, max = MAX_FIELDS_KEPT): Record<string, V> {
  const keys = Object.keys(record)
  return keys.length <= max ? record : Object.fromEntries(keys.slice(0, max).map((key) => [key, record[key]!]))
}

/** One row per mapped file (the first mapping of each): the analysis reads which files a process maps. */
export function mappedFiles<T extends { path: string | null }>(rows: T[]): T[] {
  return firstOfEach(
    rows.filter((r) => r.path),
    (r) => r.path!,
  )
}

/** The first row of each distinct `key`, at most `max` of them: a mapped file instead of its every mapping. */
export function firstOfEach<T>(rows: T[], key: (row: T) => string, max = MAX_ROWS_KEPT): T[] {
  const seen = new Set<string>()
  const kept: T[] = []
  for (const row of rows) {
    const k = key(row)
    if (seen.has(k)) continue
    seen.add(k)
    kept.push(row)
    if (kept.length === max) break
  }
  return kept
}
