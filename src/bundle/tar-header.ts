/**
 * One tar header block: its fields, checksum, numbers (octal or GNU base-256) and the pax records
 * of an extended header's body. The streaming reader (tar.ts) decides what to do with them.
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
 * pax extended header bodies ('x', 'g') are records "<len> <key>=<value>\n", len counting the
 * whole record in bytes, values UTF-8. 'x' keys used here: path, linkpath, size. 'g' is ignored.
 */
import { corrupt } from './entries.ts'

export const BLOCK = 512

const utf8 = new TextDecoder('utf-8')

/** The fields of a header block that the reader acts on. */
export interface TarHeader {
  typeflag: string
  /** The size field (124, 12 bytes); null when malformed. */
  size: number | null
  /** name (0, 100), behind the prefix (345, 155) in POSIX ustar headers. */
  name: string
  linkname: string
  /** isextended (482): GNU sparse extension blocks follow an 'S' header. */
  sparseExtended: boolean
}

/** The fields of a header block whose checksum has been verified. */
export function parseTarHeader(header: Uint8Array): TarHeader {
  const magic = readString(header, 257, 6)
  const version = readString(header, 263, 2)
  let name = readString(header, 0, 100)
  // the prefix field exists only in POSIX ustar headers ("ustar\0" "00")
  if (magic === 'ustar' && version === '00') {
    const prefix = readString(header, 345, 155)
    if (prefix !== '') name = `${prefix}/${name}`
  }
  return {
    typeflag: String.fromCharCode(header[156] ?? 0),
    size: readNumber(header, 124, 12),
    name,
    linkname: readString(header, 157, 100),
    sparseExtended: header[482] === 1,
  }
}

/** isextended of a GNU sparse extension block (504): another extension block follows. */
export const sparseExtensionContinues = (block: Uint8Array): boolean => block[504] === 1

/** Bytes up to the first NUL (or the whole field), decoded as UTF-8. */
export function readString(block: Uint8Array, offset: number, length: number): string {
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

export function isZeroBlock(block: Uint8Array): boolean {
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
export function parsePax(body: Uint8Array): Map<string, string> {
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

export const padding = (size: number): number => (BLOCK - (size % BLOCK)) % BLOCK

/** The header-only entry types that are reported as skipped, by typeflag. */
export const TYPE_NAMES: Record<string, string> = {
  '1': 'hard link',
  '2': 'symbolic link',
  '3': 'character device',
  '4': 'block device',
  '6': 'fifo',
}
