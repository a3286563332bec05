import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { BundleSummary } from '../../schemas/bundle.ts'
import { DeliveryRecord } from '../../schemas/notify.ts'
import type { RunningServer } from '../../src/server.ts'
import type { Storage } from '../../src/storage/s3.ts'
import { sha256 } from '../helpers/fixtures.ts'
import { type Receiver, startReceiver } from '../helpers/receiver.ts'
import { SECRETS, secretBundle } from '../helpers/secret-bundle.ts'
import { testBucket, testServer } from '../helpers/storage.ts'

// Secrets in a bundle (a password on a command line, a token, URL credentials, an Authorization
// header, a SASL password) come back in no answer, report or chat message; the raw bytes stay as
// uploaded. With REDACT=off the same parse keeps them: the masking is what keeps them out.

const KEY = 'redact-key-0123456789abcdef'
const auth = { authorization: `Bearer ${KEY}` }

function expectNoSecret(text: string, where: string): void {
  for (const secret of SECRETS) expect(text.includes(secret), `${secret} in ${where}`).toBe(false)
}

describe('redaction at ingest', () => {
  let server: RunningServer
  let open: RunningServer
  let receiver: Receiver
  let storage: Storage
  const bytes = secretBundle('sec-1', '2026-11-30T08:00:00Z')
  const id = sha256(bytes)

  beforeAll(async () => {
    receiver = await startReceiver()
    const made = await testBucket('redact')
    storage = made.storage
    const env = { MEMGAP_ALLOW_PRIVATE_CALLBACKS: 'true', REPORT_LINK_SECRET: 'redact-link-secret-0123456' }
    server = await testServer(made.bucket, { ...env, MEMGAP_API_KEYS: `acme:${KEY}` })
    open = await testServer(made.bucket, { ...env, MEMGAP_API_KEYS: `plain:${KEY}x`, REDACT: 'off' })
  })
  afterAll(async () => {
    await server?.close()
    await open?.close()
    await receiver?.close()
  })

  it('masks them in the parse, every answer, every report format and every chat message', async () => {
    const up = await fetch(`${server.url}/v1/bundles`, {
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/gzip' },
      body: bytes,
    })
    expect(up.status).toBe(201)
    expectNoSecret(await up.text(), 'the upload answer')
    expectNoSecret(JSON.stringify(await storage.getJson(`v1/tenants/acme/bundles/${id}/parsed.json`)), 'parsed.json')

    const targets = ['slack', 'webhook', 'dingtalk'].map((type) =>
      receiver.endpoint(type, type === 'slack' ? {} : { secret: 'sign-secret' }),
    )
    const made = await fetch(`${server.url}/v1/diagnoses`, {
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/json' },
      body: JSON.stringify({ suspect: id, notify: targets.map((t) => ({ type: t.route, url: t.url, secret: t.secret })) }),
    })
    expect(made.status).toBe(201)
    const diagnosis = await made.text()
    expectNoSecret(diagnosis, 'the diagnosis')
    const diagnosisId = JSON.parse(diagnosis).id as string

    const get = (path: string) => fetch(`${server.url}${path}`, { headers: auth }).then((r) => r.text())
    expectNoSecret(await get(`/v1/bundles/${id}`), 'the bundle summary')
    expectNoSecret(await get('/v1/bundles'), 'the listing')
    for (const format of ['json', 'html', 'md', 'text']) expectNoSecret(await get(`/v1/diagnoses/${diagnosisId}?format=${format}`), format)

    let record: DeliveryRecord | null = null
    for (let i = 0; i < 100 && !(record && !record.pending); i++) {
      await new Promise((r) => setTimeout(r, 100))
      const res = await fetch(`${server.url}/v1/diagnoses/${diagnosisId}/deliveries`, { headers: auth })
      if (res.status === 200) record = DeliveryRecord.parse(await res.json())
    }
    expect(record?.deliveries.map((d) => d.status)).toEqual(['delivered', 'delivered', 'delivered'])
    for (const t of targets) {
      const body = receiver.requests(t).at(-1)!.body
      expectNoSecret(body, `the ${t.route} message`)
      const link = /(http:\/\/127\.0\.0\.1:\d+\/r\/[A-Za-z0-9_.-]+)/.exec(body)?.[1]
      if (link) expectNoSecret(await (await fetch(link)).text(), 'the linked report')
    }
    // Item 8: the chat URLs are the secrets of chat: deliveries show them redacted.
    const shown = JSON.stringify(record)
    for (const t of targets) expect(shown).not.toContain(t.token)

    // The raw archive is the evidence, kept byte for byte for its tenant.
    const raw = new Uint8Array(await (await fetch(`${server.url}/v1/bundles/${id}/raw`, { headers: auth })).arrayBuffer())
    expect(sha256(raw)).toBe(id)
  })

  it('masks metadata sent with the bytes too', async () => {
    const form = new FormData()
    form.append('bundle', new Blob([secretBundle('sec-2', '2026-11-30T09:00:00Z')]), 'b.tar.gz')
    form.append('metadata', JSON.stringify({ notes: 'ran with --db-password=hunter2', host: 'sec-2' }))
    const res = await fetch(`${server.url}/v1/bundles`, { method: 'POST', headers: auth, body: form })
    const summary = BundleSummary.parse(await res.json())
    expectNoSecret(JSON.stringify(await storage.getJson(`v1/tenants/acme/bundles/${summary.id}/parsed.json`)), 'parsed.json')
  })

  it('keeps them with REDACT=off (the parse holds them: the masking is what takes them out)', async () => {
    const res = await fetch(`${open.url}/v1/bundles`, {
      method: 'POST',
      headers: { authorization: `Bearer ${KEY}x`, 'content-type': 'application/gzip' },
      body: bytes,
    })
    expect(res.status).toBe(201)
    const parsed = JSON.stringify(await storage.getJson(`v1/tenants/plain/bundles/${id}/parsed.json`))
    expect(parsed).toContain('hunter2')
    expect(parsed).toContain('pa55word')
  })
})
