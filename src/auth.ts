import type { Config } from '../schemas/config.ts'
import { AppError, notConfigured } from './errors.ts'

// API keys: `tenant:key` pairs from MEMGAP_API_KEYS (a Worker secret in production). A request
// names its key as `Authorization: Bearer <key>`; the key decides the tenant, and the tenant the
// storage prefix. Keys are compared as SHA-256 digests in constant time, against every key.

export const ANONYMOUS_TENANT = 'public'
const TENANT = /^[a-z0-9][a-z0-9_-]{0,62}$/

export interface KeyRing {
  entries: { tenant: string; digest: Uint8Array }[]
  anonymous: boolean
}

async function digest(text: string): Promise<Uint8Array> {
  return new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text)))
}

export async function keyRing(config: Config): Promise<KeyRing> {
  const pairs = (config.MEMGAP_API_KEYS ?? '').split(/[\n,]/).map((p) => p.trim()).filter(Boolean)
  const entries: KeyRing['entries'] = []
  for (const pair of pairs) {
    const at = pair.indexOf(':')
    const tenant = pair.slice(0, at)
    const key = pair.slice(at + 1)
    if (at < 1 || !TENANT.test(tenant) || key.length < 16) {
      throw notConfigured('MEMGAP_API_KEYS holds an entry that is not tenant:key (tenant a-z0-9_-, key 16+ characters)')
    }
    entries.push({ tenant, digest: await digest(key) })
  }
  return { entries, anonymous: entries.length === 0 && config.MEMGAP_ANONYMOUS }
}

function sameDigest(a: Uint8Array, b: Uint8Array): boolean {
  let diff = a.length ^ b.length
  for (let i = 0; i < a.length; i++) diff |= a[i]! ^ (b[i] ?? 0)
  return diff === 0
}

/** The tenant of a request, or a 401/500 problem. */
export async function tenantOf(ring: KeyRing, authorization: string | undefined): Promise<string> {
  if (ring.anonymous) return ANONYMOUS_TENANT
  if (ring.entries.length === 0) {
    throw notConfigured('no API keys are configured: set MEMGAP_API_KEYS, or MEMGAP_ANONYMOUS=true for an open server')
  }
  const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? '')
  if (!match) throw new AppError(401, 'unauthorized', 'send an API key as Authorization: Bearer <key>')
  const presented = await digest(match[1]!)
  let tenant: string | null = null
  for (const entry of ring.entries) if (sameDigest(entry.digest, presented) && tenant === null) tenant = entry.tenant
  if (tenant === null) throw new AppError(401, 'unauthorized', 'the API key is not valid')
  return tenant
}

/** Whether a presented secret is the configured one, compared as SHA-256 digests in constant time. */
export async function sameSecret(presented: string, configured: string): Promise<boolean> {
  return sameDigest(await digest(presented), await digest(configured))
}
