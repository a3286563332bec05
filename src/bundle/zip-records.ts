/**
 * The records of a zip archive held in memory: the end-of-central-directory record (searched for
 * backwards), zip64, the central directory with its extra fields and attributes, and the local
 * header in front of each entry's data. The reader (zip.ts) streams the bodies.
 *
 * Record layouts (all integers little-endian):
 *
 * End of central directory (EOCD), 22 bytes + comment:
 *   offset  length  field
 *        0       4  signature 0x06054b50 ("PK\5\6")
 *        4       2  number of this disk
 *        6       2  disk where the central directory starts
 *        8       2  central directory entries on this disk
 *       10       2  central directory entries in total (0xffff: see zip64)
 *       12       4  central directory size in bytes (0xffffffff: see zip64)
 *       16       4  central directory offset (0xffffffff: see zip64)
 *       20       2  comment length (n)
 *       22       n  comment
 *
 * Zip64 EOCD locator, 20 bytes, immediately before the EOCD:
 *        0       4  signature 0x07064b50 ("PK\6\7")
 *        4       4  disk with the zip64 EOCD
 *        8       8  offset of the zip64 EOCD
 *       16       4  total number of disks
 *
 * Zip64 EOCD, 56 bytes + extensible data:
 *        0       4  signature 0x06064b50 ("PK\6\6")
 *        4       8  size of the rest of this record
 *       12       2  version made by
 *       14       2  version needed
 *       16       4  number of this disk
 *       20       4  disk where the central directory starts
 *       24       8  central directory entries on this disk
 *       32       8  central directory entries in total
 *       40       8  central directory size
 *       48       8  central directory offset
 *
 * Central directory file header, 46 bytes + name + extra + comment:
 *        0       4  signature 0x02014b50 ("PK\1\2")
 *        4       2  version made by (high byte: host system, 0 MS-DOS, 3 Unix, 19 OS X)
 *        6       2  version needed to extract
 *        8       2  general purpose flags (bit 0 encrypted, bit 3 data descriptor, bit 6 strong
 *                   encryption, bit 11 name is UTF-8, bit 13 central directory encrypted)
 *       10       2  compression method (0 stored, 8 deflate; 9 deflate64, 12 bzip2, 14 lzma,
 *                   93 zstd, 99 AES are not supported)
 *       12       2  last modification time (MS-DOS)
 *       14       2  last modification date (MS-DOS)
 *       16       4  CRC-32 of the uncompressed data
 *       20       4  compressed size (0xffffffff: in the zip64 extra field)
 *       24       4  uncompressed size (0xffffffff: in the zip64 extra field)
 *       28       2  file name length (n)
 *       30       2  extra field length (m)
 *       32       2  file comment length (k)
 *       34       2  disk number where the file starts (0xffff: zip64)
 *       36       2  internal file attributes
 *       38       4  external file attributes (Unix hosts: st_mode << 16, so S_IFLNK 0o120000
 *                   marks a symlink; MS-DOS: low byte, 0x10 = directory)
 *       42       4  offset of the local file header (0xffffffff: in the zip64 extra field)
 *       46       n  file name ('/'-separated; a trailing '/' marks a directory)
 *     46+n       m  extra field
 *   46+n+m       k  file comment
 *
 * Local file header, 30 bytes + name + extra, then the data:
 *        0       4  signature 0x04034b50 ("PK\3\4")
 *        4       2  version needed to extract
 *        6       2  general purpose flags
 *        8       2  compression method
 *       10       2  last modification time
 *       12       2  last modification date
 *       14       4  CRC-32 (0 when bit 3 is set; the central directory has it)
 *       18       4  compressed size (idem)
 *       22       4  uncompressed size (idem)
 *       26       2  file name length (n)
 *       28       2  extra field length (m) -- may differ from the central directory's
 *       30       n  file name
 *     30+n       m  extra field
 *   30+n+m          file data (compressed size bytes)
 *
 * Extra field: a sequence of blocks "2 header id, 2 data size, data". Used here:
 * - 0x0001 zip64 extended information: 8 uncompressed size, 8 compressed size, 8 local header
 *   offset, 4 disk number, each present only when the 32/16-bit central directory field is
 *   all ones, in that order.
 * - 0x7075 Info-ZIP Unicode Path: 1 version (1), 4 CRC-32 of the header's file name, UTF-8 name.
 */
import { crc32 } from './crc32.ts'
import { corrupt, unsupported } from './entries.ts'
import { safePath } from './paths.ts'

const SIG_LOCAL = 0x04034b50
const SIG_CENTRAL = 0x02014b50
const SIG_EOCD = 0x06054b50
const SIG_ZIP64_LOCATOR = 0x07064b50
const SIG_ZIP64_EOCD = 0x06064b50

