import { createHmac } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { type Attachment, byRole, clipText, newest, parseTime, type TicketResult, under } from '../../src/integrations/tickets/common.ts'
import { fetchBounded, post } from '../../src/integrations/tickets/http.ts'
import {
  MAX_COMMENT_CHARS as JIRA_MAX,
  JiraWebhook,
  jiraBody,
  jiraComment,
  verifyJira,
  wikiEscape,
} from '../../src/integrations/tickets/jira.ts'
import { genericReply } from '../../src/integrations/tickets/webhook.ts'
import { nextPage, verifyZendesk, type ZendeskSettings, ZendeskWebhook, zendeskComment } from '../../src/integrations/tickets/zendesk.ts'
import { diagnoseFixtures } from '../helpers/diagnose.ts'

// The ticket integrations' pure parts (signatures, selection, builders) and the bounded fetch.

const bytes = (s: string) => new TextEncoder().encode(s)
const zendesk: ZendeskSettings = { baseUrl: 'https://acme.zendesk.com', auth: 'Basic x', webhookSecret: 'secret' }

describe('Zendesk webhook signature', () => {
  const body = '{"ticket_id":"42"}'
  const sign = (ts: string, secret = 'secret') =>
    createHmac('sha256', secret)
      .update(ts + body)
      .digest('base64')
  const now = Date.parse('2026-11-27T10:00:00Z')

  it('holds for Base64(HMAC-SHA256(secret, timestamp + body)) within 5 minutes', async () => {
    const ts = '2026-11-27T09:58:00Z'
    expect(await verifyZendesk('secret', sign(ts), ts, bytes(body), now)).toBeNull()
  })
  it.each([
    ['a wrong secret', sign('2026-11-27T10:00:00Z', 'other'), '2026-11-27T10:00:00Z', /does not match/],
    ['a stale timestamp', sign('2026-11-27T09:54:00Z'), '2026-11-27T09:54:00Z', /5 minutes/],
    ['a future timestamp', sign('2026-11-27T10:06:00Z'), '2026-11-27T10:06:00Z', /5 minutes/],
    ['a timestamp that is not a date', sign('soon'), 'soon', /not a date/],
    ['a signature that is not Base64', '!!!', '2026-11-27T10:00:00Z', /does not match/],
  ])('fails with %s', async (_, signature, ts, reason) => {
    expect(await verifyZendesk('secret', signature, ts, bytes(body), now)).toMatch(reason)
  })
  it('needs both headers', async () => {
    expect(await verifyZendesk('secret', undefined, '2026-11-27T10:00:00Z', bytes(body), now)).toMatch(/required/)
  })
})

describe('Jira webhook signature', () => {
  const body = '{"webhookEvent":"jira:issue_created"}'
  it('holds for sha256=<hex HMAC-SHA256(secret, body)> only', async () => {
    const hex = createHmac('sha256', 's3cret').update(body).digest('hex')
    expect(await verifyJira('s3cret', `sha256=${hex}`, bytes(body))).toBeNull()
    expect(await verifyJira('other', `sha256=${hex}`, bytes(body))).toMatch(/does not match/)
    expect(await verifyJira('s3cret', hex, bytes(body))).toMatch(/required/)
    expect(await verifyJira('s3cret', `sha1=${hex.slice(0, 40)}`, bytes(body))).toMatch(/required/)
  })
})

describe('webhook bodies', () => {
  it('Zendesk: {ticket_id} as number or string, or {ticket: {id}}', () => {
    expect(ZendeskWebhook.parse({ ticket_id: 42 })).toBe('42')
    expect(ZendeskWebhook.parse({ ticket_id: '42', extra: true })).toBe('42')
    expect(ZendeskWebhook.parse({ ticket: { id: 7, subject: 'x' } })).toBe('7')
    for (const bad of [{}, { ticket_id: '4/2' }, { ticket_id: -1 }, { ticket: {} }])
      expect(ZendeskWebhook.safeParse(bad).success).toBe(false)
  })
  it('Jira: an issue key is required; attachments may be absent', () => {
    expect(JiraWebhook.parse({ webhookEvent: 'attachment_created', issue: { key: 'SUP-1' } }).issue.fields).toBeUndefined()
    expect(JiraWebhook.safeParse({ webhookEvent: 'x', issue: { key: '../../admin' } }).success).toBe(false)
  })
  it('Zendesk paging: next_page, else cursor links while has_more', () => {
    expect(nextPage({ comments: [], next_page: 'https://a/2' })).toBe('https://a/2')
    expect(nextPage({ comments: [], meta: { has_more: true }, links: { next: 'https://a/c' } })).toBe('https://a/c')
    expect(nextPage({ comments: [], meta: { has_more: false }, links: { next: 'https://a/c' } })).toBeNull()
  })
})

