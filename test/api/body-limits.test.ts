import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { JSON_BODY_BYTES } from '../../src/body-limit.ts'
import type { RunningServer } from '../../src/server.ts'
import { postChunked } from '../helpers/flood.ts'
import { testBucket, testServer } from '../helpers/storage.ts'

// Every body has a limit fit for its route (issue 12, item 2): JSON routes take 64 KiB, counted
// on the stream, so a 300 MB JSON body is refused after a few hundred KiB, not read into memory.

const FLOOD = 300 * 1024 * 1024
const JSON_ROUTES = ['/v1/diagnoses', '/v1/uploads', `/v1/uploads/${'0'.repeat(8)}-0000-4000-8000-${'0'.repeat(12)}/complete`]

describe('request body limits', () => {
  let server: RunningServer
  beforeAll(async () => {
    server = await testServer((await testBucket('limits')).bucket, { MEMGAP_ANONYMOUS: 'true' })
  })
  afterAll(() => server?.close())

  it.each(JSON_ROUTES)('%s refuses a declared length over the JSON limit before reading it', async (path) => {
    const res = await fetch(`${server.url}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ suspect: 'a'.repeat(JSON_BODY_BYTES) }),
    })
    expect(res.status).toBe(413)
    expect(res.headers.get('content-type')).toBe('application/problem+json')
    expect(await res.json()).toMatchObject({ code: 'body_too_large', status: 413 })
  })

  it.each(JSON_ROUTES)('%s stops a chunked JSON flood at the limit', async (path) => {
    const res = await postChunked(`${server.url}${path}`, { 'content-type': 'application/json' }, FLOOD)
    expect(res.status).toBe(413)
    expect(JSON.parse(res.body)).toMatchObject({ code: 'body_too_large' })
    // The server answered while the flood was still coming: it read about the limit, not the body.
    expect(res.sent).toBeLessThan(16 * 1024 * 1024)
  })

  it('still takes a JSON body under the limit', async () => {
    const res = await fetch(`${server.url}/v1/uploads`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ bytes: 1000 }),
    })
    expect(res.status).toBe(201)
  })
})
