import { type Context, Hono } from 'hono'
import { type KeyRing, keyRing, tenantOf } from './auth.ts'
import { limitBodies } from './body-limit.ts'
import type { AppContext, AppEnv } from './context.ts'
import { AppError, fromStorage } from './errors.ts'
import { consoleLog, errorEntry } from './observe/log.ts'
import { observeRequests } from './observe/requests.ts'
import { rateLimiter } from './rate-limit.ts'
import { bundles } from './routes/bundles.ts'
import { diagnoses } from './routes/diagnoses.ts'
import { health } from './routes/health.ts'
import { integrations } from './routes/integrations.ts'
import { meta } from './routes/meta.ts'
import { metrics } from './routes/metrics.ts'
import { reports } from './routes/reports.ts'
import { uploads } from './routes/uploads.ts'
import { StorageError } from './storage/storage-error.ts'

// The app, runtime-free: entries hand it a way to get the context for their environment.

interface Guard {
  ring: Promise<KeyRing>
  take: ReturnType<typeof rateLimiter>
}

export function createApp(contextFor: (env: unknown) => AppContext | Promise<AppContext>) {
  const app = new Hono<AppEnv>()
  const guards = new WeakMap<AppContext, Guard>()

  function guardOf(ctx: AppContext): Guard {
    let guard = guards.get(ctx)
    if (!guard) {
      guard = { ring: keyRing(ctx.config), take: rateLimiter(ctx.config.RATE_LIMIT_PER_MINUTE) }
      guard.ring.catch(() => guards.delete(ctx)) // a bad config is reported, and re-read next time
      guards.set(ctx, guard)
    }
    return guard
  }

  // Before anything can fail: every request gets its id and its log line, errors included (on the
  // console log when the context itself could not be made).
  app.use(observeRequests(consoleLog))

  app.use(async function attachContext(c, next) {
    c.set('ctx', await contextFor(c.env))
    await next()
  })

  // Every /v1 route: who is asking (the key's tenant), and not too often. The Zendesk and Jira
  // webhooks cannot send our keys: they prove themselves by their signatures instead, land in
  // INTEGRATIONS_TENANT, and are counted only once verified (their routes call `admit`), so that
  // unsigned requests cannot use up that tenant's requests. Failed authentication, by key or by
  // signature, is counted apart, per client address: a flood of bad keys or signatures is
  // answered 429 without touching anyone's limit. The generic ticket webhook takes an API key.
  app.use('/v1/*', async function authenticate(c: Context<AppEnv>, next) {
    const { config, storage, gunzip } = c.var.ctx
    const guard = guardOf(c.var.ctx)
    const failures = `failed-authentication:${c.var.ctx.clientAddress?.(c.env) ?? c.req.header('cf-connecting-ip') ?? 'unknown'}`
    const refuse = (wait: number, what: string) => {
      if (wait > 0) throw new AppError(429, 'rate_limited', `over ${config.RATE_LIMIT_PER_MINUTE} ${what} a minute`, undefined, wait)
    }
    refuse(guard.take(failures, 0), 'failed authentications from this address')
    const integration = c.req.path === '/v1/integrations/zendesk' || c.req.path === '/v1/integrations/jira'
    let tenant = config.INTEGRATIONS_TENANT
    if (!integration) {
      try {
        tenant = await tenantOf(await guard.ring, c.req.header('authorization'))
      } catch (error) {
        if (error instanceof AppError && error.status === 401) guard.take(failures)
        throw error
      }
    }
    const admit = () => refuse(guard.take(tenant), 'requests for this key')
    if (!integration) admit()
    const limits = {
      maxUnpackedBytes: config.MAX_UNPACKED_BYTES,
      maxFileBytes: config.MAX_FILE_BYTES,
      maxFiles: config.MAX_FILES,
      maxCompressionRatio: config.MAX_COMPRESSION_RATIO,
    }
    c.set('scope', { storage, tenant, limits, gunzip, redact: config.REDACT === 'on', log: c.var.ctx.log, requestId: c.var.requestId })
    c.set('admit', integration ? admit : () => {})
    await next()
    if (c.error instanceof AppError && c.error.status === 401) guard.take(failures) // a bad signature
  })

  app.use('/v1/*', limitBodies())

  app.route('/', health)
  app.route('/', meta)
  app.route('/', metrics)
  app.route('/', bundles)
  app.route('/', diagnoses)
  app.route('/', reports)
  app.route('/', integrations)
  app.route('/', uploads)

  /** The methods some route answers on this path: a known path asked with another is a 405, not a 404. */
  function allowedOn(path: string): string[] {
    const answers = (method: string) => app.router.match(method, path)[0].some(([[, route]]) => route.method !== 'ALL')
    const allowed = ROUTE_METHODS.filter(answers)
    return allowed.includes('GET') ? [...allowed, 'HEAD'] : allowed
  }

  app.notFound((c) => {
    const allowed = allowedOn(c.req.path)
    if (allowed.length === 0) return problem(c, new AppError(404, 'not_found', `no route for ${c.req.method} ${c.req.path}`))
    return problem(c, new AppError(405, 'method_not_allowed', `${c.req.path} answers ${allowed.join(', ')}`), { allow: allowed.join(', ') })
  })

  app.onError((error, c) => {
    // Nothing of the upload is kept (ingest aborts its write); one line says so. (ops: log format)
    if (error instanceof AppError && error.code === 'client_closed')
      console.warn(`${c.req.method} ${c.req.path}: ${error.detail}; nothing was stored`)
    if (error instanceof AppError) return problem(c, error)
    if (error instanceof StorageError) return problem(c, fromStorage(error))
    ;(c.var.ctx?.log ?? consoleLog)(errorEntry(c.var.requestId ?? null, 'unhandled error', error))
    return problem(c, new AppError(500, 'internal', 'memgap failed on this request; the error is logged with its request id'))
  })

  return app
}

const ROUTE_METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE']

/** The error as problem+json, with the request's id to quote; the code is kept for the request's log line. */
function problem(c: Context<AppEnv>, error: AppError, extra: Record<string, string> = {}): Response {
  c.set('problem', error.code)
  const headers: Record<string, string> = { 'content-type': 'application/problem+json', ...extra }
  if (error.retryAfter !== undefined) headers['retry-after'] = String(error.retryAfter)
  if (error.status === 401) headers['www-authenticate'] = 'Bearer realm="memgap"'
  // The unread rest of a refused upload makes the connection unusable: tell clients not to reuse it.
  if (error.status === 413) headers.connection = 'close'
  return new Response(JSON.stringify({ ...error.toProblem(), requestId: c.var.requestId }), { status: error.status, headers })
}
