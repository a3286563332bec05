import { request } from 'node:http'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import worker from '../../src/entry/worker.ts'
import type { RunningServer } from '../../src/server.ts'
import { fixture, sha256 } from '../helpers/fixtures.ts'
import { type Receiver, startReceiver } from '../helpers/receiver.ts'
import { testBucket, testServer } from '../helpers/storage.ts'
import { signZendesk, startTicketSystems, type TicketSystems } from '../helpers/tickets.ts'

// Issue 12, item 9: links are built from PUBLIC_BASE_URL (or a loopback server's own address),
// never from the Host header, which whoever sends the request writes.

const EVIL = 'evil.example'

/** A request whose Host header says evil.example (fetch will not let a caller set Host). */
function asEvil(
  url: string,
  init: { method?: string; body?: string; headers?: Record<string, string> } = {},
): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const headers = { ...init.headers, host: EVIL, ...(init.body ? { 'content-length': String(Buffer.byteLength(init.body)) } : {}) }
    const req = request(url, { method: init.method ?? 'GET', headers }, (res) => {
      let text = ''
      res.setEncoding('utf8')
      res.on('data', (d) => (text += d))
      res.on('end', () => resolve({ status: res.statusCode!, text }))
    })
    req.on('error', reject)
    req.end(init.body)
  })
}

async function until<T>(what: string, get: () => T | undefined | Promise<T | undefined>): Promise<T> {
  for (let i = 0; i < 300; i++) {
    const value = await get()
    if (value !== undefined) return value
    await new Promise((r) => setTimeout(r, 100))
  }
  throw new Error(`${what} did not come in 30 s`)
}

describe('report links never come from the Host header', () => {
  let server: RunningServer
  let receiver: Receiver
  let systems: TicketSystems
  const seed = { baseline: fixture('seed/sta-49.tar.gz'), suspect: fixture('seed/sta-18.tar.gz') }

  beforeAll(async () => {
    receiver = await startReceiver()
    systems = await startTicketSystems()
    systems.addFile('sta-49.tar.gz', seed.baseline)
    systems.addFile('sta-18.tar.gz', seed.suspect)
    systems.addZendeskTicket('501', [{ at: '2026-11-27T08:00:00Z', files: ['sta-49.tar.gz', 'sta-18.tar.gz'] }])
    const { bucket } = await testBucket('baseurl')
    server = await testServer(bucket, {
      ...systems.env,
      MEMGAP_ANONYMOUS: 'true',
      MEMGAP_ALLOW_PRIVATE_CALLBACKS: 'true',
      REPORT_LINK_SECRET: 'test-link-secret-0123456789',
    })
  })
  afterAll(async () => {
    await server?.close()
    await receiver?.close()
    await systems?.close()
  })

  it('a loopback server without PUBLIC_BASE_URL links to its own address in JSON, md, text, html, chat and tickets', async () => {
    const ours = `${server.url}/r/`
    for (const name of ['baseline', 'suspect'] as const) {
      const res = await fetch(`${server.url}/v1/bundles`, {
        method: 'POST',
        headers: { 'content-type': 'application/gzip' },
        body: seed[name],
      })
      expect(res.status).toBeLessThan(300)
    }
    const slack = receiver.endpoint('slack')
    const created = await asEvil(`${server.url}/v1/diagnoses`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ baseline: sha256(seed.baseline), suspect: sha256(seed.suspect), notify: [{ type: 'slack', url: slack.url }] }),
    })
    expect(created.status).toBe(201)
    expect(created.text).not.toContain(EVIL)
    const { id } = JSON.parse(created.text) as { id: string }
    for (const format of ['md', 'text', 'html']) {
      const report = await asEvil(`${server.url}/v1/diagnoses/${id}?format=${format}`)
      expect(report.status, format).toBe(200)
      expect(report.text, format).toContain(ours)
      expect(report.text, format).not.toContain(EVIL)
    }
    const chat = await until('the Slack message', () => receiver.requests(slack)[0])
    expect(chat.body).toContain(ours)
    expect(chat.body).not.toContain(EVIL)
    const link = new RegExp(`${ours.replace(/[.:/]/g, '\\$&')}[A-Za-z0-9_.-]+`).exec(chat.body)![0]
    const opened = await asEvil(link)
    expect(opened.status).toBe(200)
    expect(opened.text).not.toContain(EVIL)
    expect((await asEvil(`${server.url}/openapi.json`)).text).not.toContain(EVIL)

    const body = JSON.stringify({ ticket_id: 501 })
    expect((await asEvil(`${server.url}/v1/integrations/zendesk`, { method: 'POST', body, headers: signZendesk(body) })).status).toBe(202)
    const comment = await until('the Zendesk comment', () => systems.zendeskComments('501')[0])
    expect(comment.body).toContain(ours)
    expect(comment.body).not.toContain(EVIL)
  })

  it('a server on all interfaces refuses to start without PUBLIC_BASE_URL, and links there with it', async () => {
    const { bucket } = await testBucket('baseurl-any')
    await expect(testServer(bucket, { HOST: '0.0.0.0', MEMGAP_ANONYMOUS: 'true' })).rejects.toMatchObject({
      code: 'not_configured',
      detail: expect.stringMatching(/PUBLIC_BASE_URL/),
    })
    const open = await testServer(bucket, { HOST: '0.0.0.0', MEMGAP_ANONYMOUS: 'true', PUBLIC_BASE_URL: 'https://memgap.example.com/' })
    try {
      const port = new URL(open.url).port
      const res = await fetch(`http://127.0.0.1:${port}/v1/bundles`, {
        method: 'POST',
        headers: { 'content-type': 'application/gzip' },
        body: seed.suspect,
      })
      expect(res.status).toBe(201)
      const created = await fetch(`http://127.0.0.1:${port}/v1/diagnoses`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ suspect: sha256(seed.suspect) }),
      })
      const md = await asEvil(`http://127.0.0.1:${port}/v1/diagnoses/${((await created.json()) as { id: string }).id}?format=md`)
      expect(md.text).toContain('https://memgap.example.com/r/')
      expect(md.text).not.toContain(EVIL)
    } finally {
      await open.close()
    }
  })

  it('a Worker that signs links refuses to serve without PUBLIC_BASE_URL', async () => {
    const res = await worker.fetch(new Request('http://evil.example/healthz'), {
      MEMGAP_ANONYMOUS: 'true',
      REPORT_LINK_SECRET: 'x'.repeat(32),
    })
    expect(res.status).toBe(500)
    expect(await res.json()).toMatchObject({ code: 'not_configured', detail: expect.stringMatching(/PUBLIC_BASE_URL/) })
  })
})
