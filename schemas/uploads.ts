import { z } from 'zod'

// Presigned uploads: the client sends big bundles straight to storage, then asks memgap to read them.

const MiB = 1024 * 1024
export const SINGLE_PUT_LIMIT = 100 * MiB // above this, a multipart upload
export const PART_BYTES = 64 * MiB

/** POST /v1/uploads */
export const UploadRequest = z.object({
  bytes: z.number().int().positive(), // the bundle's size, so the right kind of upload is made
  filename: z.string().max(256).optional(),
  multipart: z.boolean().optional(), // parts even below 100 MiB (resumable)
})

/** What a presigned upload was promised; stored until it is completed. */
export const UploadTerms = z.object({
  id: z.uuid(),
  bytes: z.number().int().positive(),
  multipartId: z.string().nullable(),
  expiresAt: z.string(),
})
export type UploadTerms = z.infer<typeof UploadTerms>

export const UploadTicket = z.object({
  id: z.uuid(),
  expiresAt: z.string(),
  // One PUT of the whole bundle, or one PUT per part (each part's ETag goes back on complete).
  put: z.object({ url: z.string() }).nullable(),
  parts: z.array(z.object({ partNumber: z.number().int(), url: z.string(), bytes: z.number().int() })).nullable(),
  complete: z.string(), // POST here when the bytes are up
})
export type UploadTicket = z.infer<typeof UploadTicket>

/** POST /v1/uploads/{id}/complete: for a multipart upload, the ETag storage answered for each part. */
export const CompleteRequest = z.object({
  parts: z.array(z.object({ partNumber: z.number().int().positive(), etag: z.string().min(1) })).optional(),
})
