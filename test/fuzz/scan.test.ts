// Property-based fuzzing of the dump scanner (src/content/scan.ts): random bytes and records of
// JSON, log, syslog, statsd, XML and key=value text in random chunks, as every format; slices of
// the real kafka dump (its `hexdump -C` text, the bytes it stands for, their `xxd`, the seed's
// strings dump) mutated and cut into random chunks; and dumps larger than the scanner's window.
// For every input: no exception, the result validates against DumpScan (also after a JSON round
// trip), warnings are snake_case and name the file, a binary or strings scan counts every input
// byte, and (on the real dumps) the result does not depend on how the stream was chunked.
import fc from 'fast-check'
import { describe, it } from 'vitest'
import { type DumpFormat, DumpScan } from '../../schemas/content.ts'
import { Warning } from '../../schemas/warning.ts'
import { concatBytes } from '../../src/bytes.ts'
import { scanDump } from '../../src/content/scan.ts'
import { hexdump, kafkaDumps, member, pathString, xxd } from './archives.ts'
import { checkCode, fail } from './checks.ts'
import { numRuns, PROPERTY_TIMEOUT } from './config.ts'
import { validate } from './known.ts'
import { anyString, mutateText, numberToken, SEPARATORS, textOp } from './text.ts'

const CASE_TIMEOUT_MS = 15_000
const enc = new TextEncoder()

/** `bytes` cut at the given sizes (the rest in one last chunk), copied as a stream would hand them. */
export function chunk(bytes: Uint8Array, sizes: number[]): Uint8Array[] {
  const out: Uint8Array[] = []
  let at = 0
  for (const size of sizes) {
    if (at >= bytes.length) break
    out.push(bytes.slice(at, at + size))
    at += size
  }
  if (at < bytes.length || out.length === 0) out.push(bytes.slice(at))
  return out
}

async function* stream(chunks: Uint8Array[]): AsyncGenerator<Uint8Array> {
  for (const c of chunks) yield c.slice()
}

export interface ScanInput {
  chunks: Uint8Array[]
  format?: DumpFormat
  path?: string
}

export async function checkScan({ chunks, format, path }: ScanInput): Promise<DumpScan> {
  const options: { format?: DumpFormat; path?: string } = {}
  if (format !== undefined) options.format = format
  if (path !== undefined) options.path = path
  const scan = await scanDump(stream(chunks), options)
  validate(DumpScan, scan, 'the scan')
  validate(DumpScan, JSON.parse(JSON.stringify(scan)), 'the scan after a JSON round trip')
  for (const w of scan.warnings) {
    validate(Warning, w, 'a warning')
    const warning = w
    checkCode(warning.code)
    if (warning.file !== path) fail(`warning ${warning.code} names file ${JSON.stringify(warning.file)}, not ${JSON.stringify(path)}`)
  }
  const total = chunks.reduce((n, c) => n + c.length, 0)
  if ((scan.format === 'binary' || scan.format === 'strings') && scan.bytesScanned !== total) {
    fail(`a ${scan.format} scan of ${total} bytes says bytesScanned ${scan.bytesScanned}`)
  }
  if (format !== undefined && scan.format !== format) fail(`asked for ${format}, scanned as ${scan.format}`)
  return scan
}

// -- inputs

const KEYS = [
  'LogType',
  'SessionID',
  'Timestamp',
  'SrcIP',
  'DstIP',
  'type',
  'level',
  'event',
  'kind',
  'Result',
  'msg',
  '__proto__',
  'constructor',
  'toString',
  '',
  ' ',
  'a"b',
  'é',
]
const jsonValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom(
    'netflow',
    'waf',
    'dns',
    'INFO',
    'ERROR',
    '',
    '<?xml version="1.0"?><a b="c">&lt;x&gt;</a>',
    null,
    true,
    0,
    -1,
    1e300,
    2 ** 53 + 2,
  ),
  fc.integer(),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.jsonValue({ maxDepth: 2 }),
)
const jsonRecord = fc
  .dictionary(
    fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...KEYS) }, { weight: 1, arbitrary: fc.string({ maxLength: 8 }) }),
    jsonValue,
    { maxKeys: 8 },
  )
  .map((o) => JSON.stringify(o))
