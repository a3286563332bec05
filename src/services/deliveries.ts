import type { Diagnosis } from '../../schemas/diagnosis.ts'
import { DeliveryRecord, type NotifyTarget } from '../../schemas/notify.ts'
import type { AppContext, Scope } from '../context.ts'
import { AppError } from '../errors.ts'
import { deliverAll, validateTargets } from '../integrations/notify.ts'
import { consoleLog, errorEntry } from '../observe/log.ts'
import { keys } from '../storage/s3.ts'

// Chat callbacks of a diagnosis: checked before anything is done, sent after it is stored,
// their outcomes stored beside it. A failed delivery never fails the diagnosis.

export async function refuseBadTargets(ctx: AppContext, targets: NotifyTarget[]): Promise<void> {
  const reason = await validateTargets(targets, ctx.config.MEMGAP_ALLOW_PRIVATE_CALLBACKS, ctx.resolve)
  if (reason) throw new AppError(400, 'callback_refused', reason)
}

/** Sends to every target and records the outcome; resolves when all have ended. Never throws. */
export async function deliver(ctx: AppContext, scope: Scope, d: Diagnosis, targets: NotifyTarget[], link: string): Promise<void> {
  const key = keys.deliveries(scope.tenant, d.id)
  try {
    await scope.storage.putJson(key, { diagnosisId: d.id, pending: true, deliveries: [] } satisfies DeliveryRecord)
    const deliveries = await deliverAll(d, targets, {
      reportUrl: link,
      allowPrivate: ctx.config.MEMGAP_ALLOW_PRIVATE_CALLBACKS,
      resolve: ctx.resolve,
      // Workers end background work about 30 s after the response: keep retries within that.
      sendOptions: { retries: 2, maxDelayMs: 5000 },
      log: scope.log,
      requestId: scope.requestId,
    })
    await scope.storage.putJson(key, { diagnosisId: d.id, pending: false, deliveries } satisfies DeliveryRecord)
    // Deleted while its callbacks ran: its deliveries go with it.
    if (!(await scope.storage.exists(keys.diagnosis(scope.tenant, d.id)))) await scope.storage.remove(key)
  } catch (error) {
    ;(scope.log ?? consoleLog)(errorEntry(scope.requestId ?? null, `deliveries of diagnosis ${d.id} could not be recorded`, error))
  }
}

export async function getDeliveries(scope: Pick<Scope, 'storage' | 'tenant'>, id: string): Promise<DeliveryRecord> {
  const stored = await scope.storage.getJson(keys.deliveries(scope.tenant, id))
  const result = DeliveryRecord.safeParse(stored)
  return result.success ? result.data : { diagnosisId: id, pending: false, deliveries: [] }
}
