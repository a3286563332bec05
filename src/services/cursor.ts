import { createHmac, timingSafeEqual } from 'node:crypto'
import { AppError } from '../errors.ts'

// The opaque `next` of a listing page: where the page ended (a key suffix under the listing's
// prefix), bound to the tenant and the filters it was made for, and signed (HMAC-SHA256 with the
// report-link secret) when the server has one. A cursor that was altered, made for another
// tenant or for other filters is a 400 `cursor_invalid`, never a listing somewhere else.
// (node:crypto is Node's, and workerd's under nodejs_compat.)

interface Claims {
  t: string // tenant
  q: string // the listing and its filters, canonical
  a: string // list after this key suffix
}

const invalid = () =>
  new AppError(400, 'cursor_invalid', 'this cursor is not one this listing gave out for these filters: start again without it')

function sign(secret: string | null, body: string): string {
  return secret ? createHmac('sha256', secret).update(body).digest('base64url') : ''
}

export function encodeCursor(secret: string | null, claims: Claims): string {
  const body = Buffer.from(JSON.stringify(claims)).toString('base64url')
  return `${body}.${sign(secret, body)}`
}

/** The key suffix a cursor lists after; `want` is the tenant and filters of this request. */
export function decodeCursor(secret: string | null, cursor: string, want: Omit<Claims, 'a'>, suffix: RegExp): string {
  const [body, signature, extra] = cursor.split('.')
  if (body === undefined || signature === undefined || extra !== undefined) throw invalid()
  const expected = Buffer.from(sign(secret, body))
  const given = Buffer.from(signature)
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) throw invalid()
  let claims: Partial<Claims>
  try {
    const bytes = Buffer.from(body, 'base64url')
    if (bytes.toString('base64url') !== body) throw invalid() // one encoding only
    claims = JSON.parse(bytes.toString('utf8')) as Partial<Claims>
  } catch {
    throw invalid()
  }
  if (claims.t !== want.t || claims.q !== want.q || typeof claims.a !== 'string' || !suffix.test(claims.a)) throw invalid()
  return claims.a
}
