import { BundleSummary, StoredBundle, type BundleMetadata, type ParsedBundle } from '../../schemas/bundle.ts'
import { LIMIT_STATUS } from '../bundle/limits.ts'
import { AppError } from '../errors.ts'
import type { Scope } from '../context.ts'
import { keys } from '../storage/s3.ts'

// Stored bundles: their summaries, and what an unreadable one answers. Ingest is in ingest.ts.

export type UploadMeta = BundleMetadata

export function summaryOf(parsed: ParsedBundle): BundleSummary {
  return BundleSummary.parse(parsed)
}

/** An archive we could not read is kept, and the client told so with a 422. */
export function failIfUnreadable(bundle: ParsedBundle): ParsedBundle {
  if (!bundle.error) return bundle
  const status = bundle.error.code === 'archive_unsupported' ? 415 : (LIMIT_STATUS[bundle.error.code] ?? 422)
  throw new AppError(status, bundle.error.code, `${bundle.error.detail}; the upload is kept as bundle ${bundle.id}`)
}

export async function loadStored({ storage, tenant }: Pick<Scope, 'storage' | 'tenant'>, id: string): Promise<StoredBundle | null> {
  const stored = await storage.getJson(keys.bundleParsed(tenant, id))
  if (stored === null) return null
  const result = StoredBundle.safeParse(stored)
  // A parsed.json from an older engine is unknown: the next upload of those bytes parses them anew.
  return result.success ? result.data : null
}

/** A stored bundle of this tenant, or a 404 (another tenant's bundle does not exist here). */
export async function getBundle(scope: Pick<Scope, 'storage' | 'tenant'>, id: string): Promise<StoredBundle> {
  if (!/^[0-9a-f]{64}$/.test(id)) throw new AppError(404, 'bundle_not_found', `no bundle ${id}`)
  const bundle = await loadStored(scope, id)
  if (!bundle) throw new AppError(404, 'bundle_not_found', `no bundle ${id}`)
  return bundle
}
