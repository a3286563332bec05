/**
 * What the archive readers yield and throw: the entry types and `ArchiveError`.
 *
 * A leaf module (it imports nothing) so that the readers (tar.ts, zip.ts, gzip.ts) and the entry
 * point that dispatches to them (archive.ts) all depend on it without importing one another back.
 */

export type ArchiveFormat = 'tar.gz' | 'tar' | 'zip'

/** A regular file inside an archive. `path` has been through `safePath`. */
export interface ArchiveFile {
  path: string
  size: number
  body: AsyncIterable<Uint8Array>
}

/**
 * An entry that was not yielded as a file. `skipped` is the entry's path (normalised when it is
 * safe, raw otherwise), `reason` a sentence for humans, `code` one of:
 * - 'entry_unsafe_path': absolute, '..', drive letter, NUL, empty
 * - 'entry_link': symbolic or hard link (never followed)
 * - 'entry_special': character/block device, fifo, socket
 * - 'entry_unsupported': an entry type this reader does not unpack (tar sparse files, volume
 *   labels, unknown tar type flags)
 */
export interface ArchiveSkip {
  skipped: string
  reason: string
  code: string
}

export type ArchiveEntry = ArchiveFile | ArchiveSkip

export function isArchiveSkip(entry: ArchiveEntry): entry is ArchiveSkip {
  return 'skipped' in entry
}

/**
 * Why an archive could not be read.
 * - 'archive_corrupt': truncated or corrupt gzip/tar/zip data, bad tar header checksum, zip CRC
 *   or size mismatch, structures pointing outside the archive.
 * - 'archive_unsupported': valid but not readable here (zip encryption, compression methods other
 *   than stored/deflate, multi-disk zip).
 */
export class ArchiveError extends Error {
  readonly code: string
  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options)
    this.name = 'ArchiveError'
    this.code = code
  }
}

export const corrupt = (message: string, cause?: unknown): ArchiveError =>
  new ArchiveError('archive_corrupt', message, cause === undefined ? undefined : { cause })
export const unsupported = (message: string): ArchiveError => new ArchiveError('archive_unsupported', message)
