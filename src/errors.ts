import type { z } from 'zod'
import type { ArchiveErrorCode, ErrorCode, Problem, StorageErrorCode } from '../schemas/problem.ts'
import type { StorageError } from './storage/storage-error.ts'

// One error type for the whole app: a stable machine code, an HTTP status and a sentence.
// Handlers throw it; app.ts turns it into application/problem+json.

const TITLES: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  404: 'Not Found',
  405: 'Method Not Allowed',
  413: 'Content Too Large',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Content',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
}

export class AppError extends Error {
  constructor(
    readonly status: number,
    readonly code: ErrorCode,
    readonly detail: string,
    readonly issues?: Problem['issues'],
    /** Seconds a client should wait before trying again (429, 503). */
    readonly retryAfter: number | undefined = status === 503 ? 5 : undefined,
  ) {
    super(`${code}: ${detail}`)
  }

  toProblem(): Problem {
    return {
      type: `https://memgap.dev/problems/${this.code}`,
      title: TITLES[this.status] ?? 'Error',
      status: this.status,
      detail: this.detail,
      code: this.code,
      ...(this.issues ? { issues: this.issues } : {}),
    }
  }
}

/** The server lacks settings it needs: one status everywhere (a server fault; retrying will not help). */
export function notConfigured(detail: string): AppError {
  return new AppError(500, 'not_configured', detail)
}

/** A zod failure on outside input: 400 with the paths of what was wrong. */
export function invalidInput(error: z.ZodError, what: string): AppError {
  const issues = error.issues.map((i) => ({
    path: i.path.map((p) => (typeof p === 'symbol' ? String(p) : p)),
    message: i.message,
  }))
  const first = issues[0]
  const where = first?.path.length ? ` at ${first.path.join('.')}` : ''
  return new AppError(400, 'invalid_request', `${what} is not valid${where}: ${first?.message ?? 'unknown'}`, issues)
}

/** The status of each error raised below HTTP: archives (src/bundle/) and storage (src/storage/). */
const STATUS: Record<ArchiveErrorCode | StorageErrorCode, number> = {
  unpacked_too_large: 413,
  file_too_large: 413,
  too_many_files: 422,
  compression_ratio: 422,
  archive_corrupt: 422,
  archive_unsupported: 415,
  storage_unavailable: 503, // with Retry-After: storage may be back soon
  invalid_parts: 400, // wrong ETags or part numbers are the client's to fix
  length_mismatch: 400,
}

/** An archive's or storage's error as the API answers it. */
export function answerOf(code: ArchiveErrorCode | StorageErrorCode, detail: string): AppError {
  return new AppError(STATUS[code], code, detail)
}

export const fromStorage = (error: StorageError) => answerOf(error.code, error.detail)
