// Real archives for the archive and bundle fuzzers, where their headers sit, and byte mutations.
import { execFileSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { gunzipSync, gzipSync } from 'node:zlib'
import fc from 'fast-check'
import type { ArchiveFormat } from '../../src/bundle/archive.ts'
import { concatBytes } from '../../src/bytes.ts'
import { pax, type TarEntry, tar } from '../helpers/tar.ts'
import { zip } from '../helpers/zip.ts'
import { sample } from './parsers.ts'

const fixturePath = (path: string): string => fileURLToPath(new URL(`../fixtures/${path}`, import.meta.url))
export const fixtureBytes = (path: string): Uint8Array => new Uint8Array(readFileSync(fixturePath(path)))

/** One member of a committed .tar.gz, through the system tar (as test/content does). */
export function member(archive: string, name: string): Uint8Array {
  return new Uint8Array(execFileSync('tar', ['-xzOf', fixturePath(archive), `./${name}`], { maxBuffer: 64 * 1024 * 1024 }))
}

/** `hexdump -C` text back to bytes: `*` rows repeat the row before up to the next offset. */
export function unhexdump(text: string): Uint8Array {
  const out: number[] = []
  let last: number[] = []
  let pendingRepeat = false
  for (const line of text.split('\n')) {
    const offset = /^([0-9a-f]{8,16})\b/.exec(line)
    if (line.startsWith('*')) {
      pendingRepeat = true
      continue
    }
    if (!offset) continue
    const at = parseInt(offset[1]!, 16)
    if (pendingRepeat) {
      while (out.length < at) out.push(...last.slice(0, at - out.length))
      pendingRepeat = false
    }
    const hex = line.slice(offset[0].length).split('|')[0]!.trim().split(/\s+/).filter(Boolean)
    last = hex.map((h) => parseInt(h, 16))
    out.push(...last)
  }
  return new Uint8Array(out)
}

/** `xxd` text of bytes (`xxd -a` elides zero rows with `*`). */
export function xxd(bytes: Uint8Array, elide = true): string {
  const rows: string[] = []
  let skipping = false
  for (let at = 0; at < bytes.length; at += 16) {
    const row = bytes.subarray(at, at + 16)
    if (elide && at > 0 && row.length === 16 && row.every((b) => b === 0) && bytes.subarray(at - 16, at).every((b) => b === 0)) {
      if (!skipping) rows.push('*')
      skipping = true
      continue
    }
    skipping = false
    const groups: string[] = []
    for (let g = 0; g < row.length; g += 2) groups.push([...row.subarray(g, g + 2)].map((b) => b.toString(16).padStart(2, '0')).join(''))
    const ascii = [...row].map((b) => (b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : '.')).join('')
    rows.push(`${at.toString(16).padStart(8, '0')}: ${groups.join(' ').padEnd(39)}  ${ascii}`)
  }
  return `${rows.join('\n')}\n`
}

/** `hexdump -C` text of bytes. */
export function hexdump(bytes: Uint8Array, start = 0): string {
  const rows: string[] = []
  let previous: string | null = null
  let starred = false
  for (let at = 0; at < bytes.length; at += 16) {
    const row = bytes.subarray(at, at + 16)
    const hex = [...row].map((b) => b.toString(16).padStart(2, '0'))
    const key = hex.join(' ')
    if (key === previous && row.length === 16) {
      if (!starred) rows.push('*')
      starred = true
      continue
    }
    previous = key
    starred = false
    const ascii = [...row].map((b) => (b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : '.')).join('')
    const left = hex.slice(0, 8).join(' ')
    const right = hex.slice(8).join(' ')
    rows.push(`${(start + at).toString(16).padStart(8, '0')}  ${`${left}  ${right}`.padEnd(49)} |${ascii}|`)
  }
  rows.push((start + bytes.length).toString(16).padStart(8, '0'))
  return `${rows.join('\n')}\n`
}

/** A bundle of the real samples, laid out as the kafka collector does, with small real dumps. */
export function sampleBundle(dumpBytes: Uint8Array, dumpHex: string): { name: string; body: Uint8Array | string }[] {
  return [
    { name: 'manifest.json', body: sample('kafka-suspect-manifest.json') },
    { name: 'proc/meminfo', body: sample('kafka-suspect-meminfo.txt') },
    { name: 'proc/vmstat', body: sample('kafka-suspect-vmstat.txt') },
    { name: 'proc/slabinfo', body: sample('kafka-suspect-slabinfo.txt') },
    { name: 'ps.txt', body: sample('kafka-suspect-ps.txt') },
    { name: 'ps-aux.txt', body: sample('kafka-suspect-ps-aux.txt') },
    { name: 'pmap/5.txt', body: sample('kafka-suspect-pmap-5.txt') },
    { name: 'proc/5/smaps_rollup', body: sample('kafka-suspect-smaps_rollup-5.txt') },
    { name: 'proc/5/status', body: sample('kafka-suspect-status-5.txt') },
    { name: 'proc/5/maps', body: sample('kafka-suspect-maps-5.txt') },
    { name: 'proc/6/smaps', body: sample('smaps.txt') },
    { name: 'config/fwlog.properties', body: sample('kafka-suspect-fwlog.properties') },
    { name: 'kafka-stats/fwlog.json', body: sample('kafka-suspect-fwlog-stats.json') },
    { name: 'logs/fwlog.log', body: sample('kafka-suspect-fwlog.log') },
    { name: 'logs/kern.log', body: sample('dmesg-oom-new.txt') },
    { name: 'dumps/5-7f2250000000-7f2250010000.bin', body: dumpBytes },
    { name: 'dumps/5-7f2250000000.hexdump.txt', body: dumpHex },
  ]
}

export function asTar(files: { name: string; body: Uint8Array | string }[]): Uint8Array {
  return tar(files.map((f): TarEntry => ({ name: f.name, body: f.body })))
}

export function asZip(files: { name: string; body: Uint8Array | string }[]): Uint8Array {
  return zip(files.map((f, i) => ({ name: f.name, data: f.body, method: i % 3 === 0 ? 0 : 8 })))
}

export interface Subject {
  label: string
  format: ArchiveFormat
  bytes: Uint8Array
  /** [start, end) byte ranges of headers: where a flipped byte hurts most */
  hot: [number, number][]
}

/** Where the tar headers are: walk the blocks by their size fields (as a reader would). */
export function tarHeaders(bytes: Uint8Array): [number, number][] {
  const hot: [number, number][] = []
  let at = 0
  while (at + 512 <= bytes.length) {
    const block = bytes.subarray(at, at + 512)
    if (block.every((b) => b === 0)) break
    hot.push([at, at + 512])
    const size = parseInt(new TextDecoder().decode(block.subarray(124, 136)).replace(/[^0-7]/g, '') || '0', 8)
    at += 512 + Math.ceil(size / 512) * 512
  }
  return hot
}

/** Where the zip records are: every signature found, and the fixed part and names after it. */
export function zipHeaders(bytes: Uint8Array): [number, number][] {
  const hot: [number, number][] = []
  for (let i = 0; i + 4 <= bytes.length; i++) {
    if (bytes[i] !== 0x50 || bytes[i + 1] !== 0x4b) continue
    const kind = (bytes[i + 2]! << 8) | bytes[i + 3]!
    if (kind === 0x0304) hot.push([i, i + 30 + 64])
    else if (kind === 0x0102) hot.push([i, i + 46 + 64])
    else if (kind === 0x0506) hot.push([i, i + 22])
    else if (kind === 0x0606 || kind === 0x0607) hot.push([i, i + 56])
  }
  return hot
}

/** gzip: the 10-byte header (and optional fields) and the CRC/size trailer. */
export function gzipHeaders(bytes: Uint8Array): [number, number][] {
  return [
    [0, Math.min(bytes.length, 32)],
    [Math.max(0, bytes.length - 8), bytes.length],
  ]
}

export function subject(label: string, format: ArchiveFormat, bytes: Uint8Array): Subject {
  const hot = format === 'zip' ? zipHeaders(bytes) : format === 'tar' ? tarHeaders(bytes) : gzipHeaders(bytes)
  return { label, format, bytes, hot }
}

/** The real archives: the seed bundles (as .tar.gz and unpacked .tar), the zip fixture, and a small sample bundle in all three. */
export function realSubjects(bundle: { name: string; body: Uint8Array | string }[]): Subject[] {
  const sta18 = fixtureBytes('seed/sta-18.tar.gz')
  const sta49 = fixtureBytes('seed/sta-49.tar.gz')
  const sampleTar = asTar(bundle)
  return [
    subject('seed/sta-18.tar.gz', 'tar.gz', sta18),
    subject('seed/sta-49.tar.gz', 'tar.gz', sta49),
    subject('seed/sta-18.tar', 'tar', new Uint8Array(gunzipSync(sta18))),
    subject('seed/sta-49.tar', 'tar', new Uint8Array(gunzipSync(sta49))),
    subject('zip/small.zip', 'zip', fixtureBytes('zip/small.zip')),
    subject('samples.tar', 'tar', sampleTar),
    subject('samples.tar.gz', 'tar.gz', new Uint8Array(gzipSync(sampleTar))),
    subject('samples.zip', 'zip', asZip(bundle)),
  ]
}

/** One edit of an archive's bytes. Offsets are raw: taken modulo the size, or into a header range. */
export type ByteOp =
  | { op: 'flip'; at: number; hot: boolean; xor: number }
  | { op: 'set'; at: number; hot: boolean; value: number }
  | { op: 'truncate'; at: number }
  | { op: 'delete'; at: number; hot: boolean; length: number }
  | { op: 'duplicate'; at: number; length: number }
  | { op: 'splice'; from: number; source: number; at: number; length: number }
  | { op: 'insert'; at: number; hot: boolean; bytes: Uint8Array }

/** Bytes that mean something in tar, gzip and zip headers. */
const MEANINGFUL = [
  0x00, 0xff, 0x7f, 0x80, 0x01, 0x20, 0x30, 0x31, 0x32, 0x33, 0x34, 0x35, 0x36, 0x37, 0x38, 0x2f, 0x2e, 0x5c, 0x4c, 0x4b, 0x78, 0x67, 0x53,
  0x56, 0x50, 0x08, 0x09,
]

export const byteOp: fc.Arbitrary<ByteOp> = fc.oneof(
  {
    weight: 5,
    arbitrary: fc.record({ op: fc.constant('flip' as const), at: fc.nat(), hot: fc.boolean(), xor: fc.integer({ min: 1, max: 255 }) }),
  },
  {
    weight: 4,
    arbitrary: fc.record({
      op: fc.constant('set' as const),
      at: fc.nat(),
      hot: fc.boolean(),
      value: fc.oneof(fc.constantFrom(...MEANINGFUL), fc.integer({ min: 0, max: 255 })),
    }),
  },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('truncate' as const), at: fc.nat() }) },
  {
    weight: 1,
    arbitrary: fc.record({
      op: fc.constant('delete' as const),
      at: fc.nat(),
      hot: fc.boolean(),
      length: fc.integer({ min: 1, max: 1024 }),
    }),
  },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('duplicate' as const), at: fc.nat(), length: fc.integer({ min: 1, max: 2048 }) }) },
  {
    weight: 1,
    arbitrary: fc.record({
      op: fc.constant('splice' as const),
      from: fc.nat(),
      source: fc.nat(),
      at: fc.nat(),
      length: fc.integer({ min: 1, max: 4096 }),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      op: fc.constant('insert' as const),
      at: fc.nat(),
      hot: fc.boolean(),
      bytes: fc.uint8Array({ minLength: 1, maxLength: 64 }),
    }),
  },
)

