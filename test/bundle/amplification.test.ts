import { describe, expect, it } from 'vitest'
import type { ParsedBundle } from '../../schemas/bundle.ts'
import { readBundle } from '../../src/bundle/read.ts'
import { MAX_ROWS_KEPT } from '../../src/bundle/source.ts'
import { SOURCES } from '../../src/bundle/sources.ts'
import { tarGz } from '../helpers/tar.ts'
import { WORST } from '../helpers/worst-inputs.ts'

// Parse amplification (issue 12 item 1): the worst input of every source, through the bundle
// reader as an upload goes, keeps a bounded parse and costs time linear in its size. Speed itself
// is `npm run bench`'s (it prints the per-KiB figures); here only what holds on any machine.

/** parsed.json bytes per KiB of input, at most (measured: 3.9 KiB for smaps of distinct files, the worst). */
const JSON_PER_KIB = 5 * 1024
/** Time at 4x the input over time at 1x: linear is about 4, quadratic 16. Generous: a shared machine is noisy. */
const SCALING = 10
const SMALL = 4000
const LARGE = SMALL * 4

async function parse(kind: keyof typeof WORST, lines: number) {
  const text = WORST[kind](lines)
  const raw = tarGz([{ name: `in/${kind}`, body: text }])
  let best = Number.POSITIVE_INFINITY
  let bundle: ParsedBundle | null = null
  for (let run = 0; run < 3; run++) {
    // the fastest of three: other processes share the cores
    const started = performance.now()
    bundle = await readBundle(raw, { id: '0'.repeat(64), bytes: raw.byteLength, receivedAt: '2026-12-04T00:00:00Z' })
    best = Math.min(best, performance.now() - started)
  }
  return { text, bundle: bundle!, ms: best }
}

/** The rows a source's field holds, by the shape each keeps. */
function rowsKept(bundle: ParsedBundle): number {
  const counts = [
    bundle.processes.length,
    bundle.slabinfo?.caches.length ?? 0,
    Object.keys(bundle.meminfo?.fields ?? {}).length,
    ...bundle.maps.map((m) => m.pmap.rows.length),
    ...bundle.smaps.map((s) => s.rows.length),
    ...bundle.procMaps.map((m) => m.rows.length),
    ...bundle.statuses.map((s) => Object.keys(s.memory).length),
    ...bundle.rollups.map((r) => Object.keys(r.fields).length),
    ...bundle.oom.flatMap((o) => [o.reports.length, ...o.reports.map((r) => r.tasks.length)]),
    ...bundle.kafkaConfigs.map((c) => Object.keys(c.properties).length),
    ...bundle.kafkaLogs.map((l) => l.events.length),
  ]
  return Math.max(0, ...counts)
}

describe.each(SOURCES.map((s) => [s.kind] as const))('the worst %s input', (kind) => {
  it('is recognised, keeps a bounded parse, and parses in linear time', async () => {
    const small = await parse(kind, SMALL)
    const large = await parse(kind, LARGE)
    expect(large.bundle.files[0]).toMatchObject({ kind, warnings: expect.any(Array) })
    for (const { text, bundle } of [small, large]) {
      const jsonBytes = JSON.stringify(bundle).length
      expect(jsonBytes / (text.length / 1024), `${kind}: parsed.json bytes per input KiB`).toBeLessThan(JSON_PER_KIB)
      expect(rowsKept(bundle)).toBeLessThanOrEqual(MAX_ROWS_KEPT)
    }
    // Quadratic work shows at 4x; tiny timings are all noise, so they are let pass.
    if (large.ms > 50)
      expect(large.ms / Math.max(small.ms, 1), `${kind}: ${small.ms.toFixed(0)} ms -> ${large.ms.toFixed(0)} ms`).toBeLessThan(SCALING)
  })
})

it("keeps one row per mapped file of the report's smaps attack (40k of its 121k mappings of one file)", async () => {
  const attack = '00400000-00452000 r-xp 00000000 08:02 173521 /usr/bin/x\nSize: 328 kB\nRss: 100 kB\n'.repeat(40_000)
  const raw = tarGz([{ name: 'proc/5/smaps', body: attack }])
  const bundle = await readBundle(raw, { id: '0'.repeat(64), bytes: raw.byteLength, receivedAt: '2026-12-04T00:00:00Z' })
  expect(bundle.smaps[0]!.rows).toHaveLength(1)
  expect(JSON.stringify(bundle).length).toBeLessThan(4096) // 121k made a 43 MB parsed.json
})
