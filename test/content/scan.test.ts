// scanDump on real captures: the seed's strings text, the kafka pair's gdb arena dumps, their
// hexdump -C, and an xxd -a of the same bytes.
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { gunzipSync } from 'node:zlib'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DumpScan } from '../../schemas/content.ts'
import { type DumpPiece, decodeHexText } from '../../src/content/decode.ts'
import { dumpTarget, scanDump, sniffDumpFormat } from '../../src/content/scan.ts'
import { chunksOf, contentFixture, extract, fileChunks, KAFKA_BASELINE, KAFKA_SUSPECT, SEED_STA18 } from './helpers.ts'

const ARENA = 'dumps/5-7f2250000000-7f2254000000.bin'
const ARENA_HEX = 'dumps/5-7f2250000000.hexdump.txt'
const BASELINE_ARENA = 'dumps/5-7f49e8000000-7f49e82cb000.bin'
const SEED_DUMP = 'dumps/fwlog-7f21b8000000-7f21bbfff000.strings.txt'

/** Materialises decoded pieces (elided rows included) for comparison. */
async function materialise(pieces: AsyncIterable<DumpPiece>): Promise<Uint8Array> {
  const parts: Uint8Array[] = []
  let length = 0
  for await (const piece of pieces) {
    let bytes: Uint8Array
    if (piece.kind === 'bytes') bytes = piece.bytes
    else if (piece.kind === 'skipped') throw new Error(`offsets jump at ${piece.offset}`)
    else {
      bytes = new Uint8Array(piece.length)
      for (let i = 0; i < piece.length; i++) bytes[i] = piece.row[i % piece.row.length]!
    }
    expect(piece.offset).toBe(length)
    parts.push(bytes)
    length += bytes.length
  }
  const out = new Uint8Array(length)
  let at = 0
  for (const part of parts) {
    out.set(part, at)
    at += part.length
  }
  return out
}

function jsonCounts(scan: DumpScan): Record<string, { count: number; partial: number }> {
  const out: Record<string, { count: number; partial: number }> = {}
  for (const d of scan.discriminators.filter((d) => d.field === 'LogType')) {
    for (const v of d.values) out[v.value] = { count: v.count, partial: v.partial }
  }
  return out
}

describe('the seed: strings text (sta-18 fwlog)', () => {
  let scan: DumpScan
  let cleanup = (): void => {}
  beforeAll(async () => {
    const x = extract(SEED_STA18, [SEED_DUMP])
    cleanup = x.cleanup
    const path = join(x.dir, SEED_DUMP)
    expect(sniffDumpFormat(readFileSync(path))).toBe('strings')
    scan = await scanDump(fileChunks(path), { path: SEED_DUMP })
  })
  afterAll(() => cleanup())

  it('finds JSON records of LogType netflow and waf', () => {
    expect(DumpScan.parse(scan)).toEqual(scan)
    expect(scan.format).toBe('strings')
    expect(scan.target).toEqual({ pid: null, name: 'fwlog', start: '7f21b8000000', end: '7f21bbfff000', sizeBytes: 0x3fff000 })
    // the netflow record is whole; the waf record is cut where the strings line ends
    expect(jsonCounts(scan)).toEqual({ netflow: { count: 1, partial: 0 }, waf: { count: 0, partial: 1 } })
    expect(scan.jsonRecords).toBe(1)
    expect(scan.partialJsonRecords).toBe(1)
    const [netflow, waf] = scan.json.clusters
    expect(netflow!.complete).toBe(true)
    expect(netflow!.keys).toContain('LogType')
    expect(netflow!.meanBytes).toBe(631)
    expect(waf!.complete).toBe(false)
    expect(waf!.keys.slice(0, 3)).toEqual(['RecTime', 'SessionID', 'LogType'])
    expect(scan.dominantKind).toBe('json')
    expect(scan.warnings.map((w) => w.code)).toEqual(['dump_strings_text'])
  })

  it('redacts the examples', () => {
    const example = scan.json.clusters[0]!.example!
    expect(example.text).toContain('"SrcIP": "10.x.x.x"')
    expect(example.text).not.toContain('10.2.200.75')
    expect(example.text).not.toContain('CJS9z5TaHlv9cs5EGY4') // a session token
    expect(example.text.length).toBeLessThanOrEqual(300)
    expect(example.address).toBeNull() // a strings listing has no memory offsets
  })
})

