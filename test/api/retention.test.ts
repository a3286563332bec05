import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { loadConfig } from '../../src/config.ts'
import type { RunningServer } from '../../src/server.ts'
import { sweep } from '../../src/services/retention.ts'
import type { Storage } from '../../src/storage/s3.ts'
import { ageBundle } from '../helpers/age.ts'
import { secretBundle } from '../helpers/secret-bundle.ts'
import { testBucket, testServer } from '../helpers/storage.ts'

// RETENTION_DAYS: the sweep deletes what is older than a tenant's days, whole, and nothing else.

const ACME = 'acme-key-0123456789abcdef'
const LAB = 'lab-key-0123456789abcdefgh'
const DAY = 86_400_000

describe('retention', () => {
  let server: RunningServer
  let storage: Storage
  let bucket: string

  beforeAll(async () => {
    ;({ storage, bucket } = await testBucket('retention'))
    server = await testServer(bucket, { MEMGAP_API_KEYS: `acme:${ACME},lab:${LAB}` })
  })
  afterAll(() => server?.close())

  async function store(key: string, host: string): Promise<{ bundle: string; diagnosis: string }> {
    const headers = { authorization: `Bearer ${key}` }
    const up = await fetch(`${server.url}/v1/bundles`, {
      method: 'POST',
      headers: { ...headers, 'content-type': 'application/gzip' },
      body: secretBundle(host, '2026-10-01T00:00:00Z', host),
    })
    const bundle = (await up.json()).id as string
    const made = await fetch(`${server.url}/v1/diagnoses`, {
      method: 'POST',
      headers: { ...headers, 'content-type': 'application/json' },
      body: JSON.stringify({ suspect: bundle }),
    })
    return { bundle, diagnosis: (await made.json()).id as string }
  }

  const keysOf = async (tenant: string) => (await storage.list(`v1/tenants/${tenant}/`)).keys

  it('parses RETENTION_DAYS as days for all and per tenant', () => {
    expect(loadConfig({ RETENTION_DAYS: '30,lab:7' }).RETENTION_DAYS).toEqual({ days: 30, tenants: { lab: 7 } })
    expect(loadConfig({ RETENTION_DAYS: 'lab:7' }).RETENTION_DAYS).toEqual({ days: null, tenants: { lab: 7 } })
    expect(() => loadConfig({ RETENTION_DAYS: '30 days' })).toThrow(/RETENTION_DAYS/)
    expect(() => loadConfig({ RETENTION_DAYS: 'lab:0' })).toThrow(/RETENTION_DAYS/)
  })

  it("deletes a tenant's bundles and diagnoses past its days, whole, and leaves the others", async () => {
    const acme = await store(ACME, 'ret-acme')
    const lab = await store(LAB, 'ret-lab')
    const policy = { days: null, tenants: { lab: 7 } }
    expect(await sweep(storage, policy, Date.now() + 6 * DAY)).toEqual({ bundles: 0, diagnoses: 0 })
    expect(await sweep(storage, policy, Date.now() + 8 * DAY)).toEqual({ bundles: 1, diagnoses: 1 })
    expect(await keysOf('lab')).toEqual([]) // raw bytes, parse, index entries, diagnosis: all gone
    const acmeKeys = await keysOf('acme') // no retention for acme
    expect(acmeKeys.some((k) => k.endsWith(`${acme.bundle}/parsed.json`))).toBe(true)
    expect(acmeKeys.some((k) => k.endsWith(`${acme.diagnosis}.json`))).toBe(true)
    expect((await fetch(`${server.url}/v1/bundles/${lab.bundle}`, { headers: { authorization: `Bearer ${LAB}` } })).status).toBe(404)
  })

  it('stops at its budget and goes on at the next run', async () => {
    for (const host of ['b-1', 'b-2', 'b-3']) await store(LAB, host)
    const policy = { days: 1, tenants: {} }
    const later = Date.now() + 2 * DAY
    expect(await sweep(storage, { ...policy, tenants: { acme: 10_000 } }, later, 2)).toEqual({ bundles: 2, diagnoses: 0 })
    expect(await sweep(storage, { ...policy, tenants: { acme: 10_000 } }, later, 100)).toEqual({ bundles: 1, diagnoses: 3 })
    expect(await keysOf('lab')).toEqual([])
  })

  it('runs on a Node server started with RETENTION_DAYS, at start', async () => {
    const old = await store(ACME, 'ret-old')
    const recent = await store(ACME, 'ret-recent')
    await ageBundle(storage, 'acme', old.bundle, 40)
    const sweeping = await testServer(bucket, { MEMGAP_API_KEYS: `acme:${ACME}`, RETENTION_DAYS: '30' })
    try {
      const auth = { authorization: `Bearer ${ACME}` }
      let status = 200
      for (let i = 0; i < 100 && status === 200; i++) {
        await new Promise((r) => setTimeout(r, 100))
        status = (await fetch(`${sweeping.url}/v1/bundles/${old.bundle}`, { headers: auth })).status
      }
      expect(status).toBe(404)
      expect((await keysOf('acme')).filter((k) => k.includes(old.bundle))).toEqual([])
      expect((await fetch(`${sweeping.url}/v1/bundles/${recent.bundle}`, { headers: auth })).status).toBe(200)
      // Its diagnosis, made today, stays and says the bundle is gone.
      const d = await (await fetch(`${sweeping.url}/v1/diagnoses/${old.diagnosis}`, { headers: auth })).json()
      expect(d.suspect).toMatchObject({ bundleId: old.bundle, deleted: true })
    } finally {
      await sweeping.close()
    }
  })
})
