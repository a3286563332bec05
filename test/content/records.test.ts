// scanDump on made-up streams: chunk boundaries, long runs, cut records, text records, junk.
import { describe, expect, it } from 'vitest'
import { DumpScan } from '../../schemas/content.ts'
import { concatBytes } from '../../src/bytes.ts'
import { findRuns, findRunsSlow } from '../../src/content/runs.ts'
import { scanDump } from '../../src/content/scan.ts'
import { classifyText, textShape } from '../../src/content/text.ts'
import { chunksOf, prng } from './helpers.ts'

const enc = new TextEncoder()

/** Concatenates strings (encoded) and byte arrays. */
function bytes(...parts: (string | Uint8Array)[]): Uint8Array {
  return concatBytes(parts.map((p) => (typeof p === 'string' ? enc.encode(p) : p)))
}

/** malloc-ish binary: a chunk header with pointer bytes, none of it a printable run. */
const header = (seed: number): Uint8Array => new Uint8Array([0x00, 0x00, 0x00, 0x00, seed & 0xff, 0x7f, 0x00, 0x00, 0x91, 0x02, 0x00, 0x00])

const netflow = (i: number): string =>
  JSON.stringify({
    SessionID: 1715175163 + i,
    LogType: 'netflow',
    SrcIP: `10.1.${i % 250}.${(i * 7) % 250}`,
    DstPort: 443,
    Action: i % 3 ? 'allow' : 'deny',
  })
const waf = (i: number): string =>
  JSON.stringify({
    SessionID: 1715166711 + i,
    LogType: 'waf',
    SrcIP: `192.0.2.${i % 250}`,
    Url: `/search?q=${i}`,
    Result: `<?xml version="1.0"?><WafResult id="${i}"/>`,
  })

const scan = async (data: Uint8Array, chunkSize: number): Promise<DumpScan> => {
  const result = await scanDump(chunksOf(data, chunkSize), { format: 'binary' })
  expect(DumpScan.parse(result)).toEqual(result)
  return result
}

describe('printable runs', () => {
  it('finds the same runs four bytes at a time as one byte at a time', () => {
    const random = prng(7)
    for (let round = 0; round < 50; round++) {
      const length = 1 + Math.floor(random() * 5000)
      const buffer = new Uint8Array((length + 8) & ~3).fill(0x41) // printable past the end: must not be read
      // mostly printable stretches and binary ones, of every length
      let p = 0
      while (p < length) {
        const printable = random() < 0.5
        const n = Math.min(length - p, 1 + Math.floor(random() * 24))
        for (let k = 0; k < n; k++) buffer[p++] = printable ? 0x20 + Math.floor(random() * 95) : Math.floor(random() * 256)
      }
      const words = new Uint32Array(buffer.buffer)
      const view = buffer.subarray(0, length)
      expect(findRuns(buffer, words, length, 8, [])).toEqual(findRunsSlow(view, 8))
    }
  })
})

describe('records across chunk boundaries', () => {
  // 3000 records between binary headers: about 400 KiB, more than one scan window
  const records: string[] = []
  const parts: (string | Uint8Array)[] = []
  for (let i = 0; i < 3000; i++) {
    const record = i % 5 === 0 ? waf(i) : netflow(i)
    records.push(record)
    parts.push(header(i), record, new Uint8Array([0]))
  }
  const data = bytes(...parts)

  it.each([1, 7, 4096, 65536, 1 << 20])('finds every record with %i-byte chunks', async (chunkSize) => {
    const result = await scan(data, chunkSize)
    expect(result.jsonRecords).toBe(3000)
    expect(result.partialJsonRecords).toBe(0)
    expect(result.bytesInJsonRecords).toBe(records.reduce((n, r) => n + r.length, 0))
    expect(result.discriminators[0]!.values).toEqual([
      { value: 'netflow', count: 2400, partial: 0 },
      { value: 'waf', count: 600, partial: 0 },
    ])
    expect(result.bytesScanned).toBe(data.length)
  })

  it('finds a record that straddles two tiny chunks', async () => {
    const record = netflow(1)
    const data = bytes(header(1), record, header(2))
    for (let cut = 1; cut < data.length; cut += 13) {
      async function* two(): AsyncGenerator<Uint8Array> {
        yield data.slice(0, cut)
        yield data.slice(cut)
      }
      const result = await scanDump(two(), { format: 'binary' })
      expect(result.jsonRecords).toBe(1)
      expect(result.json.clusters[0]!.example!.offset).toBe(12)
    }
  })

  it('finds records back to back in one long printable run (past the carried tail)', async () => {
    // 2000 records with nothing between them: one printable run of ~250 KiB, and one of ~1.3 MiB
    const small = bytes(header(0), Array.from({ length: 2000 }, (_, i) => netflow(i)).join(''), header(1))
    const big = bytes(header(0), Array.from({ length: 10_000 }, (_, i) => netflow(i)).join(''), header(1))
    for (const [data, count] of [
      [small, 2000],
      [big, 10_000],
    ] as const) {
      for (const chunkSize of [999, 65536]) {
        const result = await scan(data, chunkSize)
        expect(result.jsonRecords).toBe(count)
        expect(result.printableRuns).toBe(1)
        expect(result.printableBytes).toBe(data.length - 24)
      }
    }
  })
})