describe('the kafka pair: gdb arena dumps, hexdump -C, xxd', () => {
  let dir = ''
  let baseDir = ''
  const cleanups: (() => void)[] = []
  beforeAll(() => {
    const suspect = extract(KAFKA_SUSPECT, [ARENA, ARENA_HEX])
    const baseline = extract(KAFKA_BASELINE, [BASELINE_ARENA])
    dir = suspect.dir
    baseDir = baseline.dir
    cleanups.push(suspect.cleanup, baseline.cleanup)
  })
  afterAll(() => cleanups.forEach((cleanup) => cleanup()))

  it("streams the 64 MiB suspect arena and finds the README's 50,824 records", async () => {
    const scan = await scanDump(fileChunks(join(dir, ARENA)), { path: ARENA })
    expect(DumpScan.parse(scan)).toEqual(scan)
    expect(scan.format).toBe('binary')
    expect(scan.target).toEqual({ pid: 5, name: null, start: '7f2250000000', end: '7f2254000000', sizeBytes: 64 * 1024 * 1024 })
    expect(scan.bytesScanned).toBe(64 * 1024 * 1024)
    // README: 50,824 JSON records, 30,598 netflow + 20,226 waf. 12 netflow records are cut short
    // by malloc's bookkeeping: counted apart, not as records.
    const counts = jsonCounts(scan)
    expect(counts.waf).toEqual({ count: 20_226, partial: 0 })
    expect(counts.netflow!.count).toBeGreaterThanOrEqual(30_598 * 0.99)
    expect(counts.netflow!.count + counts.netflow!.partial).toBe(30_598)
    expect(scan.jsonRecords + scan.partialJsonRecords).toBe(50_824)
    // two clusters by key set: waf (~1.6 KB, XML Result) and netflow (~670 B)
    const [waf, netflow] = scan.json.clusters
    expect(waf!.discriminators[0]).toMatchObject({ field: 'LogType', values: [{ value: 'waf', count: 20_226 }] })
    expect(netflow!.discriminators[0]).toMatchObject({ field: 'LogType', values: [{ value: 'netflow' }] })
    expect(waf!.meanBytes).toBeGreaterThan(1300)
    expect(waf!.meanBytes).toBeLessThan(2100)
    expect(netflow!.meanBytes).toBeGreaterThan(600)
    expect(netflow!.meanBytes).toBeLessThan(700)
    expect(waf!.keys).toContain('Result')
    expect(waf!.example!.address).toMatch(/^7f2250/)
    expect(waf!.example!.text).not.toMatch(/\b(?:192\.0\.2|10\.\d+\.\d+)\.\d+\b/)
    // the arena is mostly records
    expect(scan.dominantKind).toBe('json')
    expect(scan.recordShare).toBeGreaterThan(0.75)
    expect(scan.bytesInJsonRecords).toBeGreaterThan(50_000_000)
    expect(scan.printableBytes).toBeGreaterThan(scan.bytesInRecords)
  })

  it("finds about 2,021 records in the capped baseline's arena", async () => {
    const scan = await scanDump(fileChunks(join(baseDir, BASELINE_ARENA)), { path: BASELINE_ARENA })
    const counts = jsonCounts(scan)
    const logRecords = counts.netflow!.count + counts.waf!.count
    expect(logRecords).toBeGreaterThanOrEqual(2000)
    expect(logRecords).toBeLessThanOrEqual(2040)
  })

  it('decodes hexdump -C to the bytes of the binary dump, `*` rows included', async () => {
    const text = readFileSync(join(dir, ARENA_HEX))
    expect(sniffDumpFormat(text.subarray(0, 4096))).toBe('hexdump')
    const decoded = await materialise(decodeHexText(chunksOf(text, 4093), 'hexdump'))
    const bin = readFileSync(join(dir, ARENA)).subarray(0, 256 * 1024)
    expect(decoded.length).toBe(256 * 1024)
    expect(Buffer.compare(Buffer.from(decoded), bin)).toBe(0)
  })

  it('decodes xxd -a to the bytes of the binary dump', async () => {
    const text = gunzipSync(readFileSync(contentFixture('5-7f2250000000.xxd.txt.gz')))
    expect(sniffDumpFormat(text.subarray(0, 4096))).toBe('xxd')
    expect(text.toString('latin1')).toMatch(/^\*$/m)
    const decoded = await materialise(decodeHexText(chunksOf(text, 1000), 'xxd'))
    const bin = readFileSync(join(dir, ARENA)).subarray(0, 64 * 1024)
    expect(decoded.length).toBe(64 * 1024)
    expect(Buffer.compare(Buffer.from(decoded), bin)).toBe(0)
  })

  it('scans hexdump and xxd text as it scans the same bytes in binary', async () => {
    const bin = readFileSync(join(dir, ARENA))
    const hexScan = await scanDump(fileChunks(join(dir, ARENA_HEX), 10_000), { path: ARENA_HEX })
    const binScan = await scanDump(chunksOf(bin.subarray(0, 256 * 1024), 65536), {})
    expect(hexScan.format).toBe('hexdump')
    expect(hexScan.target).toEqual({ pid: 5, name: null, start: '7f2250000000', end: null, sizeBytes: null })
    expect(hexScan.bytesScanned).toBe(256 * 1024)
    expect(hexScan.bytesElided).toBeGreaterThan(0)
    expect(hexScan.jsonRecords).toBe(binScan.jsonRecords)
    expect(hexScan.jsonRecords).toBeGreaterThan(100)
    expect(hexScan.bytesInJsonRecords).toBe(binScan.bytesInJsonRecords)
    expect(hexScan.discriminators).toEqual(binScan.discriminators)
    expect(hexScan.json.clusters.map((c) => c.example?.offset)).toEqual(binScan.json.clusters.map((c) => c.example?.offset))

    const xxd = gunzipSync(readFileSync(contentFixture('5-7f2250000000.xxd.txt.gz')))
    const xxdScan = await scanDump(chunksOf(xxd, 8192), { path: 'dumps/5-7f2250000000.xxd.txt' })
    const binHead = await scanDump(chunksOf(bin.subarray(0, 64 * 1024), 65536), {})
    expect(xxdScan.format).toBe('xxd')
    expect(xxdScan.bytesScanned).toBe(64 * 1024)
    expect(xxdScan.jsonRecords).toBe(binHead.jsonRecords)
    expect(xxdScan.bytesInJsonRecords).toBe(binHead.bytesInJsonRecords)
  })
})

