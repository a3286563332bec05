import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { RunningServer } from '../../src/server.ts'
import { getTicketRecord, type TicketRecord } from '../../src/services/tickets.ts'
import type { Storage } from '../../src/storage/s3.ts'
import { fixture, sha256 } from '../helpers/fixtures.ts'
import { type Receiver, startReceiver } from '../helpers/receiver.ts'
import { testBucket, testServer } from '../helpers/storage.ts'
import { addTicketReplyRoute, signJira, signZendesk, startTicketSystems, TicketReply, type TicketSystems } from '../helpers/tickets.ts'

// Ticket integrations end to end: a signed webhook is answered 202 at once; memgap then reads the
// ticket from the local Zendesk/Jira, fetches the bundles from their host, diagnoses, and posts a
// private comment, retried through failures. The generic webhook's reply is checked by the receiver.

const seed = { baseline: fixture('seed/sta-49.tar.gz'), suspect: fixture('seed/sta-18.tar.gz') }
const TENANT = 'tickets'

describe('ticket integrations end to end', () => {
  let server: RunningServer
  let systems: TicketSystems
  let receiver: Receiver
  let storage: Storage

  beforeAll(async () => {
    systems = await startTicketSystems()
    receiver = await startReceiver()
    addTicketReplyRoute(receiver)
    systems.addFile('sta-49.tar.gz', seed.baseline)
    systems.addFile('sta-18.tar.gz', seed.suspect)
    systems.addFile('screenshot.png', new Uint8Array([0x89, 0x50, 0x4e, 0x47]))
    const bucket = await testBucket('tickets')
    storage = bucket.storage
    server = await testServer(bucket.bucket, {
      ...systems.env,
      MEMGAP_API_KEYS: 'ops:ops-key-0123456789abcdef', // Zendesk and Jira need none: their signatures stand in
      MEMGAP_ALLOW_PRIVATE_CALLBACKS: 'true',
      REPORT_LINK_SECRET: 'test-link-secret-0123456789',
    })
  })
  afterAll(async () => {
    await server?.close()
    await systems?.close()
    await receiver?.close()
  })

  // The generic webhook takes an API key like any route; Zendesk and Jira sign instead.
  const post = (path: string, body: string, headers: Record<string, string>) =>
    fetch(`${server.url}/v1/integrations/${path}`, {
      method: 'POST',
      body,
      headers: path === 'webhook' ? { ...headers, authorization: 'Bearer ops-key-0123456789abcdef' } : headers,
    })

  async function settled(system: 'zendesk' | 'jira' | 'webhook', id: string): Promise<TicketRecord> {
    for (let i = 0; i < 300; i++) {
      // s3rver can serve an object while it is being rewritten: a failed read is just retried.
      const tenant = system === 'webhook' ? 'ops' : TENANT // the generic webhook's key decides its tenant
      const record = await getTicketRecord({ storage, tenant }, system, id).catch(() => null)
      if (record && record.status !== 'pending') return record
      await new Promise((r) => setTimeout(r, 100))
    }
    throw new Error(`${system} ticket ${id} did not settle in 30 s`)
  }

  const requestsTo = (fragment: string) => systems.requests().filter((r) => r.path.includes(fragment))

  it('Zendesk: diagnoses the two newest bundles (roles from their manifests) into a private comment, retrying', async () => {
    // The suspect is attached first: its manifest, not its age, makes it the suspect.
    systems.addZendeskTicket('101', [
      { at: '2026-11-27T08:00:00Z', files: ['sta-18.tar.gz'] },
      { at: '2026-11-27T09:00:00Z', files: [] },
      { at: '2026-11-27T10:00:00Z', files: ['sta-49.tar.gz', 'screenshot.png'] },
    ])
    systems.failFirst('zendesk-comment', 2, 500)
    const body = JSON.stringify({ ticket_id: '101' })
    const started = Date.now()
    const res = await post('zendesk', body, signZendesk(body))
    expect(res.status).toBe(202)
    expect(await res.json()).toEqual({ accepted: true, ticketId: '101' })
    expect(Date.now() - started).toBeLessThan(1000)

    const record = await settled('zendesk', '101')
    expect(record).toMatchObject({ status: 'diagnosed', error: null, reply: { status: 'delivered', attempts: 3, httpStatus: 200 } })
    expect(record.bundles).toEqual([
      { name: 'sta-49.tar.gz', role: 'baseline', bundleId: sha256(seed.baseline) },
      { name: 'sta-18.tar.gz', role: 'suspect', bundleId: sha256(seed.suspect) },
    ])
    const comments = systems.zendeskComments('101')
    expect(comments).toHaveLength(1)
    expect(comments[0]!.public).toBe(false)
    expect(comments[0]!.body).toContain('sta-49.tar.gz (baseline) and sta-18.tar.gz (suspect)')
    expect(comments[0]!.body).toContain('fwlog')
    expect(comments[0]!.body).toMatch(/queue\.buffering\.max\.kbytes=/)
    expect(requestsTo('/zendesk/api/v2/tickets/101/comments.json').length).toBeGreaterThanOrEqual(2) // next_page followed
    expect(systems.requests().flatMap((r) => r.problems)).toEqual([])

    // The diagnosis is stored in the integrations tenant; the comment's link opens without a key.
    const link = /\((http:\/\/127\.0\.0\.1:\d+\/r\/[A-Za-z0-9_.-]+)\)/.exec(comments[0]!.body)![1]!
    expect(await (await fetch(link)).text()).toContain('fwlog')

    // Our own comment may re-fire the trigger: the same bundles are not answered twice.
    const listings = requestsTo('/tickets/101/comments.json').length
    expect((await post('zendesk', body, signZendesk(body))).status).toBe(202)
    for (let i = 0; i < 100 && requestsTo('/tickets/101/comments.json').length === listings; i++)
      await new Promise((r) => setTimeout(r, 50))
    await new Promise((r) => setTimeout(r, 500))
    expect(systems.zendeskComments('101')).toHaveLength(1)
  })

  it('Zendesk: refuses bad and stale signatures', async () => {
    systems.addZendeskTicket('102', [{ at: '2026-11-27T08:00:00Z', files: ['sta-18.tar.gz'] }])
    const body = JSON.stringify({ ticket_id: 102 })
    const bad = await post('zendesk', body, signZendesk(body, { secret: 'not-the-secret' }))
    expect(bad.status).toBe(401)
    expect((await bad.json()).code).toBe('signature_invalid')
    const stale = await post('zendesk', body, signZendesk(body, { at: new Date(Date.now() - 6 * 60_000) }))
    expect(stale.status).toBe(401)
    expect((await stale.json()).detail).toMatch(/5 minutes/)
    const tampered = await post('zendesk', JSON.stringify({ ticket_id: 103 }), signZendesk(body))
    expect(tampered.status).toBe(401)
    expect((await post('zendesk', body, { 'content-type': 'application/json' })).status).toBe(401)
    const invalid = JSON.stringify({ ticket_id: 'abc' })
    expect((await post('zendesk', invalid, signZendesk(invalid))).status).toBe(400)
    expect(requestsTo('/tickets/102/')).toEqual([])
  })

  it('Zendesk: says so in a private comment when no bundle is attached', async () => {
    systems.addZendeskTicket('104', [{ at: '2026-11-27T08:00:00Z', files: ['screenshot.png'] }])
    const body = JSON.stringify({ ticket: { id: 104 } })
    expect((await post('zendesk', body, signZendesk(body))).status).toBe(202)
    expect(await settled('zendesk', '104')).toMatchObject({ status: 'no_bundle', diagnosisId: null, reply: { status: 'delivered' } })
    const [comment] = systems.zendeskComments('104')
    expect(comment).toMatchObject({ public: false })
    expect(comment!.body).toMatch(/no diagnostic bundle/)
  })

  it('Zendesk: never fetches an attachment from outside ZENDESK_BASE_URL', async () => {
    systems.addZendeskTicket('105', [
      { at: '2026-11-27T08:00:00Z', files: ['sta-18.tar.gz'] },
      { at: '2026-11-27T09:00:00Z', files: [{ name: 'sta-49.tar.gz', url: systems.fileUrl('elsewhere', 'sta-49.tar.gz') }] },
    ])
    const body = JSON.stringify({ ticket_id: 105 })
    expect((await post('zendesk', body, signZendesk(body))).status).toBe(202)
    const record = await settled('zendesk', '105')
    expect(record.status).toBe('diagnosed')
    expect(record.bundles).toEqual([{ name: 'sta-18.tar.gz', role: 'suspect', bundleId: sha256(seed.suspect) }])
    expect(record.skipped).toEqual([{ name: 'sta-49.tar.gz', reason: expect.stringMatching(/not under ZENDESK_BASE_URL/) }])
    expect(requestsTo('/elsewhere/')).toEqual([])
    expect(systems.zendeskComments('105')[0]!.body).toMatch(/Skipped sta-49\.tar\.gz: not under ZENDESK\\_BASE\\_URL/)
  })

  it('Jira: diagnoses the attachments of a new issue into an internal comment, retrying', async () => {
    const attachment = systems.jiraAttachments('SUP-7', [
      { name: 'sta-49.tar.gz', created: '2026-11-27T08:00:00.000+0000' },
      { name: 'sta-18.tar.gz', created: '2026-11-27T09:00:00.000+0000' },
    ])
    systems.failFirst('jira-comment', 1, 503)
    const body = JSON.stringify({
      timestamp: Date.now(),
      webhookEvent: 'jira:issue_created',
      issue: { id: '10001', key: 'SUP-7', fields: { summary: 'OOM', attachment } },
    })
    const res = await post('jira', body, signJira(body))
    expect(res.status).toBe(202)
    expect(await res.json()).toEqual({ accepted: true, ticketId: 'SUP-7' })
    expect(await settled('jira', 'SUP-7')).toMatchObject({
      status: 'diagnosed',
      reply: { status: 'delivered', attempts: 2, httpStatus: 201 },
    })
    const [comment] = systems.jiraComments('SUP-7')
    expect(comment!.public).toBe(false)
    expect(comment!.body).toContain('fwlog')
    expect(comment!.body).toMatch(/queue\.buffering\.max\.kbytes=/)
    expect(comment!.body).toMatch(/\{noformat\}[\s\S]+\{noformat\}$/)
    expect(requestsTo('/jira/secure/attachment/')).toHaveLength(2) // the content redirect was followed
    expect(systems.requests().flatMap((r) => r.problems)).toEqual([])
  })

  it('Jira: reads the attachments from the API when the event leaves them out; refuses bad signatures; ignores other events', async () => {
    systems.jiraAttachments('SUP-8', [{ name: 'sta-18.tar.gz', created: '2026-11-27T08:00:00.000+0000' }])
    const body = JSON.stringify({ webhookEvent: 'attachment_created', issue: { key: 'SUP-8' } })
    expect((await post('jira', body, signJira(body, 'wrong-secret'))).status).toBe(401)
    expect((await post('jira', body, { 'content-type': 'application/json', 'x-hub-signature': 'sha256=00' })).status).toBe(401)
    expect(requestsTo('SUP-8')).toEqual([])
    expect((await post('jira', body, signJira(body))).status).toBe(202)
    expect(await settled('jira', 'SUP-8')).toMatchObject({ status: 'diagnosed', bundles: [{ name: 'sta-18.tar.gz', role: 'suspect' }] })
    expect(requestsTo('/jira/rest/api/2/issue/SUP-8')).toHaveLength(1)
    const other = JSON.stringify({ webhookEvent: 'comment_created', issue: { key: 'SUP-8' } })
    const ignored = await post('jira', other, signJira(other))
    expect(ignored.status).toBe(200)
    expect(await ignored.json()).toEqual({ accepted: false, ignored: 'comment_created' })
  })

  it('generic webhook: answers with a signed reply', async () => {
    const ep = receiver.endpoint('ticket-reply', { secret: 'reply-secret' })
    receiver.failFirst(ep, 1, { status: 502 })
    const body = JSON.stringify({
      ticketId: 'T-9',
      attachments: [
        { url: systems.fileUrl('files', 'sta-49.tar.gz'), filename: 'sta-49.tar.gz' },
        { url: systems.fileUrl('files', 'sta-18.tar.gz'), filename: 'sta-18.tar.gz' },
      ],
      replyUrl: ep.url,
      secret: 'reply-secret',
    })
    const res = await post('webhook', body, { 'content-type': 'application/json' })
    expect(res.status).toBe(202)
    const record = await settled('webhook', 'T-9')
    expect(record).toMatchObject({ status: 'diagnosed', reply: { status: 'delivered', attempts: 2 } })
    const last = receiver.requests(ep).at(-1)!
    expect(last.problems).toEqual([])
    expect(last.verified).toBe(true)
    const reply = TicketReply.parse(last.json)
    expect(reply).toMatchObject({ ticketId: 'T-9', status: 'diagnosed', diagnosisId: record.diagnosisId })
    expect(reply.findings.map((f) => f.title).join('\n')).toContain('fwlog')
    expect(reply.markdown).toMatch(/queue\.buffering\.max\.kbytes=/)
    expect(JSON.stringify(record)).not.toContain('reply-secret')
  })

  it('generic webhook: refuses attachments outside WEBHOOK_ATTACHMENT_BASE_URL, unfetched, and bad reply URLs', async () => {
    const ep = receiver.endpoint('ticket-reply', { secret: 's' })
    const ticket = (url: string, replyUrl = ep.url) =>
      JSON.stringify({ ticketId: 'T-10', attachments: [{ url, filename: 'x.tar.gz' }], replyUrl, secret: 's' })
    for (const url of [
      systems.fileUrl('elsewhere', 'sta-18.tar.gz'),
      'http://169.254.169.254/latest/meta-data/x.tar.gz',
      `${systems.origin}/files/../elsewhere/sta-18.tar.gz`,
    ]) {
      const res = await post('webhook', ticket(url), { 'content-type': 'application/json' })
      expect(res.status, url).toBe(400)
      expect((await res.json()).code).toBe('attachment_refused')
    }
    const refused = await post('webhook', ticket(systems.fileUrl('files', 'sta-18.tar.gz'), 'http://169.254.169.254/hook'), {
      'content-type': 'application/json',
    })
    expect(refused.status).toBe(400)
    expect((await refused.json()).code).toBe('callback_refused')
    expect(requestsTo('/elsewhere/')).toEqual([])
    expect(receiver.requests(ep)).toEqual([])
  })
})