describe('records cut short, junk around records', () => {
  it('counts a record cut by binary bytes apart, and attributes it to its cluster', async () => {
    const whole = Array.from({ length: 30 }, (_, i) => netflow(i))
    const cut = netflow(99).slice(0, 60) // {"SessionID":...,"LogType":"netflow","SrcIP":"10.1...
    const data = bytes(...whole.flatMap((r, i) => [header(i), r]), header(50), cut, header(51))
    const result = await scan(data, 4096)
    expect(result.jsonRecords).toBe(30)
    expect(result.partialJsonRecords).toBe(1)
    expect(result.json.clusters).toHaveLength(1)
    expect(result.json.clusters[0]).toMatchObject({ count: 30, partial: 1, complete: true })
    expect(result.bytesInPartialRecords).toBe(60)
  })

  it('finds records with the tails of older records around them', async () => {
    // a shorter record written over a longer one leaves the longer one's tail after it
    const data = bytes(header(1), 'ult>"}', netflow(1), 'esult>"}p', header(2), `x{"a${netflow(2)}`, header(3))
    const result = await scan(data, 64)
    expect(result.jsonRecords).toBe(2)
  })

  it('finds nested objects and arrays by parsing them', async () => {
    const nested = JSON.stringify({ type: 'stats', brokers: { b1: { state: 'INIT' } }, topics: [{ name: 'netflow' }] })
    const result = await scan(bytes(header(1), nested, header(2), nested, header(3)), 10)
    expect(result.jsonRecords).toBe(2)
    expect(result.json.clusters[0]!.keySignature).toBe('brokers,topics,type')
  })

  it('does not take invalid JSON for a record', async () => {
    const bad = ['{"a":1,"b":}', '{"a":01}', '{"a":"\\x"}', '{"a":1,}', "{'a':1}", '{"a":1 "b":2}']
    const result = await scan(bytes(...bad.flatMap((b, i) => [header(i), b.padEnd(20, ' ')])), 4096)
    expect(result.jsonRecords).toBe(0)
  })

  it('uses a template only for what JSON.parse would accept', async () => {
    // after the first records a template does the work: it must still refuse what is not JSON
    const good = Array.from({ length: 100 }, (_, i) => netflow(i))
    const bad = good.slice(0, 20).map((r) => r.replace('"DstPort":443', '"DstPort":0443'))
    const data = bytes(...[...good, ...bad].flatMap((r, i) => [header(i), r]))
    const result = await scan(data, 65536)
    expect(result.jsonRecords).toBe(100)
  })

  it('survives random bytes: no records, no exceptions', async () => {
    const random = prng(42)
    const junk = new Uint8Array(4 * 1024 * 1024)
    for (let i = 0; i < junk.length; i++) junk[i] = Math.floor(random() * 256)
    const result = await scan(junk, 65536)
    expect(result.jsonRecords).toBe(0)
    expect(result.textRecords).toBe(0)
    expect(result.dominantKind).toBe('none')
    expect(result.recordShare).toBe(0)
    expect(result.bytesOther).toBe(junk.length)
    // printable runs of 8+ in random bytes: about (95/256)^8 per byte
    expect(result.printableRuns).toBeGreaterThan(100)
    expect(result.printableRuns).toBeLessThan(10_000)
  })

  it('survives hostile text: brackets and quotes that never close', async () => {
    const hostile = bytes('{"'.repeat(200_000), header(0), '{"a":"'.repeat(50_000), header(1), '['.repeat(100_000))
    const result = await scan(hostile, 65536)
    expect(result.jsonRecords).toBe(0)
  })

  it('reports an empty dump', async () => {
    const result = await scan(new Uint8Array(0), 10)
    expect(result.bytesScanned).toBe(0)
    expect(result.warnings.map((w) => w.code)).toContain('dump_empty')
  })
})