describe('sniffDumpFormat', () => {
  const enc = new TextEncoder()
  it('tells the formats apart by content', () => {
    expect(sniffDumpFormat(new Uint8Array([0x30, 0, 0, 0x50, 0x22, 0x7f, 0, 0]))).toBe('binary')
    expect(sniffDumpFormat(enc.encode('00000000  30 00 00 50 22 7f 00 00  00 00 00 00 00 00 00 00  |0..P"...........|\n'))).toBe('hexdump')
    expect(
      sniffDumpFormat(
        enc.encode('$ hexdump -C dump.bin\n00000000  30 00 00 50 22 7f 00 00  00 00 00 00 00 00 00 00  |0..P"...........|\n*\n00000040\n'),
      ),
    ).toBe('hexdump')
    expect(sniffDumpFormat(enc.encode('00000000: 3000 0050 227f 0000 0000 0000 0000 0000  0..P"...........\n'))).toBe('xxd')
    expect(sniffDumpFormat(enc.encode('{ "SessionID": "x", "LogType": "netflow" }.....E...\nlibrdkafka\n'))).toBe('strings')
    expect(sniffDumpFormat(new Uint8Array(0))).toBe('binary')
  })
})

describe('hex text edge cases', () => {
  const enc = new TextEncoder()
  const rowAt = (offset: number, byte: string): string =>
    `${offset.toString(16).padStart(8, '0')}  ${Array(16)
      .fill(byte)
      .join(' ')
      .replace(/^((?:\S+ ){7}\S+) /, '$1  ')}  |................|\n`

  it('reads offsets that jump with no `*` as missing bytes, not scanned', async () => {
    const text = enc.encode(`${rowAt(0, '41')}${rowAt(0x1000, '42')}`)
    const scan = await scanDump(chunksOf(text, 7), { format: 'hexdump', path: 'dumps/x.hexdump.txt' })
    expect(scan.bytesScanned).toBe(32)
    expect(scan.bytesElided).toBe(0)
    expect(scan.warnings.map((w) => w.code)).toEqual(['dump_hex_offsets_jump'])
    expect(scan.printableRuns).toBe(2) // the jump ends the run of A's
  })

  it('counts `*` rows as elided bytes', async () => {
    const text = enc.encode(`${rowAt(0, '00')}*\n${rowAt(0x100, '41')}00000110\n`)
    const scan = await scanDump(chunksOf(text, 5), {})
    expect(scan.format).toBe('hexdump')
    expect(scan.bytesScanned).toBe(0x110)
    expect(scan.bytesElided).toBe(0xf0)
    expect(scan.warnings).toEqual([])
  })

  it('skips bad lines with a 1-based line number, and offsets no dump has', async () => {
    const long = 'x'.repeat(10_000)
    const text = enc.encode(`${long}\n${rowAt(0, '41')}ffffffffffffffff  41 41\n`)
    const scan = await scanDump(chunksOf(text, 1000), { format: 'hexdump', path: 'd.txt' })
    expect(scan.bytesScanned).toBe(16)
    expect(DumpScan.parse(scan)).toEqual(scan)
    expect(scan.warnings).toEqual([
      { code: 'dump_hex_bad_lines', message: '2 of 3 lines are not hexdump rows: skipped', file: 'd.txt', line: 1 },
    ])
  })
})

describe('dumpTarget', () => {
  it('reads pid or name, start and end from the file name', () => {
    expect(dumpTarget('dumps/5-7f2250000000-7f2254000000.bin')).toEqual({
      pid: 5,
      name: null,
      start: '7f2250000000',
      end: '7f2254000000',
      sizeBytes: 0x4000000,
    })
    expect(dumpTarget('dumps/5-7f2250000000.hexdump.txt')).toEqual({
      pid: 5,
      name: null,
      start: '7f2250000000',
      end: null,
      sizeBytes: null,
    })
    expect(dumpTarget('fwlog-7f21b8000000-7f21bbfff000.strings.txt')).toEqual({
      pid: null,
      name: 'fwlog',
      start: '7f21b8000000',
      end: '7f21bbfff000',
      sizeBytes: 0x3fff000,
    })
    expect(dumpTarget('x/ad-appd-0x7F21B8000000-0x7F21BBFFF000.bin')).toMatchObject({ name: 'ad-appd', start: '7f21b8000000' })
    expect(dumpTarget('dumps/readme.txt')).toBeNull()
    expect(dumpTarget('dumps/5-7f2254000000-7f2250000000.bin')).toBeNull() // end before start
  })
})
