import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto'
import { createServer, type IncomingHttpHeaders } from 'node:http'
import type { AddressInfo } from 'node:net'
import { z } from 'zod'
import { Diagnosis } from '../../schemas/diagnosis.ts'

// A local receiver on 127.0.0.1 that plays the chat vendors memgap calls back: it checks each
// request's shape against the vendor's format and its signature with the shared secret (with
// node:crypto, independently of the Web Crypto code under test), answers the way the vendor
// does, records everything, and can fail the first attempts of an endpoint on purpose.
// Routes sit in a table keyed by the first path segment: ticket systems (Zendesk, Jira) can be
// added with addRoute().

export interface Received {
  route: string
  token: string
  method: string
  path: string // path and query, as sent
  query: URLSearchParams
  headers: IncomingHttpHeaders
  body: string
  json: unknown // undefined when the body is not JSON
  attempt: number // 1-based, per endpoint
  status: number // what the receiver answered
  problems: string[] // shape or signature problems found
  verified: boolean | null // signature checked and good / bad; null when the endpoint has no secret
}

export interface Answer {
  status: number
  headers?: Record<string, string>
  body?: string
}

export interface Route {
  /** The path (and query) of a new endpoint of this route, for its unique token. */
  path(token: string): string
  /** Validates a request (fills req.problems, req.verified) and answers as the vendor would. */
  handle(req: Received, secret: string | undefined): Answer
}

export type Failure = { status: number; retryAfter?: string; body?: string } | { hangMs: number }

export interface Endpoint {
  route: string
  token: string
  url: string
  secret?: string
}

export interface Receiver {
  origin: string
  endpoint(route: string, opts?: { secret?: string }): Endpoint
  /** The next `n` requests to this endpoint get `failure` instead of the vendor's answer. */
  failFirst(ep: Endpoint, n: number, failure: Failure): void
  requests(ep?: Endpoint): Received[]
  addRoute(name: string, route: Route): void
  close(): Promise<void>
}

const hmac = (key: string, message: string) => createHmac('sha256', key).update(message).digest()
const json = (status: number, value: unknown): Answer => ({
  status,
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify(value),
})
const sameText = (a: string, b: string) => Buffer.byteLength(a) === Buffer.byteLength(b) && timingSafeEqual(Buffer.from(a), Buffer.from(b))
const problemsOf = (result: z.ZodSafeParseResult<unknown>) =>
  result.success ? [] : result.error.issues.map((i) => `${i.path.join('.') || '(body)'}: ${i.message}`)
const fresh = (ms: number) => Math.abs(Date.now() - ms) <= 3600_000 // Feishu and DingTalk allow one hour

// --- vendor formats (the parts memgap uses; strict where the vendor rejects unknown fields) ---

const plain = (max: number) =>
  z.strictObject({ type: z.literal('plain_text'), text: z.string().min(1).max(max), emoji: z.boolean().optional() })
const mrkdwn = (max: number) => z.strictObject({ type: z.literal('mrkdwn'), text: z.string().min(1).max(max) })
export const SlackPayload = z.strictObject({
  text: z.string().min(1).max(40_000),
  blocks: z
    .array(
      z.discriminatedUnion('type', [
        z.strictObject({ type: z.literal('header'), text: plain(150) }),
        z.strictObject({
          type: z.literal('section'),
          text: mrkdwn(3000).optional(),
          fields: z.array(mrkdwn(2000)).min(1).max(10).optional(),
        }),
        z.strictObject({ type: z.literal('context'), elements: z.array(mrkdwn(3000)).min(1).max(10) }),
        z.strictObject({ type: z.literal('divider') }),
        z.strictObject({
          type: z.literal('actions'),
          elements: z
            .array(
              z.strictObject({
                type: z.literal('button'),
                text: plain(75),
                url: z.url().max(3000),
                action_id: z.string().max(255).optional(),
                style: z.enum(['primary', 'danger']).optional(),
              }),
            )
            .min(1)
            .max(25),
        }),
      ]),
    )
    .min(1)
    .max(50),
})

const TextBlock = z.strictObject({
  type: z.literal('TextBlock'),
  text: z.string().min(1),
  wrap: z.boolean().optional(),
  size: z.enum(['Small', 'Default', 'Medium', 'Large', 'ExtraLarge']).optional(),
  weight: z.enum(['Lighter', 'Default', 'Bolder']).optional(),
  isSubtle: z.boolean().optional(),
  spacing: z.enum(['None', 'Small', 'Default', 'Medium', 'Large', 'ExtraLarge', 'Padding']).optional(),
  fontType: z.enum(['Default', 'Monospace']).optional(),
})
const FactSet = z.strictObject({
  type: z.literal('FactSet'),
  facts: z.array(z.strictObject({ title: z.string(), value: z.string() })).min(1),
})
const Container = z.strictObject({
  type: z.literal('Container'),
  separator: z.boolean().optional(),
  items: z.array(z.union([TextBlock, FactSet])).min(1),
})
export const TeamsPayload = z.strictObject({
  type: z.literal('message'),
  attachments: z
    .array(
      z.strictObject({
        contentType: z.literal('application/vnd.microsoft.card.adaptive'),
        contentUrl: z.null().optional(),
        content: z.strictObject({
          $schema: z.literal('http://adaptivecards.io/schemas/adaptive-card.json'),
          type: z.literal('AdaptiveCard'),
          version: z.literal('1.4'),
          msteams: z.object({ width: z.literal('Full') }).optional(),
          body: z.array(z.discriminatedUnion('type', [TextBlock, FactSet, Container])).min(1),
          actions: z.array(z.strictObject({ type: z.literal('Action.OpenUrl'), title: z.string().min(1), url: z.url() })).optional(),
        }),
      }),
    )
    .length(1),
})

