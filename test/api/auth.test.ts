import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { RunningServer } from '../../src/server.ts'
import { fixture, sha256 } from '../helpers/fixtures.ts'
import { storedRaw, testBucket, testServer } from '../helpers/storage.ts'

const ACME = 'acme-key-0123456789abcdef'
const GLOBEX = 'globex-key-0123456789abcdef'

describe('API keys and tenants', () => {
  let server: RunningServer
  let storage: Awaited<ReturnType<typeof testBucket>>['storage']
  const seed = fixture('seed/sta-18.tar.gz')
  const as = (key: string | null, path: string, init: RequestInit = {}) =>
    fetch(`${server.url}${path}`, {
      ...init,
      headers: { ...(init.headers as Record<string, string>), ...(key ? { authorization: `Bearer ${key}` } : {}) },
    })

  beforeAll(async () => {
    const made = await testBucket('auth')
    storage = made.storage
    server = await testServer(made.bucket, {
      MEMGAP_API_KEYS: `acme:${ACME},globex:${GLOBEX}`,
      MEMGAP_ANONYMOUS: 'true',
      RATE_LIMIT_PER_MINUTE: '30',
    })
  })
  afterAll(() => server?.close())

  const upload = (key: string | null) =>
    as(key, '/v1/bundles', { method: 'POST', body: seed, headers: { 'content-type': 'application/gzip' } })

  it('requires a key when keys are configured, even with MEMGAP_ANONYMOUS=true', async () => {
    const res = await upload(null)
    expect(res.status).toBe(401)
    expect(res.headers.get('www-authenticate')).toMatch(/^Bearer/)
    expect(await res.json()).toMatchObject({ code: 'unauthorized' })
    expect((await upload('wrong-key-0123456789abcdef')).status).toBe(401)
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200) // health needs no key
  })

  it("keeps each tenant under its own prefix; another tenant's id is a 404", async () => {
    expect((await upload(ACME)).status).toBe(201)
    expect(sha256((await storedRaw(storage, 'acme', sha256(seed)))!)).toBe(sha256(seed))
    expect(await storedRaw(storage, 'globex', sha256(seed))).toBeNull()
    const theirs = await as(GLOBEX, `/v1/bundles/${sha256(seed)}`)
    expect(theirs.status).toBe(404)
    expect(await theirs.json()).toMatchObject({ code: 'bundle_not_found' })
    expect((await as(GLOBEX, `/v1/bundles/${sha256(seed)}/raw`)).status).toBe(404)
    const diagnosis = await as(ACME, '/v1/diagnoses', {
      method: 'POST',
      body: JSON.stringify({ suspect: sha256(seed) }),
      headers: { 'content-type': 'application/json' },
    })
    expect(diagnosis.status).toBe(201)
    const { id } = await diagnosis.json()
    expect((await as(ACME, `/v1/diagnoses/${id}`)).status).toBe(200)
    expect((await as(GLOBEX, `/v1/diagnoses/${id}`)).status).toBe(404)
  })

  it("limits each key's requests a minute with 429 and Retry-After", async () => {
    const statuses: number[] = []
    let retryAfter: string | null = null
    for (let i = 0; i < 40; i++) {
      const res = await as(GLOBEX, `/v1/bundles/${'0'.repeat(64)}`)
      statuses.push(res.status)
      if (res.status === 429) retryAfter = res.headers.get('retry-after')
    }
    expect(statuses.filter((s) => s === 404).length).toBeLessThanOrEqual(30)
    expect(statuses).toContain(429)
    expect(Number(retryAfter)).toBeGreaterThanOrEqual(1)
    expect((await as(ACME, `/v1/bundles/${sha256(seed)}`)).status).toBe(200) // other keys unaffected
  })
})

describe('a server with no keys and no MEMGAP_ANONYMOUS', () => {
  it('refuses to serve /v1 with 500 not_configured', async () => {
    const { bucket } = await testBucket('noauth')
    const server = await testServer(bucket, { MEMGAP_ANONYMOUS: 'false' })
    try {
      const res = await fetch(`${server.url}/v1/bundles/${'0'.repeat(64)}`)
      expect(res.status).toBe(500)
      expect(await res.json()).toMatchObject({ code: 'not_configured' })
    } finally {
      await server.close()
    }
  })
})
