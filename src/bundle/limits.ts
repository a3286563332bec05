import { ArchiveError } from './archive.ts'

// Limits on what an archive may unpack to, checked on the sizes entries declare before their
// bodies are read (tar headers and zip directories say them; both readers hold entries to
// exactly that size), so a bomb is stopped before it is inflated.

export interface UnpackLimits {
  maxUnpackedBytes: number // all files together
  maxFiles: number
  maxFileBytes: number // any one file (a dump is the largest kind)
  maxCompressionRatio: number // unpacked bytes per archive byte
}

export const DEFAULT_LIMITS: UnpackLimits = {
  maxUnpackedBytes: 1024 * 1024 * 1024,
  maxFiles: 10_000,
  maxFileBytes: 512 * 1024 * 1024,
  maxCompressionRatio: 250,
}

/** Below this much unpacked data any ratio is fine: small text compresses very well. */
const RATIO_FLOOR_BYTES = 64 * 1024 * 1024

export function unpackGuard(limits: UnpackLimits, archiveBytes: number) {
  let files = 0
  let unpacked = 0
  return function admit(path: string, size: number): void {
    files += 1
    unpacked += size
    if (files > limits.maxFiles) throw new ArchiveError('too_many_files', `more than ${limits.maxFiles} files in the archive`)
    if (size > limits.maxFileBytes) {
      throw new ArchiveError('file_too_large', `${path} is ${size} bytes, over the limit of ${limits.maxFileBytes} for one file`)
    }
    if (unpacked > limits.maxUnpackedBytes) {
      throw new ArchiveError('unpacked_too_large', `the archive unpacks to more than ${limits.maxUnpackedBytes} bytes`)
    }
    if (unpacked > RATIO_FLOOR_BYTES && unpacked / Math.max(1, archiveBytes) > limits.maxCompressionRatio) {
      throw new ArchiveError(
        'compression_ratio',
        `the archive expands more than ${limits.maxCompressionRatio} times: refused as a compression bomb`,
      )
    }
  }
}

/**
 * The ratio measured on a stream: what gunzip has produced against what it was fed so far. For
 * uploads read as they arrive, whose total size is unknown until the end.
 */
export function ratioGuard(maxRatio: number, consumed: () => number): TransformStream<Uint8Array, Uint8Array> {
  let produced = 0
  return new TransformStream({
    transform(chunk, controller) {
      produced += chunk.byteLength
      if (produced > RATIO_FLOOR_BYTES && produced / Math.max(1, consumed()) > maxRatio) {
        throw new ArchiveError('compression_ratio', `the archive expands more than ${maxRatio} times: refused as a compression bomb`)
      }
      controller.enqueue(chunk)
    },
  })
}