describe('selection', () => {
  const a = (name: string, created: string | null): Attachment => ({
    key: name,
    name,
    url: `https://x/${name}`,
    created: parseTime(created),
    size: null,
  })

  it('takes the newest two, older first; unknown times keep the listing order', () => {
    const list = [a('c', '2026-11-27T10:00:00.000+0000'), a('a', '2026-11-27T08:00:00Z'), a('b', '2026-11-27T09:00:00Z')]
    expect(newest(list).map((x) => x.name)).toEqual(['b', 'c'])
    expect(newest([a('x', null), a('y', null), a('z', null)]).map((x) => x.name)).toEqual(['y', 'z'])
    expect(newest([a('only', null)]).map((x) => x.name)).toEqual(['only'])
  })
  it('lets manifests swap the roles', () => {
    const b = (name: string, role: string | null) => ({ name, role })
    expect(byRole(b('old', null), b('new', null))).toEqual({ baseline: b('old', null), suspect: b('new', null) })
    expect(byRole(b('old', 'suspect'), b('new', 'baseline')).baseline.name).toBe('new')
    expect(byRole(b('old', 'Suspect'), b('new', null)).baseline.name).toBe('new')
    expect(byRole(b('old', null), b('new', 'baseline')).baseline.name).toBe('new')
    expect(byRole(b('old', 'suspect'), b('new', 'suspect')).baseline.name).toBe('old') // both say so: age decides
  })
  it('accepts URLs under the base only', () => {
    const base = 'https://acme.zendesk.com'
    expect(under('https://acme.zendesk.com/attachments/token/abc/?name=a.tgz', base)).not.toBeNull()
    for (const url of [
      'https://acme.zendesk.com.evil.example/attachments/a.tgz',
      'https://acme.zendesk.com@evil.example/a.tgz',
      'https://user:pw@acme.zendesk.com/a.tgz',
      'http://acme.zendesk.com/a.tgz',
      'https://acme.zendesk.com:8443/a.tgz',
      'not a url',
    ]) {
      expect(under(url, base), url).toBeNull()
    }
    const files = 'https://files.example.com/tickets/'
    expect(under('https://files.example.com/tickets/1/a.tgz', files)).not.toBeNull()
    expect(under('https://files.example.com/tickets-other/a.tgz', files)).toBeNull()
    expect(under('https://files.example.com/tickets/../private/a.tgz', files)).toBeNull()
    expect(under('https://files.example.com/tickets/%2e%2e/private/a.tgz', files)).toBeNull()
  })
  it('clips long text at a line end', () => {
    expect(clipText('aaa\nbbb\nccc', 9, '+')).toBe('aaa\nbbb+')
    expect(clipText('short', 9, '+')).toBe('short')
  })
})

describe('builders', () => {
  const evilName = '[click](https://evil.example)*{noformat}|.tar.gz'
  async function diagnosed(): Promise<TicketResult> {
    const d = await diagnoseFixtures('seed/sta-49.tar.gz', 'seed/sta-18.tar.gz')
    return {
      kind: 'diagnosed',
      diagnosis: d,
      reportUrl: 'https://memgap.example/r/tok',
      used: [
        { name: evilName, role: 'baseline', bundleId: 'b' },
        { name: 'sta-18.tar.gz', role: 'suspect', bundleId: 's' },
      ],
      skipped: [{ name: 'far.tgz', reason: 'not under ZENDESK_BASE_URL' }],
    }
  }

  it('Zendesk: a private comment by PUT, Markdown in body, names escaped', async () => {
    const req = zendeskComment(zendesk, '42', await diagnosed())
    expect(req).toMatchObject({
      method: 'PUT',
      url: 'https://acme.zendesk.com/api/v2/tickets/42.json',
      headers: { authorization: 'Basic x' },
    })
    const { ticket } = JSON.parse(req.body)
    expect(ticket.comment.public).toBe(false)
    expect(ticket.comment.body).toContain('\\[click\\](https\\://evil.example)')
    expect(ticket.comment.body).toMatch(/queue\.buffering\.max\.kbytes=/)
    expect(ticket.comment.body).toContain('[Full report with charts](https://memgap.example/r/tok)')
  })

  it('Jira: an internal comment with the text report in {noformat}, nothing else unescaped', async () => {
    const result = await diagnosed()
    if (result.kind === 'diagnosed') result.diagnosis.summary = `${result.diagnosis.summary} {noformat}[x|https://evil.example]`
    const req = jiraComment({ baseUrl: 'https://acme.atlassian.net', auth: 'Basic y', webhookSecret: 's' }, 'SUP-1', result)
    expect(req).toMatchObject({ method: 'POST', url: 'https://acme.atlassian.net/rest/servicedeskapi/request/SUP-1/comment' })
    const { body, public: isPublic } = JSON.parse(req.body)
    expect(isPublic).toBe(false)
    expect(body.match(/\{noformat\}/g)).toHaveLength(2) // the one from the summary is defused
    expect(body).toContain(wikiEscape(evilName))
    const inside = /\{noformat\}\n([\s\S]*)\n\{noformat\}$/.exec(body)![1]!
    expect(inside).toContain('{ noformat}[x|https://evil.example]') // text, not markup, inside the block
    expect(body).toContain('[Full report with charts|https://memgap.example/r/tok]')
    expect(body).toMatch(/queue\.buffering\.max\.kbytes=/)
    expect(body.length).toBeLessThanOrEqual(JIRA_MAX)
  })

  it('Jira: a long report is cut to fit the comment limit', async () => {
    const result = await diagnosed()
    if (result.kind === 'diagnosed')
      result.diagnosis.warnings = Array.from({ length: 2000 }, (_, i) => ({ code: 'w', message: `warning ${i} `.repeat(5) }))
    const body = jiraBody(result)
    expect(body.length).toBeLessThanOrEqual(JIRA_MAX)
    expect(body).toMatch(/cut here[\s\S]*\{noformat\}$/)
  })

  it('generic: the reply is signed like the chat webhook', async () => {
    const req = await genericReply('https://hooks.example/x', 'k', 'T-1', { kind: 'no_bundle', skipped: [] }, new Date(1_800_000_000_000))
    const ts = req.headers['X-Memgap-Timestamp']!
    expect(ts).toBe('1800000000')
    expect(req.headers['X-Memgap-Signature']).toBe(`sha256=${createHmac('sha256', 'k').update(`${ts}.${req.body}`).digest('hex')}`)
    expect(JSON.parse(req.body)).toMatchObject({ ticketId: 'T-1', status: 'no_bundle', diagnosisId: null, findings: [] })
  })
})

