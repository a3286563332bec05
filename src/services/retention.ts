import type { Retention } from '../../schemas/config.ts'
import { AppError } from '../errors.ts'
import { keys, type Storage } from '../storage/s3.ts'
import { bundlesReceivedBefore, diagnosesCreatedBefore } from './catalog.ts'
import { deleteBundle, deleteDiagnosis } from './removal.ts'

// RETENTION_DAYS, enforced: a sweep deletes each tenant's bundles uploaded and diagnoses made
// longer ago than its days, whole (record, index entries, bytes) as DELETE does. Run by a Cron
// Trigger on Workers (entry/worker.ts) and a timer on Node (startSweeper below). A run deletes at
// most `budget` things (Workers bound a run's subrequests); the next run goes on from there.

const DAY_MS = 86_400_000

export interface SweepResult {
  bundles: number
  diagnoses: number
}

export function retentionDays(policy: Retention | undefined, tenant: string): number | null {
  return policy?.tenants[tenant] ?? policy?.days ?? null
}

export async function sweep(storage: Storage, policy: Retention | undefined, now = Date.now(), budget = 200): Promise<SweepResult> {
  const done: SweepResult = { bundles: 0, diagnoses: 0 }
  if (!policy) return done
  for (const tenant of await tenants(storage)) {
    const days = retentionDays(policy, tenant)
    if (days === null) continue
    const cutoff = now - days * DAY_MS
    const scope = { storage, tenant }
    const left = () => budget - done.bundles - done.diagnoses
    for (const { id, entry } of left() > 0 ? await bundlesReceivedBefore(storage, tenant, cutoff, left()) : []) {
      // An entry whose bundle is gone (a delete cut short) is removed on its own.
      await deleteBundle(scope, id).catch((e: unknown) => (isMissing(e) ? storage.remove(entry) : Promise.reject(e)))
      done.bundles++
    }
    for (const { id, entry } of left() > 0 ? await diagnosesCreatedBefore(storage, tenant, cutoff, left()) : []) {
      await deleteDiagnosis(scope, id).catch((e: unknown) => (isMissing(e) ? storage.remove(entry) : Promise.reject(e)))
      done.diagnoses++
    }
  }
  return done
}

const isMissing = (e: unknown) => e instanceof AppError && e.status === 404

/** Every tenant that has stored a bundle (their entries under v1/index/tenants/). */
async function tenants(storage: Storage): Promise<string[]> {
  const prefix = keys.tenantEntry('')
  const names: string[] = []
  for (let after: string | undefined; ; ) {
    const page = await storage.list(prefix, { startAfter: after, max: 1000 })
    names.push(...page.keys.map((k) => k.slice(prefix.length)))
    if (!page.more || page.keys.length === 0) return names
    after = page.keys.at(-1)
  }
}

/** Node: a sweep at start and every `everyMs` after, until stopped; failures are logged and retried next time. */
export function startSweeper(storage: Storage, policy: Retention, everyMs = 3_600_000): { stop(): Promise<void> } {
  let running: Promise<unknown> = Promise.resolve()
  const run = () => {
    running = sweep(storage, policy).catch((error: unknown) => console.error('retention sweep failed; next run in an hour', error))
  }
  run()
  const timer = setInterval(run, everyMs)
  timer.unref?.()
  return {
    async stop() {
      clearInterval(timer)
      await running
    },
  }
}
