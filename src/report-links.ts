import { AppError } from './errors.ts'

// Report links for chat and tickets: PUBLIC_BASE_URL/r/<token>, where the token names a tenant's
// diagnosis and an expiry, signed with HMAC-SHA256 (REPORT_LINK_SECRET). Whoever has the link
// sees that one report until it expires, and never needs the API key.

interface LinkClaims {
  t: string // tenant
  d: string // diagnosis id
  e: number // expiry, unix seconds
}

const encoder = new TextEncoder()

function base64url(bytes: Uint8Array): string {
  return btoa(String.fromCharCode(...bytes))
    .replace(/\+/g, '-')
    .replace(/\//g, '_')
    .replace(/=+$/, '')
}

/**
 * Only the one encoding base64url() gives: its alphabet, no padding, and no spare bits set in the
 * last character (atob ignores them), so that a token has exactly one spelling.
 */
function fromBase64url(text: string): Uint8Array {
  if (!/^[A-Za-z0-9_-]*$/.test(text) || text.length % 4 === 1) throw new Error('not base64url')
  const bytes = Uint8Array.from(atob(text.replace(/-/g, '+').replace(/_/g, '/') + '='.repeat((4 - (text.length % 4)) % 4)), (c) =>
    c.charCodeAt(0),
  )
  if (base64url(bytes) !== text) throw new Error('not canonical base64url')
  return bytes
}

async function hmac(secret: string, message: string): Promise<Uint8Array> {
  const key = await crypto.subtle.importKey('raw', encoder.encode(secret), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign'])
  return new Uint8Array(await crypto.subtle.sign('HMAC', key, encoder.encode(message)))
}

export async function signReportLink(
  secret: string,
  tenant: string,
  diagnosisId: string,
  ttlDays: number,
  now = Date.now(),
): Promise<string> {
  const claims: LinkClaims = { t: tenant, d: diagnosisId, e: Math.floor(now / 1000 + ttlDays * 86400) }
  const body = base64url(encoder.encode(JSON.stringify(claims)))
  return `${body}.${base64url(await hmac(secret, body))}`
}

/** The tenant and diagnosis a token names, or a 404 (a bad or expired link reveals nothing). */
export async function verifyReportLink(secret: string, token: string, now = Date.now()): Promise<{ tenant: string; diagnosisId: string }> {
  const invalid = new AppError(404, 'report_link_invalid', 'this report link is not valid or has expired')
  const [body, signature, extra] = token.split('.')
  if (!body || !signature || extra !== undefined || token.length > 1024) throw invalid
  let expected: Uint8Array
  let given: Uint8Array
  let claims: LinkClaims
  try {
    expected = await hmac(secret, body)
    given = fromBase64url(signature)
    claims = JSON.parse(new TextDecoder().decode(fromBase64url(body))) as LinkClaims
  } catch {
    throw invalid
  }
  let diff = expected.length ^ given.length
  for (let i = 0; i < expected.length; i++) diff |= expected[i]! ^ (given[i] ?? 0)
  if (diff !== 0 || typeof claims.t !== 'string' || typeof claims.d !== 'string' || !(claims.e * 1000 > now)) throw invalid
  return { tenant: claims.t, diagnosisId: claims.d }
}
