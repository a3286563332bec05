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
 * Header block layout (512 bytes; numbers are octal ASCII unless noted):
 *
 *   offset  length  field
 *   ------  ------  -----------------------------------------------------------------------
 *        0     100  name       file name, NUL-terminated unless it fills the field
 *      100       8  mode       permission bits (octal)
 *      108       8  uid        owner user id (octal)
 *      116       8  gid        owner group id (octal)
 *      124      12  size       body size in bytes: octal, or GNU base-256 when byte 124 has the
 *                              high bit set (0x80 = positive big-endian binary in the rest)
 *      136      12  mtime      modification time, seconds since the epoch (octal)
 *      148       8  chksum     header checksum: sum of all 512 bytes with this field taken as
 *                              8 spaces (0x20), as octal; readers also accept the signed sum
 *      156       1  typeflag   '0' or NUL regular file, '1' hard link, '2' symlink, '3' char
 *                              device, '4' block device, '5' directory, '6' fifo, '7'
 *                              contiguous file (read as regular); 'x' pax extended header for
 *                              the next entry, 'g' pax global header, 'L' GNU long name for the
 *                              next entry, 'K' GNU long link name, 'S' GNU sparse file,
 *                              'D' GNU dumpdir, 'V' GNU volume label
 *      157     100  linkname   target of a link (typeflag '1' / '2')
 *      257       6  magic      "ustar\0" (POSIX ustar / pax), "ustar " (GNU, with version
 *                              " \0" below: "ustar  \0"), all NUL in v7 archives
 *      263       2  version    "00" (POSIX), " \0" (GNU)
 *      265      32  uname      owner user name
 *      297      32  gname      owner group name
 *      329       8  devmajor   device major number (typeflag '3' / '4')
 *      337       8  devminor   device minor number
 *      345     155  prefix     POSIX ustar only: path prefix, full name = prefix + '/' + name.
 *                              In GNU headers these bytes hold instead:
 *                                345  12  atime
 *                                357  12  ctime
 *                                369  12  offset      (multi-volume)
 *                                381   4  longnames   (unused)
 *                                385   1  unused
 *                                386  96  sparse      4 x (12 offset + 12 numbytes)
 *                                482   1  isextended  1 = sparse extension blocks follow
 *                                483  12  realsize    real size of a sparse file
 *                                495  17  pad
 *      500      12  pad        (POSIX) up to 512
 *
 * A GNU sparse extension block (follows an 'S' header while isextended is set) holds
 * 21 x (12 offset + 12 numbytes) at 0..503 and its own isextended flag at 504.
 *
 * The body follows the header, padded with NULs to a multiple of 512. Two all-zero blocks end the
 * archive (GNU tar then pads the file to a 10240-byte record). Header-only types ('1' '2' '3'
 * '4' '5' '6') carry no body whatever their size field says (as in Go's archive/tar).
 *
 * pax extended header bodies ('x', 'g') are records "<len> <key>=<value>\n", len counting the
 * whole record in bytes, values UTF-8. 'x' keys used here: path, linkpath, size. 'g' is ignored.
 */
import { corrupt, type ArchiveFile, type ArchiveSkip } from './archive.ts'
import { safePath } from './paths.ts'

const BLOCK = 512
/** Cap on the body of a metadata entry (pax header, GNU long name) held in memory. */
const MAX_META_SIZE = 1 << 20

const utf8 = new TextDecoder('utf-8')

// ---------------------------------------------------------------------------------------------
// Byte queue over a ReadableStream

/**
 * Reads a byte stream in the sizes the tar format needs while holding at most one source chunk.
 * `readExact` and `readChunk` return views of the source chunk when they can (no copy).
 */
class ByteQueue {
  #reader: ReadableStreamDefaultReader<Uint8Array>
  #chunk: Uint8Array = new Uint8Array(0)
  #pos = 0
  #eof = false
  /** Bytes consumed so far (for error messages). */
  offset = 0

  constructor(stream: ReadableStream<Uint8Array>) {
    this.#reader = stream.getReader()
  }

  /** Make the current chunk non-empty; false at end of stream. */
  async #fill(): Promise<boolean> {
    while (this.#pos >= this.#chunk.byteLength) {
      if (this.#eof) return false
      const { done, value } = await this.#reader.read()
      if (done) {
        this.#eof = true
        this.#chunk = new Uint8Array(0)
        this.#pos = 0
        return false
      }
      this.#chunk = value
      this.#pos = 0
    }
    return true
  }

  /**
   * Exactly `n` bytes, or null when the stream ends before the first of them.
   * Returns a view when the bytes lie in one chunk, else a copy of `n` bytes.
   * Throws 'archive_corrupt' when the stream ends part-way.
   */
  async readExact(n: number, what: string): Promise<Uint8Array | null> {
    if (!(await this.#fill())) return null
    const avail = this.#chunk.byteLength - this.#pos
    if (avail >= n) {
      const view = this.#chunk.subarray(this.#pos, this.#pos + n)
      this.#pos += n
      this.offset += n
      return view
    }
    const out = new Uint8Array(n)
    let filled = 0
    while (filled < n) {
      if (!(await this.#fill())) {
        throw corrupt(`unexpected end of archive in ${what} (${filled} of ${n} bytes at offset ${this.offset})`)
      }
      const take = Math.min(this.#chunk.byteLength - this.#pos, n - filled)
      out.set(this.#chunk.subarray(this.#pos, this.#pos + take), filled)
      this.#pos += take
      this.offset += take
      filled += take
    }
    return out
  }

  /** Up to `max` bytes as a view of the current chunk; null at end of stream. */
  async readChunk(max: number): Promise<Uint8Array | null> {
    if (!(await this.#fill())) return null
    const take = Math.min(this.#chunk.byteLength - this.#pos, max)
    const view = this.#chunk.subarray(this.#pos, this.#pos + take)
    this.#pos += take
    this.offset += take
    return view
  }

  /** Drop `n` bytes; returns how many were dropped (fewer only at end of stream). */
  async skip(n: number): Promise<number> {
    let left = n
    while (left > 0) {
      if (!(await this.#fill())) break
      const take = Math.min(this.#chunk.byteLength - this.#pos, left)
      this.#pos += take
      left -= take
    }
    this.offset += n - left
    return n - left
  }

  /** Read to the end of the stream, discarding (lets gzip verify its trailer). */
  async drain(): Promise<void> {
    while (await this.#fill()) this.#pos = this.#chunk.byteLength
  }

  async cancel(reason?: unknown): Promise<void> {
    try {
      await this.#reader.cancel(reason)
    } catch {
      // an errored stream rejects cancel(); nothing to do
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Header fields

/** Bytes up to the first NUL (or the whole field), decoded as UTF-8. */
function readString(block: Uint8Array, offset: number, length: number): string {
  const field = block.subarray(offset, offset + length)
  const nul = field.indexOf(0)
  return utf8.decode(nul === -1 ? field : field.subarray(0, nul))
}

/**
 * A numeric field: octal ASCII (leading spaces allowed, ended by NUL or space, empty = 0), or
 * GNU base-256 when the first byte has the high bit set. Returns null when malformed.
 */
function readNumber(block: Uint8Array, offset: number, length: number): number | null {
  const first = block[offset] ?? 0
  if (first & 0x80) {
    if (first === 0xff) return null // negative base-256: not a valid size
    let value = first & 0x7f
    for (let i = offset + 1; i < offset + length; i++) {
      value = value * 256 + (block[i] ?? 0)
      if (value > Number.MAX_SAFE_INTEGER) return null
    }
    return value
  }
  let i = offset
  const end = offset + length
  while (i < end && block[i] === 0x20) i++
  let value = 0
  let digits = 0
  for (; i < end; i++) {
    const c = block[i] ?? 0
    if (c === 0 || c === 0x20) break
    if (c < 0x30 || c > 0x37) return null
    value = value * 8 + (c - 0x30)
    digits++
  }
  // anything after the terminator must be NUL or space
  for (; i < end; i++) {
    const c = block[i] ?? 0
    if (c !== 0 && c !== 0x20) return null
  }
  return digits === 0 ? 0 : value
}

function isZeroBlock(block: Uint8Array): boolean {
  for (let i = 0; i < BLOCK; i++) if (block[i] !== 0) return false
  return true
}

/**
 * True when the header's checksum field (148, 8 bytes) matches the sum of the block with that
 * field counted as spaces: unsigned (POSIX) or signed bytes (some historic tars).
 */
export function verifyTarChecksum(block: Uint8Array): boolean {
  if (block.length < BLOCK) return false
  const stored = readNumber(block, 148, 8)
  if (stored === null) return false
  let unsigned = 8 * 0x20
  let signed = 8 * 0x20
  for (let i = 0; i < BLOCK; i++) {
    if (i >= 148 && i < 156) continue
    const b = block[i] ?? 0
    unsigned += b
    signed += b > 127 ? b - 256 : b
  }
  return stored === unsigned || stored === signed
}

/** Parse pax extended header records "<len> <key>=<value>\n". */
function parsePax(body: Uint8Array): Map<string, string> {
  const out = new Map<string, string>()
  let pos = 0
  while (pos < body.length) {
    if (body[pos] === 0) break // trailing NUL padding written by some tools
    let len = 0
    let p = pos
    while (p < body.length && body[p] !== 0x20) {
      const c = body[p] ?? 0
      if (c < 0x30 || c > 0x39) throw corrupt('malformed pax extended header (record length)')
      len = len * 10 + (c - 0x30)
      p++
    }
    const end = pos + len
    if (p === pos || len <= p - pos + 1 || end > body.length || body[end - 1] !== 0x0a) {
      throw corrupt('malformed pax extended header (record bounds)')
    }
    const record = body.subarray(p + 1, end - 1)
    const eq = record.indexOf(0x3d) // '='
    if (eq <= 0) throw corrupt('malformed pax extended header (no key=value)')
    out.set(utf8.decode(record.subarray(0, eq)), utf8.decode(record.subarray(eq + 1)))
    pos = end
  }
  return out
}

const padding = (size: number): number => (BLOCK - (size % BLOCK)) % BLOCK

const TYPE_NAMES: Record<string, string> = {
  '1': 'hard link',
  '2': 'symbolic link',
  '3': 'character device',
  '4': 'block device',
  '6': 'fifo',
}

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

      const typeflag = String.fromCharCode(header[156] ?? 0)
      const headerSize = readNumber(header, 124, 12)
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
      const magic = readString(header, 257, 6)
      const version = readString(header, 263, 2)
      let name: string
      if (paxPath !== undefined) name = paxPath
      else if (longName !== undefined) name = longName
      else {
        name = readString(header, 0, 100)
        // the prefix field exists only in POSIX ustar headers ("ustar\0" "00")
        if (magic === 'ustar' && version === '00') {
          const prefix = readString(header, 345, 155)
          if (prefix !== '') name = `${prefix}/${name}`
        }
      }
      const linkname = paxLinkpath ?? longLink ?? readString(header, 157, 100)
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
          reason: isLink
            ? `${kind} to ${JSON.stringify(linkname)}, not followed`
            : `${kind}, not a regular file`,
        }
        continue
      }

      // entries with a body: regular files and the types we do not unpack
      let dataSize = size
      if (typeflag === 'S') {
        // old GNU sparse: extension blocks follow the header while isextended is set
        let extended = header[482] === 1
        while (extended) {
          const ext = await q.readExact(BLOCK, 'a sparse extension header')
          if (ext === null) throw corrupt('unexpected end of archive in a sparse extension header')
          extended = ext[504] === 1
        }
        dataSize = headerSize // the stored (sparse) data, not the real size
      }

      if (!isRegular || path === null) {
        yield path === null
          ? { skipped: name, code: 'entry_unsafe_path', reason: `unsafe path ${JSON.stringify(name)}` }
          : {
              skipped: path,
              code: 'entry_unsupported',
              reason:
                typeflag === 'S'
                  ? 'GNU sparse file, not unpacked'
                  : `tar entry type ${JSON.stringify(typeflag)} not unpacked`,
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

async function* bodyChunks(
  q: ByteQueue,
  entry: { remaining: number; live: boolean },
  path: string,
): AsyncGenerator<Uint8Array> {
  while (entry.remaining > 0) {
    if (!entry.live) throw new Error(`body of ${path} read after the archive moved on to the next entry`)
    const chunk = await q.readChunk(entry.remaining)
    if (chunk === null) throw corrupt(`unexpected end of archive in ${JSON.stringify(path)}`)
    entry.remaining -= chunk.byteLength
    yield chunk
  }
}
