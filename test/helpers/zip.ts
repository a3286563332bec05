// A tiny zip writer for building hostile and edge-case archives in tests.
import { crc32, deflateRawSync } from 'node:zlib'

export interface ZipEntryIn {
  name: string
  /** raw name bytes, overriding `name` (for non-UTF-8 names) */
  nameBytes?: Uint8Array
  data?: Uint8Array | string
  /** 0 stored, 8 deflate (default), anything else written as stored bytes with that method id */
  method?: number
  flags?: number
  /** Unix st_mode, stored in the upper 16 bits of the external attributes (host Unix) */
  mode?: number
  /** override the CRC written */
  crc?: number
  /** override the uncompressed size written */
  size?: number
  /** write sizes and offset as 0xffffffff with a zip64 extra field in the central directory */
  zip64?: boolean
  /** extra field bytes for the central directory */
  extra?: Uint8Array
}

const enc = new TextEncoder()

function le(n: number, width: 2 | 4 | 8): Uint8Array {
  const b = new Uint8Array(width)
  const dv = new DataView(b.buffer)
  if (width === 2) dv.setUint16(0, n, true)
  else if (width === 4) dv.setUint32(0, n, true)
  else dv.setBigUint64(0, BigInt(n), true)
  return b
}

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0))
  let o = 0
  for (const p of parts) {
    out.set(p, o)
    o += p.length
  }
  return out
}

export function zip(
  entries: ZipEntryIn[],
  { comment = '', prefix = new Uint8Array(0), zip64End = false }: { comment?: string; prefix?: Uint8Array; zip64End?: boolean } = {},
): Uint8Array {
  const locals: Uint8Array[] = [prefix]
  const centrals: Uint8Array[] = []
  let offset = 0 // offsets are relative to the zip start (after the prefix)
  for (const e of entries) {
    const name = e.nameBytes ?? enc.encode(e.name)
    const data = typeof e.data === 'string' ? enc.encode(e.data) : (e.data ?? new Uint8Array(0))
    const method = e.method ?? 8
    const stored = method === 8 ? new Uint8Array(deflateRawSync(data)) : data
    const crc = e.crc ?? crc32(data)
    const size = e.size ?? data.length
    const flags = e.flags ?? 0x0800
    const local = concat([
      le(0x04034b50, 4),
      le(20, 2),
      le(flags, 2),
      le(method, 2),
      le(0, 2),
      le(0x5b7b, 2),
      le(crc, 4),
      le(stored.length, 4),
      le(size, 4),
      le(name.length, 2),
      le(0, 2),
      name,
    ])
    locals.push(local, stored)
    const z64 = e.zip64 ? concat([le(1, 2), le(24, 2), le(size, 8), le(stored.length, 8), le(offset, 8)]) : new Uint8Array(0)
    const extra = concat([z64, e.extra ?? new Uint8Array(0)])
    centrals.push(
      concat([
        le(0x02014b50, 4),
        le(e.mode !== undefined ? 0x0314 : 0x0014, 2),
        le(20, 2),
        le(flags, 2),
        le(method, 2),
        le(0, 2),
        le(0x5b7b, 2),
        le(crc, 4),
        le(e.zip64 ? 0xffffffff : stored.length, 4),
        le(e.zip64 ? 0xffffffff : size, 4),
        le(name.length, 2),
        le(extra.length, 2),
        le(0, 2),
        le(0, 2),
        le(0, 2),
        le(e.mode !== undefined ? (e.mode << 16) >>> 0 : 0, 4),
        le(e.zip64 ? 0xffffffff : offset, 4),
        name,
        extra,
      ]),
    )
    offset += local.length + stored.length
  }
  const cd = concat(centrals)
  const c = enc.encode(comment)
  const tail: Uint8Array[] = []
  if (zip64End) {
    const eocd64Offset = offset + cd.length
    tail.push(
      le(0x06064b50, 4),
      le(44, 8),
      le(45, 2),
      le(45, 2),
      le(0, 4),
      le(0, 4),
      le(entries.length, 8),
      le(entries.length, 8),
      le(cd.length, 8),
      le(offset, 8),
      le(0x07064b50, 4),
      le(0, 4),
      le(eocd64Offset, 8),
      le(1, 4),
    )
  }
  tail.push(
    le(0x06054b50, 4),
    le(0, 2),
    le(0, 2),
    le(zip64End ? 0xffff : entries.length, 2),
    le(zip64End ? 0xffff : entries.length, 2),
    le(zip64End ? 0xffffffff : cd.length, 4),
    le(zip64End ? 0xffffffff : offset, 4),
    le(c.length, 2),
    c,
  )
  return concat([...locals, cd, ...tail])
}