describe('ticket integrations under limits and without configuration', () => {
  let systems: TicketSystems
  let limited: RunningServer
  let bare: RunningServer
  let storage: Storage

  beforeAll(async () => {
    systems = await startTicketSystems()
    const bucket = await testBucket('tickets-limits')
    storage = bucket.storage
    limited = await testServer(bucket.bucket, { ...systems.env, MAX_UPLOAD_BYTES: '100000', MEMGAP_ALLOW_PRIVATE_CALLBACKS: 'true' })
    bare = await testServer((await testBucket('tickets-bare')).bucket)
  })
  afterAll(async () => {
    await limited?.close()
    await bare?.close()
    await systems?.close()
  })

  it('stops a download at MAX_UPLOAD_BYTES, counted on the stream, and says so in the ticket', async () => {
    const huge = new Uint8Array(4 * 1024 * 1024).map((_, i) => (i * 7919) & 0xff)
    systems.addFile('huge.tar.gz', huge, { chunked: true })
    systems.addZendeskTicket('201', [{ at: '2026-11-27T08:00:00Z', files: [{ name: 'huge.tar.gz', size: 10 }] }]) // the declared size lies
    const body = JSON.stringify({ ticket_id: 201 })
    const res = await fetch(`${limited.url}/v1/integrations/zendesk`, { method: 'POST', body, headers: signZendesk(body) })
    expect(res.status).toBe(202)
    let record: TicketRecord | null = null
    for (let i = 0; i < 300 && (!record || record.status === 'pending'); i++) {
      await new Promise((r) => setTimeout(r, 100))
      record = await getTicketRecord({ storage, tenant: TENANT }, 'zendesk', '201').catch(() => null)
    }
    expect(record).toMatchObject({ status: 'failed', error: expect.stringMatching(/huge\.tar\.gz.*over the upload limit of 100000 bytes/) })
    const download = systems.requests().find((r) => r.path.includes('name=huge.tar.gz'))!
    await new Promise((r) => setTimeout(r, 100))
    expect(download.aborted).toBe(true)
    expect(systems.zendeskComments('201')[0]!.body).toMatch(/over the upload limit/)
  })

  it('answers 500 not_configured for an integration without its settings, as for a server without keys', async () => {
    for (const path of ['zendesk', 'jira', 'webhook']) {
      const res = await fetch(`${bare.url}/v1/integrations/${path}`, {
        method: 'POST',
        body: '{}',
        headers: { 'content-type': 'application/json' },
      })
      expect(res.status, path).toBe(500)
      expect((await res.json()).code).toBe('not_configured')
    }
  })
})
