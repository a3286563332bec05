// A tiny tar writer for building hostile and edge-case archives in tests.
import { gzipSync } from 'node:zlib'

export interface TarEntry {
  name: string
  /** typeflag character; default '0' */
  type?: string
  body?: Uint8Array | string
  linkname?: string
  /** header format: 'gnu' ("ustar  \0", default), 'ustar' ("ustar\0" "00"), 'v7' (no magic) */
  format?: 'gnu' | 'ustar' | 'v7'
  /** POSIX ustar prefix field (use with format 'ustar') */
  prefix?: string
  /** write the size field in GNU base-256 */
  base256?: boolean
  /** size field value when it should differ from the body length */
  size?: number
  /** corrupt the checksum */
  badChecksum?: boolean
  mode?: number
}

const enc = new TextEncoder()
const bytes = (b: Uint8Array | string | undefined): Uint8Array =>
  b === undefined ? new Uint8Array(0) : typeof b === 'string' ? enc.encode(b) : b

function putString(h: Uint8Array, offset: number, length: number, s: string): void {
  const b = enc.encode(s)
  if (b.length > length) throw new Error(`field too long: ${s}`)
  h.set(b, offset)
}

function putOctal(h: Uint8Array, offset: number, length: number, n: number): void {
  putString(h, offset, length, n.toString(8).padStart(length - 1, '0'))
}

export function tarHeader(e: TarEntry, bodyLength: number): Uint8Array {
  const h = new Uint8Array(512)
  putString(h, 0, 100, e.name)
  putOctal(h, 100, 8, e.mode ?? 0o644)
  putOctal(h, 108, 8, 0)
  putOctal(h, 116, 8, 0)
  const size = e.size ?? bodyLength
  if (e.base256) {
    h[124] = 0x80
    let n = size
    for (let i = 135; i > 124; i--) {
      h[i] = n % 256
      n = Math.floor(n / 256)
    }
  } else {
    putOctal(h, 124, 12, size)
  }
  putOctal(h, 136, 12, 1795737600) // 2026-11-27
  putString(h, 156, 1, e.type ?? '0')
  if (e.linkname) putString(h, 157, 100, e.linkname)
  const format = e.format ?? 'gnu'
  if (format === 'gnu') putString(h, 257, 8, 'ustar  ')
  else if (format === 'ustar') {
    putString(h, 257, 6, 'ustar')
    putString(h, 263, 2, '00')
  }
  if (format !== 'v7') {
    putString(h, 265, 32, 'root')
    putString(h, 297, 32, 'root')
  }
  if (e.prefix) putString(h, 345, 155, e.prefix)
  // checksum: field counted as spaces, written as 6 octal digits, NUL, space
  h.fill(0x20, 148, 156)
  let sum = 0
  for (const b of h) sum += b
  if (e.badChecksum) sum += 1
  putString(h, 148, 8, `${sum.toString(8).padStart(6, '0')}\0 `)
  return h
}

/** GNU long name ('L') entry followed by the entry itself (its header name truncated). */
export function longName(e: TarEntry): TarEntry[] {
  return [
    { name: '././@LongLink', type: 'L', body: `${e.name}\0` },
    { ...e, name: e.name.slice(0, 99) },
  ]
}

/** A pax extended header ('x', or 'g' for global) with the given records. */
export function pax(records: Record<string, string>, type: 'x' | 'g' = 'x'): TarEntry {
  let body = ''
  for (const [k, v] of Object.entries(records)) {
    const rest = ` ${k}=${v}\n`
    const restLen = enc.encode(rest).length
    let len = restLen + String(restLen).length
    if (String(len).length !== String(restLen).length) len = restLen + String(len).length
    body += `${len}${rest}`
  }
  return { name: 'PaxHeaders/x', type, body, format: 'ustar' }
}

/** A tar archive of the entries, ended by two zero blocks unless `end` is false. */
export function tar(entries: TarEntry[], { end = true }: { end?: boolean } = {}): Uint8Array {
  const parts: Uint8Array[] = []
  for (const e of entries) {
    const body = bytes(e.body)
    parts.push(tarHeader(e, body.length))
    if (body.length) {
      parts.push(body)
      const pad = (512 - (body.length % 512)) % 512
      if (pad) parts.push(new Uint8Array(pad))
    }
  }
  if (end) parts.push(new Uint8Array(1024))
  const total = parts.reduce((n, p) => n + p.length, 0)
  const out = new Uint8Array(total)
  let o = 0
  for (const p of parts) {
    out.set(p, o)
    o += p.length
  }
  return out
}

export function tarGz(entries: TarEntry[], opts?: { end?: boolean }): Uint8Array {
  return new Uint8Array(gzipSync(tar(entries, opts)))
}
