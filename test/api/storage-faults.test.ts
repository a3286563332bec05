import { mkdtemp, readdir } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { EMBEDDED_CREDENTIALS, type EmbeddedS3 } from '../../src/entry/embedded-s3.ts'
import { startEmbeddedS3 } from '../../src/entry/s3rver.ts'
import { type RunningServer, startServer } from '../../src/server.ts'
import { fixture, sha256 } from '../helpers/fixtures.ts'

// The S3 server goes away in the middle of uploads and comes back: nothing acknowledged is lost,
// nothing is stored twice, and clients are told to retry.

async function objectsUnder(directory: string, prefix: string): Promise<string[]> {
  const all = await readdir(directory, { recursive: true })
  return all.filter((p) => p.startsWith(prefix) && p.endsWith('._S3rver_object'))
}

describe('storage faults', () => {
  let directory: string
  let s3: EmbeddedS3
  let port: number
  let server: RunningServer
  const bundles = [fixture('seed/sta-18.tar.gz'), fixture('seed/sta-49.tar.gz'), fixture('kafka/baseline.tar.gz')]

  beforeAll(async () => {
    directory = await mkdtemp(join(tmpdir(), 'memgap-faults-'))
    s3 = await startEmbeddedS3({ directory, bucket: 'faults' })
    port = Number(new URL(s3.endpoint).port)
    server = await startServer({
      PORT: '0',
      S3_ENDPOINT: s3.endpoint,
      S3_BUCKET: 'faults',
      S3_ACCESS_KEY_ID: EMBEDDED_CREDENTIALS.accessKeyId,
      S3_SECRET_ACCESS_KEY: EMBEDDED_CREDENTIALS.secretAccessKey,
      MEMGAP_ANONYMOUS: 'true',
      LOG_LEVEL: 'silent',
    })
  })
  afterAll(async () => {
    await server?.close()
    await s3?.close().catch(() => {})
  })

  const upload = (bytes: Uint8Array<ArrayBuffer>) =>
    fetch(`${server.url}/v1/bundles`, { method: 'POST', body: bytes, headers: { 'content-type': 'application/gzip' } })

  it('answers 503 with Retry-After while S3 is down, then stores each bundle exactly once', async () => {
    // Uploads in flight while the server stops: each ends acknowledged or refused, never half.
    const inFlight = bundles.map((b) => upload(b))
    await s3.close()
    const first = await Promise.all(inFlight)
    for (const res of first) expect([200, 201, 503]).toContain(res.status)

    const down = await upload(bundles[0]!)
    expect(down.status).toBe(503)
    expect(down.headers.get('retry-after')).toBeTruthy()
    expect(await down.json()).toMatchObject({ code: 'storage_unavailable' })
    expect((await fetch(`${server.url}/healthz`)).status).toBe(503)

    s3 = await startEmbeddedS3({ directory, bucket: 'faults', port })
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200)
    for (const bytes of bundles) {
      const again = await upload(bytes)
      expect([200, 201]).toContain(again.status)
      const stored = await fetch(`${server.url}/v1/bundles/${sha256(bytes)}/raw`)
      expect(sha256(new Uint8Array(await stored.arrayBuffer()))).toBe(sha256(bytes))
    }
    const parsed = await objectsUnder(join(directory, 'faults'), 'v1/tenants/public/bundles/')
    expect(parsed.sort()).toEqual(bundles.map((b) => `v1/tenants/public/bundles/${sha256(b)}/parsed.json._S3rver_object`).sort())
  })

  it('keeps one copy of bytes sent again: the new one is deleted once hashed', async () => {
    const raws = () => objectsUnder(join(directory, 'faults'), 'v1/tenants/public/raw/')
    const before = await raws()
    for (const res of await Promise.all([upload(bundles[0]!), upload(bundles[1]!)])) expect(res.status).toBe(200)
    expect(await raws()).toEqual(before)
  })

  it('acknowledges a diagnosis only once it is stored', async () => {
    await s3.close()
    const res = await fetch(`${server.url}/v1/diagnoses`, {
      method: 'POST',
      body: JSON.stringify({ suspect: sha256(bundles[0]!) }),
      headers: { 'content-type': 'application/json' },
    })
    expect(res.status).toBe(503)
    s3 = await startEmbeddedS3({ directory, bucket: 'faults', port })
    const ok = await fetch(`${server.url}/v1/diagnoses`, {
      method: 'POST',
      body: JSON.stringify({ suspect: sha256(bundles[0]!) }),
      headers: { 'content-type': 'application/json' },
    })
    expect(ok.status).toBe(201)
    const { id } = await ok.json()
    expect((await fetch(`${server.url}/v1/diagnoses/${id}`)).status).toBe(200)
  })
})