const textRecord = fc.oneof(
  fc.tuple(fc.constantFrom('INFO', 'WARN', 'ERROR', 'DEBUG'), anyString).map(([l, m]) => `2026-11-27T09:51:27.441Z ${l} fwlog[5]: ${m}\n`),
  fc.tuple(numberToken, anyString).map(([n, m]) => `<134>Nov 27 09:51:27 sta-18 fwlog[${n}]: ${m}\n`),
  fc
    .tuple(fc.constantFrom('fwlog.queue', 'a.b.c', ''), numberToken, fc.constantFrom('c', 'g', 'ms', 'h', 'x'))
    .map(([m, v, t]) => `${m}:${v}|${t}\n`),
  fc.tuple(fc.constantFrom('Match', 'Header', 'a', ''), anyString).map(([t, v]) => `<${t} var="x">${v}</${t}>`),
  fc
    .array(fc.tuple(fc.constantFrom('src', 'dst', 'action', 'k'), numberToken), { maxLength: 6 })
    .map((kv) => `${kv.map(([k, v]) => `${k}=${v}`).join(' ')}\n`),
)
/** What sits between records in a heap: NULs, malloc headers, cut records, any bytes. */
const filler = fc.oneof(
  fc.uint8Array({ maxLength: 64 }),
  fc.constantFrom(
    new Uint8Array(8),
    new Uint8Array(32),
    new Uint8Array([0x31, 0x02, 0, 0, 0, 0, 0, 0]),
    enc.encode('{"'),
    enc.encode('"}'),
  ),
  fc.constantFrom(...SEPARATORS).map((s) => enc.encode(s)),
)
const piece = fc.oneof(
  { weight: 3, arbitrary: jsonRecord.map((s) => enc.encode(s)) },
  { weight: 1, arbitrary: fc.tuple(jsonRecord, fc.nat()).map(([s, cut]) => enc.encode(s.slice(0, cut % (s.length + 1)))) },
  { weight: 2, arbitrary: textRecord.map((s) => enc.encode(s)) },
  { weight: 2, arbitrary: filler },
  { weight: 1, arbitrary: fc.uint8Array({ maxLength: 2048 }) },
  { weight: 1, arbitrary: fc.tuple(jsonRecord, fc.integer({ min: 2, max: 400 })).map(([s, n]) => enc.encode(s.repeat(n))) },
)
const stitched = fc.array(piece, { maxLength: 40 }).map((parts) => concatBytes(parts))

const cuts = fc.array(fc.oneof(fc.integer({ min: 1, max: 16 }), fc.integer({ min: 1, max: 70_000 })), { maxLength: 12 })
const formatOption = fc.constantFrom<DumpFormat | undefined>(undefined, undefined, 'binary', 'hexdump', 'xxd', 'strings')
const dumpPath = fc.option(
  fc.oneof(
    fc.constantFrom(
      'dumps/5-7f2250000000-7f2254000000.bin',
      'dumps/5-7f2250000000.hexdump.txt',
      'dumps/fwlog-7f21b8000000-7f21bbfff000.strings.txt',
      '5-ffffffffffffffff-0.bin',
      '5-0-ffffffffffffffff.bin',
      '99999999999999999999-7f2250000000.bin',
      'x-000000-000001.xxd',
      'dumps/0x7f2250000000-0x7f2250000001.bin',
      'a-7f2250000000-7f2250000000.bin',
      'dumps/.bin',
    ),
    pathString,
  ),
  { nil: undefined },
)

const { hex, bytes: arena } = kafkaDumps()
const hexLines = hex.split('\n')
const strings = new TextDecoder().decode(member('seed/sta-18.tar.gz', 'dumps/fwlog-7f21b8000000-7f21bbfff000.strings.txt'))
const HEX_WORDS = [
  '*',
  '|',
  '||',
  '00000000',
  '7f2250000000',
  'ffffffffffffffff',
  '10000000000000000',
  '00 00 00 00',
  '7b 22',
  '  ',
  ':',
  '0000: ',
  '3000 0050',
  'zz',
  '|{"LogType":"waf"|',
]

