import { Diagnosis } from '../../schemas/diagnosis.ts'
import { diagnose } from '../analysis/diagnose.ts'
import { AppError } from '../errors.ts'
import { keys, type Storage } from '../storage/s3.ts'
import { getBundle } from './bundles.ts'

const ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/

/** Diagnoses stored bundles and stores the result before anyone is told of it. */
export async function createDiagnosis(storage: Storage, baselineId: string | undefined, suspectId: string): Promise<Diagnosis> {
  const [baseline, suspect] = await Promise.all([baselineId ? getBundle(storage, baselineId) : null, getBundle(storage, suspectId)])
  const diagnosis = diagnose(baseline, suspect, { id: crypto.randomUUID(), createdAt: new Date().toISOString() })
  await storage.putJson(keys.diagnosis(diagnosis.id), diagnosis)
  return diagnosis
}

export async function getDiagnosis(storage: Storage, id: string): Promise<Diagnosis> {
  const missing = new AppError(404, 'diagnosis_not_found', `no diagnosis ${id}`)
  if (!ID.test(id)) throw missing
  const stored = await storage.getJson(keys.diagnosis(id))
  if (stored === null) throw missing
  // One stored by an older engine is answered as it was made, not re-shaped.
  const result = Diagnosis.safeParse(stored)
  return result.success ? result.data : (stored as Diagnosis)
}
