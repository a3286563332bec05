// Reading helpers for archive tests.
import type { ArchiveFile, ArchiveSkip } from '../../src/bundle/archive.ts'
import { concatBytes } from '../../src/bytes.ts'

export type Collected = { path: string; size: number; text: string; bytes: Uint8Array } | ArchiveSkip

/** A body read whole (a web stream is async-iterable on Node, though lib.dom does not say so). */
export async function readAll(body: AsyncIterable<Uint8Array> | ReadableStream<Uint8Array>): Promise<Uint8Array> {
  const parts: Uint8Array[] = []
  for await (const c of body as AsyncIterable<Uint8Array>) parts.push(c.slice())
  return concatBytes(parts)
}

/** Every entry, file bodies read whole (small archives only). */
export async function collect(gen: AsyncIterable<ArchiveFile | ArchiveSkip>): Promise<Collected[]> {
  const out: Collected[] = []
  for await (const e of gen) {
    if ('skipped' in e) out.push(e)
    else {
      const bytes = await readAll(e.body)
      out.push({ path: e.path, size: e.size, bytes, text: new TextDecoder().decode(bytes) })
    }
  }
  return out
}

/** A stream over `bytes` in chunks of `size` bytes (to cut headers across chunks). */
export function chunkedStream(bytes: Uint8Array, size: number): ReadableStream<Uint8Array> {
  let pos = 0
  return new ReadableStream<Uint8Array>({
    pull(c) {
      if (pos >= bytes.length) return c.close()
      c.enqueue(bytes.slice(pos, pos + size))
      pos += size
    },
  })
}
