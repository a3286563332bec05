import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { BundleList } from '../../schemas/catalog.ts'
import type { Storage } from '../../src/storage/s3.ts'
import { ageBundle } from '../helpers/age.ts'
import { sha256 } from '../helpers/fixtures.ts'
import { secretBundle } from '../helpers/secret-bundle.ts'
import { testBucket, workerVars } from '../helpers/storage.ts'
import { type DevWorker, startWranglerDev } from '../helpers/wrangler.ts'

// List, delete and the retention sweep (its Cron Trigger's scheduled handler) in workerd.

describe('find, delete and retention in workerd (wrangler dev)', () => {
  let worker: DevWorker
  let storage: Storage

  beforeAll(async () => {
    const made = await testBucket('worker-life')
    storage = made.storage
    const vars = {
      ...workerVars(made.bucket),
      RETENTION_DAYS: '30',
      REPORT_LINK_SECRET: 'worker-link-secret-0123456',
      PUBLIC_BASE_URL: 'https://memgap.example', // a signing Worker needs it (links never come from Host)
    }
    worker = await startWranglerDev(vars, undefined, true)
  }, 120_000)
  afterAll(() => worker?.stop())

  const upload = async (bytes: Uint8Array<ArrayBuffer>) => {
    const res = await fetch(`${worker.url}/v1/bundles`, { method: 'POST', headers: { 'content-type': 'application/gzip' }, body: bytes })
    expect(res.status, worker.output()).toBe(201)
    return ((await res.json()) as { id: string }).id
  }
  const list = async (query = '') => BundleList.parse(await (await fetch(`${worker.url}/v1/bundles${query}`)).json())

  it('lists newest first a page at a time, deletes, and keeps nothing of a deleted bundle', async () => {
    const older = await upload(secretBundle('wk-1', '2026-11-01T00:00:00Z', 'older'))
    const newer = await upload(secretBundle('wk-1', '2026-11-02T00:00:00Z', 'newer'))
    const first = await list('?host=wk-1&limit=1')
    expect(first.items.map((i) => i.id)).toEqual([newer])
    expect((await list(`?host=wk-1&limit=1&cursor=${first.next}`)).items.map((i) => i.id)).toEqual([older])

    expect((await fetch(`${worker.url}/v1/bundles/${newer}`, { method: 'DELETE' })).status).toBe(204)
    expect((await fetch(`${worker.url}/v1/bundles/${newer}`)).status).toBe(404)
    expect((await list('?host=wk-1')).items.map((i) => i.id)).toEqual([older])
    expect((await storage.list('v1/tenants/public/')).keys.filter((k) => k.includes(newer))).toEqual([])
  })

  it('sweeps what is past RETENTION_DAYS when the Cron Trigger fires', async () => {
    const bytes = secretBundle('wk-old', '2026-10-01T00:00:00Z', 'old')
    const id = await upload(bytes)
    await ageBundle(storage, 'public', id, 31)
    const fired = await fetch(`${worker.url}/__scheduled?cron=${encodeURIComponent('17 3 * * *')}`)
    expect(fired.status, worker.output()).toBe(200)
    let status = 200
    for (let i = 0; i < 50 && status === 200; i++) {
      status = (await fetch(`${worker.url}/v1/bundles/${id}`)).status
      if (status === 200) await new Promise((r) => setTimeout(r, 100))
    }
    expect(status, worker.output()).toBe(404)
    expect((await storage.list('v1/tenants/public/')).keys.filter((k) => k.includes(sha256(bytes)))).toEqual([])
  })
})
