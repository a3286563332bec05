import { createHash } from 'node:crypto'
import type { Stats } from 'node:fs'
import { readFile, stat } from 'node:fs/promises'
import type { ParsedBundle } from '../../schemas/bundle.ts'
import { readBundle, readEntries } from '../bundle/read.ts'
import { inputError } from './exit.ts'
import { FolderError, folderBytes, walkFolder } from './folder.ts'

// A bundle named on the command line, read by the same engine as the API: an archive file
// (.tar.gz, .tgz, .tar, .zip: recognised by content, not by name) or a folder.
// An archive's id is the SHA-256 of its bytes, as on the server; a folder's is described in folder.ts.

export async function loadBundle(path: string): Promise<ParsedBundle> {
  let info: Stats
  try {
    info = await stat(path)
  } catch (error) {
    throw inputError(`${path}: ${describe(error)}`)
  }
  const receivedAt = new Date().toISOString()
  let bundle: ParsedBundle
  if (info.isDirectory()) {
    const walk = walkFolder(path)
    try {
      bundle = await readEntries(walk.entries, 'folder', { id: '', bytes: await folderBytes(path), receivedAt })
    } catch (error) {
      if (error instanceof FolderError || isSystemError(error)) throw inputError(`${path}: ${describe(error)}`)
      throw error
    }
    if (bundle.error) throw inputError(`${path}: ${bundle.error.detail} (${bundle.error.code})`)
    const { id, bytes } = walk.result()
    bundle = { ...bundle, id, bytes }
  } else {
    let raw: Uint8Array
    try {
      raw = await readFile(path)
    } catch (error) {
      throw inputError(`${path}: ${describe(error)}`)
    }
    const id = createHash('sha256').update(raw).digest('hex')
    bundle = await readBundle(raw, { id, bytes: raw.byteLength, receivedAt })
  }
  if (bundle.error) throw inputError(`${path}: ${bundle.error.detail} (${bundle.error.code})`)
  return bundle
}

function isSystemError(error: unknown): error is NodeJS.ErrnoException {
  return error instanceof Error && typeof (error as NodeJS.ErrnoException).code === 'string'
}

function describe(error: unknown): string {
  if (isSystemError(error)) {
    switch (error.code) {
      case 'ENOENT':
        return 'no such file or folder'
      case 'EACCES':
      case 'EPERM':
        return 'permission denied'
      case 'EISDIR':
        return 'is a folder'
      default:
        return `${error.code}: ${error.message}`
    }
  }
  return error instanceof Error ? error.message : String(error)
}
