import { PART_BYTES, SINGLE_PUT_LIMIT, UploadTerms, type UploadTicket } from '../../schemas/uploads.ts'
import type { Scope } from '../context.ts'
import { AppError } from '../errors.ts'
import { keys } from '../storage/s3.ts'
import { ingestStored } from './ingest.ts'

// Presigned uploads: memgap hands out URLs to write straight to storage (one PUT, or a multipart
// upload past 100 MiB), then reads the stored object as a stream when the client says it is done.

const VALID_SECONDS = 3600

export async function openUpload(
  scope: Scope,
  { bytes, multipart }: { bytes: number; multipart?: boolean },
  maxBytes: number,
): Promise<UploadTicket> {
  if (bytes > maxBytes) throw new AppError(413, 'upload_too_large', `the bundle is over the limit of ${maxBytes} bytes`)
  const id = crypto.randomUUID()
  const key = keys.incoming(scope.tenant, id)
  const expiresAt = new Date(Date.now() + VALID_SECONDS * 1000).toISOString()
  let ticket: UploadTicket
  let multipartId: string | null = null
  if (bytes <= SINGLE_PUT_LIMIT && !multipart) {
    ticket = {
      id,
      expiresAt,
      put: { url: await scope.storage.presignPut(key, bytes, VALID_SECONDS) },
      parts: null,
      complete: `/v1/uploads/${id}/complete`,
    }
  } else {
    multipartId = await scope.storage.startMultipart(key)
    const count = Math.ceil(bytes / PART_BYTES)
    const parts = await Promise.all(
      Array.from({ length: count }, async (_, i) => {
        const partBytes = Math.min(PART_BYTES, bytes - i * PART_BYTES)
        // Each URL takes exactly its part's length: a client cannot store more than it declared.
        return {
          partNumber: i + 1,
          url: await scope.storage.presignPart(key, multipartId!, i + 1, partBytes, VALID_SECONDS),
          bytes: partBytes,
        }
      }),
    )
    ticket = { id, expiresAt, put: null, parts, complete: `/v1/uploads/${id}/complete` }
  }
  await scope.storage.putJson(keys.upload(scope.tenant, id), { id, bytes, multipartId, expiresAt } satisfies UploadTerms)
  return ticket
}

export async function completeUpload(
  scope: Scope,
  id: string,
  parts: { partNumber: number; etag: string }[] | undefined,
  maxBytes: number,
) {
  const stored = /^[0-9a-f-]{36}$/.test(id) ? await scope.storage.getJson(keys.upload(scope.tenant, id)) : null
  const terms = UploadTerms.safeParse(stored)
  if (!terms.success) throw new AppError(404, 'upload_not_found', `no upload ${id}`)
  if (Date.parse(terms.data.expiresAt) < Date.now()) {
    await scope.storage.remove(keys.upload(scope.tenant, id)).catch(() => {})
    throw new AppError(404, 'upload_not_found', `upload ${id} expired at ${terms.data.expiresAt}`)
  }
  const key = keys.incoming(scope.tenant, id)
  // A retry after a failed read finds the parts already assembled.
  if (terms.data.multipartId && !(await scope.storage.exists(key))) {
    if (!parts?.length) throw new AppError(400, 'invalid_request', 'a multipart upload is completed with the ETag of each part')
    await scope.storage.completeMultipart(key, terms.data.multipartId, parts)
  }
  const result = await ingestStored(scope, id, { maxBytes: Math.min(maxBytes, terms.data.bytes) })
  await scope.storage.remove(keys.upload(scope.tenant, id))
  return result
}
