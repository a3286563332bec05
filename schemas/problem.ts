import { z } from 'zod'

/** Why an archive could not be read: raised below HTTP (src/bundle/), stored in parsed.json. */
export const ArchiveErrorCode = z.enum([
  'archive_corrupt',
  'archive_unsupported',
  'compression_ratio',
  'file_too_large',
  'too_many_files',
  'unpacked_too_large',
])
export type ArchiveErrorCode = z.infer<typeof ArchiveErrorCode>

/** What storage fails with, raised below HTTP (src/storage/); src/errors.ts maps it to a status. */
export const StorageErrorCode = z.enum(['storage_unavailable', 'invalid_parts', 'length_mismatch'])
export type StorageErrorCode = z.infer<typeof StorageErrorCode>

/**
 * Every error code the API answers with, in one list: what programs match on. Warnings
 * (schemas/warning.ts) are not errors and have codes of their own, none of these.
 */
export const ErrorCode = z.enum([
  ...ArchiveErrorCode.options,
  ...StorageErrorCode.options,
  'attachment_refused',
  'body_too_large',
  'bundle_not_found',
  'callback_refused',
  'client_closed',
  'cursor_invalid',
  'diagnosis_not_found',
  'empty_body',
  'field_missing',
  'field_not_file',
  'internal',
  'invalid_format',
  'invalid_json',
  'invalid_request',
  'method_not_allowed',
  'multipart_malformed',
  'not_configured',
  'not_found',
  'rate_limited',
  'report_link_invalid',
  'signature_invalid',
  'unauthorized',
  'unsupported_media_type',
  'upload_not_found',
  'upload_too_large',
  'webhook_too_large',
])
export type ErrorCode = z.infer<typeof ErrorCode>

/** RFC 9457 problem details, as every error leaves the API. `code` is what programs match on. */
export const Problem = z.object({
  type: z.string(),
  title: z.string(),
  status: z.number().int(),
  detail: z.string(),
  code: ErrorCode,
  requestId: z.string().optional(), // the X-Request-Id sent or made: quote it to find the request's log line
  issues: z.array(z.object({ path: z.array(z.union([z.string(), z.number()])), message: z.string() })).optional(),
})
export type Problem = z.infer<typeof Problem>
