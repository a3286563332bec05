import type { Context } from 'hono'
import { readUpTo } from '../bytes.ts'
import type { AppEnv } from '../context.ts'
import { AppError } from '../errors.ts'
import type { Upload } from '../services/ingest.ts'

// Reading uploads. Raw archive bodies are streamed into ingest, which counts them (a declared
// Content-Length over the limit is refused before a byte is read; one under it is held to by
// ingest); multipart bodies are read here, counted on the stream, then parsed.

export const ARCHIVE_TYPES = new Set([
  'application/gzip',
  'application/x-gzip',
  'application/x-tar',
  'application/zip',
  'application/x-zip-compressed',
  'application/octet-stream',
])

const tooLarge = (max: number) => new AppError(413, 'upload_too_large', `the upload is over the limit of ${max} bytes`)

/** The media type without parameters, lowercased; '' when absent. */
export function mediaType(c: Context): string {
  return (c.req.header('content-type') ?? '').split(';')[0]!.trim().toLowerCase()
}

/** The request body as a stream, with its declared length; an absent body is an empty upload. */
export function rawBody(c: Context<AppEnv>): Upload {
  const body = c.var.ctx.requestBody?.(c.env) ?? c.req.raw.body
  if (!body) throw new AppError(400, 'empty_body', 'the upload is empty')
  const max = c.var.ctx.config.MAX_UPLOAD_BYTES
  const declared = c.req.header('content-length')
  const bytes = declared !== undefined && /^\d{1,15}$/.test(declared) ? Number(declared) : undefined
  if (bytes !== undefined && bytes > max) throw tooLarge(max)
  return { body, bytes }
}

async function readLimited(c: Context<AppEnv>): Promise<Uint8Array<ArrayBuffer>> {
  const max = c.var.ctx.config.MAX_UPLOAD_BYTES
  const bytes = await readUpTo(rawBody(c).body, max) // a declared length over it is refused there
  if (!bytes) throw tooLarge(max)
  return bytes
}

export async function readForm(c: Context<AppEnv>): Promise<Record<string, string | File>> {
  const bytes = await readLimited(c)
  try {
    const form = await new Response(bytes, { headers: { 'content-type': c.req.header('content-type') ?? '' } }).formData()
    const fields: Record<string, string | File> = {}
    form.forEach((value, name) => {
      fields[name] ??= value
    })
    return fields
  } catch {
    throw new AppError(400, 'multipart_malformed', 'the multipart/form-data body could not be read')
  }
}

export function fileStream(field: string | File | undefined, name: string): Upload {
  if (field === undefined) throw new AppError(400, 'field_missing', `multipart field "${name}" is missing`)
  if (typeof field === 'string') throw new AppError(400, 'field_not_file', `multipart field "${name}" must be a file`)
  return { body: field.stream(), bytes: field.size }
}
