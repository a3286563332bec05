import type { IncomingMessage } from 'node:http'
import { finished } from 'node:stream'
import { AppError } from './errors.ts'

const clientClosed = () => new AppError(400, 'client_closed', 'the client closed the connection before the body ended')

/** Held ahead of the reader before the request is paused (TCP then holds the sender back). */
const HIGH_WATER_BYTES = 1024 * 1024

/**
 * A Node request's body as a web stream, its chunks handed over as they come. The Request of
 * @hono/node-server reads it through Readable.toWeb, which copies every chunk (to detach it from
 * Buffer's pool); the HTTP parser's chunks are fresh buffers already, and for a 100 MiB upload
 * the copy is 100 MiB more for the garbage collector to find.
 */
export function incomingBody(incoming: IncomingMessage): ReadableStream<Uint8Array> {
  let cancelled = false // a cancelled stream may be neither closed nor errored again
  return new ReadableStream<Uint8Array>(
    {
      start(controller) {
        incoming.pause()
        incoming.on('data', (chunk: Buffer) => {
          controller.enqueue(chunk)
          if ((controller.desiredSize ?? 0) <= 0) incoming.pause()
        })
        const stop = finished(incoming, (error) => {
          stop()
          if (cancelled) return
          // A client gone midway is the client's doing, not a failure of ours: a problem with
          // its own code, which app.ts logs in one line instead of a stack.
          if (error) controller.error(incoming.aborted || (error as NodeJS.ErrnoException).code === 'ECONNRESET' ? clientClosed() : error)
          else controller.close()
        })
      },
      pull() {
        incoming.resume()
      },
      cancel(reason) {
        cancelled = true
        // What Readable.toWeb does (node:stream's destroyer): the request is destroyed without
        // its socket, which the answer (a 413, a 503) still has to go out on; the rest of the
        // body is not read.
        ;(incoming as { socket: unknown }).socket = null
        incoming.destroy(reason instanceof Error ? reason : undefined)
      },
    },
    { highWaterMark: HIGH_WATER_BYTES, size: (chunk) => chunk.byteLength },
  )
}
