/**
 * Streaming tar reader (ustar, GNU, pax, v7), Web APIs only.
 *
 * The archive is read strictly front to back from a `ReadableStream<Uint8Array>` through a byte
 * queue that holds one source chunk at a time: headers are read with `readExact(512)` (a view of
 * the chunk, or a 512-byte copy when a header straddles two chunks), bodies are handed out as
 * views of the source chunks (no copies), and unread body bytes are dropped with `skip(n)`.
 * Memory is bounded by the source chunk size (16 KiB from Node's DecompressionStream, 4 KiB in
 * workerd), whatever the member size.
 *
 * The header block's layout, its fields and the pax record format are in tar-header.ts.
 *
 * The body follows the header, padded with NULs to a multiple of 512. Two all-zero blocks end the
 * archive (GNU tar then pads the file to a 10240-byte record). Header-only types ('1' '2' '3'
 * '4' '5' '6') carry no body whatever their size field says (as in Go's archive/tar). Metadata
 * entries ('x', 'g', 'L', 'K') apply to the next real entry.
 */

import { ByteQueue } from './byte-queue.ts'
import { type ArchiveFile, type ArchiveSkip, corrupt } from './entries.ts'
import { safePath } from './paths.ts'
import {
  BLOCK,
  isZeroBlock,
  padding,
  parsePax,
  parseTarHeader,
  readString,
  sparseExtensionContinues,
  TYPE_NAMES,
  verifyTarChecksum,
} from './tar-header.ts'

/** Cap on the body of a metadata entry (pax header, GNU long name) held in memory. */
const MAX_META_SIZE = 1 << 20

// ---------------------------------------------------------------------------------------------
// Reader

/**
 * Read a tar archive from a stream (for a .tar.gz, pass it through `gunzip` first).
 * Yields regular files and skips in archive order; see `readArchive` for the contract.
 */
