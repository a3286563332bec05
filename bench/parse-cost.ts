// What the worst input of every source costs to parse, per KiB of input (issue 12 item 1): the
// same inputs as test/bundle/amplification.test.ts, through the bundle reader as an upload goes.
import { readBundle } from '../src/bundle/read.ts'
import { SOURCES } from '../src/bundle/sources.ts'
import { tarGz } from '../test/helpers/tar.ts'
import { WORST } from '../test/helpers/worst-inputs.ts'

const LINES = 32_000 // 0.5-3 MiB of text per source
const RUNS = 3

export interface ParseCost {
  kind: string
  inputKiB: number
  msPerKiB: number // the fastest of RUNS
  parsedJsonBytesPerKiB: number
  heapKiBPerKiB: number // heap used after the parse over before, with the parse alive
}

export async function worstParseCost(): Promise<ParseCost[]> {
  const rows: ParseCost[] = []
  for (const { kind } of SOURCES) {
    const text = WORST[kind](LINES)
    const raw = tarGz([{ name: `in/${kind}`, body: text }])
    const kib = Buffer.byteLength(text) / 1024
    let best = Number.POSITIVE_INFINITY
    let heap = 0
    let json = 0
    for (let run = 0; run < RUNS; run++) {
      globalThis.gc?.()
      const before = process.memoryUsage().heapUsed
      const started = performance.now()
      const bundle = await readBundle(raw, { id: '0'.repeat(64), bytes: raw.byteLength, receivedAt: new Date().toISOString() })
      best = Math.min(best, performance.now() - started)
      heap = Math.max(heap, process.memoryUsage().heapUsed - before)
      json = JSON.stringify(bundle).length
    }
    rows.push({
      kind,
      inputKiB: Math.round(kib),
      msPerKiB: round(best / kib, 3),
      parsedJsonBytesPerKiB: Math.round(json / kib),
      heapKiBPerKiB: round(heap / 1024 / kib, 1),
    })
  }
  return rows
}

export function parseCostTable(rows: ParseCost[]): string {
  const head = ['source', 'input KiB', 'ms/KiB', 'parsed.json B/KiB', 'heap KiB/KiB']
  const lines = rows.map((r) => [r.kind, String(r.inputKiB), String(r.msPerKiB), String(r.parsedJsonBytesPerKiB), String(r.heapKiBPerKiB)])
  const widths = head.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i]!.length)))
  const fmt = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ')
  return ['Parse cost of the worst input of every source (fastest of 3):', fmt(head), ...lines.map(fmt)].join('\n')
}

const round = (x: number, digits: number) => Math.round(x * 10 ** digits) / 10 ** digits

// `tsx bench/parse-cost.ts`: this part alone, without the servers the full bench starts.
if (import.meta.url === `file://${process.argv[1]}`) console.log(parseCostTable(await worstParseCost()))