const S_IFMT = 0o170000
const S_IFLNK = 0o120000
const S_IFDIR = 0o040000
const S_IFREG = 0o100000
const SPECIAL_KINDS: Record<number, string> = {
  0o010000: 'fifo',
  0o020000: 'character device',
  0o060000: 'block device',
  0o140000: 'socket',
}

/** One central directory entry, checked and classified. */
export interface ZipEntry {
  name: string
  path: string | null
  kind: 'file' | 'dir' | 'link' | 'special'
  special?: string
  method: number
  flags: number
  crc: number
  compressedSize: number
  size: number
  localOffset: number
}

// ---------------------------------------------------------------------------------------------
// Names

const utf8 = new TextDecoder('utf-8')
const utf8Strict = new TextDecoder('utf-8', { fatal: true })
/** Code page 437, bytes 0x80-0xff (the historic default for zip names without flag bit 11). */
const CP437_HIGH =
  'ÇüéâäàåçêëèïîìÄÅÉæÆôöòûùÿÖÜ¢£¥₧ƒáíóúñÑªº¿⌐¬½¼¡«»░▒▓│┤╡╢╖╕╣║╗╝╜╛┐└┴┬├─┼╞╟╚╔╩╦╠═╬╧╨╤╥╙╘╒╓╫╪┘┌█▄▌▐▀αßΓπΣσµτΦΘΩδ∞φε∩≡±≥≤⌠⌡÷≈°∙·√ⁿ²■\u00a0'

function decodeName(raw: Uint8Array, utf8Flag: boolean): string {
  if (utf8Flag) return utf8.decode(raw)
  // Many tools write UTF-8 without setting bit 11: take valid UTF-8 as such, else CP437.
  try {
    return utf8Strict.decode(raw)
  } catch {
    let s = ''
    for (const b of raw) s += b < 0x80 ? String.fromCharCode(b) : CP437_HIGH[b - 0x80]
    return s
  }
}

// ---------------------------------------------------------------------------------------------
// Directory parsing

/** Little-endian reads over the archive, with bounds checks (`has`). */
export class View {
  readonly dv: DataView
  constructor(readonly bytes: Uint8Array) {
    this.dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  }
  has(offset: number, length: number): boolean {
    return offset >= 0 && length >= 0 && offset + length <= this.bytes.byteLength
  }
  u16(o: number): number {
    return this.dv.getUint16(o, true)
  }
  u32(o: number): number {
    return this.dv.getUint32(o, true)
  }
  u64(o: number): number {
    const v = this.dv.getBigUint64(o, true)
    if (v > BigInt(Number.MAX_SAFE_INTEGER)) throw corrupt('zip64 value too large')
    return Number(v)
  }
}

/** Offset of the EOCD record, searching backwards; -1 when there is none. */
function findEocd(v: View): number {
  const len = v.bytes.byteLength
  const min = Math.max(0, len - 22 - 0xffff)
  let fallback = -1
  for (let i = len - 22; i >= min; i--) {
    if (v.bytes[i] !== 0x50 || v.bytes[i + 1] !== 0x4b || v.u32(i) !== SIG_EOCD) continue
    const commentEnd = i + 22 + v.u16(i + 20)
    if (commentEnd === len) return i // the comment runs exactly to the end: the real one
    if (commentEnd < len && fallback === -1) fallback = i // trailing bytes after the comment
  }
  return fallback
}

