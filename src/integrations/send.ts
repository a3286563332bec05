import type { OutgoingRequest, ResponseCheck } from './types.ts'

// POSTs one built message: a timeout per attempt, bounded retries with exponential backoff and
// jitter on network errors, timeouts, 429 and 5xx (Retry-After honoured, capped), none on other
// 4xx. Never throws: the outcome is data, stored with the diagnosis.

export interface SendOptions {
  fetch?: typeof fetch
  timeoutMs?: number // per attempt, answer body included
  retries?: number // after the first attempt: at most 1 + retries attempts
  baseDelayMs?: number
  maxDelayMs?: number // also caps Retry-After
  sleep?: (ms: number) => Promise<void>
  random?: () => number // jitter source, for tests
  check?: ResponseCheck
  onAttempt?: (report: AttemptReport) => void // each attempt as it ends, for the log
}

/** One attempt's end: delivered, failed for good, or failed with another attempt to come. */
export interface AttemptReport {
  attempt: number
  status: 'delivered' | 'retrying' | 'failed'
  httpStatus: number | null
  error: string | null
}

export interface SendResult {
  status: 'delivered' | 'failed'
  attempts: number
  httpStatus: number | null
  lastError: string | null
}

type Attempt =
  | { ok: true; httpStatus: number }
  | { ok: false; retry: boolean; httpStatus: number | null; error: string; retryAfterMs?: number }

const MAX_ANSWER_BYTES = 64 * 1024 // vendors answer a few bytes; never buffer a hostile stream

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms))

/** Retry-After as milliseconds from `nowMs`: delta-seconds or an HTTP date; undefined if unreadable. */
export function parseRetryAfter(value: string | null, nowMs: number): number | undefined {
  if (value === null) return undefined
  const v = value.trim()
  if (/^\d+$/.test(v)) return Number(v) * 1000
  const at = /^[A-Za-z]/.test(v) ? Date.parse(v) : NaN // HTTP dates start with the day's name
  return Number.isNaN(at) ? undefined : Math.max(0, at - nowMs)
}

/** Backoff before retry number `retry` (1-based): half fixed, half random, capped. */
export function backoffMs(retry: number, baseDelayMs: number, maxDelayMs: number, random: () => number): number {
  const ceiling = Math.min(maxDelayMs, baseDelayMs * 2 ** (retry - 1))
  return Math.round(ceiling / 2 + (random() * ceiling) / 2)
}

async function readCapped(res: Response): Promise<string> {
  if (!res.body) return ''
  const reader = res.body.getReader()
  const decoder = new TextDecoder()
  let text = ''
  let bytes = 0
  for (;;) {
    const { done, value } = await reader.read()
    if (done) break
    bytes += value.byteLength
    text += decoder.decode(value, { stream: true })
    if (bytes >= MAX_ANSWER_BYTES) {
      await reader.cancel().catch(() => {})
      break
    }
  }
  return text + decoder.decode()
}

const snippet = (text: string) => {
  const t = text.replace(/\s+/g, ' ').trim()
  return t === '' ? '' : `: ${t.length > 200 ? `${t.slice(0, 199)}…` : t}`
}

function describe(e: unknown): string {
  if (!(e instanceof Error)) return String(e)
  const cause = (e as { cause?: unknown }).cause
  const detail = cause instanceof Error ? ` (${(cause as { code?: string }).code ?? cause.message})` : ''
  return `${e.message}${detail}`
}

async function attempt(req: OutgoingRequest, fetchFn: typeof fetch, timeoutMs: number, check?: ResponseCheck): Promise<Attempt> {
  const signal = AbortSignal.timeout(timeoutMs)
  try {
    const headers = { 'user-agent': 'memgap', ...req.headers }
    // Redirects are not followed: a checked public URL must not bounce the request inward.
    const res = await fetchFn(req.url, { method: 'POST', headers, body: req.body, redirect: 'manual', signal })
    const text = await readCapped(res)
    const status = res.status
    if (res.type === 'opaqueredirect' || (status >= 300 && status < 400)) {
      return { ok: false, retry: false, httpStatus: status || null, error: `HTTP ${status}: redirects are not followed` }
    }
    if (status === 429 || status >= 500) {
      const retryAfterMs = parseRetryAfter(res.headers.get('retry-after'), Date.now())
      return { ok: false, retry: true, httpStatus: status, error: `HTTP ${status}${snippet(text)}`, retryAfterMs }
    }
    if (status < 200 || status >= 300) return { ok: false, retry: false, httpStatus: status, error: `HTTP ${status}${snippet(text)}` }
    let verdict: ReturnType<ResponseCheck>
    try {
      verdict = check?.(res, text) ?? null
    } catch (e) {
      verdict = `could not read the answer: ${describe(e)}`
    }
    if (verdict === null) return { ok: true, httpStatus: status }
    if (typeof verdict === 'string') return { ok: false, retry: false, httpStatus: status, error: verdict }
    const retryAfterMs = parseRetryAfter(res.headers.get('retry-after'), Date.now())
    return { ok: false, retry: verdict.retry, httpStatus: status, error: verdict.error, retryAfterMs }
  } catch (e) {
    if (signal.aborted) return { ok: false, retry: true, httpStatus: null, error: `timed out after ${timeoutMs} ms` }
    return { ok: false, retry: true, httpStatus: null, error: `network error: ${describe(e)}` }
  }
}

export async function send(req: OutgoingRequest, opts: SendOptions = {}): Promise<SendResult> {
  const {
    fetch: fetchFn = globalThis.fetch,
    timeoutMs = 5000,
    retries = 3,
    baseDelayMs = 500,
    maxDelayMs = 10_000,
    sleep = defaultSleep,
    random = Math.random,
    check,
    onAttempt,
  } = opts
  let attempts = 0
  let httpStatus: number | null = null
  let lastError: string | null = null
  try {
    for (;;) {
      attempts++
      const result = await attempt(req, fetchFn, timeoutMs, check)
      httpStatus = result.httpStatus
      if (result.ok) {
        onAttempt?.({ attempt: attempts, status: 'delivered', httpStatus, error: null })
        return { status: 'delivered', attempts, httpStatus, lastError: null }
      }
      lastError = result.error
      const again = result.retry && attempts <= retries
      onAttempt?.({ attempt: attempts, status: again ? 'retrying' : 'failed', httpStatus, error: lastError })
      if (!again) break
      const wait = result.retryAfterMs ?? backoffMs(attempts, baseDelayMs, maxDelayMs, random)
      await sleep(Math.min(wait, maxDelayMs))
    }
  } catch (e) {
    lastError = `could not send: ${describe(e)}` // a throwing sleep or check: still an outcome
    onAttempt?.({ attempt: attempts, status: 'failed', httpStatus, error: lastError })
  }
  return { status: 'failed', attempts, httpStatus, lastError }
}