export const byteOps: fc.Arbitrary<ByteOp[]> = fc.array(byteOp, { minLength: 1, maxLength: 5 })

function offset(s: { bytes: Uint8Array; hot: [number, number][] }, at: number, hot: boolean): number {
  if (hot && s.hot.length > 0) {
    const [from, to] = s.hot[at % s.hot.length]!
    const span = Math.max(1, to - from)
    return Math.min(from + (Math.floor(at / s.hot.length) % span), Math.max(0, s.bytes.length - 1))
  }
  return s.bytes.length === 0 ? 0 : at % s.bytes.length
}

const cat = (...parts: Uint8Array[]): Uint8Array => concatBytes(parts)

/** Applies the edits in order; header ranges are those of the original (they drift after a delete, as they would). */
export function mutateBytes(s: Subject, ops: ByteOp[], others: Subject[]): Uint8Array {
  let bytes: Uint8Array = s.bytes.slice()
  for (const op of ops) {
    const cur = { bytes, hot: s.hot }
    switch (op.op) {
      case 'flip':
        if (bytes.length) bytes[offset(cur, op.at, op.hot)]! ^= op.xor
        break
      case 'set':
        if (bytes.length) bytes[offset(cur, op.at, op.hot)] = op.value
        break
      case 'truncate':
        bytes = bytes.slice(0, op.at % (bytes.length + 1))
        break
      case 'delete': {
        const i = offset(cur, op.at, op.hot)
        bytes = cat(bytes.subarray(0, i), bytes.subarray(i + op.length))
        break
      }
      case 'duplicate': {
        const i = offset(cur, op.at, false)
        bytes = cat(bytes.subarray(0, i + op.length), bytes.subarray(i))
        break
      }
      case 'splice': {
        const other = others[op.source % others.length]!.bytes
        const from = other.length ? op.from % other.length : 0
        const i = offset(cur, op.at, false)
        bytes = cat(bytes.subarray(0, i), other.subarray(from, from + op.length), bytes.subarray(i))
        break
      }
      case 'insert': {
        const i = offset(cur, op.at, op.hot)
        bytes = cat(bytes.subarray(0, i), op.bytes, bytes.subarray(i))
        break
      }
    }
  }
  return bytes
}

