import { createHash } from 'node:crypto'
import { gunzipSync, gzipSync } from 'node:zlib'
import { describe, expect, it } from 'vitest'
import type { ArchiveError } from '../../src/bundle/entries.ts'
import { gunzip } from '../../src/bundle/gzip.ts'
import { gunzipNode } from '../../src/bundle/gzip-node.ts'
import { readTar } from '../../src/bundle/tar.ts'
import { readAll } from '../helpers/archive.ts'
import { fixture } from '../helpers/fixtures.ts'

// The two gunzips ingest uses (Web DecompressionStream everywhere, node:zlib on the Node server)
// keep one contract: the same bytes out, bad input as archive_corrupt, the source's own errors
// passed through, cancel reaching the source, and nothing read far ahead of the reader.

const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex')

/** A stream of `bytes` in `size` chunks that counts what was pulled from it. */
function counted(bytes: Uint8Array, size = 64 * 1024, fail?: Error) {
  const seen = { bytes: 0, cancelled: false as unknown }
  let at = 0
  const stream = new ReadableStream<Uint8Array>(
    {
      pull(c) {
        if (at >= bytes.length) return fail ? c.error(fail) : c.close()
        const chunk = bytes.subarray(at, at + size)
        at += chunk.length
        seen.bytes = at
        c.enqueue(chunk)
      },
      cancel(reason) {
        seen.cancelled = reason ?? true
      },
    },
    { highWaterMark: 0 },
  )
  return { stream, seen }
}

describe.each([
  ['DecompressionStream', gunzip],
  ['node:zlib', gunzipNode],
])('gunzip through %s', (_name, unzip) => {
  const suspect = fixture('kafka/suspect.tar.gz')

  it('inflates the kafka suspect bundle to exactly what zlib says, and tar reads it', async () => {
    const out = await readAll(unzip(counted(suspect).stream))
    expect(sha(out)).toBe(sha(gunzipSync(suspect)))
    const names: string[] = []
    for await (const entry of readTar(unzip(counted(suspect).stream))) if ('path' in entry) names.push(entry.path)
    expect(names).toContain('dumps/5-7f2250000000-7f2254000000.bin')
  })

  it('says archive_corrupt for a truncated stream and for damaged data', async () => {
    const truncated = await readAll(unzip(counted(suspect.subarray(0, 100_000)).stream)).catch((e: unknown) => e)
    expect((truncated as ArchiveError).code).toBe('archive_corrupt')
    const damaged = gzipSync(new Uint8Array(300_000).fill(65))
    damaged.fill(0xff, 20, 60)
    const bad = await readAll(unzip(counted(damaged).stream)).catch((e: unknown) => e)
    expect((bad as ArchiveError).code).toBe('archive_corrupt')
  })

  it("passes the source's own error through unchanged", async () => {
    const network = new Error('connection reset by peer')
    const error = await readAll(unzip(counted(suspect.subarray(0, 200_000), 64 * 1024, network).stream)).catch((e: unknown) => e)
    expect(error).toBe(network)
  })

  it('reads the source only a little ahead of a reader that stops; cancel reaches the source', async () => {
    const { stream, seen } = counted(suspect)
    const reader = unzip(stream).getReader()
    let out = 0
    while (out < 8 * 1024 * 1024) out += (await reader.read()).value!.byteLength
    await new Promise((r) => setTimeout(r, 200)) // time to run ahead, if it would
    expect(seen.bytes).toBeLessThan(suspect.length / 4) // 8 MiB (+ 4 MiB node:zlib read-ahead) of the dump need ~2 MB in
    await reader.cancel('enough')
    expect(seen.cancelled).toBe('enough')
  })
})