describe('fetchBounded and post', () => {
  const origin = 'https://acme.zendesk.com'

  function streaming(total: number, onCancel: () => void, headers: Record<string, string> = {}): Response {
    let sent = 0
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent >= total) return controller.close()
        controller.enqueue(new Uint8Array(1000))
        sent += 1000
      },
      cancel: onCancel,
    })
    return new Response(body, { headers })
  }

  it('stops reading past maxBytes, whatever Content-Length says', async () => {
    let cancelled = false
    const fake = (async () => streaming(1_000_000, () => void (cancelled = true))) as typeof fetch
    const got = await fetchBounded(`${origin}/a.tgz`, { fetch: fake, origin, maxBytes: 5000, timeoutMs: 1000 })
    expect(got).toMatchObject({ ok: false, code: 'too_large' })
    expect(cancelled).toBe(true)
    const declared = (async () => new Response('x', { headers: { 'content-length': '999999' } })) as typeof fetch
    expect(await fetchBounded(`${origin}/a.tgz`, { fetch: declared, origin, maxBytes: 5000, timeoutMs: 1000 })).toMatchObject({
      code: 'too_large',
    })
  })

  it('sends credentials to the ticket system only, and checks redirects away from it', async () => {
    const seen: Array<{ url: string; auth: string | undefined }> = []
    const fake = (async (url: string, init: RequestInit) => {
      seen.push({ url, auth: (init.headers as Record<string, string>).authorization })
      if (url.startsWith(origin)) return new Response(null, { status: 302, headers: { location: 'https://cdn.example/blob' } })
      return new Response('bytes')
    }) as typeof fetch
    const checked: string[] = []
    const got = await fetchBounded(`${origin}/attachments/a.tgz`, {
      fetch: fake,
      origin,
      headers: { authorization: 'Basic x' },
      maxBytes: 100,
      timeoutMs: 1000,
      offOrigin: async (url) => (checked.push(url.href), null),
    })
    expect(got.ok && new TextDecoder().decode(got.bytes)).toBe('bytes')
    expect(seen).toEqual([
      { url: `${origin}/attachments/a.tgz`, auth: 'Basic x' },
      { url: 'https://cdn.example/blob', auth: undefined },
    ])
    expect(checked).toEqual(['https://cdn.example/blob'])
    const refused = await fetchBounded(`${origin}/attachments/a.tgz`, {
      fetch: fake,
      origin,
      maxBytes: 100,
      timeoutMs: 1000,
      offOrigin: async () => 'a private address',
    })
    expect(refused).toMatchObject({ ok: false, code: 'refused' })
    const noPolicy = await fetchBounded(`${origin}/attachments/a.tgz`, { fetch: fake, origin, maxBytes: 100, timeoutMs: 1000 })
    expect(noPolicy).toMatchObject({ ok: false, code: 'refused' })
  })

  it('times out a transfer that stalls', async () => {
    const stall = ((_: string, init: RequestInit) =>
      new Promise<Response>((_, reject) => init.signal!.addEventListener('abort', () => reject(init.signal!.reason)))) as typeof fetch
    expect(await fetchBounded(`${origin}/a.tgz`, { fetch: stall, origin, maxBytes: 100, timeoutMs: 50 })).toMatchObject({
      ok: false,
      code: 'timeout',
      retry: true,
    })
  })

  it('post() sends with the request method (PUT for Zendesk) and retries 5xx', async () => {
    const methods: string[] = []
    const fake = (async (_: string, init: RequestInit) => {
      methods.push(init.method!)
      return new Response(null, { status: methods.length < 2 ? 500 : 200 })
    }) as typeof fetch
    const result = await post(
      { method: 'PUT', url: `${origin}/api/v2/tickets/1.json`, headers: {}, body: '{}' },
      { fetch: fake, sleep: async () => {} },
    )
    expect(result).toMatchObject({ status: 'delivered', attempts: 2 })
    expect(methods).toEqual(['PUT', 'PUT'])
  })
})
