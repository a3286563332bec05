// Bounded memory: a generated 64 MiB dump of mixed content, fed in 64 KiB chunks, must not make
// the heap grow by more than 32 MiB (a rough check: the scan keeps a 384 KiB window and bounded
// tables, so it should grow by far less). Every record is counted, so the stream is also a test
// of records at chunk and window boundaries at scale.
import { setFlagsFromString } from 'node:v8'
import { runInNewContext } from 'node:vm'
import { describe, expect, it } from 'vitest'
import { scanDump } from '../../src/content/scan.ts'
import { prng } from './helpers.ts'

setFlagsFromString('--expose-gc')
const gc = runInNewContext('gc') as () => void

const MiB = 1024 * 1024
const enc = new TextEncoder()

/** 64 KiB chunks of a continuous stream: records between malloc-like headers, logs, zeros, junk. */
function* mixed(total: number, counts: { json: number; long: number }): Generator<Uint8Array> {
  const random = prng(2024)
  const chunkSize = 64 * 1024
  let parts: Uint8Array[] = []
  let pendingLength = 0
  let produced = 0
  const append = (part: Uint8Array): void => {
    parts.push(part)
    pendingLength += part.length
  }
  /** Counts records that end within the stream (the generator overshoots its last chunk). */
  const inStream = (): boolean => produced + pendingLength <= total
  const header = (): Uint8Array => new Uint8Array([0, 0, 0, 0, 0x91, 0x02, 0, 0, 0xa0, 0x8f, 0xdf, 0x57, 0x22, 0x7f, 0, 0])
  let i = 0
  while (produced < total) {
    while (pendingLength < chunkSize) {
      const pick = random()
      i++
      if (pick < 0.6) {
        const record = {
          SessionID: 1715175163 + i,
          LogType: pick < 0.4 ? 'netflow' : 'waf',
          Timestamp: new Date(1_780_000_000_000 + i * 7).toISOString(),
          SrcIP: `10.${i % 256}.${(i >> 8) % 256}.${i % 199}`,
          BytesSent: Math.floor(random() * 1e8),
          Url: `/search?q=${(random() * 1e9).toString(36)}`,
        }
        append(header())
        append(enc.encode(JSON.stringify(record)))
        if (inStream()) counts.json++
      } else if (pick < 0.8) {
        append(
          enc.encode(
            `2026-11-27T09:51:${String(i % 60).padStart(2, '0')}.000Z fwlog[5]: queued ${i} messages (${(random() * 1e6) | 0} bytes)\n`,
          ),
        )
      } else if (pick < 0.85) {
        append(enc.encode(`fwlog.kafka.queue.msgs:${i}|g\n`))
      } else if (pick < 0.93) {
        append(new Uint8Array(256 + Math.floor(random() * 4096))) // zeros
      } else if (pick < 0.995) {
        const junk = new Uint8Array(64 + Math.floor(random() * 512))
        for (let k = 0; k < junk.length; k++) junk[k] = Math.floor(random() * 256)
        append(junk)
      } else {
        // a long printable run: 200 records back to back, about 40 KiB
        append(header())
        for (let k = 0; k < 200; k++) {
          append(enc.encode(JSON.stringify({ id: i * 1000 + k, type: 'burst', v: (random() * 1e6) | 0 })))
          if (inStream()) {
            counts.long++
            counts.json++
          }
        }
      }
    }
    const pending = new Uint8Array(pendingLength)
    let at = 0
    for (const part of parts) {
      pending.set(part, at)
      at += part.length
    }
    const size = Math.min(chunkSize, total - produced)
    const chunk = pending.slice(0, size) // a fresh buffer each time: the scan must not keep it
    parts = [pending.slice(size)]
    pendingLength -= size
    produced += size
    yield chunk
  }
}

describe('bounded memory', () => {
  it('scans a generated 64 MiB stream in 64 KiB chunks with the heap growing by less than 32 MiB', async () => {
    const counts = { json: 0, long: 0 }
    const source = mixed(64 * MiB, counts)
    gc()
    const used = (): number => {
      const m = process.memoryUsage()
      return m.heapUsed + m.arrayBuffers
    }
    const before = used()
    let peak = 0
    let chunks = 0
    async function* measured(): AsyncGenerator<Uint8Array> {
      for (const chunk of source) {
        yield chunk
        if (++chunks % 128 === 0) {
          gc()
          peak = Math.max(peak, used() - before)
        }
      }
    }
    const scan = await scanDump(measured(), {})
    gc()
    const after = used() - before
    expect(scan.bytesScanned).toBe(64 * MiB)
    expect(chunks).toBe(1024)
    expect(peak).toBeLessThan(32 * MiB)
    expect(after).toBeLessThan(32 * MiB)
    expect(scan.jsonRecords).toBe(counts.json)
    expect(counts.long).toBeGreaterThan(0)
    expect(scan.textRecords).toBeGreaterThan(10_000)
    console.log(`heap growth: peak ${(peak / MiB).toFixed(1)} MiB, after ${(after / MiB).toFixed(1)} MiB; ${scan.jsonRecords} JSON records`)
  }, 120_000)
})
