import type { Context, MiddlewareHandler } from 'hono'
import { bodyLimit } from 'hono/body-limit'
import { AppError } from './errors.ts'

// Every request body has a limit fit for its route, counted as it streams, and a 413 past it.
// Uploads (raw bundle bodies, multipart forms) are counted by their own readers against
// MAX_UPLOAD_BYTES as they flow on to storage (routes/upload.ts, services/ingest.ts), and ticket
// webhooks against WEBHOOK_BODY_BYTES (routes/integrations.ts); all else is small JSON.

/** A diagnosis request with ten notify targets is under 30 KiB; a completion of 16 parts under 2. */
export const JSON_BODY_BYTES = 64 * 1024

/** True for the routes that count their own bodies as they read them. */
function countsItsOwn(c: Context): boolean {
  const path = c.req.path
  if (path === '/v1/bundles' || path.startsWith('/v1/integrations/')) return true
  const type = (c.req.header('content-type') ?? '').split(';')[0]!.trim().toLowerCase()
  return path === '/v1/diagnoses' && type === 'multipart/form-data'
}

/**
 * hono's body-limit does the counting: a Content-Length over the limit is refused before a byte
 * is read (Node's HTTP parser and workerd hold a body to its declared length), and a chunked body
 * is read up to the limit and no further, on Node and in workerd alike.
 */
export function limitBodies(maxBytes = JSON_BODY_BYTES): MiddlewareHandler {
  const small = bodyLimit({
    maxSize: maxBytes,
    onError: () => {
      throw new AppError(413, 'body_too_large', `the body is over the limit of ${maxBytes} bytes for this route`)
    },
  })
  return async function limitBody(c, next) {
    if (countsItsOwn(c)) return next()
    return small(c, next)
  }
}
