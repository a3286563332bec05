import type { Context } from 'hono'
import { bodyLimit } from 'hono/body-limit'
import { AppError } from '../errors.ts'
import type { AppEnv } from '../context.ts'

// Reading uploads: the size limit is counted on the stream, not taken from Content-Length.

export const ARCHIVE_TYPES = new Set([
  'application/gzip',
  'application/x-gzip',
  'application/x-tar',
  'application/zip',
  'application/x-zip-compressed',
  'application/octet-stream',
])

export function uploadLimit() {
  return async function limitUpload(c: Context<AppEnv>, next: () => Promise<void>) {
    const maxSize = c.var.ctx.config.MAX_UPLOAD_BYTES
    const limit = bodyLimit({
      maxSize,
      onError: () => {
        throw new AppError(413, 'upload_too_large', `the upload is over the limit of ${maxSize} bytes`)
      },
    })
    return limit(c, next)
  }
}

/** The media type without parameters, lowercased; '' when absent. */
export function mediaType(c: Context): string {
  return (c.req.header('content-type') ?? '').split(';')[0]!.trim().toLowerCase()
}

export async function readForm(c: Context): Promise<Record<string, string | File>> {
  try {
    return (await c.req.parseBody({ all: false })) as Record<string, string | File>
  } catch (error) {
    if (error instanceof AppError) throw error
    throw new AppError(400, 'multipart_malformed', 'the multipart/form-data body could not be read')
  }
}

export async function fileBytes(field: string | File | undefined, name: string): Promise<Uint8Array> {
  if (field === undefined) throw new AppError(400, 'field_missing', `multipart field "${name}" is missing`)
  if (typeof field === 'string') throw new AppError(400, 'field_not_file', `multipart field "${name}" must be a file`)
  return new Uint8Array(await field.arrayBuffer())
}
