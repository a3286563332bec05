import { StoredBundle } from '../../schemas/bundle.ts'
import { addEntries, bundleEntries, removeEntries } from '../../src/services/catalog.ts'
import { keys, type Storage } from '../../src/storage/s3.ts'

/**
 * Makes a stored bundle one uploaded `days` ago, as retention sees it: its parse and its index
 * entries rewritten with that upload time (a test cannot wait a month).
 */
export async function ageBundle(storage: Storage, tenant: string, id: string, days: number): Promise<void> {
  const stored = StoredBundle.parse(await storage.getJson(keys.bundleParsed(tenant, id)))
  const old: StoredBundle = { ...stored, receivedAt: new Date(Date.now() - days * 86_400_000).toISOString() }
  await removeEntries(storage, bundleEntries(tenant, stored))
  await addEntries(storage, bundleEntries(tenant, old))
  await storage.putJson(keys.bundleParsed(tenant, id), old)
}