/** Random bytes, bare or behind a format's magic (so the reader gets past its first check). */
export const randomArchive: fc.Arbitrary<Uint8Array> = fc
  .tuple(fc.constantFrom('none', 'gzip', 'zip-local', 'zip-end', 'ustar', 'v7'), fc.uint8Array({ maxLength: 3000 }))
  .map(([magic, body]) => {
    switch (magic) {
      case 'gzip':
        return cat(new Uint8Array([0x1f, 0x8b, 0x08, body[0] ?? 0]), body)
      case 'zip-local':
        return cat(new Uint8Array([0x50, 0x4b, 0x03, 0x04]), body)
      case 'zip-end':
        return cat(body, new Uint8Array([0x50, 0x4b, 0x05, 0x06]), body.subarray(0, 18))
      case 'ustar': {
        const b = cat(body, new Uint8Array(Math.max(0, 512 - body.length)))
        b.set([0x75, 0x73, 0x74, 0x61, 0x72, 0x00], 257)
        return b
      }
      case 'v7':
        return cat(tarHeaderWithChecksum(body.subarray(0, 512)), body.subarray(512))
      default:
        return body
    }
  })

/** A 512-byte block whose checksum field verifies (whatever else it holds). */
export function tarHeaderWithChecksum(bytes: Uint8Array): Uint8Array {
  const h = new Uint8Array(512)
  h.set(bytes.subarray(0, 512))
  if (h[0] === 0) h[0] = 0x61
  fixChecksum(h, 0)
  return h
}

