import type { MiddlewareHandler } from 'hono'
import { matchedRoutes } from 'hono/route'
import type { AppEnv } from '../context.ts'
import { type Log, requestIdOf } from './log.ts'

// Every request: an id (the client's X-Request-Id when plain, else a new one), echoed in the
// answer and in problem bodies (app.ts), and one log line when the answer has been handed over,
// with the bytes that really went out (counted when no Content-Length says so).

/** Logs to the context's log once it is attached, to `fallback` when the context could not be made. */
export function observeRequests(fallback: Log): MiddlewareHandler<AppEnv> {
  return async function observeRequest(c, next) {
    const started = performance.now()
    const requestId = requestIdOf(c.req.header('x-request-id'))
    c.set('requestId', requestId)
    const declared = c.req.header('content-length')
    await next()

    const log = c.var.ctx?.log ?? fallback
    const res = c.res
    function finish(bytesOut: number) {
      log({
        event: 'request',
        requestId,
        tenant: c.var.scope?.tenant ?? null,
        method: c.req.method,
        route: routePattern(c),
        status: res.status,
        problem: c.var.problem ?? null,
        bytesIn: declared !== undefined && /^\d+$/.test(declared) ? Number(declared) : null,
        bytesOut,
        ms: Math.round((performance.now() - started) * 10) / 10,
      })
    }
    const length = res.headers.get('content-length')
    // HEAD answers are sent without their body (hono drops it after this middleware): count none.
    const body = c.req.method === 'HEAD' ? null : res.body
    const out = new Response(body && length === null ? counted(body, finish) : res.body, res)
    out.headers.set('x-request-id', requestId)
    c.res = out
    if (!body) finish(0)
    else if (length !== null) finish(Number(length))
  }
}

/** The pattern of the route that answered (`/v1/bundles/:id`), not the path: ids would make every line unique. */
function routePattern(c: Parameters<MiddlewareHandler<AppEnv>>[0]): string | null {
  const routes = matchedRoutes(c).filter((r) => r.method !== 'ALL')
  return routes.at(-1)?.path ?? null
}

/** The body as it was, counting what the client took; `done` once it ended, failed or was cancelled. */
function counted(body: ReadableStream<Uint8Array>, done: (bytes: number) => void): ReadableStream<Uint8Array> {
  const reader = body.getReader()
  let bytes = 0
  let ended = false
  const end = () => {
    if (!ended) done(bytes)
    ended = true
  }
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        const { done: last, value } = await reader.read()
        if (last) {
          controller.close()
          end()
        } else {
          bytes += value.byteLength
          controller.enqueue(value)
        }
      } catch (error) {
        controller.error(error)
        end()
      }
    },
    cancel(reason) {
      end()
      return reader.cancel(reason)
    },
  })
}
