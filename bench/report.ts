// The table `npm run bench` prints: the same figures as bench/results.json.
import type { Results } from './bench.ts'
import { MiB } from './inputs.ts'

type Row = [string, string, string, string]
type Workerd = Partial<{
  mbps: number | null
  wallMs: number
  peakRssMiB: number | null
  idleRssMiB: number | null
  proxyWorkerdPeakRssMiB: number | null
  wranglerNodePeakRssMiB: number | null
  isolate: { usedMiB: number; heapMiB: number; heapCommittedMiB: number; idleMiB: number; samples: number }
  isolatePass: boolean
  error: string
  skipped: string
  note: string
}>

const mark = (pass: boolean) => (pass ? 'PASS' : 'MISS')
const mib = (x: number | null | undefined) => (x == null ? '-' : `${x} MiB`)

export function table(r: Results): string {
  const w = r.ingest.workerd as Workerd
  const { scan, floor, ingest, latency, requests } = r
  const rows: Row[] = [
    [
      'scan',
      'memgap scanDump, 64 MiB mixed dump',
      `${scan.memgapMBps} MB/s`,
      `median of ${scan.runs}; ${scan.jsonRecordsFound}/${scan.jsonRecordsWritten} JSON records found`,
    ],
    ['', 'GNU strings -n 8, same file', `${scan.stringsMBps} MB/s`, `median of ${scan.runs}, runs alternating`],
    ['', 'scan.ratioVsStrings', `${scan.ratioVsStrings}`, `goal >= ${scan.goal}: ${mark(scan.pass)}`],
    ['floor', 'sha256 node:crypto', `${floor.sha256NodeCryptoMBps} MB/s`, 'of the .tar.gz, in this process'],
    ['', 'sha256 crypto.subtle', `${floor.sha256SubtleMBps} MB/s`, ''],
    ['', 'gunzip node:zlib, 256 KiB chunks', `${floor.gunzipZlibMBps} MB/s`, 'compressed bytes in'],
    ['', 'gunzip DecompressionStream', `${floor.gunzipDecompressionStreamMBps} MB/s`, 'compressed bytes in'],
    [
      'ingest',
      `POST ${(ingest.bundleBytes / MiB).toFixed(1)} MiB bundle, Node`,
      `${ingest.nodeMBps} MB/s`,
      `median of ${ingest.runs}: ${ingest.nodeWallMs.join(', ')} ms; ${ingest.dumpsScanned} dumps scanned`,
    ],
    ['', 'gzip -dc | strings -n 8, same file', `${ingest.gzipStringsMBps} MB/s`, `median of ${ingest.runs}, runs alternating`],
    [
      '',
      'first POST after the server started',
      `${ingest.firstPostMBps ?? '-'} MB/s`,
      `${ingest.firstPostMs} ms, ${ingest.cpuSeconds.firstPost} s of CPU (V8 compiles the hot code on the way); not in the median`,
    ],
    ['', 'ingest.ratioVsGzipStrings', `${ingest.ratioVsGzipStrings}`, `goal >= ${ingest.goal}: ${mark(ingest.pass)}`],
    [
      '',
      'ingest.peakRssMiB (Node server VmHWM)',
      mib(ingest.peakRssMiB),
      `goal <= ${ingest.peakRssGoalMiB}: ${mark(ingest.peakRssPass)}; runs ${ingest.peakRssMiBRuns.join(', ')}; ${ingest.idleRssMiB} MiB after start`,
    ],
    [
      '',
      'CPU seconds for one ingest',
      `${ingest.cpuSeconds.server} s`,
      `server, all threads, after the first POST; embedded S3 ${ingest.cpuSeconds.storage ?? '-'} s; gzip -dc | strings ${ingest.cpuSeconds.gzipStrings} s (2 cores shared by all)`,
    ],
    ['', 'embedded S3 process peak RSS', mib(ingest.storagePeakRssMiB), 's3rver, a child process of the server (the stand-in for S3/R2)'],
    ['', 'POST same bundle, workerd (wrangler dev)', w.mbps ? `${w.mbps} MB/s` : '-', w.error ?? w.skipped ?? `one run: ${w.wallMs} ms`],
    [
      '',
      'workerd isolate peak (V8 inspector)',
      mib(w.isolate?.usedMiB),
      w.isolate
        ? `goal <= 128 (Cloudflare's per-isolate limit): ${mark(!!w.isolatePass)}; JS heap ${w.isolate.heapMiB} MiB of ${w.isolate.heapCommittedMiB} committed; ${w.isolate.idleMiB} MiB before; ${w.isolate.samples} samples`
        : '',
    ],
    [
      '',
      "workerd peak RSS (Worker's workerd VmHWM)",
      mib(w.peakRssMiB),
      w.peakRssMiB == null
        ? ''
        : `${w.idleRssMiB} MiB after start; proxy: workerd ${mib(w.proxyWorkerdPeakRssMiB)}, wrangler node ${mib(w.wranglerNodePeakRssMiB)}`,
    ],
    [
      'latency',
      'diagnose() seed pair, p50 / p99',
      `${latency.diagnoseMs.p50} / ${latency.diagnoseMs.p99} ms`,
      `${latency.diagnoseMs.iterations} iterations, bundles read once`,
    ],
    [
      '',
      'readBundle x2 + diagnose(), p50 / p99',
      `${latency.readBundleAndDiagnoseMs.p50} / ${latency.readBundleAndDiagnoseMs.p99} ms`,
      `${latency.readBundleAndDiagnoseMs.iterations} iterations`,
    ],
    [
      'http',
      `small uploads (${requests.bodyBytes} B .tar.gz)`,
      `${requests.perSecond} req/s`,
      `${requests.concurrency} in flight, ${requests.seconds} s; p50 ${requests.latencyMs.p50} ms, p99 ${requests.latencyMs.p99} ms; statuses ${JSON.stringify(requests.statuses)}`,
    ],
  ]
  const width = [0, 1, 2].map((i) => Math.max(...rows.map((row) => row[i]!.length)))
  const m = r.machine
  return [
    `memgap bench, ${r.ranAt}, ${r.durationS} s`,
    `machine: ${m.nproc} cores (nproc), ${m.cpu}, ${m.memTotalMiB} MiB, Node ${m.node}; load average ${m.loadAverage.join(' ')} at start, ${r.loadAverageAtEnd.join(' ')} at end`,
    `inputs: ${(r.inputs.dumpBytes / MiB).toFixed(0)} MiB dump (${r.inputs.dumpJsonRecords} JSON records), ${(r.inputs.bundleBytes / MiB).toFixed(1)} MiB .tar.gz (${(r.inputs.bundleUnpackedBytes / MiB).toFixed(1)} MiB unpacked: the dump, a 68 MiB mostly random dump, kafka fixture text files), made in ${r.inputs.madeInS} s`,
    '',
    ...rows.map((row) => `${row[0].padEnd(width[0]!)}  ${row[1].padEnd(width[1]!)}  ${row[2].padStart(width[2]!)}  ${row[3]}`),
    '',
    'MB/s = 10^6 bytes per second. Goals report, they do not gate.',
    `Node: ${ingest.note}.`,
    `workerd: ${w.note ?? ''}.`,
    `http: ${requests.note}.`,
    m.loadAverage[0]! > m.nproc
      ? `The load average exceeded the core count: absolute figures are low, compare the side-by-side pairs.`
      : '',
  ].join('\n')
}
