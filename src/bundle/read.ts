import type { FileKind, FileSummary, ParsedBundle } from '../../schemas/bundle.ts'
import type { Warning } from '../../schemas/warning.ts'
import { concatBytes } from '../bytes.ts'
import { scanDump } from '../content/scan.ts'
import { type ArchiveEntry, ArchiveError, readArchive, sniffArchive } from './archive.ts'
import { classify, isTextSample } from './classify.ts'
import { combineProcesses } from './combine.ts'
import { DEFAULT_LIMITS, type UnpackLimits, unpackGuard } from './limits.ts'
import { clientLineScan, emptyFound, type Found, isParsedKind, parseInto } from './sources.ts'

// Turns an archive into a ParsedBundle: every file recognised by content, the known ones parsed,
// dumps scanned as they stream by. Pure: no storage, no HTTP. A broken archive is not an
// exception but a bundle with `error` set, so the caller can keep the raw bytes and say why.

const HEAD_BYTES = 4096 // enough of a file to recognise it
const TEXT_LIMIT = 16 * 1024 * 1024 // a text file larger than this is listed, not parsed
// `hostname` or `etc/hostname` (sosreport, hand-made bundles): one short line naming the host.
const HOSTNAME_FILE = /(^|\/)hostname(\.txt)?$/
const HOST_NAME = /^[A-Za-z0-9][A-Za-z0-9.:_-]{0,252}$/

export interface BundleMeta {
  id: string
  bytes: number
  receivedAt: string
  host?: string
  role?: string
  limits?: UnpackLimits
}

export async function readBundle(raw: Uint8Array, meta: BundleMeta): Promise<ParsedBundle> {
  const format = sniffArchive(raw.subarray(0, 512))
  return readEntries(format ? readArchive(raw, format) : null, format ?? 'unknown', meta)
}

/**
 * The same from entries of any source: an archive, or a folder walked by the CLI.
 * `entries` null means the bytes were no archive.
 */
export async function readEntries(
  entries: AsyncIterable<ArchiveEntry> | null,
  format: ParsedBundle['format'],
  meta: BundleMeta,
): Promise<ParsedBundle> {
  const files: FileSummary[] = []
  const warnings: Warning[] = []
  const found = emptyFound()
  let error: ParsedBundle['error'] = null
  const admit = unpackGuard(meta.limits ?? DEFAULT_LIMITS, meta.bytes)

  if (!entries) {
    error = { code: 'archive_unsupported', detail: 'not a .tar.gz, .tgz, .tar or .zip archive' }
  } else {
    try {
      for await (const entry of entries) {
        if ('skipped' in entry) {
          warnings.push({ code: entry.code, message: `${entry.reason}: skipped`, file: entry.skipped })
          continue
        }
        admit(entry.path, entry.size)
        files.push(await readFile(entry.path, entry.size, entry.body, found))
      }
    } catch (caught) {
      if (!(caught instanceof ArchiveError)) throw caught
      error = { code: caught.code, detail: caught.message }
    }
  }

  const meminfo = fullest(found.meminfo, 'meminfo', warnings)
  const manifest = found.manifest[0] ?? null // the first one read
  const { processes, warnings: processWarnings } = combineProcesses(found)
  warnings.push(...processWarnings)
  if (!error && !meminfo) warnings.push({ code: 'no_meminfo', message: 'no /proc/meminfo in the bundle: the gap cannot be measured' })
  if (!error && processes.length === 0)
    warnings.push({ code: 'no_processes', message: 'no ps output in the bundle: processes cannot be compared' })

  return {
    id: meta.id,
    bytes: meta.bytes,
    receivedAt: meta.receivedAt,
    host: meta.host ?? manifest?.host ?? found.hostname ?? null,
    role: meta.role ?? manifest?.role ?? null,
    format,
    files,
    warnings,
    error,
    manifest,
    meminfo,
    processes,
    maps: found.maps,
    rollups: found.rollups,
    statuses: found.statuses,
    procMaps: found.procMaps,
    smaps: found.smaps,
    kafkaConfigs: found.kafkaConfigs,
    kafkaStats: found.kafkaStats,
    kafkaLogs: found.kafkaLogs,
    oom: found.oom,
    slabinfo: found.slabinfo.sort((a, b) => b.caches.length - a.caches.length)[0] ?? null,
    dumps: found.dumps,
    vmstat: found.vmstat[0] ?? null,
    clientLines: found.clientLines,
    openFiles: found.openFiles,
  }
}

async function readFile(path: string, size: number, body: AsyncIterable<Uint8Array>, found: Found): Promise<FileSummary> {
  const iterator = body[Symbol.asyncIterator]()
  const held: Uint8Array[] = []
  let heldBytes = 0
  while (heldBytes < Math.min(HEAD_BYTES, size)) {
    const next = await iterator.next()
    if (next.done) break
    held.push(next.value)
    heldBytes += next.value.byteLength
  }
  const head = concatBytes(held).subarray(0, HEAD_BYTES)
  const kind = classify(path, new TextDecoder('utf-8').decode(head), isTextSample(head))
  const summary: FileSummary = { path, kind, bytes: size, warnings: [] }

  if (kind === 'dump') {
    // Streamed through the scanner as it arrives: a 64 MiB dump is never held whole.
    const scan = await scanDump(resume(held, iterator), { path })
    found.dumps.push({ file: path, scan })
    summary.warnings.push(...scan.warnings)
    return summary
  }
  if (kind === 'unknown' && size <= 256 && HOSTNAME_FILE.test(path)) {
    const line = new TextDecoder('utf-8').decode(head).trim()
    if (HOST_NAME.test(line)) found.hostname ??= line
  }
  const clientLines = clientLineScan.kinds.has(kind) && isTextSample(head)
  if (!isParsedKind(kind) && !clientLines) return summary // the archive reader skips the rest
  if (size > TEXT_LIMIT) {
    summary.warnings.push({ code: 'text_not_parsed', message: `over ${TEXT_LIMIT} bytes: listed, not parsed`, file: path })
    return summary
  }
  for (let next = await iterator.next(); !next.done; next = await iterator.next()) held.push(next.value)
  const text = new TextDecoder('utf-8').decode(concatBytes(held))
  if (isParsedKind(kind)) summary.warnings.push(...parseInto(kind, path, text, found))
  if (clientLines) clientLineScan.scan(text, path, found)
  return summary
}

/** The chunks already read, then the rest of the body. */
async function* resume(held: Uint8Array[], rest: AsyncIterator<Uint8Array>): AsyncGenerator<Uint8Array> {
  yield* held
  for (let next = await rest.next(); !next.done; next = await rest.next()) yield next.value
}

/** Two copies of one source (meminfo twice): the one with the most fields wins, and that is said. */
function fullest<T extends { fields: Record<string, number>; file: string }>(all: T[], what: FileKind, warnings: Warning[]): T | null {
  const ranked = [...all].sort((a, b) => Object.keys(b.fields).length - Object.keys(a.fields).length)
  const best = ranked[0]
  if (best && ranked.length > 1) {
    warnings.push({ code: `${what}_duplicate`, message: `${ranked.length} ${what} files: using the fullest`, file: best.file })
  }
  return best ?? null
}