export async function* readTar(stream: ReadableStream<Uint8Array>): AsyncGenerator<ArchiveFile | ArchiveSkip> {
  const q = new ByteQueue(stream)
  let finished = false
  try {
    // metadata that applies to the next real entry
    let longName: string | undefined
    let paxPath: string | undefined
    let paxLinkpath: string | undefined
    let paxSize: number | undefined
    let longLink: string | undefined

    for (;;) {
      const headerOffset = q.offset
      const header = await q.readExact(BLOCK, 'a header')
      if (header === null) {
        // End of stream on a block boundary without the end-of-archive blocks: accepted, as GNU
        // tar does, unless metadata promised another entry.
        if (longName !== undefined || paxPath !== undefined || paxSize !== undefined) {
          throw corrupt('unexpected end of archive after an extended header')
        }
        break
      }
      if (isZeroBlock(header)) {
        // End of archive (the second zero block and GNU's record padding are read by drain()).
        await q.drain()
        break
      }
      if (!verifyTarChecksum(header)) {
        throw corrupt(`tar header checksum mismatch at offset ${headerOffset}`)
      }

      const fields = parseTarHeader(header)
      const { typeflag, size: headerSize } = fields
      if (headerSize === null) throw corrupt(`invalid size field in tar header at offset ${headerOffset}`)

      // -- metadata entries: read their body, apply to the next entry
      if (typeflag === 'x' || typeflag === 'g' || typeflag === 'L' || typeflag === 'K') {
        if (headerSize > MAX_META_SIZE) {
          throw corrupt(`tar ${typeflag} header of ${headerSize} bytes exceeds ${MAX_META_SIZE}`)
        }
        const body = headerSize === 0 ? new Uint8Array(0) : await q.readExact(headerSize, 'an extended header')
        if (body === null) throw corrupt('unexpected end of archive in an extended header')
        if ((await q.skip(padding(headerSize))) !== padding(headerSize)) {
          throw corrupt('unexpected end of archive in an extended header')
        }
        if (typeflag === 'x') {
          const pax = parsePax(body)
          const path = pax.get('path')
          if (path !== undefined) paxPath = path
          const linkpath = pax.get('linkpath')
          if (linkpath !== undefined) paxLinkpath = linkpath
          const size = pax.get('size')
          if (size !== undefined) {
            if (!/^\d+$/.test(size) || Number(size) > Number.MAX_SAFE_INTEGER) {
              throw corrupt(`invalid pax size ${JSON.stringify(size)}`)
            }
            paxSize = Number(size)
          }
        } else if (typeflag === 'L') {
          longName = readString(body, 0, body.length)
        } else if (typeflag === 'K') {
          longLink = readString(body, 0, body.length)
        }
        // 'g' (global pax header) is ignored
        continue
      }

      // -- a real entry
      const name = paxPath ?? longName ?? fields.name
      const linkname = paxLinkpath ?? longLink ?? fields.linkname
      const size = paxSize ?? headerSize
      longName = paxPath = paxLinkpath = paxSize = longLink = undefined

      const isRegular = typeflag === '0' || typeflag === '7' || (typeflag === '\0' && !name.endsWith('/'))
      const isDir = typeflag === '5' || (typeflag === '\0' && name.endsWith('/'))
      const headerOnly = isDir || typeflag in TYPE_NAMES

      if (isDir) continue // directories: silently dropped, no body
      if (typeflag === 'D') {
        // GNU dumpdir: a directory whose body lists its contents; dropped like a directory
        await skipBody(q, headerSize, name)
        continue
      }

      const path = safePath(name)
      if (headerOnly) {
        const kind = TYPE_NAMES[typeflag] ?? 'special file'
        const isLink = typeflag === '1' || typeflag === '2'
        yield {
          skipped: path ?? name,
          code: isLink ? 'entry_link' : 'entry_special',
          reason: isLink ? `${kind} to ${JSON.stringify(linkname)}, not followed` : `${kind}, not a regular file`,
        }
        continue
      }

      // entries with a body: regular files and the types we do not unpack
      let dataSize = size
      if (typeflag === 'S') {
        // old GNU sparse: extension blocks follow the header while isextended is set
        let extended = fields.sparseExtended
        while (extended) {
          const ext = await q.readExact(BLOCK, 'a sparse extension header')
          if (ext === null) throw corrupt('unexpected end of archive in a sparse extension header')
          extended = sparseExtensionContinues(ext)
        }
        dataSize = headerSize // the stored (sparse) data, not the real size
      }

      if (!isRegular || path === null) {
        yield path === null
          ? { skipped: name, code: 'entry_unsafe_path', reason: `unsafe path ${JSON.stringify(name)}` }
          : {
              skipped: path,
              code: 'entry_unsupported',
              reason: typeflag === 'S' ? 'GNU sparse file, not unpacked' : `tar entry type ${JSON.stringify(typeflag)} not unpacked`,
            }
        await skipBody(q, dataSize, name)
        continue
      }

      const entry = { remaining: dataSize, live: true, started: false }
      const body: AsyncIterable<Uint8Array> = {
        [Symbol.asyncIterator]: () => {
          if (entry.started) throw new Error(`body of ${path} can only be read once`)
          entry.started = true
          return bodyChunks(q, entry, path)
        },
      }
      yield { path, size: dataSize, body }
      entry.live = false
      await skipBody(q, entry.remaining, path, dataSize)
    }
    finished = true
  } finally {
    // left early (break/return or an error): release the source
    if (!finished) await q.cancel()
  }
}

/** Skip the unread `remaining` bytes of an entry of `size` bytes plus the block padding. */
async function skipBody(q: ByteQueue, remaining: number, name: string, size = remaining): Promise<void> {
  const n = remaining + padding(size)
  if ((await q.skip(n)) !== n) throw corrupt(`unexpected end of archive in ${JSON.stringify(name)}`)
}

async function* bodyChunks(q: ByteQueue, entry: { remaining: number; live: boolean }, path: string): AsyncGenerator<Uint8Array> {
  while (entry.remaining > 0) {
    if (!entry.live) throw new Error(`body of ${path} read after the archive moved on to the next entry`)
    const chunk = await q.readChunk(entry.remaining)
    if (chunk === null) throw corrupt(`unexpected end of archive in ${JSON.stringify(path)}`)
    entry.remaining -= chunk.byteLength
    yield chunk
  }
}
