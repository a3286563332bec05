import { Diagnosis } from '../../schemas/diagnosis.ts'
import { diagnose } from '../analysis/diagnose.ts'
import type { Scope } from '../context.ts'
import { AppError } from '../errors.ts'
import { keys } from '../storage/s3.ts'
import { failIfUnreadable } from './bundles.ts'
import { addEntries, diagnosisEntries } from './catalog.ts'
import { getBundle } from './stored.ts'

const ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/

/** Diagnoses stored bundles and stores the result before anyone is told of it. */
export async function createDiagnosis(scope: Scope, baselineId: string | undefined, suspectId: string): Promise<Diagnosis> {
  const [baseline, suspect] = await Promise.all([baselineId ? getBundle(scope, baselineId) : null, getBundle(scope, suspectId)])
  // One rule with multipart uploads: an unreadable bundle is refused, naming its side.
  if (baseline) failIfUnreadable(baseline, 'baseline')
  failIfUnreadable(suspect, 'suspect')
  const diagnosis = diagnose(baseline, suspect, { id: crypto.randomUUID(), createdAt: new Date().toISOString() })
  await addEntries(scope.storage, diagnosisEntries(scope.tenant, diagnosis)) // entries first: storage/s3.ts
  await scope.storage.putJson(keys.diagnosis(scope.tenant, diagnosis.id), diagnosis)
  return diagnosis
}

export async function getDiagnosis({ storage, tenant }: Pick<Scope, 'storage' | 'tenant'>, id: string): Promise<Diagnosis> {
  const missing = new AppError(404, 'diagnosis_not_found', `no diagnosis ${id}`)
  if (!ID.test(id)) throw missing
  const stored = await storage.getJson(keys.diagnosis(tenant, id))
  if (stored === null) throw missing
  // One stored by an older engine is answered as it was made, not re-shaped.
  const result = Diagnosis.safeParse(stored)
  return result.success ? result.data : (stored as Diagnosis)
}
