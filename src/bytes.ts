// Byte helpers shared by ingest, uploads and webhooks: Web APIs only.

/** The chunks joined into one new array (a copy: callers may change it freely). */
export function concatBytes(chunks: readonly Uint8Array[]): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.byteLength, 0))
  let at = 0
  for (const chunk of chunks) {
    out.set(chunk, at)
    at += chunk.byteLength
  }
  return out
}

/**
 * A stream read into memory, counted as it arrives (a declared length is not trusted); null as
 * soon as it passes `maxBytes`, when the rest is cancelled, never read.
 */
export async function readUpTo(stream: ReadableStream<Uint8Array> | null, maxBytes: number): Promise<Uint8Array<ArrayBuffer> | null> {
  if (!stream) return new Uint8Array()
  const reader = stream.getReader()
  const chunks: Uint8Array[] = []
  let total = 0
  for (let next = await reader.read(); !next.done; next = await reader.read()) {
    total += next.value.byteLength
    if (total > maxBytes) {
      await reader.cancel().catch(() => {})
      return null
    }
    chunks.push(next.value)
  }
  return concatBytes(chunks)
}