describe('text records', () => {
  const lines = [
    ...Array.from(
      { length: 40 },
      (_, i) => `2024-05-01T10:00:${String(i % 60).padStart(2, '0')}.123Z fwlog[812]: sent ${i} records to 10.0.0.${i % 9}`,
    ),
    ...Array.from({ length: 30 }, (_, i) => `fwlog.queue.depth:${1000 + i}|g`),
    ...Array.from({ length: 20 }, (_, i) => `May  1 10:00:0${i % 10} sta-18 kernel: [${i}] eth0: link up`),
    ...Array.from({ length: 10 }, (_, i) => `<event id="${i}" type="drop"><src>10.0.0.${i}</src></event>`),
    ...Array.from({ length: 10 }, (_, i) => `level=info msg=flushed count=${i} topic=netflow`),
  ]

  it('classifies lines by kind', () => {
    expect(classifyText(lines[0]!)).toBe('log')
    expect(classifyText(lines[40]!)).toBe('statsd')
    expect(classifyText(lines[70]!)).toBe('syslog')
    expect(classifyText(lines[90]!)).toBe('xml')
    expect(classifyText(lines[100]!)).toBe('kv')
    expect(classifyText('lt;/script&gt;</Match><Match var="ARGS:id"')).toBe('fragment')
    expect(classifyText('","LogType":"netflow","Timestamp":"2026')).toBe('fragment')
    expect(classifyText('ts=2024-05-01T10:00:00Z level=info msg="queue full" n=3')).toBe('log')
    expect(classifyText('level=info msg="queue full" count=3')).toBe('kv')
    expect(textShape(lines[0]!)).toBe(textShape(lines[1]!))
    expect(textShape(lines[0]!)).toBe('N-N-NTNZ fwlog[N]: sent N records to N')
    expect(textShape('deadbeef at 0x7f2250001bc0  "quoted 12"')).toBe('deadbeef at NxN "S"')
  })

  it('clusters them by shape, with counts and a redacted example', async () => {
    const data = bytes(lines.join('\n'), '\n')
    const result = await scan(data, 100)
    expect(result.jsonRecords).toBe(0)
    expect(result.textRecords).toBe(110)
    expect(result.dominantKind).toBe('text')
    const byKind = Object.fromEntries(result.text.clusters.map((c) => [c.kind, c]))
    expect(byKind.log).toMatchObject({ count: 40, record: true })
    expect(byKind.statsd).toMatchObject({ count: 30, shape: 'fwlog.queue.depth:N|g' })
    expect(byKind.syslog!.count).toBe(20)
    expect(byKind.xml!.count).toBe(10)
    expect(byKind.kv!.count).toBe(10)
    expect(byKind.log!.example!.text).toContain('10.x.x.x')
    expect(result.recordShare).toBeGreaterThan(0.95)
  })

  it('keeps the JSON cluster table bounded and folds the rest', async () => {
    const records = Array.from({ length: 300 }, (_, i) => JSON.stringify({ type: 'x', [`field${i}`]: i, pad: 'p'.repeat(20) }))
    const result = await scan(bytes(...records.flatMap((r, i) => [header(i), r])), 65536)
    expect(result.jsonRecords).toBe(300)
    expect(result.json.distinctKeySets).toBe(300)
    expect(result.json.clusters).toHaveLength(10)
    const shown = result.json.clusters.reduce((n, c) => n + c.bytes, 0)
    expect(result.json.folded).toEqual({ clusters: 290, count: 290, bytes: result.bytesInJsonRecords - shown })
    expect(result.discriminators[0]).toMatchObject({ field: 'type', values: [{ value: 'x', count: 10 }] })
  })

  it('keeps the cluster table bounded and folds the rest', async () => {
    // 3000 log lines of distinct shapes: a different word in each (letters past f: not hex)
    const word = (i: number): string => i.toString(20).replace(/./g, (d) => String.fromCharCode(0x67 + parseInt(d, 20)))
    const many = Array.from({ length: 3000 }, (_, i) => `2024-05-01 10:00:00 worker ${word(i)} done`)
    const result = await scan(bytes(many.join('\n')), 65536)
    expect(result.text.clusters.length).toBeLessThanOrEqual(10)
    expect(result.text.distinctShapes).toBeLessThanOrEqual(1001)
    expect(result.text.folded.count).toBeGreaterThan(0)
    expect(result.textRecords).toBe(3000)
  })
})
