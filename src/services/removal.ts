import type { Diagnosis } from '../../schemas/diagnosis.ts'
import type { Scope } from '../context.ts'
import { AppError } from '../errors.ts'
import { keys } from '../storage/s3.ts'
import { loadStored } from './bundles.ts'
import { bundleEntries, diagnosisEntries, removeEntries, removePrefix } from './catalog.ts'
import { getDiagnosis } from './diagnoses.ts'

// Deleting what a tenant stored. Listing entries go first, then the record (from then on the id
// answers 404), then the retention entry and the bytes: a delete cut short leaves a record that
// a second DELETE or the retention sweep (its entry is still there) finishes, never bytes or a
// record that nothing can find. Concurrent uploads of the same bytes find either the record
// (and answer 200 for what is then deleted) or nothing, and file a new bundle this leaves alone.

type Store = Pick<Scope, 'storage' | 'tenant'>

/** A bundle: its parse, every index entry naming it (its diagnoses' too), its raw bytes. */
export async function deleteBundle(scope: Store, id: string): Promise<void> {
  const { storage, tenant } = scope
  // As stored, even by older sources: nothing is parsed anew only to be deleted.
  const bundle = /^[0-9a-f]{64}$/.test(id) ? (await loadStored(scope, id))?.bundle : null
  if (!bundle) throw new AppError(404, 'bundle_not_found', `no bundle ${id}`) // not this tenant's
  const [received, ...listed] = bundleEntries(tenant, bundle)
  await removeEntries(storage, listed)
  await removePrefix(storage, keys.index(tenant, `bundle-diagnoses/${id}/`))
  await storage.remove(keys.bundleParsed(tenant, id))
  await removeEntries(storage, [received!])
  await storage.remove(keys.raw(tenant, bundle.upload))
}

/** A diagnosis, its deliveries and its index entries; its report links then answer 404. */
export async function deleteDiagnosis(scope: Store, id: string): Promise<void> {
  const { storage, tenant } = scope
  const diagnosis = await getDiagnosis(scope, id)
  await removeEntries(storage, diagnosisEntries(tenant, diagnosis))
  await storage.remove(keys.diagnosis(tenant, id))
  await storage.remove(keys.deliveries(tenant, id))
}

/**
 * The diagnosis with each side whose bundle has since been deleted marked `deleted`, and a
 * `bundle_deleted` warning (reports show warnings): it is still answered, as it was made.
 */
export async function withDeletedBundles(scope: Store, d: Diagnosis): Promise<Diagnosis> {
  const sides = [['suspect', d.suspect] as const, ...(d.baseline ? [['baseline', d.baseline] as const] : [])]
  const gone = await Promise.all(sides.map(async ([, ref]) => !(await scope.storage.exists(keys.bundleParsed(scope.tenant, ref.bundleId)))))
  if (!gone.includes(true)) return d
  const marked = { ...d, warnings: [...d.warnings] }
  sides.forEach(([side, ref], i) => {
    if (!gone[i]) return
    marked[side] = { ...ref, deleted: true }
    marked.warnings.push({
      code: 'bundle_deleted',
      message: `the ${side} bundle ${ref.bundleId} was deleted after this diagnosis was made: its files can no longer be read`,
    })
  })
  return marked
}
