import type { BundleMetadata, ParsedBundle, StoredBundle } from '../../schemas/bundle.ts'
import { SOURCES_VERSION } from '../bundle/sources.ts'
import { maskSecretsDeep } from '../content/secrets.ts'
import type { Scope } from '../context.ts'
import { keys } from '../storage/s3.ts'
import { addEntries, bundleEntries, removeEntries } from './catalog.ts'

// Filing a parse under its hash: secrets masked first (src/content/secrets.ts; REDACT=off keeps
// them), index entries written before parsed.json (storage/s3.ts says why). The raw bytes are
// not touched: they are the evidence, read only by their tenant.

/**
 * Null when another upload of the same bytes recorded them first (a conditional write: S3, R2);
 * `replace` overwrites a parse made by older sources.
 */
export async function fileBundle(
  scope: Scope,
  bundle: ParsedBundle,
  upload: string,
  metadata: BundleMetadata,
  { replace = false } = {},
): Promise<StoredBundle | null> {
  const stored: StoredBundle = masked(scope, { ...bundle, upload, metadata: definedFields(metadata), parserVersion: SOURCES_VERSION })
  await addEntries(scope.storage, [...bundleEntries(scope.tenant, stored), keys.tenantEntry(scope.tenant)])
  const key = keys.bundleParsed(scope.tenant, stored.id)
  if (!replace) return (await scope.storage.putJsonOnce(key, stored)) ? stored : null
  await scope.storage.putJson(key, stored)
  return stored
}

/**
 * The same bytes sent again: the metadata is merged, the newer value per field, and the host,
 * role and time it decides follow (index entries added before, old ones removed after).
 */
export async function refileBundle(scope: Scope, known: StoredBundle, metadata: BundleMetadata): Promise<StoredBundle> {
  const given = masked(scope, definedFields(metadata))
  const merged = { ...known.metadata, ...given }
  if (Object.entries(given).every(([field, value]) => known.metadata[field as keyof BundleMetadata] === value)) return known
  const next: StoredBundle = {
    ...known,
    metadata: merged,
    host: merged.host ?? known.manifest?.host ?? known.host,
    role: merged.role ?? known.manifest?.role ?? known.role,
  }
  const before = bundleEntries(scope.tenant, known)
  const after = bundleEntries(scope.tenant, next)
  await addEntries(scope.storage, after)
  await scope.storage.putJson(keys.bundleParsed(scope.tenant, next.id), next)
  await removeEntries(
    scope.storage,
    before.filter((key) => !after.includes(key)),
  )
  return next
}

function masked<T>(scope: Scope, value: T): T {
  return scope.redact === false ? value : maskSecretsDeep(value)
}

function definedFields(metadata: BundleMetadata): BundleMetadata {
  return Object.fromEntries(Object.entries(metadata).filter(([, value]) => value !== undefined && value !== ''))
}
