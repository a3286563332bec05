/**
 * gunzip on Node through node:zlib, for the Node server's ingest. Node's DecompressionStream is
 * node:zlib behind two layers of JS stream adapters with 16 KiB chunks; this is the same zlib
 * with 256 KiB chunks and one adapter: about twice the speed (see bench: floor.gunzip*), and the
 * inflating runs on libuv's thread pool while the dump scanner runs on the main thread.
 * Workers keep `gunzip` from gzip.ts (workerd's DecompressionStream is native).
 *
 * Same contract as `gunzip`: pull-based (zlib is paused while the consumer has what it asked
 * for, and the source is read only as fast as zlib takes it), zlib's errors become
 * ArchiveError('archive_corrupt'), the source's own errors pass through, cancel cancels the source.
 */
import { createGunzip } from 'node:zlib'
import { inflateFailure } from './gzip.ts'

const CHUNK_BYTES = 256 * 1024
/** Inflated ahead of the consumer, so zlib (on the thread pool) works while the scanner does. */
const READ_AHEAD_BYTES = 4 * 1024 * 1024

export function gunzipNode(input: ReadableStream<Uint8Array>): ReadableStream<Uint8Array> {
  const zlib = createGunzip({ chunkSize: CHUNK_BYTES })
  const reader = input.getReader()
  let feeding = false
  let failed = false

  /** Until zlib takes more input, or is gone (cancelled, failed). */
  function drained(): Promise<void> {
    return new Promise((done) => {
      const go = () => {
        zlib.off('drain', go).off('close', go)
        done()
      }
      zlib.on('drain', go).on('close', go)
    })
  }

  async function feed(): Promise<void> {
    feeding = true
    try {
      for (let next = await reader.read(); !next.done; next = await reader.read()) {
        if (!zlib.write(next.value)) await drained()
        if (zlib.destroyed) return
      }
      zlib.end()
    } catch (error) {
      zlib.destroy(error as Error)
    }
  }

  return new ReadableStream<Uint8Array>(
    {
      start(controller) {
        zlib.pause()
        zlib.on('data', (out: Buffer) => {
          controller.enqueue(new Uint8Array(out.buffer, out.byteOffset, out.byteLength))
          if ((controller.desiredSize ?? 0) <= 0) zlib.pause()
        })
        zlib.once('end', () => controller.close())
        zlib.on('error', (error) => {
          if (failed) return // zlib may report more than once; the stream fails once
          failed = true
          controller.error(inflateFailure(error, 'gzip stream'))
          reader.cancel(error).catch(() => {})
        })
      },
      pull() {
        if (!feeding) void feed()
        zlib.resume()
      },
      cancel(reason) {
        zlib.destroy()
        return reader.cancel(reason).catch(() => {})
      },
    },
    { highWaterMark: READ_AHEAD_BYTES, size: (chunk) => chunk.byteLength },
  )
}
