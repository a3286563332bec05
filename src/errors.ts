import type { z } from 'zod'
import type { Problem } from '../schemas/problem.ts'

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
    readonly code: string,
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
