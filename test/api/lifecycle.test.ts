import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { BundleSummary } from '../../schemas/bundle.ts'
import { BundleList, DiagnosisList } from '../../schemas/catalog.ts'
import { Diagnosis } from '../../schemas/diagnosis.ts'
import type { RunningServer } from '../../src/server.ts'
import type { Storage } from '../../src/storage/s3.ts'
import { sha256 } from '../helpers/fixtures.ts'
import { secretBundle } from '../helpers/secret-bundle.ts'
import { testBucket, testServer } from '../helpers/storage.ts'
import { tarGz } from '../helpers/tar.ts'

// Find, keep and delete: listings, deletes and metadata merges against the real S3 server, with
// what storage holds read back through the production client.

const ACME = 'acme-key-0123456789abcdef'
const GLOBEX = 'globex-key-0123456789abcdef'
const as = (key: string) => ({ authorization: `Bearer ${key}` })

describe('listing and deleting bundles and diagnoses', () => {
  let server: RunningServer
  let storage: Storage

  beforeAll(async () => {
    const made = await testBucket('lifecycle')
    storage = made.storage
    server = await testServer(made.bucket, {
      MEMGAP_API_KEYS: `acme:${ACME},globex:${GLOBEX}`,
      REPORT_LINK_SECRET: 'lifecycle-link-secret-0123',
    })
  })
  afterAll(() => server?.close())

  async function upload(
    bytes: Uint8Array<ArrayBuffer>,
    key = ACME,
    metadata?: object,
  ): Promise<{ status: number; summary: BundleSummary }> {
    const init: RequestInit = metadata
      ? { method: 'POST', headers: as(key), body: formOf(bytes, metadata) }
      : { method: 'POST', headers: { ...as(key), 'content-type': 'application/gzip' }, body: bytes }
    const res = await fetch(`${server.url}/v1/bundles`, init)
    expect([200, 201], await res.clone().text()).toContain(res.status)
    return { status: res.status, summary: BundleSummary.parse(await res.json()) }
  }

  async function get(path: string, key = ACME): Promise<Response> {
    return fetch(`${server.url}${path}`, { headers: as(key) })
  }

  async function listing(query = '', key = ACME): Promise<BundleList> {
    const res = await get(`/v1/bundles${query}`, key)
    expect(res.status, await res.clone().text()).toBe(200)
    return BundleList.parse(await res.json())
  }

  /** Every key under a tenant's prefix, from the S3 server itself. */
  async function tenantKeys(tenant: string): Promise<string[]> {
    const out: string[] = []
    let after: string | undefined
    for (;;) {
      const page = await storage.list(`v1/tenants/${tenant}/`, { startAfter: after, max: 1000 })
      out.push(...page.keys)
      if (!page.more) return out
      after = page.keys.at(-1)
    }
  }

  const day = (n: number) => `2026-11-${String(n).padStart(2, '0')}T10:00:00Z`

  it("lists a tenant's bundles newest first by collection time, by host, by time, a page at a time", async () => {
    const ids: Record<string, string> = {}
    for (const [name, host, when] of [
      ['a', 'sta-1', day(1)],
      ['b', 'sta-2', day(3)],
      ['c', 'STA-1', day(2)],
      ['d', 'sta-1', day(5)],
    ] as const) {
      ids[name] = (await upload(secretBundle(host, when, `list ${name}`))).summary.id
    }
    const all = await listing()
    expect(all.items.map((i) => i.id)).toEqual([ids.d, ids.b, ids.c, ids.a])
    expect(all.items[0]).toMatchObject({ host: 'sta-1', role: 'suspect', time: '2026-11-05T10:00:00.000Z' })

    expect((await listing('?host=sta-1')).items.map((i) => i.id)).toEqual([ids.d, ids.c, ids.a]) // hosts match without case
    expect((await listing(`?since=${day(2)}&until=${day(5)}`)).items.map((i) => i.id)).toEqual([ids.b, ids.c])
    expect((await listing('?since=2026-11-03')).items.map((i) => i.id)).toEqual([ids.d, ids.b])

    const first = await listing('?limit=3')
    expect(first.items.map((i) => i.id)).toEqual([ids.d, ids.b, ids.c])
    const second = await listing(`?limit=3&cursor=${first.next}`)
    expect(second).toEqual({ items: [expect.objectContaining({ id: ids.a })], next: null })

    // Another tenant sees none of them, and cannot use acme's cursor.
    expect((await listing('', GLOBEX)).items).toEqual([])
    const foreign = await get(`/v1/bundles?limit=3&cursor=${first.next}`, GLOBEX)
    expect(foreign.status).toBe(400)
    expect((await foreign.json()).code).toBe('cursor_invalid')
  })

  it('files a bundle with no manifest under the host its hostname file names, at its upload time', async () => {
    const bytes = new Uint8Array(
      tarGz([
        { name: 'sosreport/etc/hostname', body: 'fw-edge-07\n' },
        { name: 'sosreport/proc/meminfo', body: 'MemTotal: 2048000 kB\nMemFree: 100000 kB\n' },
      ]),
    )
    const { summary } = await upload(bytes)
    expect(summary.host).toBe('fw-edge-07')
    const [item] = (await listing('?host=FW-EDGE-07')).items
    expect(item).toMatchObject({ id: summary.id, host: 'fw-edge-07', role: null, time: summary.receivedAt })
  })

  it('refuses altered cursors and cursors made for other filters with 400 cursor_invalid', async () => {
    const first = await listing('?limit=1')
    expect(first.next).toBeTruthy()
    const [body, sig] = first.next!.split('.')
    const claims = JSON.parse(Buffer.from(body!, 'base64url').toString())
    const moved = Buffer.from(JSON.stringify({ ...claims, a: '0000000000000.x' })).toString('base64url')
    for (const cursor of [`${moved}.${sig}`, `${body}.${sig!.slice(1)}`, 'garbage', `${body}.${sig}.x`]) {
      const res = await get(`/v1/bundles?limit=1&cursor=${encodeURIComponent(cursor)}`)
      expect(res.status).toBe(400)
      expect(res.headers.get('content-type')).toContain('application/problem+json')
      expect((await res.json()).code).toBe('cursor_invalid')
    }
    const otherFilter = await get(`/v1/bundles?limit=1&host=sta-1&cursor=${first.next}`)
    expect((await otherFilter.json()).code).toBe('cursor_invalid')
    const badQuery = await get('/v1/bundles?limit=0&since=yesterday')
    expect(badQuery.status).toBe(400)
  })

  it('deletes a bundle: nothing of it left in storage, in listings or the host index; its diagnosis says so', async () => {
    const bytes = secretBundle('del-1', day(7), 'to delete')
    const { summary } = await upload(bytes)
    const made = await fetch(`${server.url}/v1/diagnoses`, {
      method: 'POST',
      headers: { ...as(ACME), 'content-type': 'application/json' },
      body: JSON.stringify({ suspect: summary.id }),
    })
    const diagnosis = Diagnosis.parse(await made.json())
    const parsed = (await storage.getJson(`v1/tenants/acme/bundles/${summary.id}/parsed.json`)) as { upload: string }
    expect((await tenantKeys('acme')).filter((k) => k.includes(summary.id) || k.includes(parsed.upload)).length).toBeGreaterThanOrEqual(5)

    // Another tenant can neither delete it nor see it.
    expect((await fetch(`${server.url}/v1/bundles/${summary.id}`, { method: 'DELETE', headers: as(GLOBEX) })).status).toBe(404)
    expect((await get(`/v1/bundles/${summary.id}`)).status).toBe(200)

    const deleted = await fetch(`${server.url}/v1/bundles/${summary.id}`, { method: 'DELETE', headers: as(ACME) })
    expect(deleted.status).toBe(204)
    expect((await fetch(`${server.url}/v1/bundles/${summary.id}`, { method: 'DELETE', headers: as(ACME) })).status).toBe(404)
    expect((await get(`/v1/bundles/${summary.id}`)).status).toBe(404)
    expect((await get(`/v1/bundles/${summary.id}/raw`)).status).toBe(404)

    expect((await tenantKeys('acme')).filter((k) => k.includes(summary.id) || k.includes(parsed.upload))).toEqual([])
    expect((await listing()).items.map((i) => i.id)).not.toContain(summary.id)
    expect((await listing('?host=del-1')).items).toEqual([])

    const after = await get(`/v1/diagnoses/${diagnosis.id}`)
    expect(after.status).toBe(200)
    const marked = Diagnosis.parse(await after.json())
    expect(marked.suspect).toMatchObject({ bundleId: summary.id, deleted: true })
    expect(marked.warnings.map((w) => w.code)).toContain('bundle_deleted')
    const md = await (await get(`/v1/diagnoses/${diagnosis.id}?format=md`)).text()
    expect(md).toContain(`suspect bundle ${summary.id} was deleted`)
    // Diagnosing it again is a plain 404.
    const again = await fetch(`${server.url}/v1/diagnoses`, {
      method: 'POST',
      headers: { ...as(ACME), 'content-type': 'application/json' },
      body: JSON.stringify({ suspect: summary.id }),
    })
    expect(again.status).toBe(404)
  })

  it('deletes a diagnosis: its record, deliveries, index entries and report links', async () => {
    const { summary } = await upload(secretBundle('diag-1', day(8), 'diagnosis to delete'))
    const made = await fetch(`${server.url}/v1/diagnoses`, {
      method: 'POST',
      headers: { ...as(ACME), 'content-type': 'application/json' },
      body: JSON.stringify({ suspect: summary.id }),
    })
    const d = Diagnosis.parse(await made.json())
    const md = await (await get(`/v1/diagnoses/${d.id}?format=md`)).text()
    const link = /(http:\/\/\S+\/r\/[\w.-]+)/.exec(md)![1]!
    expect((await fetch(link)).status).toBe(200)

    const byBundle = DiagnosisList.parse(await (await get(`/v1/diagnoses?bundle=${summary.id}`)).json())
    expect(byBundle.items).toEqual([expect.objectContaining({ id: d.id, suspectHost: 'diag-1', baselineHost: null })])
    expect(DiagnosisList.parse(await (await get('/v1/diagnoses?host=DIAG-1')).json()).items.map((i) => i.id)).toEqual([d.id])
    expect(DiagnosisList.parse(await (await get('/v1/diagnoses?host=diag-1', GLOBEX)).json()).items).toEqual([])
    expect((await fetch(`${server.url}/v1/diagnoses/${d.id}`, { method: 'DELETE', headers: as(GLOBEX) })).status).toBe(404)

    expect((await fetch(`${server.url}/v1/diagnoses/${d.id}`, { method: 'DELETE', headers: as(ACME) })).status).toBe(204)
    expect((await fetch(`${server.url}/v1/diagnoses/${d.id}`, { method: 'DELETE', headers: as(ACME) })).status).toBe(404)
    expect((await get(`/v1/diagnoses/${d.id}`)).status).toBe(404)
    expect((await get(`/v1/diagnoses/${d.id}/deliveries`)).status).toBe(404)
    const report = await fetch(link)
    expect(report.status).toBe(404)
    expect(await report.text()).not.toContain('diag-1')
    expect((await tenantKeys('acme')).filter((k) => k.includes(d.id))).toEqual([])
    expect(DiagnosisList.parse(await (await get('/v1/diagnoses')).json()).items.map((i) => i.id)).not.toContain(d.id)
  })

  it('keeps listings exact under concurrent uploads and deletes', async () => {
    const old = await Promise.all([1, 2, 3, 4, 5, 6].map((n) => upload(secretBundle(`conc-${n}`, day(10), `old ${n}`))))
    const fresh = [1, 2, 3, 4, 5, 6].map((n) => secretBundle(`conc-${n}`, day(11), `new ${n}`))
    const results = await Promise.all([
      ...fresh.map((bytes) => upload(bytes)),
      ...old.map(({ summary }) =>
        fetch(`${server.url}/v1/bundles/${summary.id}`, { method: 'DELETE', headers: as(ACME) }).then((r) => r.status),
      ),
    ])
    expect(results.slice(6)).toEqual([204, 204, 204, 204, 204, 204])
    const listed = (await listing('?since=2026-11-10&until=2026-11-12&limit=100')).items.map((i) => i.id)
    expect(listed.sort()).toEqual(fresh.map((b) => sha256(b)).sort())
    for (let n = 1; n <= 6; n++) expect((await listing(`?host=conc-${n}`)).items.map((i) => i.id)).toEqual([sha256(fresh[n - 1]!)])
    const keys = await tenantKeys('acme')
    for (const { summary } of old) expect(keys.filter((k) => k.includes(summary.id))).toEqual([])
    for (const id of listed) expect((await get(`/v1/bundles/${id}`)).status).toBe(200)
  })

  it('leaves a bundle whole or gone when the same bytes are uploaded while it is deleted', async () => {
    const bundles = [1, 2, 3, 4, 5, 6].map((n) => secretBundle(`race-${n}`, day(12), `race ${n}`))
    for (const bytes of bundles) await upload(bytes)
    await Promise.all(
      bundles.flatMap((bytes) => [
        fetch(`${server.url}/v1/bundles/${sha256(bytes)}`, { method: 'DELETE', headers: as(ACME) }).then((r) =>
          expect([204, 404]).toContain(r.status),
        ),
        upload(bytes),
      ]),
    )
    const keys = await tenantKeys('acme')
    for (const [n, bytes] of bundles.entries()) {
      const id = sha256(bytes)
      const listed = (await listing(`?host=race-${n + 1}`)).items.map((i) => i.id)
      if ((await get(`/v1/bundles/${id}`)).status === 200) {
        // Whole: listed once, its bytes where its parse says, one retention entry.
        expect(listed).toEqual([id])
        expect(sha256(new Uint8Array(await (await get(`/v1/bundles/${id}/raw`)).arrayBuffer()))).toBe(id)
        expect(keys.filter((k) => k.includes('/index/received/') && k.endsWith(id))).toHaveLength(1)
      } else {
        expect(listed).toEqual([])
        expect(keys.filter((k) => k.includes(id))).toEqual([])
      }
    }
    // No bytes that no parse names.
    const named = await Promise.all(
      keys.filter((k) => k.endsWith('/parsed.json')).map(async (k) => ((await storage.getJson(k)) as { upload: string }).upload),
    )
    expect(
      keys
        .filter((k) => k.includes('/raw/'))
        .map((k) => k.split('/').pop())
        .sort(),
    ).toEqual(named.sort())
  })

  it('merges new metadata into the same bytes sent again, newer wins per field; the host index follows', async () => {
    const bytes = secretBundle('merge-0', day(20), 'merge')
    const first = await upload(bytes, ACME, { host: 'merge-a', notes: 'first' })
    expect(first.status).toBe(201)
    expect(first.summary.host).toBe('merge-a')
    const second = await upload(bytes, ACME, { host: 'merge-b', role: 'baseline', collectedAt: '2026-11-21T00:00:00Z' })
    expect(second.status).toBe(200)
    expect(second.summary).toMatchObject({ id: first.summary.id, host: 'merge-b', role: 'baseline' })
    const stored = (await storage.getJson(`v1/tenants/acme/bundles/${first.summary.id}/parsed.json`)) as { metadata: object }
    expect(stored.metadata).toEqual({ host: 'merge-b', role: 'baseline', notes: 'first', collectedAt: '2026-11-21T00:00:00Z' })
    expect((await listing('?host=merge-a')).items).toEqual([])
    expect((await listing('?host=merge-b')).items).toEqual([
      { id: first.summary.id, host: 'merge-b', role: 'baseline', time: '2026-11-21T00:00:00.000Z' },
    ])
    expect((await listing()).items.filter((i) => i.id === first.summary.id)).toHaveLength(1)
    // The same bytes with no metadata change nothing.
    expect((await upload(bytes)).summary).toMatchObject({ host: 'merge-b', role: 'baseline' })
  })
})

function formOf(bytes: Uint8Array<ArrayBuffer>, metadata: object): FormData {
  const body = new FormData()
  body.append('bundle', new Blob([bytes]), 'bundle.tar.gz')
  body.append('metadata', JSON.stringify(metadata))
  return body
}