export function fixChecksum(bytes: Uint8Array, at: number): void {
  const h = bytes.subarray(at, at + 512)
  h.fill(0x20, 148, 156)
  let sum = 0
  for (const b of h) sum += b
  h.set(new TextEncoder().encode(`${sum.toString(8).padStart(6, '0').slice(-6)}\0 `), 148)
}

// ---------------------------------------------------------------------------------------------
// Field-aware mutations: a tar header field rewritten (checksum fixed, so the reader believes
// it), a zip member name or mode rewritten in its headers.

/** Member names an attacker writes. */
export const HOSTILE_NAMES = [
  '../etc/passwd',
  '../../../../../../tmp/x',
  '/etc/passwd',
  '//etc/passwd',
  'a/../../b',
  'a/..',
  '..',
  '.',
  './',
  '',
  '/',
  './././',
  'a//b',
  'dir/./x',
  'C:\\x',
  'C:/x',
  'C:x',
  'c:',
  '\\\\server\\share\\x',
  '\\x',
  '..\\..\\x',
  'a\\..\\b',
  'a\\b',
  'x\u0000y',
  '\u0000',
  'proc/meminfo',
  'proc/5/status',
  'dumps/5-7f2250000000-7f2250010000.bin',
  'manifest.json',
  '././@LongLink',
  'é/漢/😀',
  ' ',
  '...',
  '.../x',
  'a/.../b',
  '.hidden',
  'a/b/',
  'logs/',
  'dumps/../../x',
]

