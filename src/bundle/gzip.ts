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
import { concatBytes } from '../bytes.ts'
import { ArchiveError, corrupt } from './entries.ts'

export type CompressionFormat = 'gzip' | 'deflate-raw'

/** Input handed to the inflater before it must answer with output (or a moment pass). */
const FEED_AHEAD_BYTES = 1024 * 1024
/** Output gathered into one chunk from what the inflater has ready. */
const BATCH_BYTES = 256 * 1024

/** True when `read` has settled already (an answer that was queued is in after one microtask). */
async function arrived(read: Promise<unknown>): Promise<boolean> {
  let settled = false
  read.then(
    () => (settled = true),
    () => (settled = true),
  )
  await null
  return settled
}

/** True for an error raised by a DecompressionStream over bad input. */
export function isDecompressionError(err: unknown): boolean {
  if (err instanceof ArchiveError) return false
  if (err instanceof TypeError) return true
  const code = (err as { code?: unknown } | null)?.code
  return typeof code === 'string' && code.startsWith('Z_')
}

/** What a read of inflated data failed with: bad input as archive_corrupt, anything else as it is. */
export function inflateFailure(err: unknown, what: string): unknown {
  return isDecompressionError(err) ? corrupt(`corrupt or truncated ${what}: ${(err as Error).message}`, err) : err
}

/**
 * Decompress `input` (gzip by default). The result is a pull-based stream: input is handed to
 * the inflater only while a read of its output waits, so nothing is read or inflated far ahead
 * of the consumer (pipeThrough would feed it as fast as it accepts, and Node's accepts without
 * limit). Cancelling it cancels the source.
 */
export function decompress(
  input: ReadableStream<Uint8Array>,
  format: CompressionFormat = 'gzip',
  what = format === 'gzip' ? 'gzip stream' : 'deflate stream',
): ReadableStream<Uint8Array> {
  // (the cast: lib.dom types the writable side as BufferSource, not Uint8Array<ArrayBufferLike>)
  const inflater = new DecompressionStream(format) as unknown as ReadableWritablePair<Uint8Array, Uint8Array>
  const writer = inflater.writable.getWriter()
  const reader = inflater.readable.getReader()
  const source = input.getReader()
  let ended = false
  let ahead = 0 // input bytes handed over since the inflater last gave output
  let feeding: Promise<void> | null = null // one read of the source at a time (workerd allows no more)
  let waiting: Promise<ReadableStreamReadResult<Uint8Array>> | null = null // an output read not yet answered

  /** Hands over one chunk of input; settles once it is taken (or the input has ended). */
  async function feedOne(): Promise<void> {
    let next: ReadableStreamReadResult<Uint8Array>
    try {
      next = await source.read()
    } catch (err) {
      ended = true
      await writer.abort(err).catch(() => {}) // the source's own error, passed on as it is
      return
    }
    if (next.done) {
      ended = true
      writer.close().catch(() => {}) // a truncated stream fails on the read side
      return
    }
    ahead += next.value.byteLength
    await writer.write(next.value).catch(() => {}) // bad data fails on the read side
  }

  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        try {
          const output = waiting ?? reader.read()
          waiting = null
          let answered = await arrived(output)
          while (!answered && !ended) {
            // Past the budget (Node's inflater takes input faster than it answers), wait a
            // moment for output before reading on; never forever, as a long gzip header may
            // need more input before any output.
            const settled = output.then(
              () => true,
              () => true,
            )
            if (ahead > FEED_AHEAD_BYTES) answered = await Promise.race([settled, new Promise<false>((r) => setTimeout(r, 10, false))])
            else answered = await Promise.race([settled, (feeding ??= feedOne().finally(() => (feeding = null))).then(() => false)])
          }
          ahead = 0
          // What the inflater has ready goes out as one chunk (Node's answers in 16 KiB pieces, each
          // of which would cost a round of every stream downstream; workerd's makes each on demand).
          const batch: Uint8Array[] = []
          let held = 0
          for (let next = await output; ; next = await waiting!) {
            waiting = null
            if (next.done) {
              if (batch.length) controller.enqueue(concatBytes(batch))
              return controller.close()
            }
            batch.push(next.value)
            held += next.value.byteLength
            if (held >= BATCH_BYTES) break
            waiting = reader.read()
            if (!(await arrived(waiting))) break
          }
          controller.enqueue(batch.length === 1 ? batch[0]! : concatBytes(batch))
        } catch (err) {
          controller.error(inflateFailure(err, what))
        }
      },
      cancel(reason) {
        return Promise.all([reader.cancel(reason), source.cancel(reason)]).then(
          () => {},
          () => {},
        )
      },
    },
    { highWaterMark: 0 },
  )
}

/** `decompress(input, 'gzip')`: the stream a `.tar.gz` is read from. */
export function gunzip(input: ReadableStream<Uint8Array>): ReadableStream<Uint8Array> {
  return decompress(input, 'gzip')
}
