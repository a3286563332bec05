/**
 * Writers of objects that stream in. SDK-free: the storage module hands in the calls.
 *
 * Known length (`putWriter`): one PUT whose body is the stream itself. Nothing is held but a
 * small queue, and there is no multipart upload to assemble at the end.
 *
 * Unknown length (`partWriter`): multipart, in parts of `partBytes`.
 * Chunks are copied into a part buffer; a full part is stored in the background while the next
 * one fills, so the reader upstream (hashing, gunzip, the dump scanner) does not stop for every
 * round trip to storage. At most `buffers` parts exist at once (one filling, the rest being
 * stored), reused part after part: memory stays at buffers × partBytes however large the object,
 * and a write waits only when storage has fallen that far behind (backpressure).
 */
import { StorageError } from './storage-error.ts'

export interface ObjectWriter {
  write(chunk: Uint8Array): Promise<void>
  /** Stores what was written: one PUT when it fit in a part, else completes the multipart upload. */
  close(): Promise<void>
  abort(): Promise<void>
}

export interface MultipartCalls {
  start(): Promise<string> // upload id
  part(uploadId: string, partNumber: number, body: Uint8Array): Promise<string | undefined> // ETag
  complete(uploadId: string, parts: { ETag: string | undefined; PartNumber: number }[]): Promise<void>
  abort(uploadId: string): Promise<void>
  /** The whole object in one request, when it never filled a part. */
  put(body: Uint8Array): Promise<void>
}

export function partWriter(calls: MultipartCalls, partBytes: number, buffers = 3): ObjectWriter {
  const spare: Uint8Array<ArrayBuffer>[] = []
  const storing = new Set<Promise<void>>()
  const parts: { ETag: string | undefined; PartNumber: number }[] = []
  let buffer: Uint8Array<ArrayBuffer> | null = new Uint8Array(partBytes)
  let filled = 0
  let numbered = 0
  let uploadId: Promise<string> | null = null
  let failure: { error: unknown } | null = null // the first part that could not be stored

  async function storePart(part: Uint8Array<ArrayBuffer>, size: number, PartNumber: number): Promise<void> {
    uploadId ??= calls.start()
    const ETag = await calls.part(await uploadId, PartNumber, part.subarray(0, size))
    parts.push({ ETag, PartNumber })
    spare.push(part) // only once stored: the SDK reads the bytes until then
  }

  /** Hands the buffer to storage and (unless it is the last) takes a free one, waiting if none is. */
  async function flush(last: boolean): Promise<void> {
    const task: Promise<void> = storePart(buffer!, filled, ++numbered).then(
      () => void storing.delete(task),
      (error: unknown) => {
        storing.delete(task)
        failure ??= { error }
      },
    )
    storing.add(task)
    buffer = null
    filled = 0
    if (last) return
    while (storing.size >= buffers) await Promise.race(storing)
    if (failure) throw failure.error
    buffer = spare.pop() ?? new Uint8Array(partBytes)
  }

  return {
    async write(chunk) {
      if (failure) throw failure.error
      for (let at = 0; at < chunk.byteLength; ) {
        const n = Math.min(chunk.byteLength - at, partBytes - filled)
        buffer!.set(chunk.subarray(at, at + n), filled)
        filled += n
        at += n
        if (filled === partBytes) await flush(false)
      }
    },
    async close() {
      if (!uploadId) return calls.put(buffer!.slice(0, filled))
      if (filled > 0) await flush(true)
      await Promise.all(storing)
      if (failure) throw failure.error
      spare.length = 0
      parts.sort((a, b) => a.PartNumber - b.PartNumber) // stored out of order, listed in order
      await calls.complete(await uploadId, parts)
    },
    async abort() {
      buffer = null
      await Promise.all(storing)
      const id = await uploadId?.catch(() => null)
      if (id) await calls.abort(id).catch(() => {})
    },
  }
}

/** Bytes queued for the PUT before a write waits for storage to take them. */
const PUT_QUEUE_BYTES = 4 * 1024 * 1024

/**
 * One PUT of exactly `bytes`, its body fed by `write`. `send` starts the request with the body
 * stream and settles when storage has answered (or the signal has aborted it); a write waits
 * while the queue is full.
 */
export function putWriter(send: (body: ReadableStream<Uint8Array>, signal: AbortSignal) => Promise<void>, bytes: number): ObjectWriter {
  const abandon = new AbortController()
  let controller!: ReadableStreamDefaultController<Uint8Array>
  let wake: (() => void) | null = null
  let written = 0
  let failure: { error: unknown } | null = null
  const body = new ReadableStream<Uint8Array>(
    {
      start: (c) => void (controller = c),
      pull: () => wakeUp(),
    },
    { highWaterMark: PUT_QUEUE_BYTES, size: (chunk) => chunk.byteLength },
  )
  const sent = send(body, abandon.signal).catch((error: unknown) => {
    failure ??= { error }
    wakeUp()
  })

  function check(): void {
    if (failure) throw failure.error
  }

  function wakeUp(): void {
    wake?.()
    wake = null
  }

  return {
    async write(chunk) {
      check()
      written += chunk.byteLength
      if (written > bytes) throw new StorageError('length_mismatch', `the body is longer than the ${bytes} bytes its length said`)
      controller.enqueue(chunk)
      while ((controller.desiredSize ?? 1) <= 0 && !failure) await new Promise<void>((go) => (wake = go))
      check()
    },
    async close() {
      if (written !== bytes) {
        await this.abort()
        throw new StorageError('length_mismatch', `the body ended after ${written} of the ${bytes} bytes its length said`)
      }
      controller.close()
      await sent
      check()
    },
    async abort() {
      // The request is cancelled, not its body errored: an errored body would surface in the
      // HTTP client as an unhandled stream error instead of a failed request.
      failure ??= { error: new Error('upload abandoned') }
      abandon.abort()
      await sent
    },
  }
}
