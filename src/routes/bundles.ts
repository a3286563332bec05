import { Hono } from 'hono'
import { BundleMetadata } from '../../schemas/bundle.ts'
import { BundleListQuery } from '../../schemas/catalog.ts'
import type { AppEnv } from '../context.ts'
import { AppError, invalidInput } from '../errors.ts'
import { summaryOf, type UploadMeta } from '../services/bundles.ts'
import { listBundles } from '../services/catalog.ts'
import type { Upload } from '../services/ingest.ts'
import { ingestStream } from '../services/ingest.ts'
import { deleteBundle } from '../services/removal.ts'
import { getBundle } from '../services/stored.ts'
import { keys } from '../storage/s3.ts'
import { ARCHIVE_TYPES, fileStream, mediaType, rawBody, readForm } from './upload.ts'

function parseMetadata(field: string | File | undefined): UploadMeta {
  if (field === undefined) return {}
  if (typeof field !== 'string') throw new AppError(400, 'invalid_request', 'multipart field "metadata" must be JSON text')
  let json: unknown
  try {
    json = JSON.parse(field)
  } catch {
    throw new AppError(400, 'invalid_json', 'multipart field "metadata" is not JSON')
  }
  const result = BundleMetadata.safeParse(json)
  if (!result.success) throw invalidInput(result.error, 'metadata')
  return result.data
}

export const bundles = new Hono<AppEnv>()
  .get('/v1/bundles', async (c) => {
    const query = BundleListQuery.safeParse(c.req.query())
    if (!query.success) throw invalidInput(query.error, 'the listing query')
    return c.json(await listBundles(c.var.scope, c.var.ctx.linkSecret, query.data))
  })
  .post('/v1/bundles', async (c) => {
    const type = mediaType(c)
    let body: Upload
    let meta: UploadMeta = {}
    if (type === 'multipart/form-data') {
      const form = await readForm(c)
      body = fileStream(form.bundle, 'bundle')
      meta = parseMetadata(form.metadata)
    } else if (ARCHIVE_TYPES.has(type)) {
      body = rawBody(c)
    } else {
      throw new AppError(
        415,
        'unsupported_media_type',
        `send the archive as ${[...ARCHIVE_TYPES][0]} or multipart/form-data, not "${type || 'nothing'}"`,
      )
    }
    const { bundle, created } = await ingestStream(c.var.scope, body, { ...meta, maxBytes: c.var.ctx.config.MAX_UPLOAD_BYTES })
    c.header('Location', `/v1/bundles/${bundle.id}`)
    return c.json(summaryOf(bundle), created ? 201 : 200)
  })
  .get('/v1/bundles/:id', async (c) => c.json(summaryOf(await getBundle(c.var.scope, c.req.param('id')))))
  .delete('/v1/bundles/:id', async (c) => {
    await deleteBundle(c.var.scope, c.req.param('id'))
    return c.body(null, 204)
  })
  .get('/v1/bundles/:id/raw', async (c) => {
    const id = c.req.param('id')
    const { storage, tenant } = c.var.scope
    const { upload } = await getBundle(c.var.scope, id) // 404 for what is not a bundle of this tenant
    const raw = await storage.get(keys.raw(tenant, upload))
    if (!raw) throw new AppError(404, 'bundle_not_found', `no raw bytes for bundle ${id}`)
    return c.body(raw.body, 200, {
      'content-type': 'application/octet-stream',
      'content-length': String(raw.bytes),
      'content-disposition': `attachment; filename="${id}.bundle"`,
    })
  })
