import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { Problem } from '../../schemas/problem.ts'
import { EMBEDDED_CREDENTIALS } from '../../src/entry/embedded-s3.ts'
import { type RunningServer, startServer } from '../../src/server.ts'
import { testBucket, testServer } from '../helpers/storage.ts'

// What an operator meets: who a server without keys serves, request ids, 405s and /metrics.

const METRICS_TOKEN = 'metrics-token-0123456789'

describe('a server without keys', () => {
  let bucket: string
  beforeAll(async () => {
    bucket = (await testBucket('closed')).bucket
  })
  const env = (extra: Record<string, string> = {}) => ({
    PORT: '0',
    S3_ENDPOINT: inject('s3Endpoint'),
    S3_BUCKET: bucket,
    S3_ACCESS_KEY_ID: EMBEDDED_CREDENTIALS.accessKeyId,
    S3_SECRET_ACCESS_KEY: EMBEDDED_CREDENTIALS.secretAccessKey,
    LOG_LEVEL: 'silent',
    ...extra,
  })
  async function statusOf(server: RunningServer): Promise<[number, string]> {
    try {
      const res = await fetch(`${server.url}/v1/bundles/${'0'.repeat(64)}`)
      return [res.status, Problem.parse(await res.json()).code]
    } finally {
      await server.close()
    }
  }

  it('is closed when started outside npm start (a unit file, a container), with not_configured', async () => {
    expect(await statusOf(await startServer(env()))).toEqual([500, 'not_configured'])
  })

  it('is open on loopback for npm start, and closed there too when it listens on every interface', async () => {
    expect(await statusOf(await startServer(env(), { openOnLoopback: true }))).toEqual([404, 'bundle_not_found'])
    const wide = await startServer(env({ HOST: '0.0.0.0', PUBLIC_BASE_URL: 'https://memgap.example.com' }), { openOnLoopback: true })
    expect(wide.auth).toMatch(/refusing/)
    expect(await statusOf(wide)).toEqual([500, 'not_configured'])
  })

  it('is open anywhere with MEMGAP_ANONYMOUS=true', async () => {
    expect(await statusOf(await startServer(env({ MEMGAP_ANONYMOUS: 'true' })))).toEqual([404, 'bundle_not_found'])
  })
})

describe('requests', () => {
  let server: RunningServer
  beforeAll(async () => {
    server = await testServer((await testBucket('operate')).bucket, { METRICS_TOKEN })
  })
  afterAll(() => server?.close())

  it('echo a plain X-Request-Id, in the header and the problem body; a bad one is replaced', async () => {
    const res = await fetch(`${server.url}/v1/bundles/nope`, { headers: { 'x-request-id': 'ticket-4711.a' } })
    expect(res.headers.get('x-request-id')).toBe('ticket-4711.a')
    expect(Problem.parse(await res.json()).requestId).toBe('ticket-4711.a')
    const odd = await fetch(`${server.url}/healthz`, { headers: { 'x-request-id': `${'x'.repeat(100)} ${'y'.repeat(100)}` } })
    expect(odd.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/)
    const none = await fetch(`${server.url}/healthz`)
    expect(none.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/)
  })

  it('answer an unknown method on a known path with 405 and Allow, an unknown path with 404', async () => {
    const res = await fetch(`${server.url}/healthz`, { method: 'PATCH' })
    expect(res.status).toBe(405)
    expect(res.headers.get('allow')).toBe('GET, HEAD')
    expect(res.headers.get('content-type')).toBe('application/problem+json')
    expect(Problem.parse(await res.json())).toMatchObject({
      code: 'method_not_allowed',
      status: 405,
      requestId: res.headers.get('x-request-id'),
    })
    const put = await fetch(`${server.url}/v1/diagnoses`, { method: 'PUT', body: '{}' })
    expect([put.status, put.headers.get('allow')]).toEqual([405, 'GET, POST, HEAD'])
    const nowhere = await fetch(`${server.url}/v2/nothing`, { method: 'PATCH' })
    expect([nowhere.status, nowhere.headers.get('allow')]).toEqual([404, null])
  })

  it('serve /metrics only with its own token, counting by route pattern and problem code', async () => {
    expect((await fetch(`${server.url}/metrics`)).status).toBe(401)
    expect((await fetch(`${server.url}/metrics`, { headers: { authorization: 'Bearer not-the-token-0000000' } })).status).toBe(401)
    for (let i = 0; i < 3; i++) await fetch(`${server.url}/v1/bundles/${String(i).repeat(64)}`)
    const res = await fetch(`${server.url}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } })
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/)
    const text = await res.text()
    expect(text).toMatch(/^memgap_http_requests_total\{route="\/v1\/bundles\/:id",method="GET",status="404"\} ([3-9]|\d\d+)$/m)
    expect(text).toMatch(/^memgap_problems_total\{code="bundle_not_found"\} \d+$/m)
    expect(text).toContain('# TYPE memgap_ingest_seconds histogram')
  })

  it('have no /metrics without METRICS_TOKEN', async () => {
    const plain = await testServer((await testBucket('nometrics')).bucket)
    try {
      expect((await fetch(`${plain.url}/metrics`)).status).toBe(404)
    } finally {
      await plain.close()
    }
  })
})