/** Every central directory entry; an encrypted or unknown-method file fails the whole archive. */
export function parseDirectory(bytes: Uint8Array): ZipEntry[] {
  const v = new View(bytes)
  const eocd = findEocd(v)
  if (eocd < 0) throw corrupt('not a zip archive or truncated: no end of central directory record')

  let disk = v.u16(eocd + 4)
  let cdDisk = v.u16(eocd + 6)
  let count = v.u16(eocd + 10)
  let cdSize = v.u32(eocd + 12)
  let cdOffset = v.u32(eocd + 16)
  let cdEnd = eocd // where the central directory is expected to end

  // zip64: a locator right before the EOCD points to the zip64 EOCD record
  const loc = eocd - 20
  if (loc >= 0 && v.u32(loc) === SIG_ZIP64_LOCATOR) {
    let z = v.u64(loc + 8)
    if (!v.has(z, 56) || v.u32(z) !== SIG_ZIP64_EOCD) {
      // the locator's offset is off by a prefix (self-extractor); try right before the locator
      z = loc - 56
      if (!v.has(z, 56) || v.u32(z) !== SIG_ZIP64_EOCD) throw corrupt('zip64 end of central directory not found')
    }
    disk = v.u32(z + 16)
    cdDisk = v.u32(z + 20)
    count = v.u64(z + 32)
    cdSize = v.u64(z + 40)
    cdOffset = v.u64(z + 48)
    cdEnd = z
  }
  if (disk !== 0 || cdDisk !== 0) throw unsupported('multi-disk (spanned) zip archives are not supported')

  // Data prepended to the archive (self-extracting zips) shifts every offset by `base`.
  let base = cdEnd - cdSize - cdOffset
  if (base < 0 || !v.has(base + cdOffset, 4) || v.u32(base + cdOffset) !== SIG_CENTRAL) base = 0
  const cdStart = base + cdOffset
  if (!v.has(cdStart, cdSize)) throw corrupt('zip central directory lies outside the archive')
  if (count > 0 && (!v.has(cdStart, 4) || v.u32(cdStart) !== SIG_CENTRAL)) {
    throw corrupt('zip central directory not found where the end record says')
  }

  const entries: ZipEntry[] = []
  let p = cdStart
  for (let i = 0; i < count; i++) {
    if (!v.has(p, 46) || v.u32(p) !== SIG_CENTRAL) throw corrupt(`zip central directory entry ${i} is corrupt`)
    const madeBy = v.u16(p + 4)
    const flags = v.u16(p + 8)
    const method = v.u16(p + 10)
    const crc = v.u32(p + 16)
    let compressedSize = v.u32(p + 20)
    let size = v.u32(p + 24)
    const nameLen = v.u16(p + 28)
    const extraLen = v.u16(p + 30)
    const commentLen = v.u16(p + 32)
    let diskStart = v.u16(p + 34)
    const external = v.u32(p + 38)
    let localOffset = v.u32(p + 42)
    const next = p + 46 + nameLen + extraLen + commentLen
    if (!v.has(p, next - p) || next > cdStart + cdSize) throw corrupt(`zip central directory entry ${i} overruns`)
    const rawName = bytes.subarray(p + 46, p + 46 + nameLen)
    let name = decodeName(rawName, (flags & 0x0800) !== 0)

    // extra fields
    let e = p + 46 + nameLen
    const extraEnd = e + extraLen
    while (e + 4 <= extraEnd) {
      const id = v.u16(e)
      const len = v.u16(e + 2)
      const d = e + 4
      if (d + len > extraEnd) break // malformed trailing block: ignored, as unzip does
      if (id === 0x0001) {
        let q = d
        const need = (n: number): number => {
          if (q + n > d + len) throw corrupt(`zip64 extra field of ${JSON.stringify(name)} is too short`)
          const at = q
          q += n
          return at
        }
        if (size === 0xffffffff) size = v.u64(need(8))
        if (compressedSize === 0xffffffff) compressedSize = v.u64(need(8))
        if (localOffset === 0xffffffff) localOffset = v.u64(need(8))
        if (diskStart === 0xffff) diskStart = v.u32(need(4))
      } else if (id === 0x7075 && len >= 5 && bytes[d] === 1) {
        if (v.u32(d + 1) === crc32(rawName)) name = utf8.decode(bytes.subarray(d + 5, d + len))
      }
      e = d + len
    }
    if (diskStart !== 0) throw unsupported('multi-disk (spanned) zip archives are not supported')

    const host = madeBy >>> 8
    const mode = host === 3 || host === 19 ? (external >>> 16) & S_IFMT : 0
    let kind: ZipEntry['kind'] = 'file'
    let special: string | undefined
    if (name.endsWith('/') || mode === S_IFDIR || (mode === 0 && (external & 0x10) !== 0)) kind = 'dir'
    else if (mode === S_IFLNK) kind = 'link'
    else if (mode !== 0 && mode !== S_IFREG) {
      kind = 'special'
      special = SPECIAL_KINDS[mode] ?? `file of mode ${mode.toString(8)}`
    }

    const path = safePath(name)
    if (kind === 'file' && path !== null) {
      if (flags & 0x0001 || flags & 0x0040 || flags & 0x2000) {
        throw unsupported(`zip entry ${JSON.stringify(name)} is encrypted`)
      }
      if (method !== 0 && method !== 8) {
        throw unsupported(`zip entry ${JSON.stringify(name)} uses compression method ${method} (only stored and deflate are supported)`)
      }
      if (method === 0 && compressedSize !== size) {
        throw corrupt(`stored zip entry ${JSON.stringify(name)} has different compressed and uncompressed sizes`)
      }
    }
    entries.push({ name, path, kind, special, method, flags, crc, compressedSize, size, localOffset: base + localOffset })
    p = next
  }
  return entries
}

/** Where an entry's data starts, from its local header. */
export function dataOffset(v: View, entry: ZipEntry): number {
  const h = entry.localOffset
  if (!v.has(h, 30) || v.u32(h) !== SIG_LOCAL) throw corrupt(`zip local header of ${JSON.stringify(entry.name)} not found`)
  const start = h + 30 + v.u16(h + 26) + v.u16(h + 28)
  if (!v.has(start, entry.compressedSize)) throw corrupt(`zip data of ${JSON.stringify(entry.name)} lies outside the archive`)
  return start
}
