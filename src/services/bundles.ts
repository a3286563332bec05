import { BundleSummary, ParsedBundle } from '../../schemas/bundle.ts'
import { LIMIT_STATUS } from '../bundle/limits.ts'
import { readBundle } from '../bundle/read.ts'
import { AppError } from '../errors.ts'
import type { Scope } from '../context.ts'
import { keys } from '../storage/s3.ts'

// Ingest: hash, store the raw bytes, then parse, then store what was parsed. The order is the
// point: an upload that breaks the parser is still kept, and a retry finds it by its hash.

export interface UploadMeta {
  host?: string
  role?: string
}

export async function sha256Hex(bytes: Uint8Array): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', bytes as Uint8Array<ArrayBuffer>)
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('')
}

export function summaryOf(parsed: ParsedBundle): BundleSummary {
  return BundleSummary.parse(parsed)
}

/** Stores and parses an upload held in memory (ticket attachments): the streaming path, fed at once. */
export async function ingestBundle(scope: Scope, raw: Uint8Array, meta: UploadMeta): Promise<{ bundle: ParsedBundle; created: boolean }> {
  const { ingestStream } = await import('./ingest.ts')
  return ingestStream(scope, new Blob([raw as Uint8Array<ArrayBuffer>]).stream(), { ...meta, maxBytes: Number.MAX_SAFE_INTEGER })
}

/** An archive we could not read is kept, and the client told so with a 422. */
export function failIfUnreadable(bundle: ParsedBundle): ParsedBundle {
  if (!bundle.error) return bundle
  const status = bundle.error.code === 'archive_unsupported' ? 415 : (LIMIT_STATUS[bundle.error.code] ?? 422)
  throw new AppError(status, bundle.error.code, `${bundle.error.detail}; the upload is kept as bundle ${bundle.id}`)
}

export async function loadParsed({ storage, tenant }: Pick<Scope, 'storage' | 'tenant'>, id: string): Promise<ParsedBundle | null> {
  const stored = await storage.getJson(keys.bundleParsed(tenant, id))
  if (stored === null) return null
  const result = ParsedBundle.safeParse(stored)
  // A parsed.json from an older engine is re-made from the raw bytes, which are the truth.
  return result.success ? result.data : null
}

/** A stored bundle of this tenant, or a 404 (another tenant's bundle does not exist here). */
export async function getBundle(scope: Pick<Scope, 'storage' | 'tenant'>, id: string): Promise<ParsedBundle> {
  if (!/^[0-9a-f]{64}$/.test(id)) throw new AppError(404, 'bundle_not_found', `no bundle ${id}`)
  const bundle = await loadParsed(scope, id)
  if (!bundle) throw new AppError(404, 'bundle_not_found', `no bundle ${id}`)
  return bundle
}
