import { createHash } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import type { createStorage } from '../../src/storage/s3.ts'
import { StorageError } from '../../src/storage/storage-error.ts'
import { type MultipartCalls, partWriter } from '../../src/storage/writers.ts'
import { prng } from '../content/helpers.ts'
import { testBucket } from '../helpers/storage.ts'

// Streamed writes against the real S3 server: what is written is what is read back, with the
// length known (one PUT) and unknown (multipart), and a broken write leaves nothing behind.

const MiB = 1024 * 1024
const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex')

function randomBytes(n: number, seed: number): Uint8Array {
  const rand = prng(seed)
  const out = new Uint8Array(n)
  for (let i = 0; i < n; i++) out[i] = (rand() * 256) | 0
  return out
}

/** `bytes` cut at uneven places, as a network delivers them. */
function* unevenChunks(bytes: Uint8Array, seed: number): Generator<Uint8Array> {
  const rand = prng(seed)
  for (let at = 0; at < bytes.length; ) {
    const n = 1 + Math.floor(rand() * 300_000)
    yield bytes.subarray(at, at + n)
    at += n
  }
}

async function readBack(storage: ReturnType<typeof createStorage>, key: string): Promise<Uint8Array | null> {
  const got = await storage.get(key)
  return got ? new Uint8Array(await new Response(got.body).arrayBuffer()) : null
}

describe('streamed writes to S3', () => {
  it('stores a body of known length as one PUT, byte for byte', async () => {
    const { storage } = await testBucket('put')
    const bytes = randomBytes(12 * MiB + 7, 1)
    const writer = storage.openWrite('k', 'application/octet-stream', bytes.length)
    for (const chunk of unevenChunks(bytes, 2)) await writer.write(chunk)
    await writer.close()
    expect(sha((await readBack(storage, 'k'))!)).toBe(sha(bytes))
  })

  it('stores a body of unknown length as a multipart upload of several parts, in order', async () => {
    const { storage } = await testBucket('parts')
    const bytes = randomBytes(17 * MiB + 3, 3) // four parts, the last short
    const writer = storage.openWrite('k', 'application/octet-stream')
    for (const chunk of unevenChunks(bytes, 4)) await writer.write(chunk)
    await writer.close()
    expect(sha((await readBack(storage, 'k'))!)).toBe(sha(bytes))
  })

  it('refuses a body that is shorter or longer than its declared length, and stores nothing', async () => {
    const { storage } = await testBucket('length')
    const short = storage.openWrite('short', 'application/octet-stream', 1000)
    await short.write(new Uint8Array(999))
    const error = await short.close().catch((e: unknown) => e)
    expect(error).toBeInstanceOf(StorageError)
    expect((error as StorageError).code).toBe('length_mismatch')

    const long = storage.openWrite('long', 'application/octet-stream', 1000)
    await long.write(new Uint8Array(600))
    expect(((await long.write(new Uint8Array(600)).catch((e: unknown) => e)) as StorageError).code).toBe('length_mismatch')
    await long.abort()
    expect(await storage.exists('short')).toBe(false)
    expect(await storage.exists('long')).toBe(false)
  })

  it('never completes an object whose write was abandoned midway', async () => {
    const { storage } = await testBucket('abort')
    const bytes = randomBytes(11 * MiB, 5)
    const multipart = storage.openWrite('parts', 'application/octet-stream')
    await multipart.write(bytes.subarray(0, 11 * MiB - 1)) // two parts stored, then abandoned
    await multipart.abort()
    expect(await storage.exists('parts')).toBe(false)

    const put = storage.openWrite('put', 'application/octet-stream', bytes.length)
    await put.write(bytes.subarray(0, 11 * MiB - 1))
    await put.abort()
    await new Promise((r) => setTimeout(r, 300)) // time for storage to finish whatever it would
    // S3 and R2 store nothing for a PUT cut short of its Content-Length; s3rver keeps the bytes
    // it got under the key. Either way there is never a whole object.
    const stored = await storage.get('put')
    expect(stored === null || stored.bytes < bytes.length).toBe(true)
  })
})

// The multipart writer's own scheduling, with calls that record what storage was asked and
// answer when the test says: parts are stored while the next fills, never more than the buffers
// allow, listed in order whatever order they finish in, and a failed part fails the next write.
describe('partWriter scheduling', () => {
  function recordingCalls() {
    const pending: { partNumber: number; bytes: number; done: (etag: string) => void; fail: (e: Error) => void }[] = []
    const log: string[] = []
    const calls: MultipartCalls = {
      start: async () => 'upload-1',
      part: (_id, partNumber, body) =>
        new Promise((done, fail) => {
          log.push(`part ${partNumber} (${body.byteLength})`)
          pending.push({ partNumber, bytes: body.byteLength, done, fail })
        }),
      complete: async (_id, parts) => void log.push(`complete ${parts.map((p) => `${p.PartNumber}:${p.ETag}`).join(',')}`),
      abort: async () => void log.push('abort'),
      put: async (body) => void log.push(`put ${body.byteLength}`),
    }
    return { calls, pending, log }
  }
  const tick = () => new Promise((r) => setTimeout(r, 0))

  it('keeps filling while parts are stored, waits when all buffers are out, lists parts in order', async () => {
    const { calls, pending, log } = recordingCalls()
    const writer = partWriter(calls, 10, 3)
    await writer.write(new Uint8Array(20)) // parts 1 and 2 out, a third buffer filling
    expect(log).toEqual(['part 1 (10)', 'part 2 (10)'])
    let third = false
    const writing = writer.write(new Uint8Array(10)).then(() => (third = true)) // part 3 out: no buffer left
    await tick()
    expect(log).toContain('part 3 (10)')
    expect(third).toBe(false) // waits for storage
    pending.find((p) => p.partNumber === 2)!.done('"2"') // the second finishes first
    await writing
    expect(third).toBe(true)
    await writer.write(new Uint8Array(4))
    const closing = writer.close()
    await tick()
    for (const p of pending.filter((p) => p.partNumber !== 2)) p.done(`"${p.partNumber}"`)
    await closing
    expect(log).toContain('part 4 (4)')
    expect(log.at(-1)).toBe('complete 1:"1",2:"2",3:"3",4:"4"')
  })

  it('fails the next write when a part could not be stored, and aborts the upload', async () => {
    const { calls, pending, log } = recordingCalls()
    const writer = partWriter(calls, 10, 3)
    await writer.write(new Uint8Array(10))
    pending[0]!.fail(new StorageError('storage_unavailable', 'down'))
    await tick()
    const error = await writer.write(new Uint8Array(1)).catch((e: unknown) => e)
    expect((error as StorageError).code).toBe('storage_unavailable')
    await writer.abort()
    expect(log.at(-1)).toBe('abort')
  })

  it('sends one PUT when the whole object fit in a part', async () => {
    const { calls, log } = recordingCalls()
    const writer = partWriter(calls, 10, 3)
    await writer.write(new Uint8Array(7))
    await writer.close()
    expect(log).toEqual(['put 7'])
  })
})
