import { type Context, Hono } from 'hono'
import type { z } from 'zod'
import { DiagnosisListQuery } from '../../schemas/catalog.ts'
import { DiagnosisRequest } from '../../schemas/diagnosis.ts'
import { Notify, type NotifyTarget } from '../../schemas/notify.ts'
import type { AppEnv } from '../context.ts'
import { AppError, invalidInput } from '../errors.ts'
import { HTML_CSP } from '../render/index.ts'
import { listDiagnoses } from '../services/catalog.ts'
import { deliver, getDeliveries, refuseBadTargets } from '../services/deliveries.ts'
import { createDiagnosis, getDiagnosis } from '../services/diagnoses.ts'
import { ingestStream } from '../services/ingest.ts'
import { deleteDiagnosis, withDeletedBundles } from '../services/removal.ts'
import { CONTENT_TYPES, negotiate, render, reportUrl } from '../services/reports.ts'
import { fileStream, mediaType, readForm } from './upload.ts'

const JsonRequest = DiagnosisRequest.extend({ notify: Notify.optional() })

function notifyField(field: string | File | undefined): NotifyTarget[] {
  if (field === undefined) return []
  if (typeof field !== 'string') throw new AppError(400, 'invalid_request', 'multipart field "notify" must be JSON text')
  let json: unknown
  try {
    json = JSON.parse(field)
  } catch {
    throw new AppError(400, 'invalid_json', 'multipart field "notify" is not JSON')
  }
  const result = Notify.safeParse(json)
  if (!result.success) throw invalidInput(result.error, 'notify')
  return result.data
}

async function readJson(c: Context): Promise<z.infer<typeof JsonRequest>> {
  let json: unknown
  try {
    json = await c.req.json()
  } catch {
    throw new AppError(400, 'invalid_json', 'the body is not JSON')
  }
  const result = JsonRequest.safeParse(json)
  if (!result.success) throw invalidInput(result.error, 'the diagnosis request')
  return result.data
}

/** Background work: Workers keep it alive past the response; Node just lets it run. */
function defer(c: Context, work: Promise<void>): void {
  try {
    c.executionCtx.waitUntil(work)
  } catch {
    void work
  }
}

/** A refused upload says which form field it came in (storage failures stay as they are). */
async function naming<T>(field: string, work: () => Promise<T>): Promise<T> {
  try {
    return await work()
  } catch (error) {
    if (!(error instanceof AppError) || error.status >= 500 || error.detail.startsWith(`field "${field}"`)) throw error
    throw new AppError(error.status, error.code, `field "${field}": ${error.detail}`, error.issues, error.retryAfter)
  }
}

export const diagnoses = new Hono<AppEnv>()
  .get('/v1/diagnoses', async (c) => {
    const query = DiagnosisListQuery.safeParse(c.req.query())
    if (!query.success) throw invalidInput(query.error, 'the listing query')
    return c.json(await listDiagnoses(c.var.scope, c.var.ctx.linkSecret, query.data))
  })
  .post('/v1/diagnoses', async (c) => {
    const { ctx, scope } = c.var
    const type = mediaType(c)
    let ids: { baseline?: string; suspect: string }
    let targets: NotifyTarget[]
    if (type === 'multipart/form-data') {
      // One-shot curl use: the archives in one request, each stored as a bundle first.
      const form = await readForm(c)
      targets = notifyField(form.notify)
      await refuseBadTargets(ctx, targets)
      const maxBytes = ctx.config.MAX_UPLOAD_BYTES
      const suspect = await naming('suspect', () => ingestStream(scope, fileStream(form.suspect, 'suspect'), { maxBytes }))
      const baseline =
        form.baseline === undefined
          ? null
          : await naming('baseline', () => ingestStream(scope, fileStream(form.baseline, 'baseline'), { maxBytes }))
      ids = { baseline: baseline?.bundle.id, suspect: suspect.bundle.id }
    } else if (type === 'application/json') {
      const request = await readJson(c)
      targets = request.notify ?? []
      await refuseBadTargets(ctx, targets)
      ids = request
    } else {
      throw new AppError(
        415,
        'unsupported_media_type',
        'send application/json with bundle ids, or multipart/form-data with files suspect and (optionally) baseline',
      )
    }
    const diagnosis = await createDiagnosis(scope, ids.baseline, ids.suspect)
    if (targets.length) {
      const link = await reportUrl(ctx, scope.tenant, diagnosis.id)
      defer(c, deliver(ctx, scope, diagnosis, targets, link))
    }
    c.header('Location', `/v1/diagnoses/${diagnosis.id}`)
    return c.json(diagnosis, 201)
  })
  .get('/v1/diagnoses/:id', async (c) => {
    const format = negotiate(c.req.query('format'), c.req.header('accept'))
    if (!format) throw new AppError(400, 'invalid_format', 'format is one of json, html, md, text')
    const diagnosis = await withDeletedBundles(c.var.scope, await getDiagnosis(c.var.scope, c.req.param('id')))
    c.header('Vary', 'Accept')
    if (format === 'json') return c.json(diagnosis)
    const link = await reportUrl(c.var.ctx, c.var.scope.tenant, diagnosis.id)
    if (format === 'html') c.header('Content-Security-Policy', HTML_CSP)
    return c.body(render(diagnosis, format, link), 200, { 'content-type': CONTENT_TYPES[format] })
  })
  .delete('/v1/diagnoses/:id', async (c) => {
    await deleteDiagnosis(c.var.scope, c.req.param('id'))
    return c.body(null, 204)
  })
  .get('/v1/diagnoses/:id/deliveries', async (c) => {
    const diagnosis = await getDiagnosis(c.var.scope, c.req.param('id')) // 404 for another tenant's
    return c.json(await getDeliveries(c.var.scope, diagnosis.id))
  })
