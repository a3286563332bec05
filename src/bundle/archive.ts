/**
 * Archive reading: format sniffing and one entry point for `.tar.gz`, `.tar` and `.zip` bundles.
 *
 * Web APIs only (ReadableStream, DecompressionStream, TextDecoder, Uint8Array), so the same code
 * runs in Node 20 and in Cloudflare workerd. Member bodies are always streamed in chunks; a tar
 * (and tar.gz) archive is read strictly front to back, so memory stays bounded by the chunk size
 * whatever the member size.
 *
 * Consumer contract:
 * - `readArchive` yields one `ArchiveFile` per regular file and one `ArchiveSkip` per entry that
 *   is refused (unsafe path, link, device, ...). Directories are dropped silently.
 * - A file's `body` may be read fully, partly or not at all; asking the generator for the next
 *   entry skips whatever is left. A body may be iterated once, and only before the generator
 *   moves on (for tar; zip bodies are random access but should be treated the same way).
 * - Failures throw `ArchiveError` with `code` 'archive_corrupt' or 'archive_unsupported', from the
 *   generator or from a body iterator.
 * - Leaving the generator early (`break`, `return()`) cancels the underlying stream.
 */
import { type ArchiveFile, type ArchiveFormat, type ArchiveSkip, unsupported } from './entries.ts'
import { gunzip } from './gzip.ts'
import { readTar } from './tar.ts'
import { verifyTarChecksum } from './tar-header.ts'
import { readZip } from './zip.ts'

// the entry types and errors live in entries.ts (the readers import them from there); they are
// re-exported here so that archive.ts stays the one import for consumers
export {
  type ArchiveEntry,
  ArchiveError,
  type ArchiveFile,
  type ArchiveFormat,
  type ArchiveSkip,
  corrupt,
  isArchiveSkip,
  unsupported,
} from './entries.ts'

/**
 * Recognise an archive from its first bytes (give at least 512 to recognise tar).
 * - gzip magic `1f 8b` -> 'tar.gz' (a gzip bundle is taken to hold a tar)
 * - `PK\x03\x04` (first local header) or `PK\x05\x06` (end record of an empty zip) -> 'zip'
 * - 'ustar' at offset 257 (POSIX `ustar\0` and GNU `ustar  `) -> 'tar'
 * - otherwise a pre-POSIX (v7) tar header is recognised by its checksum verifying.
 */
export function sniffArchive(head: Uint8Array): ArchiveFormat | null {
  if (head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b) return 'tar.gz'
  if (
    head.length >= 4 &&
    head[0] === 0x50 &&
    head[1] === 0x4b &&
    ((head[2] === 0x03 && head[3] === 0x04) || (head[2] === 0x05 && head[3] === 0x06))
  ) {
    return 'zip'
  }
  if (head.length >= 262) {
    // 'ustar' = 75 73 74 61 72
    if (head[257] === 0x75 && head[258] === 0x73 && head[259] === 0x74 && head[260] === 0x61 && head[261] === 0x72) {
      return 'tar'
    }
  }
  if (head.length >= 512 && head[0] !== 0 && verifyTarChecksum(head.subarray(0, 512))) return 'tar'
  return null
}

/** Size of the slices a fully in-memory archive is fed to the readers in. */
const SLICE = 64 * 1024

/** A stream over an in-memory byte array, in `SLICE`-sized views (no copies). */
export function bytesToStream(bytes: Uint8Array, slice = SLICE): ReadableStream<Uint8Array> {
  let pos = 0
  return new ReadableStream<Uint8Array>(
    {
      pull(controller) {
        if (pos >= bytes.byteLength) {
          controller.close()
          return
        }
        const end = Math.min(pos + slice, bytes.byteLength)
        controller.enqueue(bytes.subarray(pos, end))
        pos = end
      },
    },
    { highWaterMark: 0 },
  )
}

/**
 * Read every entry of an in-memory archive. See the module comment for the contract.
 * tar.gz is decompressed as a stream (`Blob.stream()` through `DecompressionStream('gzip')`),
 * never inflated whole.
 */
export async function* readArchive(bytes: Uint8Array, format: ArchiveFormat): AsyncGenerator<ArchiveFile | ArchiveSkip> {
  switch (format) {
    case 'tar.gz':
      // Blob copies the (compressed) input once; a DecompressionStream is never handed views of
      // the caller's buffer, which some runtimes may detach.
      yield* readTar(gunzip(new Blob([bytes as Uint8Array<ArrayBuffer>]).stream()))
      return
    case 'tar':
      yield* readTar(bytesToStream(bytes))
      return
    case 'zip':
      yield* readZip(bytes)
      return
    default: {
      const never: never = format
      throw unsupported(`unknown archive format ${String(never)}`)
    }
  }
}