/** A real dump, sliced, rendered (hexdump, xxd, raw, strings), mutated, and chunked. */
const realDump = fc
  .record({
    kind: fc.constantFrom('hexdump', 'xxd', 'binary', 'strings'),
    start: fc.nat({ max: arena.length }),
    length: fc.integer({ min: 1, max: 48 * 1024 }),
    ops: fc.array(textOp(HEX_WORDS), { maxLength: 4 }),
    flips: fc.array(fc.tuple(fc.nat(), fc.integer({ min: 1, max: 255 })), { maxLength: 8 }),
    sniff: fc.boolean(),
    cuts,
    path: dumpPath,
  })
  .map(({ kind, start, length, ops, flips, sniff, cuts: sizes, path }) => {
    // text dumps stay text here, so a counterexample prints readably
    let input: string | Uint8Array
    if (kind === 'hexdump') {
      // a window of the real hexdump's lines (offsets, `*` rows and the ASCII gutter as printed)
      const from = Math.floor((start / arena.length) * hexLines.length)
      input = mutateText(hexLines.slice(from, from + Math.ceil(length / 16)).join('\n'), ops)
    } else if (kind === 'xxd') {
      input = mutateText(xxd(arena.subarray(start, start + length)), ops)
    } else if (kind === 'strings') {
      input = mutateText(strings, ops)
    } else {
      const bytes = arena.slice(start, start + length)
      for (const [at, xor] of flips) if (bytes.length) bytes[at % bytes.length]! ^= xor
      input = bytes
    }
    const format = sniff ? undefined : (kind as DumpFormat)
    return { input, format, path, sizes }
  })

describe('fuzz scanDump', () => {
  it('random bytes and record text, random chunks, every format', { timeout: PROPERTY_TIMEOUT }, async () => {
    await fc.assert(
      fc.asyncProperty(stitched, cuts, formatOption, dumpPath, async (bytes, sizes, format, path) => {
        await checkScan({ chunks: chunk(bytes, sizes), format, path })
      }),
      { numRuns: numRuns('scanRandomChunks'), timeout: CASE_TIMEOUT_MS },
    )
  })

  it('mutated slices of the real dumps: valid, and the same however the stream is chunked', { timeout: PROPERTY_TIMEOUT }, async () => {
    await fc.assert(
      fc.asyncProperty(realDump, async ({ input, format, path, sizes }) => {
        const bytes = typeof input === 'string' ? enc.encode(input) : input
        const chunked = await checkScan({ chunks: chunk(bytes, sizes), format, path })
        const whole = await checkScan({ chunks: [bytes], format, path })
        if (JSON.stringify(chunked) !== JSON.stringify(whole)) {
          fail(`chunks ${JSON.stringify(sizes)} change the result: ${firstDifference(chunked, whole)}`)
        }
      }),
      { numRuns: numRuns('scanMutatedDumps'), timeout: CASE_TIMEOUT_MS },
    )
  })

  it('dumps larger than the scanner window (256 KiB)', { timeout: PROPERTY_TIMEOUT }, async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 300 * 1024, max: 700 * 1024 }),
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 1, max: 255 })), { maxLength: 32 }),
        fc.boolean(),
        cuts,
        async (size, flips, asHex, sizes) => {
          const bytes = new Uint8Array(size)
          for (let at = 0; at < size; at += arena.length) bytes.set(arena.subarray(0, Math.min(arena.length, size - at)), at)
          for (const [at, xor] of flips) bytes[at % size]! ^= xor
          const input = asHex ? enc.encode(hexdump(bytes)) : bytes
          await checkScan({
            chunks: chunk(input, sizes),
            path: asHex ? 'dumps/5-7f2250000000.hexdump.txt' : 'dumps/5-7f2250000000-7f2254000000.bin',
          })
        },
      ),
      { numRuns: numRuns('scanBigDumps'), timeout: 60_000 },
    )
  })
})

function firstDifference(a: unknown, b: unknown, at = ''): string {
  if (JSON.stringify(a) === JSON.stringify(b)) return '(none)'
  if (typeof a === 'object' && a !== null && typeof b === 'object' && b !== null) {
    for (const key of new Set([...Object.keys(a), ...Object.keys(b)])) {
      const x = (a as Record<string, unknown>)[key]
      const y = (b as Record<string, unknown>)[key]
      if (JSON.stringify(x) !== JSON.stringify(y)) return firstDifference(x, y, `${at}.${key}`)
    }
  }
  return `${at}: ${JSON.stringify(a)?.slice(0, 200)} vs ${JSON.stringify(b)?.slice(0, 200)}`
}
