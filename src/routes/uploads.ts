import { Hono } from 'hono'
import { CompleteRequest, UploadRequest } from '../../schemas/uploads.ts'
import type { AppEnv } from '../context.ts'
import { AppError, invalidInput } from '../errors.ts'
import { summaryOf } from '../services/bundles.ts'
import { completeUpload, openUpload } from '../services/uploads.ts'

/** The JSON body; an empty body counts as `{}`. */
async function json(c: { req: { text(): Promise<string> } }): Promise<unknown> {
  const text = await c.req.text()
  try {
    return text.trim() ? JSON.parse(text) : {}
  } catch {
    throw new AppError(400, 'invalid_json', 'the body is not JSON')
  }
}

// Big bundles go straight to storage; memgap only hands out the URLs and reads the result.
// Presigned uploads may be as large as MAX_FILE_BYTES allows for their content, not MAX_UPLOAD_BYTES.
export const uploads = new Hono<AppEnv>()
  .post('/v1/uploads', async (c) => {
    if (c.var.ctx.presignRefused) throw new AppError(503, 'not_configured', c.var.ctx.presignRefused)
    const request = UploadRequest.safeParse(await json(c))
    if (!request.success) throw invalidInput(request.error, 'the upload request')
    return c.json(await openUpload(c.var.scope, request.data, c.var.ctx.config.MAX_UNPACKED_BYTES), 201)
  })
  .post('/v1/uploads/:id/complete', async (c) => {
    const request = CompleteRequest.safeParse(await json(c))
    if (!request.success) throw invalidInput(request.error, 'the completion')
    const { bundle, created } = await completeUpload(
      c.var.scope,
      c.req.param('id'),
      request.data.parts,
      c.var.ctx.config.MAX_UNPACKED_BYTES,
    )
    c.header('Location', `/v1/bundles/${bundle.id}`)
    return c.json(summaryOf(bundle), created ? 201 : 200)
  })
