import type { StoredBundle } from '../../schemas/bundle.ts'
import type { Scope } from '../context.ts'
import { AppError } from '../errors.ts'
import { loadStored } from './bundles.ts'
import { reparseStored } from './ingest.ts'

// A stored bundle as this engine's sources read it: a parse written by other sources (another
// SOURCES_VERSION) is parsed anew from the raw bytes on its first read, and stored again, so
// every later read finds it current.

/** A stored bundle of this tenant, or a 404 (another tenant's bundle does not exist here). */
export async function getBundle(scope: Scope, id: string): Promise<StoredBundle> {
  if (!/^[0-9a-f]{64}$/.test(id)) throw new AppError(404, 'bundle_not_found', `no bundle ${id}`)
  const loaded = await loadStored(scope, id)
  if (!loaded) throw new AppError(404, 'bundle_not_found', `no bundle ${id}`)
  if (loaded.current) return loaded.bundle
  const renewed = await reparseStored(scope, id, loaded.upload, loaded.bundle)
  if (renewed) return renewed
  if (loaded.bundle) return loaded.bundle // the raw bytes are gone: the old parse is all there is
  throw new AppError(404, 'bundle_not_found', `no bundle ${id}`)
}