export const pathString: fc.Arbitrary<string> = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...HOSTILE_NAMES) },
  {
    weight: 2,
    arbitrary: fc
      .array(fc.constantFrom('..', '.', '', 'a', 'proc', 'C:', '\\', '..\\', '\u0000', 'é'), { maxLength: 6 })
      .map((s) => s.join('/')),
  },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) },
)

const enc = new TextEncoder()

const TAR_FIELDS = {
  name: [0, 100],
  mode: [100, 8],
  uid: [108, 8],
  size: [124, 12],
  mtime: [136, 12],
  typeflag: [156, 1],
  linkname: [157, 100],
  magic: [257, 6],
  version: [263, 2],
  prefix: [345, 155],
  sparse: [482, 1],
} as const
type TarField = keyof typeof TAR_FIELDS

const octal = (n: bigint | number, width: number) => n.toString(8).padStart(width - 1, '0')

function fieldValue(field: TarField): fc.Arbitrary<Uint8Array> {
  const text = (a: fc.Arbitrary<string>) => a.map((s) => enc.encode(s))
  switch (field) {
    case 'name':
    case 'linkname':
    case 'prefix':
      return text(pathString)
    case 'size':
      return fc.oneof(
        text(
          fc.constantFrom(
            '77777777777',
            '00000000000',
            '00000001000',
            '-0000000001',
            '           ',
            'zz',
            '99999999999',
            '0000000001\0',
            '',
          ),
        ),
        fc.bigInt({ min: 0n, max: 8n ** 11n - 1n }).map((n) => enc.encode(octal(n, 12))),
        fc.nat({ max: 1 << 20 }).map((n) => enc.encode(octal(n, 12))),
        // GNU base-256, positive and negative, huge and small
        fc
          .uint8Array({ minLength: 11, maxLength: 11 })
          .chain((rest) => fc.constantFrom(0x80, 0xff, 0x81).map((first) => new Uint8Array([first, ...rest]))),
        fc.nat({ max: 4096 }).map((n) => {
          const b = new Uint8Array(12)
          b[0] = 0x80
          b[10] = n >> 8
          b[11] = n & 0xff
          return b
        }),
      )
    case 'typeflag':
      return fc.oneof(
        text(fc.constantFrom('0', '1', '2', '3', '4', '5', '6', '7', 'L', 'K', 'x', 'g', 'S', 'V', 'M', 'D', 'N', 'A', 'X', '\u0000')),
        fc.integer({ min: 0, max: 255 }).map((b) => new Uint8Array([b])),
      )
    case 'magic':
      return text(fc.constantFrom('ustar\u0000', 'ustar ', 'ustar', 'USTAR\u0000', '\u0000\u0000\u0000\u0000\u0000\u0000', 'xxxxxx'))
    case 'version':
      return text(fc.constantFrom('00', '  ', ' \u0000', 'zz'))
    case 'sparse':
      return fc.constantFrom(new Uint8Array([1]), new Uint8Array([0]), new Uint8Array([0xff]))
    default:
      return fc.oneof(
        fc.uint8Array({ maxLength: 12 }),
        fc.nat().map((n) => enc.encode(octal(n, 8))),
      )
  }
}

