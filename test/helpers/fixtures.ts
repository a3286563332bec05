import { createHash } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'

/** A committed fixture's bytes: test/fixtures/<path>. */
export function fixture(path: string): Uint8Array<ArrayBuffer> {
  return new Uint8Array(readFileSync(fileURLToPath(new URL(`../fixtures/${path}`, import.meta.url))))
}

export function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex')
}

/** multipart/form-data with the given files (and text fields). */
export function form(files: Record<string, Uint8Array<ArrayBuffer>>, fields: Record<string, string> = {}): FormData {
  const body = new FormData()
  for (const [name, bytes] of Object.entries(files)) body.append(name, new Blob([bytes]), `${name}.tar.gz`)
  for (const [name, value] of Object.entries(fields)) body.append(name, value)
  return body
}
