import { createHash } from 'node:crypto'
import type { Stats } from 'node:fs'
import { type FileHandle, lstat, open, readdir } from 'node:fs/promises'
import { join } from 'node:path'
import type { ArchiveEntry } from '../bundle/archive.ts'

// A folder as a bundle, for the CLI: the tree walked in path order, one entry per regular file,
// bodies streamed from disk. Symbolic links are never followed (an `entry_link` skip, as in an
// archive), nor are devices, fifos and sockets (`entry_special`).
//
// The folder's bundle id is a SHA-256 over the sorted list of its files: for each, in path
// order (JavaScript string order), the line `<path>\0<size>\0<sha256 of the content, hex>\n`.
// So the same files give the same id wherever the folder lives and whatever the mtimes.
// Each file is read once: what the parser leaves unread is hashed before the next entry.

export interface FolderWalk {
  entries: AsyncIterable<ArchiveEntry>
  /** Valid once `entries` has been read to its end. */
  result(): { id: string; bytes: number; files: number }
}

const CHUNK = 64 * 1024

export function walkFolder(root: string): FolderWalk {
  const listed: { path: string; size: number; sha256: string }[] = []
  let done = false

  async function* walk(dir: string, prefix: string): AsyncGenerator<ArchiveEntry> {
    let names: string[]
    try {
      names = (await readdir(dir)).sort()
    } catch (error) {
      if (!prefix) throw error // the folder itself: the caller says it cannot be read
      yield { skipped: prefix, reason: `folder unreadable (${codeOf(error)})`, code: 'entry_unreadable' }
      return
    }
    for (const name of names) {
      const full = join(dir, name)
      const path = prefix ? `${prefix}/${name}` : name
      let stat: Stats
      try {
        stat = await lstat(full)
      } catch (error) {
        yield { skipped: path, reason: `unreadable (${codeOf(error)})`, code: 'entry_unreadable' }
        continue
      }
      if (stat.isSymbolicLink()) {
        yield { skipped: path, reason: 'symbolic link, not followed', code: 'entry_link' }
      } else if (stat.isDirectory()) {
        yield* walk(full, path)
      } else if (!stat.isFile()) {
        yield { skipped: path, reason: 'device, fifo or socket', code: 'entry_special' }
      } else {
        let handle: FileHandle
        try {
          handle = await open(full, 'r')
        } catch (error) {
          yield { skipped: path, reason: `unreadable (${codeOf(error)})`, code: 'entry_unreadable' }
          continue
        }
        yield* readOne(handle, path, stat.size)
      }
    }
  }

  async function* readOne(handle: FileHandle, path: string, size: number): AsyncGenerator<ArchiveEntry> {
    const hash = createHash('sha256')
    const stream = handle.createReadStream({ highWaterMark: CHUNK }) // closes the handle at its end
    const source = stream[Symbol.asyncIterator]() as AsyncIterator<Buffer>
    let finished = false
    let read = 0
    const pull = async (): Promise<Uint8Array | null> => {
      if (finished) return null
      let next: IteratorResult<Buffer>
      try {
        next = await source.next()
      } catch (error) {
        // A file that turned unreadable while it was read (an I/O error, a vanished mount).
        throw new FolderError(`${path}: ${error instanceof Error ? error.message : String(error)}`)
      }
      if (next.done) {
        finished = true
        return null
      }
      hash.update(next.value)
      read += next.value.byteLength
      return next.value
    }
    // Pulled by hand, not with for-await, so that a parser leaving early does not close the
    // file: the rest is still hashed below.
    const body: AsyncIterable<Uint8Array> = {
      async *[Symbol.asyncIterator]() {
        for (let chunk = await pull(); chunk; chunk = await pull()) yield chunk
      },
    }
    try {
      yield { path, size, body }
      while (await pull());
    } finally {
      if (!finished) stream.destroy() // the walk was abandoned, or failed
    }
    listed.push({ path, size: read, sha256: hash.digest('hex') })
  }

  return {
    entries: (async function* () {
      yield* walk(root, '')
      done = true
    })(),
    result() {
      if (!done) throw new Error('walkFolder: result() before the walk ended')
      const digest = createHash('sha256')
      for (const file of [...listed].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0))) {
        digest.update(`${file.path}\0${file.size}\0${file.sha256}\n`)
      }
      return { id: digest.digest('hex'), bytes: listed.reduce((n, f) => n + f.size, 0), files: listed.length }
    },
  }
}

/** A file of the folder could not be read while it was being parsed. */
export class FolderError extends Error {
  override name = 'FolderError'
}

function codeOf(error: unknown): string {
  return error && typeof error === 'object' && 'code' in error ? String(error.code) : String(error)
}

/**
 * The bytes of the regular files under `root` (links not followed), from a listing alone: the
 * bundle's size, known before its files are read (the reader weighs what entries unpack to
 * against it, which for a folder is the same bytes).
 */
export async function folderBytes(root: string): Promise<number> {
  let total = 0
  let names: string[]
  try {
    names = await readdir(root)
  } catch {
    return 0
  }
  for (const name of names) {
    const full = join(root, name)
    const stat = await lstat(full).catch(() => null)
    if (stat?.isDirectory()) total += await folderBytes(full)
    else if (stat?.isFile()) total += stat.size
  }
  return total
}
