import { describe, expect, it } from 'vitest'
import { StoredBundle } from '../../schemas/bundle.ts'
import { DEFAULT_LIMITS } from '../../src/bundle/limits.ts'
import type { Scope } from '../../src/context.ts'
import { ingestStream } from '../../src/services/ingest.ts'
import { keys, type Storage } from '../../src/storage/s3.ts'
import { chunkedStream } from '../helpers/archive.ts'
import { sha256 } from '../helpers/fixtures.ts'
import { storedRaw, testBucket } from '../helpers/storage.ts'
import { tarGz } from '../helpers/tar.ts'

// ingestStream against the real S3 server, the storage writer slowed down and watched: when the
// parser gives up midway while gunzip is still reading ahead, the rest of the body is read on,
// the raw bytes stored are the upload's, with either writer, and no write overlaps another.

/** Storage whose writers are slow and record whether a write started before the last one had finished. */
function watched(storage: Storage): { storage: Storage; overlaps: () => number } {
  let overlaps = 0
  const openWrite: Storage['openWrite'] = (key, type, bytes) => {
    const writer = storage.openWrite(key, type, bytes)
    let busy = false
    return {
      ...writer,
      async write(chunk) {
        if (busy) overlaps++
        busy = true
        try {
          await new Promise((later) => setTimeout(later, 1)) // slow storage: writes take a while
          await writer.write(chunk)
        } finally {
          busy = false
        }
      },
    }
  }
  return { storage: { ...storage, openWrite }, overlaps: () => overlaps }
}

describe('ingestStream', () => {
  it('stores every byte of an upload whose archive breaks midway while gunzip reads ahead', async () => {
    const { storage: real } = await testBucket('ingest')
    const { storage, overlaps } = watched(real)
    const noise = new Uint8Array(2 * 1024 * 1024).map((_, i) => (i * 2654435761) >>> 24)
    const broken = tarGz([
      { name: 'notes/a.bin', body: noise },
      { name: 'notes/b.txt', body: 'x', badChecksum: true }, // the parser stops here
      { name: 'notes/c.bin', body: noise },
      { name: 'notes/d.bin', body: noise },
    ])
    // pipeThrough reads its source as fast as it can: the parser's stream may still be read
    // when the parser has given up and ingest drains the rest of the body.
    const eager = (input: ReadableStream<Uint8Array>) =>
      input.pipeThrough(new DecompressionStream('gzip') as unknown as TransformStream<Uint8Array, Uint8Array>)
    const scope: Scope = { storage, tenant: 'public', limits: DEFAULT_LIMITS, gunzip: eager }
    for (const bytes of [broken.byteLength, undefined]) {
      // one PUT of known length; multipart
      const upload = ingestStream(scope, { body: chunkedStream(broken, 16 * 1024), bytes }, { maxBytes: 1e9 })
      await expect(upload).rejects.toMatchObject({ status: 422, code: 'archive_corrupt' }) // answered after storing
      const id = sha256(broken)
      const stored = StoredBundle.parse(await real.getJson(keys.bundleParsed('public', id)))
      expect(stored.error?.code).toBe('archive_corrupt')
      expect(sha256((await storedRaw(real, 'public', id))!)).toBe(id)
    }
    expect(overlaps()).toBe(0)
  })
})
