// Throughput of scanDump against GNU `strings -n 8` on the same dump: a measurement, not a test.
//
//   npx tsx test/content/bench.ts [dump.bin] [runs]
//
// Without a path it extracts the kafka suspect's 64 MiB arena dump to a temp dir. The dump is read
// into memory first and fed in 64 KiB chunks (the scan, not the disk, is measured); strings reads
// the file (page-cached after the first run) and writes to /dev/null. Runs alternate; min and
// median are printed. The machine's other load moves both: compare the two, not the absolutes.
import { execFileSync } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { scanDump } from '../../src/content/scan.ts'

const DUMP = 'dumps/5-7f2250000000-7f2254000000.bin'

function kafkaDump(): { path: string; cleanup: () => void } {
  const local = new URL('../fixtures/kafka/suspect.tar.gz', import.meta.url).pathname
  const archive = existsSync(local) ? local : '/work/shared/fixtures/kafka/suspect.tar.gz'
  const dir = mkdtempSync(join(tmpdir(), 'memgap-bench-'))
  execFileSync('tar', ['xzf', archive, '-C', dir, `./${DUMP}`])
  return { path: join(dir, DUMP), cleanup: () => rmSync(dir, { recursive: true, force: true }) }
}

const stats = (ms: number[]): { min: number; median: number } => {
  const sorted = [...ms].sort((a, b) => a - b)
  return { min: sorted[0]!, median: sorted[Math.floor(sorted.length / 2)]! }
}

const given = process.argv[2]
const runs = Number(process.argv[3] ?? 7)
const { path, cleanup } = given ? { path: given, cleanup: () => {} } : kafkaDump()
try {
  const bytes = new Uint8Array(readFileSync(path))
  const chunk = 64 * 1024
  async function* chunks(): AsyncGenerator<Uint8Array> {
    for (let at = 0; at < bytes.length; at += chunk) yield bytes.subarray(at, at + chunk)
  }
  const scanMs: number[] = []
  const stringsMs: number[] = []
  let records = 0
  await scanDump(chunks(), { path }) // warm-up
  for (let run = 0; run < runs; run++) {
    let start = performance.now()
    const scan = await scanDump(chunks(), { path })
    scanMs.push(performance.now() - start)
    records = scan.jsonRecords
    start = performance.now()
    execFileSync('sh', ['-c', `strings -n 8 '${path}' > /dev/null`])
    stringsMs.push(performance.now() - start)
  }
  const mbps = (ms: number): number => Math.round(bytes.length / ms / 1000)
  const scan = stats(scanMs)
  const strings = stats(stringsMs)
  console.log(`${path}: ${bytes.length} bytes, ${records} JSON records, ${runs} runs`)
  console.log(`scanDump (Node ${process.version}): min ${scan.min.toFixed(0)} ms (${mbps(scan.min)} MB/s), median ${scan.median.toFixed(0)} ms (${mbps(scan.median)} MB/s)`)
  console.log(`strings -n 8:        min ${strings.min.toFixed(0)} ms (${mbps(strings.min)} MB/s), median ${strings.median.toFixed(0)} ms (${mbps(strings.median)} MB/s)`)
  console.log(`ratio (strings / scanDump): min ${(strings.min / scan.min).toFixed(2)}x, median ${(strings.median / scan.median).toFixed(2)}x`)
} finally {
  cleanup()
}
