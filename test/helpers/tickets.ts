import { createHmac, timingSafeEqual } from 'node:crypto'
import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { z } from 'zod'
import type { Receiver, Route } from './receiver.ts'

// Zendesk and Jira on 127.0.0.1, as memgap's ticket integrations see them: Zendesk's comments
// listing (paged, newest first on request), attachment downloads and the ticket update that adds a
// comment; Jira's issue, attachment content (a redirect, as on Jira Cloud) and the Service
// Management comment endpoint. Both check basic auth and that the comment is private, can fail the
// first comment attempts, and record every request. The generic webhook's signed reply is checked
// by a route added to the chat receiver (receiver.ts answers POSTs only, with text bodies, so the
// vendors' GET and PUT endpoints and binary downloads live here).

export const ZENDESK = { email: 'agent@example.com', token: 'zd-api-token-0123', secret: 'zd-webhook-secret-0123' }
export const JIRA = { email: 'bot@example.com', token: 'jira-api-token-0123', secret: 'jira-webhook-secret-0123' }

export interface Seen {
  method: string
  path: string
  headers: IncomingHttpHeaders
  body: string
  problems: string[]
  aborted: boolean // the client closed the connection before the whole answer was sent
}

export interface ZendeskCommentSpec {
  at: string // created_at
  files: Array<string | { name: string; url?: string; size?: number }> // names added with addFile
}

export interface TicketSystems {
  origin: string
  env: Record<string, string> // ZENDESK_*, JIRA_*, WEBHOOK_ATTACHMENT_BASE_URL pointing here
  /** Serves `bytes` under /zendesk, /jira, /files and /elsewhere; chunked: no Content-Length, slowly. */
  addFile(name: string, bytes: Uint8Array, opts?: { chunked?: boolean }): void
  fileUrl(area: 'files' | 'elsewhere' | 'zendesk', name: string): string
  addZendeskTicket(id: string, comments: ZendeskCommentSpec[]): void
  /** Attachments as a Jira webhook (and GET issue) carries them. */
  jiraAttachments(key: string, files: Array<{ name: string; created: string }>): unknown[]
  zendeskComments(id: string): Array<{ body: string; public: boolean }>
  jiraComments(key: string): Array<{ body: string; public: boolean }>
  failFirst(endpoint: 'zendesk-comment' | 'jira-comment', n: number, status: number): void
  requests(): Seen[]
  close(): Promise<void>
}

const basic = (user: string, pass: string) => `Basic ${Buffer.from(`${user}:${pass}`).toString('base64')}`
const ZENDESK_AUTH = basic(`${ZENDESK.email}/token`, ZENDESK.token)
const JIRA_AUTH = basic(JIRA.email, JIRA.token)
const PER_PAGE = 2 // small, so that memgap has to follow next_page

const ZendeskUpdate = z.strictObject({
  ticket: z.strictObject({ comment: z.strictObject({ body: z.string().min(1).max(65_535), public: z.literal(false) }) }),
})
const JiraComment = z.strictObject({ body: z.string().min(1).max(32_767), public: z.literal(false) })