export interface TarFieldOp {
  header: number
  field: TarField
  value: Uint8Array
  fixChecksum: boolean
}

export const tarFieldOp: fc.Arbitrary<TarFieldOp> = fc.constantFrom(...(Object.keys(TAR_FIELDS) as TarField[])).chain((field) =>
  fc.record({
    header: fc.nat(),
    field: fc.constant(field),
    value: fieldValue(field),
    // mostly fixed, so the reader believes the header and reads the field
    fixChecksum: fc.oneof({ weight: 9, arbitrary: fc.constant(true) }, { weight: 1, arbitrary: fc.constant(false) }),
  }),
)

/** Rewrites one field of one header of a tar (NUL-padded to the field's width), then its checksum. */
export function mutateTarFields(bytes: Uint8Array, ops: TarFieldOp[]): Uint8Array {
  const out = bytes.slice()
  const headers = tarHeaders(out)
  for (const op of ops) {
    if (headers.length === 0) break
    const [at] = headers[op.header % headers.length]!
    const [offset, width] = TAR_FIELDS[op.field]
    out.fill(0, at + offset, at + offset + width)
    out.set(op.value.subarray(0, width), at + offset)
    if (op.fixChecksum) fixChecksum(out, at)
  }
  return out
}

/** Entries a tar may hold besides regular files: links, devices, pax and GNU long names, sparse, odd types. */
export const extraTarEntry: fc.Arbitrary<TarEntry[]> = fc.oneof(
  fc
    .record({
      name: pathString,
      type: fc.constantFrom('0', '1', '2', '3', '4', '5', '6', '7', 'S', 'V', 'M', 'N', 'D', 'Z'),
      linkname: pathString,
      body: fc.string({ maxLength: 600 }),
    })
    .map((e) => [{ name: fitName(e.name), type: e.type, linkname: fitName(e.linkname), body: e.body }]),
  // pax: path, linkpath, size (valid, huge, negative, junk), and malformed record lengths
  fc
    .record({
      path: pathString,
      size: fc.constantFrom(undefined, '0', '10', '99999999999999999999', '-1', 'x', '9007199254740993'),
      body: fc.string({ maxLength: 300 }),
    })
    .map((e) => {
      const records: Record<string, string> = { path: e.path }
      if (e.size !== undefined) records.size = e.size
      return [pax(records), { name: 'placeholder', body: e.body }]
    }),
  fc.string({ maxLength: 200 }).map((raw) => [
    { name: 'PaxHeaders/x', type: 'x', body: raw, format: 'ustar' as const },
    { name: 'after-pax', body: 'x' },
  ]),
  fc.record({ name: pathString, body: fc.string({ maxLength: 100 }) }).map((e) => [
    { name: '././@LongLink', type: 'L', body: `${e.name}\u0000` },
    { name: 'short', body: e.body },
  ]),
  fc.record({ name: pathString, size: fc.nat({ max: 1 << 20 }) }).map((e) => [{ name: fitName(e.name), body: 'short body', size: e.size }]),
  fc
    .record({ name: pathString, prefix: pathString })
    .map((e) => [{ name: fitName(e.name), prefix: fitName(e.prefix, 155), format: 'ustar' as const, body: 'x' }]),
)

