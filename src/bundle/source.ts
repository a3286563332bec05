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