const larkText = z.discriminatedUnion('tag', [
  z.strictObject({ tag: z.literal('plain_text'), content: z.string().min(1) }),
  z.strictObject({ tag: z.literal('lark_md'), content: z.string().min(1) }),
])
export const FeishuPayload = z.strictObject({
  msg_type: z.literal('interactive'),
  timestamp: z
    .string()
    .regex(/^\d{10}$/, 'unix seconds')
    .optional(),
  sign: z.string().optional(),
  card: z.strictObject({
    config: z.strictObject({ wide_screen_mode: z.boolean() }).optional(),
    header: z.strictObject({
      title: z.strictObject({ tag: z.literal('plain_text'), content: z.string().min(1) }),
      template: z
        .enum(['blue', 'wathet', 'turquoise', 'green', 'yellow', 'orange', 'red', 'carmine', 'violet', 'purple', 'indigo', 'grey'])
        .optional(),
    }),
    elements: z
      .array(
        z.discriminatedUnion('tag', [
          z.strictObject({
            tag: z.literal('div'),
            text: larkText.optional(),
            fields: z.array(z.strictObject({ is_short: z.boolean(), text: larkText })).optional(),
          }),
          z.strictObject({ tag: z.literal('hr') }),
          z.strictObject({ tag: z.literal('note'), elements: z.array(larkText).min(1) }),
          z.strictObject({
            tag: z.literal('action'),
            actions: z
              .array(
                z.strictObject({
                  tag: z.literal('button'),
                  text: larkText,
                  type: z.enum(['default', 'primary', 'danger']).optional(),
                  url: z.url(),
                }),
              )
              .min(1),
          }),
        ]),
      )
      .min(1),
  }),
})

export const DingTalkPayload = z.strictObject({
  msgtype: z.literal('markdown'),
  markdown: z.strictObject({ title: z.string().min(1), text: z.string().min(1) }),
})
export const WeComPayload = z.strictObject({ msgtype: z.literal('markdown'), markdown: z.strictObject({ content: z.string().min(1) }) })

// --- the vendors' behaviour ---

function requireJson(req: Received): unknown {
  if (!String(req.headers['content-type'] ?? '').startsWith('application/json')) req.problems.push('content-type is not application/json')
  if (req.json === undefined) req.problems.push('the body is not JSON')
  return req.json
}