export async function startTicketSystems(): Promise<TicketSystems> {
  const files = new Map<string, { bytes: Uint8Array; chunked: boolean }>()
  const tickets = new Map<string, ZendeskCommentSpec[]>()
  const issues = new Map<string, unknown[]>()
  const jiraNames = new Map<string, string>() // attachment id -> file name
  const posted = {
    zendesk: new Map<string, Array<{ body: string; public: boolean }>>(),
    jira: new Map<string, Array<{ body: string; public: boolean }>>(),
  }
  const failures = { 'zendesk-comment': [] as number[], 'jira-comment': [] as number[] }
  const seen: Seen[] = []
  let origin = ''

  const json = (res: ServerResponse, status: number, value: unknown) =>
    res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(value))

  function serveFile(res: ServerResponse, record: Seen, name: string) {
    const file = files.get(name)
    if (!file) return json(res, 404, { error: 'not found' })
    res.on('close', () => (record.aborted = !res.writableFinished))
    if (!file.chunked)
      return res.writeHead(200, { 'content-type': 'application/gzip', 'content-length': file.bytes.byteLength }).end(file.bytes)
    res.writeHead(200, { 'content-type': 'application/gzip' }) // chunked: the size is only known by counting
    let at = 0
    const next = () => {
      if (res.destroyed) return
      if (at >= file.bytes.byteLength) return void res.end()
      res.write(file.bytes.subarray(at, (at += 64 * 1024)))
      setTimeout(next, 5)
    }
    next()
  }

  function zendeskAttachment(spec: ZendeskCommentSpec['files'][number], id: number) {
    const f = typeof spec === 'string' ? { name: spec } : spec
    const url = f.url ?? `${origin}/zendesk/attachments/token/tok${id}/?name=${encodeURIComponent(f.name)}`
    return {
      id,
      file_name: f.name,
      content_url: url,
      content_type: 'application/gzip',
      size: f.size ?? files.get(f.name)?.bytes.byteLength ?? 0,
      inline: false,
      malware_scan_result: 'malware_not_found',
    }
  }

  function zendesk(record: Seen, url: URL, res: ServerResponse) {
    const path = url.pathname.slice('/zendesk'.length)
    if (path.startsWith('/attachments/')) return serveFile(res, record, url.searchParams.get('name') ?? '')
    if (record.headers.authorization !== ZENDESK_AUTH) {
      record.problems.push('bad basic auth')
      return json(res, 401, { error: "Couldn't authenticate you" })
    }
    const list = /^\/api\/v2\/tickets\/(\d+)\/comments\.json$/.exec(path)
    if (list && record.method === 'GET') {
      const specs = tickets.get(list[1]!)
      if (!specs) return json(res, 404, { error: 'RecordNotFound' })
      const comments = specs.map((c, i) => ({
        id: 1000 + i,
        type: 'Comment',
        public: true,
        body: `comment ${i}`,
        created_at: c.at,
        attachments: c.files.map((f, j) => zendeskAttachment(f, 1000 * (i + 1) + j)),
      }))
      if (url.searchParams.get('sort_order') === 'desc') comments.reverse()
      const page = Number(url.searchParams.get('page') ?? '1')
      const more = page * PER_PAGE < comments.length
      const next = new URL(url.href)
      next.searchParams.set('page', String(page + 1))
      return json(res, 200, {
        comments: comments.slice((page - 1) * PER_PAGE, page * PER_PAGE),
        next_page: more ? `${origin}${next.pathname}${next.search}` : null,
        previous_page: null,
        count: comments.length,
      })
    }
    const update = /^\/api\/v2\/tickets\/(\d+)\.json$/.exec(path)
    if (update && record.method === 'PUT') {
      const parsed = ZendeskUpdate.safeParse(safeJson(record.body))
      if (!parsed.success) {
        record.problems.push(...parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`))
        return json(res, 422, { error: 'RecordInvalid', description: 'Record validation errors' })
      }
      const status = failures['zendesk-comment'].shift()
      if (status) return json(res, status, { error: 'failing on purpose' })
      const list = posted.zendesk.get(update[1]!) ?? []
      list.push(parsed.data.ticket.comment)
      posted.zendesk.set(update[1]!, list)
      return json(res, 200, { ticket: { id: Number(update[1]) }, audit: { events: [{ type: 'Comment', public: false }] } })
    }
    json(res, 404, { error: 'InvalidEndpoint' })
  }

  function jira(record: Seen, url: URL, res: ServerResponse) {
    const path = url.pathname.slice('/jira'.length)
    if (record.headers.authorization !== JIRA_AUTH) {
      record.problems.push('bad basic auth')
      return json(res, 401, { errorMessages: ['You are not authenticated'] })
    }
    const content = /^\/rest\/api\/3\/attachment\/content\/(\d+)$/.exec(path)
    if (content) {
      // Jira Cloud answers attachment content with a redirect; here it stays on the same origin.
      const name = jiraNames.get(content[1]!) ?? ''
      return res.writeHead(303, { location: `/jira/secure/attachment/${content[1]}/${encodeURIComponent(name)}` }).end()
    }
    const secure = /^\/secure\/attachment\/\d+\/(.+)$/.exec(path)
    if (secure) return serveFile(res, record, decodeURIComponent(secure[1]!))
    const issue = /^\/rest\/api\/2\/issue\/([A-Z]+-\d+)$/.exec(path)
    if (issue && record.method === 'GET')
      return json(res, 200, { id: '10001', key: issue[1], fields: { attachment: issues.get(issue[1]!) ?? [] } })
    const comment = /^\/rest\/servicedeskapi\/request\/([A-Z]+-\d+)\/comment$/.exec(path)
    if (comment && record.method === 'POST') {
      const parsed = JiraComment.safeParse(safeJson(record.body))
      if (!parsed.success) {
        record.problems.push(...parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`))
        return json(res, 400, { errorMessage: 'invalid comment' })
      }
      const status = failures['jira-comment'].shift()
      if (status) return json(res, status, { errorMessage: 'failing on purpose' })
      const list = posted.jira.get(comment[1]!) ?? []
      list.push(parsed.data)
      posted.jira.set(comment[1]!, list)
      return json(res, 201, { id: String(list.length), body: parsed.data.body, public: false })
    }
    json(res, 404, { errorMessages: ['not found'] })
  }

  const server = createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      const url = new URL(req.url ?? '/', origin)
      const record: Seen = {
        method: req.method ?? '',
        path: req.url ?? '/',
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
        problems: [],
        aborted: false,
      }
      seen.push(record)
      const area = url.pathname.split('/')[1]
      if (area === 'zendesk') return zendesk(record, url, res)
      if (area === 'jira') return jira(record, url, res)
      if (area === 'files' || area === 'elsewhere') return serveFile(res, record, decodeURIComponent(url.pathname.split('/').at(-1) ?? ''))
      json(res, 404, { error: 'no such area' })
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`

  return {
    origin,
    env: {
      ZENDESK_BASE_URL: `${origin}/zendesk`,
      ZENDESK_EMAIL: ZENDESK.email,
      ZENDESK_API_TOKEN: ZENDESK.token,
      ZENDESK_WEBHOOK_SECRET: ZENDESK.secret,
      JIRA_BASE_URL: `${origin}/jira`,
      JIRA_EMAIL: JIRA.email,
      JIRA_API_TOKEN: JIRA.token,
      JIRA_WEBHOOK_SECRET: JIRA.secret,
      WEBHOOK_ATTACHMENT_BASE_URL: `${origin}/files/`,
    },
    addFile: (name, bytes, opts = {}) => void files.set(name, { bytes, chunked: opts.chunked ?? false }),
    fileUrl: (area, name) =>
      area === 'zendesk'
        ? `${origin}/zendesk/attachments/token/x/?name=${encodeURIComponent(name)}`
        : `${origin}/${area}/${encodeURIComponent(name)}`,
    addZendeskTicket: (id, comments) => void tickets.set(id, comments),
    jiraAttachments(key, list) {
      const first = 10_000 + jiraNames.size
      list.forEach((f, i) => jiraNames.set(String(first + i), f.name))
      const attachments = list.map((f, i) => ({
        self: `${origin}/jira/rest/api/3/attachment/${first + i}`,
        id: String(first + i),
        filename: f.name,
        author: { accountId: '5b10a2844c20165700ede21g', displayName: 'Customer' },
        created: f.created, // Jira's own format: 2026-11-27T10:00:00.000+0000
        size: files.get(f.name)?.bytes.byteLength ?? 0,
        mimeType: 'application/gzip',
        content: `${origin}/jira/rest/api/3/attachment/content/${first + i}`,
      }))
      issues.set(key, attachments)
      return attachments
    },
    zendeskComments: (id) => posted.zendesk.get(id) ?? [],
    jiraComments: (key) => posted.jira.get(key) ?? [],
    failFirst: (endpoint, n, status) => failures[endpoint].push(...Array<number>(n).fill(status)),
    requests: () => seen,
    async close() {
      server.closeAllConnections()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    },
  }
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text)
  } catch {
    return undefined
  }
}

/** The headers Zendesk sends with a webhook: Base64(HMAC-SHA256(secret, timestamp + body)). */
export function signZendesk(body: string, opts: { secret?: string; at?: Date } = {}): Record<string, string> {
  const timestamp = (opts.at ?? new Date()).toISOString().replace(/\.\d{3}Z$/, 'Z')
  const signature = createHmac('sha256', opts.secret ?? ZENDESK.secret)
    .update(timestamp + body)
    .digest('base64')
  return {
    'content-type': 'application/json',
    'x-zendesk-webhook-signature': signature,
    'x-zendesk-webhook-signature-timestamp': timestamp,
  }
}

/** The header Jira Cloud sends with a secret: sha256=<hex HMAC-SHA256(secret, body)>. */
export function signJira(body: string, secret = JIRA.secret): Record<string, string> {
  return { 'content-type': 'application/json', 'x-hub-signature': `sha256=${createHmac('sha256', secret).update(body).digest('hex')}` }
}

export const TicketReply = z.strictObject({
  ticketId: z.string(),
  status: z.enum(['diagnosed', 'no_bundle', 'failed']),
  diagnosisId: z.string().nullable(),
  summary: z.string().min(1),
  reportUrl: z.string().nullable(),
  markdown: z.string().min(1),
  findings: z.array(z.object({ kind: z.string(), title: z.string() }).loose()),
  error: z.string().nullable(),
  skipped: z.array(z.strictObject({ name: z.string(), reason: z.string() })),
})

/** The generic ticket webhook's reply endpoint, added to the chat receiver as route "ticket-reply". */
export const TICKET_REPLY_ROUTE: Route = {
  path: (t) => `/ticket-reply/${t}`,
  handle(req, secret) {
    const parsed = TicketReply.safeParse(req.json)
    if (!parsed.success) req.problems.push(...parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`))
    const ts = String(req.headers['x-memgap-timestamp'] ?? '')
    if (!/^\d{10}$/.test(ts)) req.problems.push('X-Memgap-Timestamp is not unix seconds')
    if (secret !== undefined) {
      const expected = `sha256=${createHmac('sha256', secret).update(`${ts}.${req.body}`).digest('hex')}`
      const got = String(req.headers['x-memgap-signature'] ?? '')
      req.verified =
        Math.abs(Date.now() / 1000 - Number(ts)) < 300 &&
        got.length === expected.length &&
        timingSafeEqual(Buffer.from(got), Buffer.from(expected))
      if (!req.verified) return { status: 401, body: 'bad signature' }
    }
    return req.problems.length ? { status: 400, body: req.problems.join('\n') } : { status: 204 }
  },
}

export function addTicketReplyRoute(receiver: Receiver): void {
  receiver.addRoute('ticket-reply', TICKET_REPLY_ROUTE)
}
