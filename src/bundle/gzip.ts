/**
 * Streaming gzip / raw-deflate decompression through the Web `DecompressionStream`, with its
 * failures turned into `ArchiveError('archive_corrupt')`.
 *
 * Runtimes report bad compressed data differently: workerd rejects reads with a `TypeError`,
 * Node 20 with an `Error` carrying a zlib code (`Z_DATA_ERROR` "incorrect header check" /
 * "incorrect data check", `Z_BUF_ERROR` "unexpected end of file" for a truncated stream). Both
 * become 'archive_corrupt'. Any other error (for example from the source stream, such as a
 * network failure while streaming from S3) is passed through unchanged.
 */
import { ArchiveError, corrupt } from './entries.ts'

export type CompressionFormat = 'gzip' | 'deflate-raw'

/** True for an error raised by a DecompressionStream over bad input. */
export function isDecompressionError(err: unknown): boolean {
  if (err instanceof ArchiveError) return false
  if (err instanceof TypeError) return true
  const code = (err as { code?: unknown } | null)?.code
  return typeof code === 'string' && code.startsWith('Z_')
}

/**
 * Decompress `input` (gzip by default). The result is a pull-based stream: nothing is inflated
 * ahead of what the consumer asks for beyond the DecompressionStream's own small queue, and
 * cancelling it cancels the source.
 */
export function decompress(
  input: ReadableStream<Uint8Array>,
  format: CompressionFormat = 'gzip',
  what = format === 'gzip' ? 'gzip stream' : 'deflate stream',
): ReadableStream<Uint8Array> {
  // (the cast: lib.dom types the writable side as BufferSource, not Uint8Array<ArrayBufferLike>)
  const inflater = new DecompressionStream(format) as unknown as ReadableWritablePair<Uint8Array, Uint8Array>
  const reader = input.pipeThrough(inflater).getReader()
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        try {
          const { done, value } = await reader.read()
          if (done) controller.close()
          else controller.enqueue(value)
        } catch (err) {
          controller.error(
            isDecompressionError(err)
              ? corrupt(`corrupt or truncated ${what}: ${(err as Error).message}`, err)
              : err,
          )
        }
      },
      cancel(reason) {
        return reader.cancel(reason).catch(() => {})
      },
    },
    { highWaterMark: 0 },
  )
}

/** `decompress(input, 'gzip')`: the stream a `.tar.gz` is read from. */
export function gunzip(input: ReadableStream<Uint8Array>): ReadableStream<Uint8Array> {
  return decompress(input, 'gzip')
}
