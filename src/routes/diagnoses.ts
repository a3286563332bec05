import { Hono } from 'hono'
import { DiagnosisRequest } from '../../schemas/diagnosis.ts'
import type { AppEnv } from '../context.ts'
import { AppError, invalidInput } from '../errors.ts'
import { ingestBundle } from '../services/bundles.ts'
import { createDiagnosis, getDiagnosis } from '../services/diagnoses.ts'
import { fileBytes, mediaType, readForm, uploadLimit } from './upload.ts'

export const diagnoses = new Hono<AppEnv>()
  .post('/v1/diagnoses', uploadLimit(), async (c) => {
    const scope = c.var.scope
    const type = mediaType(c)
    let ids: { baseline?: string; suspect: string }
    if (type === 'multipart/form-data') {
      // One-shot curl use: the archives in one request, each stored as a bundle first.
      const form = await readForm(c)
      const suspect = await ingestBundle(scope, await fileBytes(form.suspect, 'suspect'), {})
      const baseline = form.baseline === undefined ? null : await ingestBundle(scope, await fileBytes(form.baseline, 'baseline'), {})
      ids = { baseline: baseline?.bundle.id, suspect: suspect.bundle.id }
    } else if (type === 'application/json') {
      let json: unknown
      try {
        json = await c.req.json()
      } catch {
        throw new AppError(400, 'invalid_json', 'the body is not JSON')
      }
      const result = DiagnosisRequest.safeParse(json)
      if (!result.success) throw invalidInput(result.error, 'the diagnosis request')
      ids = result.data
    } else {
      throw new AppError(415, 'unsupported_media_type', 'send application/json with bundle ids, or multipart/form-data with files suspect and (optionally) baseline')
    }
    const diagnosis = await createDiagnosis(scope, ids.baseline, ids.suspect)
    c.header('Location', `/v1/diagnoses/${diagnosis.id}`)
    return c.json(diagnosis, 201)
  })
  .get('/v1/diagnoses/:id', async (c) => c.json(await getDiagnosis(c.var.scope, c.req.param('id'))))
