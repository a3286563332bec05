/**
 * Zip reader over an in-memory archive, Web APIs only.
 *
 * The central directory is authoritative (as in Info-ZIP and Go's archive/zip): the reader
 * finds the end-of-central-directory record by searching backwards (it may be followed by a
 * comment of up to 65535 bytes), walks the central directory, and reads each local header only
 * to find where the data starts. Sizes and CRCs come from the central directory, so entries
 * written with data descriptors (flag bit 3) need no special case. Bodies are streamed: stored
 * data as views of the input, deflated data through `DecompressionStream('deflate-raw')`, in
 * both cases checked against the declared size and CRC-32 as they go.
 *
 * Everything is validated before the first entry is yielded: an encrypted entry or an unknown
 * compression method fails the whole archive with 'archive_unsupported' up front.
 *
 * The record layouts and the directory parsing are in zip-records.ts.
 */
import { crc32 } from './crc32.ts'
import { type ArchiveFile, type ArchiveSkip, corrupt } from './entries.ts'
import { decompress } from './gzip.ts'
import { dataOffset, parseDirectory, View, type ZipEntry } from './zip-records.ts'

// crc32 stays importable from the reader, where it used to live
export { crc32 } from './crc32.ts'

/** Size of the body chunks handed out for stored data and fed to the inflater. */
const SLICE = 64 * 1024

// ---------------------------------------------------------------------------------------------
// Bodies

async function* storedBody(bytes: Uint8Array, start: number, entry: ZipEntry, path: string): AsyncGenerator<Uint8Array> {
  let crc = 0
  const end = start + entry.size
  for (let pos = start; pos < end; pos += SLICE) {
    const chunk = bytes.subarray(pos, Math.min(pos + SLICE, end))
    crc = crc32(chunk, crc)
    if (pos + chunk.byteLength >= end && crc !== entry.crc) throw corrupt(`CRC-32 mismatch in ${JSON.stringify(path)}`)
    yield chunk
  }
  if (entry.size === 0 && entry.crc !== 0) throw corrupt(`CRC-32 mismatch in ${JSON.stringify(path)}`)
}

async function* deflatedBody(bytes: Uint8Array, start: number, entry: ZipEntry, path: string): AsyncGenerator<Uint8Array> {
  const end = start + entry.compressedSize
  let pos = start
  // Fed in copied slices: a DecompressionStream is never given views of the caller's buffer.
  const source = new ReadableStream<Uint8Array>(
    {
      pull(controller) {
        if (pos >= end) {
          controller.close()
          return
        }
        const next = Math.min(pos + SLICE, end)
        controller.enqueue(bytes.slice(pos, next))
        pos = next
      },
    },
    { highWaterMark: 0 },
  )
  const reader = decompress(source, 'deflate-raw', `deflate data of ${JSON.stringify(path)}`).getReader()
  let done = false
  try {
    let total = 0
    let crc = 0
    for (;;) {
      const r = await reader.read()
      if (r.done) break
      total += r.value.byteLength
      if (total > entry.size) throw corrupt(`${JSON.stringify(path)} inflates to more than its declared ${entry.size} bytes`)
      crc = crc32(r.value, crc)
      yield r.value
    }
    done = true
    if (total !== entry.size) throw corrupt(`${JSON.stringify(path)} inflates to ${total} bytes, declared ${entry.size}`)
    if (crc !== entry.crc) throw corrupt(`CRC-32 mismatch in ${JSON.stringify(path)}`)
  } finally {
    if (!done) await reader.cancel().catch(() => {})
  }
}

// ---------------------------------------------------------------------------------------------
// Reader

/** Read a zip archive held in memory. See `readArchive` for the contract. */
export async function* readZip(bytes: Uint8Array): AsyncGenerator<ArchiveFile | ArchiveSkip> {
  const entries = parseDirectory(bytes)
  const v = new View(bytes)
  for (const entry of entries) {
    if (entry.kind === 'dir') continue
    const { path, name } = entry
    if (path === null) {
      yield { skipped: name, code: 'entry_unsafe_path', reason: `unsafe path ${JSON.stringify(name)}` }
      continue
    }
    if (entry.kind === 'link') {
      yield { skipped: path, code: 'entry_link', reason: 'symbolic link, not followed' }
      continue
    }
    if (entry.kind === 'special') {
      yield { skipped: path, code: 'entry_special', reason: `${entry.special}, not a regular file` }
      continue
    }
    const start = dataOffset(v, entry)
    let started = false
    const body: AsyncIterable<Uint8Array> = {
      [Symbol.asyncIterator]: () => {
        if (started) throw new Error(`body of ${path} can only be read once`)
        started = true
        return entry.method === 0 ? storedBody(bytes, start, entry, path) : deflatedBody(bytes, start, entry, path)
      },
    }
    yield { path, size: entry.size, body }
  }
}