export const CHAT_ROUTES: Record<string, Route> = {
  slack: {
    path: (t) => `/slack/services/T0MEMGAP/B0MEMGAP/${t}`,
    handle(req) {
      req.problems.push(...problemsOf(SlackPayload.safeParse(requireJson(req))))
      return req.problems.length ? { status: 400, body: 'invalid_blocks' } : { status: 200, body: 'ok' }
    },
  },
  teams: {
    path: (t) => `/teams/workflows/${t}/triggers/manual/paths/invoke?api-version=2016-06-01&sig=${t}`,
    handle(req) {
      req.problems.push(...problemsOf(TeamsPayload.safeParse(requireJson(req))))
      if (Buffer.byteLength(req.body) > 28 * 1024) req.problems.push('the card is over 28 KB')
      return req.problems.length ? json(400, { error: { code: 'InvalidRequestContent' } }) : { status: 202 }
    },
  },
  feishu: {
    path: (t) => `/feishu/open-apis/bot/v2/hook/${t}`,
    handle(req, secret) {
      const body = requireJson(req) as { timestamp?: string; sign?: string }
      req.problems.push(...problemsOf(FeishuPayload.safeParse(body)))
      if (Buffer.byteLength(req.body) > 20 * 1024) req.problems.push('the request is over 20 KB')
      if (secret !== undefined) {
        const ts = body?.timestamp ?? ''
        const expected = hmac(`${ts}\n${secret}`, '').toString('base64')
        req.verified = fresh(Number(ts) * 1000) && sameText(body?.sign ?? '', expected)
        if (!req.verified)
          return json(200, { code: 19021, msg: 'sign match fail or timestamp is not within one hour from current time', data: {} })
      }
      return req.problems.length
        ? json(200, { code: 9499, msg: 'Bad Request', data: {} })
        : json(200, { StatusCode: 0, StatusMessage: 'success', code: 0, data: {}, msg: 'success' })
    },
  },
  dingtalk: {
    path: (t) => `/dingtalk/robot/send?access_token=${t}`,
    handle(req, secret) {
      req.problems.push(...problemsOf(DingTalkPayload.safeParse(requireJson(req))))
      if (secret !== undefined) {
        // URLSearchParams decodes as DingTalk does: an unencoded '+' in sign becomes a space.
        const ts = req.query.get('timestamp') ?? ''
        const expected = hmac(secret, `${ts}\n${secret}`).toString('base64')
        req.verified = fresh(Number(ts)) && sameText(req.query.get('sign') ?? '', expected)
        if (!req.verified) return json(200, { errcode: 310000, errmsg: 'sign not match' })
      }
      return req.problems.length ? json(200, { errcode: 40035, errmsg: 'invalid parameter' }) : json(200, { errcode: 0, errmsg: 'ok' })
    },
  },
  wecom: {
    path: (t) => `/wecom/cgi-bin/webhook/send?key=${t}`,
    handle(req) {
      const parsed = WeComPayload.safeParse(requireJson(req))
      req.problems.push(...problemsOf(parsed))
      const bytes = parsed.success ? Buffer.byteLength(parsed.data.markdown.content) : 0
      if (bytes > 4096) req.problems.push(`markdown.content is ${bytes} bytes, over 4096`)
      return req.problems.length
        ? json(200, { errcode: 40058, errmsg: 'markdown.content exceed max length 4096' })
        : json(200, { errcode: 0, errmsg: 'ok' })
    },
  },
  webhook: {
    path: (t) => `/webhook/${t}`,
    handle(req, secret) {
      req.problems.push(...problemsOf(Diagnosis.safeParse(requireJson(req))))
      const ts = String(req.headers['x-memgap-timestamp'] ?? '')
      if (!/^\d{10}$/.test(ts)) req.problems.push('X-Memgap-Timestamp is not unix seconds')
      if (secret !== undefined) {
        const expected = `sha256=${hmac(secret, `${ts}.${req.body}`).toString('hex')}`
        req.verified = fresh(Number(ts) * 1000) && sameText(String(req.headers['x-memgap-signature'] ?? ''), expected)
        if (!req.verified) return json(401, { error: 'bad signature' })
      }
      return req.problems.length ? json(400, { error: req.problems }) : { status: 204 }
    },
  },
}

export async function startReceiver(): Promise<Receiver> {
  const routes = new Map(Object.entries(CHAT_ROUTES))
  const endpoints = new Map<string, Endpoint & { attempts: number; failures: Array<{ left: number; failure: Failure }> }>()
  const received: Received[] = []
  const timers = new Set<NodeJS.Timeout>()

  const server = createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      const path = req.url ?? '/'
      const url = new URL(path, 'http://receiver')
      const route = url.pathname.split('/')[1] ?? ''
      const ep = [...endpoints.values()].find((e) => e.route === route && path.includes(e.token))
      const answer = (a: Answer) => {
        record.status = a.status
        res.writeHead(a.status, a.headers).end(a.body)
      }
      const body = Buffer.concat(chunks).toString('utf8')
      let parsed: unknown
      try {
        parsed = JSON.parse(body)
      } catch {}
      const record: Received = {
        route,
        token: ep?.token ?? '',
        method: req.method ?? '',
        path,
        query: url.searchParams,
        headers: req.headers,
        body,
        json: parsed,
        attempt: ep ? ++ep.attempts : 0,
        status: 0,
        problems: [],
        verified: null,
      }
      received.push(record)
      if (!ep || req.method !== 'POST') return answer({ status: 404, body: 'no such endpoint' })
      const handler = routes.get(route)!
      const pending = ep.failures.find((f) => f.left > 0)
      if (pending) {
        pending.left--
        const f = pending.failure
        if ('hangMs' in f) {
          const timer = setTimeout(() => (timers.delete(timer), answer(handler.handle(record, ep.secret))), f.hangMs)
          return void timers.add(timer)
        }
        return answer({
          status: f.status,
          headers: f.retryAfter ? { 'retry-after': f.retryAfter } : {},
          body: f.body ?? 'failing on purpose',
        })
      }
      answer(handler.handle(record, ep.secret))
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`

  return {
    origin,
    endpoint(route, opts = {}) {
      const r = routes.get(route)
      if (!r) throw new Error(`no route ${route}`)
      const token = `tok${randomBytes(12).toString('hex')}` // letters and digits: looks like a real token
      const ep = { route, token, url: `${origin}${r.path(token)}`, secret: opts.secret, attempts: 0, failures: [] }
      endpoints.set(token, ep)
      return { route, token, url: ep.url, secret: opts.secret }
    },
    failFirst(ep, n, failure) {
      endpoints.get(ep.token)!.failures.push({ left: n, failure })
    },
    requests: (ep) => received.filter((r) => !ep || r.token === ep.token),
    addRoute: (name, route) => void routes.set(name, route),
    async close() {
      for (const t of timers) clearTimeout(t)
      server.closeAllConnections()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    },
  }
}
