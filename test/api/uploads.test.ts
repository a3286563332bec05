import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { BundleSummary } from '../../schemas/bundle.ts'
import { UploadTicket } from '../../schemas/uploads.ts'
import type { RunningServer } from '../../src/server.ts'
import { keys } from '../../src/storage/s3.ts'
import { fixture, sha256 } from '../helpers/fixtures.ts'
import { testBucket, testServer } from '../helpers/storage.ts'

// Presigned uploads against the real S3 server: the client PUTs to storage itself, memgap reads
// the stored object as a stream when told it is complete.

describe('POST /v1/uploads', () => {
  let server: RunningServer
  let storage: Awaited<ReturnType<typeof testBucket>>['storage']
  const kafka = fixture('kafka/suspect.tar.gz')

  beforeAll(async () => {
    const made = await testBucket('uploads')
    storage = made.storage
    server = await testServer(made.bucket)
  })
  afterAll(() => server?.close())

  const open = async (body: object) => {
    const res = await fetch(`${server.url}/v1/uploads`, {
      method: 'POST',
      body: JSON.stringify(body),
      headers: { 'content-type': 'application/json' },
    })
    expect(res.status).toBe(201)
    return UploadTicket.parse(await res.json())
  }

  it('takes a bundle PUT straight to storage through a presigned URL', async () => {
    const ticket = await open({ bytes: kafka.byteLength })
    expect(ticket.put!.url).toMatch(/X-Amz-Signature=/)
    const put = await fetch(ticket.put!.url, { method: 'PUT', body: kafka })
    expect(put.status).toBe(200)
    const done = await fetch(`${server.url}${ticket.complete}`, { method: 'POST' })
    expect(done.status).toBe(201)
    const summary = BundleSummary.parse(await done.json())
    expect(summary.id).toBe(sha256(kafka))
    expect(summary.files.find((f) => f.path === 'dumps/5-7f2250000000-7f2254000000.bin')).toMatchObject({ kind: 'dump', bytes: 67108864 })
    expect(await storage.exists(keys.incoming('public', ticket.id))).toBe(false) // written to raw/ as it was read, then deleted
    expect(await storage.exists(keys.raw('public', ticket.id))).toBe(true)
    const raw = await fetch(`${server.url}/v1/bundles/${summary.id}/raw`)
    expect(sha256(new Uint8Array(await raw.arrayBuffer()))).toBe(summary.id)
    expect((await fetch(`${server.url}${ticket.complete}`, { method: 'POST' })).status).toBe(404) // once only
  })

  it("takes a multipart upload, completed with the parts' ETags", async () => {
    const bundle = fixture('kafka/baseline.tar.gz')
    const ticket = await open({ bytes: bundle.byteLength, multipart: true })
    expect(ticket.parts).toHaveLength(1)
    const part = await fetch(ticket.parts![0]!.url, { method: 'PUT', body: bundle })
    expect(part.status).toBe(200)
    const etag = part.headers.get('etag')!
    const missing = await fetch(`${server.url}${ticket.complete}`, { method: 'POST' })
    expect(missing.status).toBe(400)
    const done = await fetch(`${server.url}${ticket.complete}`, {
      method: 'POST',
      body: JSON.stringify({ parts: [{ partNumber: 1, etag }] }),
      headers: { 'content-type': 'application/json' },
    })
    expect(done.status).toBe(201)
    expect(BundleSummary.parse(await done.json()).id).toBe(sha256(bundle))
  })

  it('the store refuses a PUT longer than the URL signs, as S3 and R2 do', async () => {
    const ticket = await open({ bytes: 1000 })
    const put = await fetch(ticket.put!.url, { method: 'PUT', body: kafka.subarray(0, 2000) })
    expect(put.status).toBe(403)
    expect(await put.text()).toContain('SignatureDoesNotMatch')
    expect(await storage.exists(keys.incoming('public', ticket.id))).toBe(false)
    expect((await fetch(ticket.put!.url, { method: 'PUT', body: kafka.subarray(0, 999) })).status).toBe(403) // shorter too
    expect((await fetch(ticket.put!.url, { method: 'PUT', body: kafka.subarray(0, 1000) })).status).toBe(200)
  })

  it('refuses, and deletes, more bytes than the upload declared, where a store let them in', async () => {
    const ticket = await open({ bytes: 1000 })
    await storage.put(keys.incoming('public', ticket.id), kafka, 'application/gzip') // a store that checks no length
    const done = await fetch(`${server.url}${ticket.complete}`, { method: 'POST' })
    expect(done.status).toBe(413)
    expect(await done.json()).toMatchObject({ code: 'upload_too_large' })
    expect(await storage.exists(keys.incoming('public', ticket.id))).toBe(false)
  })

  it('serves from /raw the bytes the id names, even when the URL is PUT to again during complete', async () => {
    // The kafka capture (a 64 MiB dump inside) takes a while to parse: a second PUT lands
    // while complete reads the first. Raw bytes are written from the stream that was hashed.
    const other = kafka.slice()
    const middle = other.byteLength >> 1
    other[middle] = other[middle]! ^ 0xff // same length, other bytes
    for (const delayMs of [30, 150, 400]) {
      const ticket = await open({ bytes: kafka.byteLength })
      expect((await fetch(ticket.put!.url, { method: 'PUT', body: kafka })).status).toBe(200)
      const done = fetch(`${server.url}${ticket.complete}`, { method: 'POST' })
      await new Promise((r) => setTimeout(r, delayMs))
      expect((await fetch(ticket.put!.url, { method: 'PUT', body: other })).status).toBe(200)
      const res = await done
      expect(res.status).toBeLessThan(300)
      const { id } = BundleSummary.parse(await res.json())
      const raw = new Uint8Array(await (await fetch(`${server.url}/v1/bundles/${id}/raw`)).arrayBuffer())
      expect(sha256(raw), `second PUT after ${delayMs} ms`).toBe(id)
    }
  })

  it('refuses a size over the limit and an unknown upload', async () => {
    const big = await fetch(`${server.url}/v1/uploads`, {
      method: 'POST',
      body: JSON.stringify({ bytes: 2 ** 40 }),
      headers: { 'content-type': 'application/json' },
    })
    expect(big.status).toBe(413)
    const unknown = await fetch(`${server.url}/v1/uploads/00000000-0000-4000-8000-000000000000/complete`, { method: 'POST' })
    expect(unknown.status).toBe(404)
    expect(await unknown.json()).toMatchObject({ code: 'upload_not_found' })
  })
})