function fitName(name: string, width = 100): string {
  let s = name
  while (enc.encode(s).length > width) s = s.slice(0, -1)
  return s
}

/** A tar of real files with odd entries slipped in between them. */
export function tarWithExtras(files: TarEntry[], extras: [number, TarEntry[]][]): Uint8Array {
  const entries = [...files]
  for (const [at, extra] of extras) entries.splice(at % (entries.length + 1), 0, ...extra)
  return tar(entries)
}

export interface ZipNameOp {
  entry: number
  where: 'both' | 'central' | 'local'
  name: string
  mode: number | null
}

export const zipNameOp: fc.Arbitrary<ZipNameOp> = fc.record({
  entry: fc.nat(),
  where: fc.constantFrom('both', 'both', 'central', 'local'),
  name: pathString,
  // Unix modes: symlink, char/block device, fifo, socket, directory, regular
  mode: fc.option(fc.constantFrom(0o120777, 0o020644, 0o060644, 0o010644, 0o140644, 0o040755, 0o100644, 0o170777), { nil: null }),
})

/** Rewrites member names in place (same length: padded with 'a' or cut), and the Unix mode. */
export function mutateZipNames(bytes: Uint8Array, ops: ZipNameOp[]): Uint8Array {
  const out = bytes.slice()
  const dv = new DataView(out.buffer, out.byteOffset, out.byteLength)
  const centrals: number[] = []
  const locals: number[] = []
  for (let i = 0; i + 46 <= out.length; i++) {
    if (out[i] !== 0x50 || out[i + 1] !== 0x4b) continue
    if (out[i + 2] === 1 && out[i + 3] === 2) centrals.push(i)
    if (out[i + 2] === 3 && out[i + 3] === 4) locals.push(i)
  }
  for (const op of ops) {
    if (centrals.length === 0) break
    const c = centrals[op.entry % centrals.length]!
    const l = locals[op.entry % Math.max(1, locals.length)]
    const write = (at: number, length: number) => {
      const name = enc.encode(op.name).subarray(0, length)
      const padded = new Uint8Array(length).fill(0x61)
      padded.set(name)
      if (at + length <= out.length) out.set(padded, at)
    }
    if (op.where !== 'local') write(c + 46, dv.getUint16(c + 28, true))
    if (op.where !== 'central' && l !== undefined && l + 30 <= out.length) write(l + 30, dv.getUint16(l + 26, true))
    if (op.mode !== null) {
      dv.setUint16(c + 4, (3 << 8) | 20, true) // made by Unix
      dv.setUint32(c + 38, (op.mode << 16) >>> 0, true)
    }
  }
  return out
}

let dumps: { hex: string; hexHead: string; bytes: Uint8Array } | null = null

/**
 * The real kafka dump text and bytes, extracted once per test file: the suspect's hexdump of
 * fwlog's arena (whole, and its first 1,500 lines) and the bytes it stands for (256 KiB).
 */
export function kafkaDumps(): { hex: string; hexHead: string; bytes: Uint8Array } {
  if (!dumps) {
    const hex = new TextDecoder().decode(member('kafka/suspect.tar.gz', 'dumps/5-7f2250000000.hexdump.txt'))
    dumps = { hex, hexHead: hex.split('\n').slice(0, 1500).join('\n'), bytes: unhexdump(hex) }
  }
  return dumps
}

/** The sample bundle's files, with a 128 KiB slice of the real dump and 1,500 lines of its hexdump. */
export function sampleBundleFiles(): { name: string; body: Uint8Array | string }[] {
  const { hexHead, bytes } = kafkaDumps()
  return sampleBundle(bytes.subarray(0, 128 * 1024), hexHead)
}
