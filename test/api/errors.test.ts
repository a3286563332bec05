import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { RunningServer } from '../../src/server.ts'
import { startServer } from '../../src/server.ts'
import { chunkedStream } from '../helpers/archive.ts'
import { fixture, form, sha256 } from '../helpers/fixtures.ts'
import { storedRaw, testBucket, testServer } from '../helpers/storage.ts'

describe('errors are problem+json with a stable code, and nothing acknowledged is lost', () => {
  let server: RunningServer
  let storage: Awaited<ReturnType<typeof testBucket>>['storage']

  beforeAll(async () => {
    const made = await testBucket('errors')
    storage = made.storage
    server = await testServer(made.bucket, { MAX_UPLOAD_BYTES: '65536' })
  })
  afterAll(() => server?.close())

  const post = (body: BodyInit, type?: string) =>
    fetch(`${server.url}/v1/bundles`, { method: 'POST', body, headers: type ? { 'content-type': type } : {} })

  async function expectProblem(res: Response, status: number, code: string) {
    expect(res.status).toBe(status)
    expect(res.headers.get('content-type')).toBe('application/problem+json')
    const problem = await res.json()
    expect(problem).toMatchObject({ status, code })
    expect(typeof problem.title).toBe('string')
    expect(problem.detail.length).toBeGreaterThan(0)
    return problem
  }

  it('refuses an unknown content type with 415', async () => {
    await expectProblem(await post('hello', 'text/plain'), 415, 'unsupported_media_type')
  })

  it('refuses an empty body with 400', async () => {
    await expectProblem(await post(new Uint8Array(0), 'application/gzip'), 400, 'empty_body')
  })

  it('refuses an upload over MAX_UPLOAD_BYTES with 413', async () => {
    await expectProblem(await post(new Uint8Array(70_000), 'application/octet-stream'), 413, 'upload_too_large')
  })

  it('answers 413, not a dropped connection, to a chunked upload that runs over MAX_UPLOAD_BYTES', async () => {
    // No Content-Length: the limit is found on the stream, and the rest of the body is not read.
    const body = chunkedStream(new Uint8Array(4 * 1024 * 1024), 64 * 1024)
    const res = await fetch(`${server.url}/v1/bundles`, {
      method: 'POST',
      body,
      headers: { 'content-type': 'application/gzip' },
      duplex: 'half',
    } as RequestInit)
    await expectProblem(res, 413, 'upload_too_large')
  })

  it('keeps the raw bytes of an archive it cannot read, and says so with 422', async () => {
    const corrupt = new Uint8Array([0x1f, 0x8b, 0x08, 0x00, 1, 2, 3, 4, 5, 6, 7, 8, 9])
    const problem = await expectProblem(await post(corrupt, 'application/gzip'), 422, 'archive_corrupt')
    expect(problem.detail).toContain(sha256(corrupt))
    expect(sha256((await storedRaw(storage, 'public', sha256(corrupt)))!)).toBe(sha256(corrupt))
    const summary = await (await fetch(`${server.url}/v1/bundles/${sha256(corrupt)}`)).json()
    expect(summary.error.code).toBe('archive_corrupt')
  })

  it('refuses a diagnosis of an unreadable bundle with 422 naming its side, by id and as multipart alike', async () => {
    const corrupt = new Uint8Array([0x1f, 0x8b, 0x08, 0x00, 9, 8, 7, 6, 5, 4, 3, 2, 1])
    await post(corrupt, 'application/gzip') // stored, though unreadable
    const good = fixture('seed/sta-49.tar.gz')
    const goodId = (await (await post(good, 'application/gzip')).json()).id
    const byId = await fetch(`${server.url}/v1/diagnoses`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ baseline: goodId, suspect: sha256(corrupt) }),
    })
    const problem = await expectProblem(byId, 422, 'archive_corrupt')
    expect(problem.detail).toMatch(/^the suspect bundle cannot be read: .*kept as bundle [0-9a-f]{64}$/)
    const multipart = await fetch(`${server.url}/v1/diagnoses`, {
      method: 'POST',
      body: form({ baseline: corrupt as Uint8Array<ArrayBuffer>, suspect: good }),
    })
    expect((await expectProblem(multipart, 422, 'archive_corrupt')).detail).toMatch(/^field "baseline": /)
  })

  it('answers 415 archive_unsupported for bytes that are no archive, and keeps them', async () => {
    const text = new TextEncoder().encode('MemTotal: 1 kB\n')
    await expectProblem(await post(text, 'application/octet-stream'), 415, 'archive_unsupported')
    expect(sha256((await storedRaw(storage, 'public', sha256(text)))!)).toBe(sha256(text))
  })

  it('answers 400 for multipart without its file field, and for bad metadata', async () => {
    await expectProblem(await post(form({ other: new Uint8Array([1]) })), 400, 'field_missing')
    const bad = await post(form({ bundle: new Uint8Array([1]) }, { metadata: '{"host": 5}' }))
    const problem = await expectProblem(bad, 400, 'invalid_request')
    expect(problem.issues[0].path).toEqual(['host'])
  })

  it('answers 400 for a malformed JSON diagnosis request', async () => {
    const res = await fetch(`${server.url}/v1/diagnoses`, { method: 'POST', body: '{', headers: { 'content-type': 'application/json' } })
    await expectProblem(res, 400, 'invalid_json')
  })

  it('answers 404 problem+json for an unknown route', async () => {
    await expectProblem(await fetch(`${server.url}/v2/nothing`), 404, 'not_found')
  })

  it('answers 503 on /healthz when storage does not answer', async () => {
    const down = await startServer({ PORT: '0', S3_ENDPOINT: 'http://127.0.0.1:9', S3_ACCESS_KEY_ID: 'x', S3_SECRET_ACCESS_KEY: 'y' })
    try {
      const res = await fetch(`${down.url}/healthz`)
      await expectProblem(res, 503, 'storage_unavailable')
      expect(res.headers.get('retry-after')).toBeTruthy()
    } finally {
      await down.close()
    }
  })
})
