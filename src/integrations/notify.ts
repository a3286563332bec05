import type { Diagnosis } from '../../schemas/diagnosis.ts'
import type { Delivery, NotifyTarget } from '../../schemas/notify.ts'
import type { Log } from '../observe/log.ts'
import { checkCallbackUrl, type Resolve } from './callback-url.ts'
import { TARGETS } from './chat/index.ts'
import { type AttemptReport, type SendOptions, send } from './send.ts'

// The chat callbacks of one diagnosis: check each URL, build its message, send it, and say what
// happened. Runtime-agnostic (Web APIs only); the caller picks fetch, resolver and timing.

export interface DeliverContext {
  reportUrl: string
  allowPrivate: boolean
  fetch?: typeof fetch
  resolve?: Resolve
  sendOptions?: Omit<SendOptions, 'fetch' | 'check' | 'onAttempt'>
  now?: () => Date
  log?: Log // one line per attempt, the URL redacted
  requestId?: string | null
}

// Query parameters that carry credentials in webhook URLs: DingTalk access_token, WeCom key,
// Teams Workflows sig, and the usual suspects.
const SECRET_PARAM = /^(access_token|token|key|sig|sign|signature|secret|code|api[-_]?key|auth|password|pass|pwd)$/i
// Opaque path tokens (Slack's last segment, Feishu's hook id, workflow ids) are credentials too.
const TOKEN_SEGMENT = /^[A-Za-z0-9_-]{16,}$/

/** The URL as stored and shown: credentials replaced by REDACTED. */
export function redactUrl(raw: string): string {
  let url: URL
  try {
    url = new URL(raw)
  } catch {
    return '(not a valid URL)'
  }
  url.username = ''
  url.password = ''
  url.hash = ''
  url.pathname = url.pathname
    .split('/')
    .map((seg) => (TOKEN_SEGMENT.test(seg) ? 'REDACTED' : seg))
    .join('/')
  const params = [...url.searchParams.keys()]
  for (const key of new Set(params)) if (SECRET_PARAM.test(key)) url.searchParams.set(key, 'REDACTED')
  return url.href
}

/**
 * The first refused callback as a sentence naming its place in `notify`, or null when all pass.
 * Call it before diagnosing: a refused callback is a 400 for the whole request.
 */
export async function validateTargets(targets: NotifyTarget[], allowPrivate: boolean, resolve?: Resolve): Promise<string | null> {
  const checks = await Promise.all(targets.map((t) => checkCallbackUrl(t.url, { allowPrivate, resolve })))
  const index = checks.findIndex((c) => !c.ok)
  if (index < 0) return null
  const refused = checks[index] as { ok: false; reason: string }
  return `notify[${index}] (${targets[index]!.type}): ${refused.reason}`
}

async function deliverOne(d: Diagnosis, target: NotifyTarget, ctx: DeliverContext): Promise<Delivery> {
  const base = { type: target.type, url: redactUrl(target.url) }
  const logAttempt = (report: AttemptReport | (Omit<AttemptReport, 'status'> & { status: 'refused' })) =>
    ctx.log?.({ event: 'delivery', requestId: ctx.requestId ?? null, ...base, ...report })
  const failed = (lastError: string): Delivery => {
    logAttempt({ attempt: 0, status: 'failed', httpStatus: null, error: lastError })
    return { ...base, status: 'failed', attempts: 0, httpStatus: null, lastError, deliveredAt: null }
  }
  try {
    const checked = await checkCallbackUrl(target.url, { allowPrivate: ctx.allowPrivate, resolve: ctx.resolve })
    if (!checked.ok) {
      logAttempt({ attempt: 0, status: 'refused', httpStatus: null, error: checked.reason })
      return { ...base, status: 'refused', attempts: 0, httpStatus: null, lastError: checked.reason, deliveredAt: null }
    }
    const { build, check } = TARGETS[target.type]
    const request = await build(d, {
      url: checked.url.href,
      reportUrl: ctx.reportUrl,
      now: ctx.now?.() ?? new Date(),
      secret: target.secret,
    })
    const result = await send(request, { ...ctx.sendOptions, fetch: ctx.fetch, check, onAttempt: logAttempt })
    return {
      ...base,
      ...result,
      deliveredAt: result.status === 'delivered' ? (ctx.now?.() ?? new Date()).toISOString() : null,
    }
  } catch (e) {
    return failed(`could not build the message: ${e instanceof Error ? e.message : String(e)}`)
  }
}

/** Every target's outcome, in the order given. Never throws; deliveries run in parallel. */
export function deliverAll(d: Diagnosis, targets: NotifyTarget[], ctx: DeliverContext): Promise<Delivery[]> {
  return Promise.all(targets.map((t) => deliverOne(d, t, ctx)))
}
