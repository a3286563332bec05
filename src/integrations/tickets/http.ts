import type { z } from 'zod'
import { readUpTo } from '../../bytes.ts'
import { backoffMs, parseRetryAfter, type SendOptions, type SendResult, send } from '../send.ts'
import type { OutgoingRequest } from '../types.ts'

// The ticket integrations' I/O: posting comments (send(): timeouts, retries, never throws), and
// reading from the ticket system with the byte count kept on the stream, a deadline for the
// whole transfer, and credentials sent to the ticket system's origin only.

export interface TicketRequest extends OutgoingRequest {
  method: 'POST' | 'PUT'
}

/** send() with the request's method: send() itself always POSTs, Zendesk updates with PUT. */
export function post(req: TicketRequest, opts: SendOptions = {}): Promise<SendResult> {
  const base = opts.fetch ?? globalThis.fetch
  const withMethod: typeof fetch = (input, init) => base(input, { ...init, method: req.method })
  return send(req, { ...opts, fetch: withMethod })
}

export type FetchFailure = 'too_large' | 'refused' | 'http' | 'timeout' | 'network'

export type Fetched =
  | { ok: true; bytes: Uint8Array }
  | { ok: false; code: FetchFailure; error: string; retry: boolean; retryAfterMs?: number }

export interface BoundedFetch {
  fetch?: typeof fetch
  origin: string // the ticket system's origin
  headers?: Record<string, string> // credentials: sent to `origin` only, never after a redirect away
  maxBytes: number
  timeoutMs: number // the whole transfer, redirects and body included
  maxRedirects?: number
  /**
   * Whether a redirect off `origin` may be followed: null when it may, else why not. Vendors serve
   * attachment bytes from a CDN host, but a redirect must not lead inward (pass a callback-URL check).
   */
  offOrigin?: (url: URL) => Promise<string | null>
}

const failed = (code: FetchFailure, error: string, retry = false): Fetched => ({ ok: false, code, error, retry })

function describe(e: unknown): string {
  if (!(e instanceof Error)) return String(e)
  const cause = (e as { cause?: unknown }).cause
  return cause instanceof Error ? `${e.message} (${(cause as { code?: string }).code ?? cause.message})` : e.message
}

async function readBounded(res: Response, maxBytes: number): Promise<Fetched> {
  const bytes = await readUpTo(res.body, maxBytes) // past the limit the transfer stops: the rest is never read
  return bytes ? { ok: true, bytes } : failed('too_large', `over the upload limit of ${maxBytes} bytes`)
}

/** GETs `url` into memory, at most `maxBytes` of it. Never throws. */
export async function fetchBounded(url: string, opts: BoundedFetch): Promise<Fetched> {
  const fetchFn = opts.fetch ?? globalThis.fetch
  const signal = AbortSignal.timeout(opts.timeoutMs)
  let at: URL
  try {
    at = new URL(url)
  } catch {
    return failed('refused', 'not a valid URL')
  }
  try {
    for (let hop = 0; ; hop++) {
      const headers = { 'user-agent': 'memgap', ...(at.origin === opts.origin ? opts.headers : {}) }
      const res = await fetchFn(at.href, { headers, redirect: 'manual', signal })
      if (res.status >= 300 && res.status < 400) {
        await res.body?.cancel().catch(() => {})
        const location = res.headers.get('location')
        if (!location) return failed('http', `HTTP ${res.status} without a Location`)
        if (hop >= (opts.maxRedirects ?? 3)) return failed('http', 'too many redirects')
        const next = new URL(location, at)
        if (next.origin !== opts.origin) {
          const why = opts.offOrigin ? await opts.offOrigin(next) : 'redirects away from the ticket system are not followed'
          if (why) return failed('refused', `redirected to ${next.origin}, refused: ${why}`)
        }
        at = next
        continue
      }
      if (!res.ok) {
        await res.body?.cancel().catch(() => {})
        const retry = res.status === 429 || res.status >= 500
        const retryAfterMs = parseRetryAfter(res.headers.get('retry-after'), Date.now())
        return { ok: false, code: 'http', error: `HTTP ${res.status}`, retry, retryAfterMs }
      }
      const declared = Number(res.headers.get('content-length') ?? NaN)
      if (declared > opts.maxBytes) {
        await res.body?.cancel().catch(() => {})
        return failed('too_large', `${declared} bytes, over the upload limit of ${opts.maxBytes} bytes`)
      }
      return await readBounded(res, opts.maxBytes)
    }
  } catch (e) {
    if (signal.aborted) return failed('timeout', `timed out after ${opts.timeoutMs} ms`, true)
    return failed('network', `network error: ${describe(e)}`, true)
  }
}

export interface GetJsonOptions extends Omit<BoundedFetch, 'maxBytes' | 'offOrigin'> {
  maxBytes?: number
  attempts?: number
  sleep?: (ms: number) => Promise<void>
}

const MAX_API_ANSWER = 8 * 1024 * 1024 // a page of comments is far smaller
const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms))

/**
 * A vendor API answer, parsed with `schema` (tolerant of extra fields); 429, 5xx and network
 * errors are retried. Throws an Error that says what went wrong.
 */
export async function getJson<S extends z.ZodType>(url: string, schema: S, opts: GetJsonOptions): Promise<z.output<S>> {
  const { attempts = 3, sleep = defaultSleep, maxBytes = MAX_API_ANSWER } = opts
  const headers = { accept: 'application/json', ...opts.headers }
  for (let attempt = 1; ; attempt++) {
    const got = await fetchBounded(url, { ...opts, headers, maxBytes })
    if (got.ok) {
      let json: unknown
      try {
        json = JSON.parse(new TextDecoder().decode(got.bytes))
      } catch {
        throw new Error(`GET ${new URL(url).pathname}: the answer is not JSON`)
      }
      const parsed = schema.safeParse(json)
      if (parsed.success) return parsed.data
      const issue = parsed.error.issues[0]
      throw new Error(`GET ${new URL(url).pathname}: unexpected answer at ${issue?.path.join('.') || '(body)'}: ${issue?.message}`)
    }
    if (!got.retry || attempt >= attempts) throw new Error(`GET ${new URL(url).pathname}: ${got.error}`)
    await sleep(Math.min(got.retryAfterMs ?? backoffMs(attempt, 500, 5000, Math.random), 5000))
  }
}
