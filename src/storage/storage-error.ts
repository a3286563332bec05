import type { StorageErrorCode } from '../../schemas/problem.ts'

/**
 * What storage fails with. Storage knows nothing of HTTP: src/errors.ts decides the status
 * (storage_unavailable is a 503 the client may retry; the others are the client's to fix).
 */
export class StorageError extends Error {
  constructor(
    readonly code: StorageErrorCode,
    readonly detail: string,
  ) {
    super(`${code}: ${detail}`)
  }
}
