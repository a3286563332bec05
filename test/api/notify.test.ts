import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DeliveryRecord } from '../../schemas/notify.ts'
import type { RunningServer } from '../../src/server.ts'
import { fixture, sha256 } from '../helpers/fixtures.ts'
import { type Endpoint, type Receiver, startReceiver } from '../helpers/receiver.ts'
import { testBucket, testServer } from '../helpers/storage.ts'

// POST /v1/diagnoses with `notify`: every chat target gets its own message, retried through
// failures, and the outcome is stored with the diagnosis. The receiver plays the vendors on 127.0.0.1.

const KEY = 'ops-key-0123456789abcdef'
const auth = { authorization: `Bearer ${KEY}` }

describe('chat callbacks end to end', () => {
  let server: RunningServer
  let receiver: Receiver
  const seed = { baseline: fixture('seed/sta-49.tar.gz'), suspect: fixture('seed/sta-18.tar.gz') }

  beforeAll(async () => {
    receiver = await startReceiver()
    const { bucket } = await testBucket('notify')
    server = await testServer(bucket, {
      MEMGAP_API_KEYS: `ops:${KEY}`,
      MEMGAP_ALLOW_PRIVATE_CALLBACKS: 'true',
      REPORT_LINK_SECRET: 'test-link-secret-0123456789',
    })
    for (const bytes of Object.values(seed)) {
      const res = await fetch(`${server.url}/v1/bundles`, {
        method: 'POST',
        body: bytes,
        headers: { ...auth, 'content-type': 'application/gzip' },
      })
      expect([200, 201]).toContain(res.status)
    }
  })
  afterAll(async () => {
    await server?.close()
    await receiver?.close()
  })

  async function deliveriesOf(id: string): Promise<DeliveryRecord> {
    for (let i = 0; i < 200; i++) {
      const res = await fetch(`${server.url}/v1/diagnoses/${id}/deliveries`, { headers: auth })
      // s3rver writes an object in place: a read that meets the write midway is a 503 to retry,
      // as a client polling would (S3 and R2 replace objects whole).
      if (res.status !== 503) {
        const record = DeliveryRecord.parse(await res.json())
        if (!record.pending && record.deliveries.length) return record
      }
      await new Promise((r) => setTimeout(r, 100))
    }
    throw new Error('deliveries did not end in 20 s')
  }

  it('delivers to all six targets, signed, retrying the ones that fail first', async () => {
    const secret = 'shared-secret-for-signing'
    const eps: Record<string, Endpoint> = {}
    for (const type of ['slack', 'teams', 'feishu', 'dingtalk', 'wecom', 'webhook']) {
      eps[type] = receiver.endpoint(type, type === 'slack' || type === 'teams' || type === 'wecom' ? {} : { secret })
    }
    receiver.failFirst(eps.feishu!, 2, { status: 500 })
    receiver.failFirst(eps.slack!, 1, { status: 429, retryAfter: '1' })
    const notify = Object.entries(eps).map(([type, ep]) => ({ type, url: ep.url, ...(ep.secret ? { secret } : {}) }))

    const started = Date.now()
    const res = await fetch(`${server.url}/v1/diagnoses`, {
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/json' },
      body: JSON.stringify({ baseline: sha256(seed.baseline), suspect: sha256(seed.suspect), notify }),
    })
    expect(res.status).toBe(201)
    expect(Date.now() - started).toBeLessThan(1000) // the retries do not hold the answer back
    const { id } = await res.json()

    const record = await deliveriesOf(id)
    const byType = Object.fromEntries(record.deliveries.map((d) => [d.type, d]))
    for (const type of Object.keys(eps)) {
      expect(byType[type], type).toMatchObject({ status: 'delivered' })
      expect(Math.floor(byType[type]!.httpStatus! / 100), type).toBe(2) // Teams Workflows answers 202
    }
    expect(byType.feishu!.attempts).toBe(3)
    expect(byType.slack!.attempts).toBe(2)
    expect(byType.webhook!.attempts).toBe(1)
    expect(JSON.stringify(record)).not.toContain(secret) // never stored

    for (const [type, ep] of Object.entries(eps)) {
      const last = receiver.requests(ep).at(-1)!
      expect(last.problems, type).toEqual([])
      if (ep.secret) expect(last.verified, type).toBe(true)
    }
    // The message names the top finding and links to the report, which opens without the API key.
    const slack = receiver.requests(eps.slack!).at(-1)!.body
    expect(slack).toContain('fwlog')
    const link = /(http:\/\/127\.0\.0\.1:\d+\/r\/[A-Za-z0-9_.-]+)/.exec(slack)![1]!
    const page = await fetch(link)
    expect(page.status).toBe(200)
    expect(page.headers.get('content-type')).toMatch(/^text\/html/)
    expect(await page.text()).toContain('fwlog')
    // Change a character of the signature's middle (the last one may only carry padding bits).
    const at = link.length - 10
    const forged = await fetch(link.slice(0, at) + (link[at] === 'A' ? 'B' : 'A') + link.slice(at + 1))
    expect(forged.status).toBe(404)
  })

  it('records a target that keeps failing as failed, without failing the diagnosis', async () => {
    const ep = receiver.endpoint('webhook')
    receiver.failFirst(ep, 10, { status: 503 })
    const res = await fetch(`${server.url}/v1/diagnoses`, {
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/json' },
      body: JSON.stringify({ suspect: sha256(seed.suspect), notify: [{ type: 'webhook', url: ep.url }] }),
    })
    expect(res.status).toBe(201)
    const record = await deliveriesOf((await res.json()).id)
    expect(record.deliveries[0]).toMatchObject({ status: 'failed', attempts: 3, httpStatus: 503 })
  })

  it('serves the report as JSON, HTML, Markdown and text', async () => {
    const res = await fetch(`${server.url}/v1/diagnoses`, {
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/json' },
      body: JSON.stringify({ baseline: sha256(seed.baseline), suspect: sha256(seed.suspect) }),
    })
    const { id } = await res.json()
    const get = (query: string, accept?: string) =>
      fetch(`${server.url}/v1/diagnoses/${id}${query}`, { headers: { ...auth, ...(accept ? { accept } : {}) } })
    expect((await get('')).headers.get('content-type')).toMatch(/^application\/json/)
    const browser = await get('', 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8')
    expect(browser.headers.get('content-type')).toMatch(/^text\/html/)
    expect(browser.headers.get('content-security-policy')).toBeTruthy()
    expect(await browser.text()).toMatch(/<svg/)
    const md = await (await get('?format=md')).text()
    expect(md).toMatch(/queue\.buffering\.max\.kbytes=/)
    expect((await get('?format=text')).headers.get('content-type')).toMatch(/^text\/plain/)
    expect((await get('?format=pdf')).status).toBe(400)
  })
})

describe('callback URLs are refused unless private callbacks are allowed', () => {
  let server: RunningServer
  beforeAll(async () => {
    server = await testServer((await testBucket('refuse')).bucket)
  })
  afterAll(() => server?.close())

  it.each(['http://169.254.169.254/latest/meta-data/', 'http://10.0.0.1/hook', 'http://localhost/hook', 'https://127.0.0.1/hook'])(
    '%s',
    async (url) => {
      const res = await fetch(`${server.url}/v1/diagnoses`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ suspect: 'a'.repeat(64), notify: [{ type: 'webhook', url }] }),
      })
      expect(res.status).toBe(400)
      const problem = await res.json()
      expect(problem.code).toBe('callback_refused')
      expect(problem.detail).toMatch(/notify\[0\]/)
    },
  )
})
