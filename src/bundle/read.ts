import type { FileKind, FileSummary, ParsedBundle, ProcessMap } from '../../schemas/bundle.ts'
import type { Manifest, Meminfo } from '../../schemas/parsers.ts'
import type { Warning } from '../../schemas/warning.ts'
import { parseManifest } from '../parsers/manifest.ts'
import { parseMeminfo } from '../parsers/meminfo.ts'
import { parsePmap } from '../parsers/pmap.ts'
import { parsePs } from '../parsers/ps.ts'
import { parseSmapsRollup } from '../parsers/smaps-rollup.ts'
import { parseStatus } from '../parsers/status.ts'
import { ArchiveError, readArchive, sniffArchive } from './archive.ts'
import { classify } from './classify.ts'
import { combineProcesses, type ProcessSources } from './combine.ts'
import { nameFromPath, pidFromPath } from './hints.ts'

// Turns an archive into a ParsedBundle: every file recognised by content, the known ones parsed.
// Pure: no storage, no HTTP. A broken archive is not an exception but a bundle with `error` set,
// so the caller can keep the raw bytes and say what went wrong.

const HEAD_BYTES = 4096 // enough of a file to recognise it
const TEXT_LIMIT = 16 * 1024 * 1024 // a parsed text file larger than this is listed, not parsed
const PARSED_KINDS = new Set<FileKind>(['meminfo', 'ps', 'pmap', 'smaps_rollup', 'status', 'manifest'])

export interface BundleMeta {
  id: string
  bytes: number
  receivedAt: string
  host?: string
  role?: string
}

export async function readBundle(raw: Uint8Array, meta: BundleMeta): Promise<ParsedBundle> {
  const format = sniffArchive(raw.subarray(0, 512))
  const files: FileSummary[] = []
  const warnings: Warning[] = []
  const found: Found = { meminfo: [], manifest: null, ps: [], statuses: [], rollups: [], maps: [] }
  let error: ParsedBundle['error'] = null

  if (!format) {
    error = { code: 'archive_unsupported', detail: 'not a .tar.gz, .tgz, .tar or .zip archive' }
  } else {
    try {
      for await (const entry of readArchive(raw, format)) {
        if ('skipped' in entry) {
          warnings.push({ code: entry.code, message: `${entry.reason}: skipped`, file: entry.skipped })
          continue
        }
        files.push(await readFile(entry.path, entry.size, entry.body, found))
      }
    } catch (caught) {
      if (!(caught instanceof ArchiveError)) throw caught
      error = { code: caught.code, detail: caught.message }
    }
  }

  const meminfo = pickMeminfo(found.meminfo, warnings)
  const { processes, warnings: processWarnings } = combineProcesses(found)
  warnings.push(...processWarnings)
  if (!error && !meminfo) warnings.push({ code: 'no_meminfo', message: 'no /proc/meminfo in the bundle: the gap cannot be measured' })
  if (!error && processes.length === 0) warnings.push({ code: 'no_processes', message: 'no ps output in the bundle: processes cannot be compared' })

  return {
    id: meta.id,
    bytes: meta.bytes,
    receivedAt: meta.receivedAt,
    host: meta.host ?? found.manifest?.host ?? null,
    role: meta.role ?? found.manifest?.role ?? null,
    format: format ?? 'unknown',
    files,
    warnings,
    error,
    manifest: found.manifest,
    meminfo,
    processes,
    maps: found.maps,
    rollups: found.rollups,
    statuses: found.statuses,
  }
}

interface Found extends ProcessSources {
  meminfo: (Meminfo & { file: string })[]
  manifest: Manifest | null
}

async function readFile(path: string, size: number, body: AsyncIterable<Uint8Array>, found: Found): Promise<FileSummary> {
  const chunks: Uint8Array[] = []
  let held = 0
  let kind: FileKind | null = null
  for await (const chunk of body) {
    chunks.push(chunk)
    held += chunk.byteLength
    if (kind === null && held >= Math.min(HEAD_BYTES, size)) {
      kind = classifyHead(path, concat(chunks, HEAD_BYTES))
      // Only files we parse are held whole; the archive reader skips the rest of the others.
      if (!PARSED_KINDS.has(kind) || size > TEXT_LIMIT) break
    }
  }
  kind ??= classifyHead(path, concat(chunks, HEAD_BYTES))
  const summary: FileSummary = { path, kind, bytes: size, warnings: [] }
  if (!PARSED_KINDS.has(kind)) return summary
  if (size > TEXT_LIMIT) {
    summary.warnings.push({ code: 'file_too_large', message: `over ${TEXT_LIMIT} bytes: listed, not parsed`, file: path })
    return summary
  }
  const text = new TextDecoder('utf-8').decode(concat(chunks, Infinity))
  summary.warnings.push(...parseInto(kind, path, text, found))
  return summary
}

function parseInto(kind: FileKind, file: string, text: string, found: Found): Warning[] {
  switch (kind) {
    case 'meminfo': {
      const { data, warnings } = parseMeminfo(text, file)
      found.meminfo.push({ ...data, file })
      return warnings
    }
    case 'ps': {
      const { data, warnings } = parsePs(text, file)
      found.ps.push({ file, ps: data })
      return warnings
    }
    case 'pmap': {
      const { data, warnings } = parsePmap(text, file)
      const map: ProcessMap = { file, pid: data.pid ?? pidFromPath(file), name: nameFromPath(file), pmap: data }
      found.maps.push(map)
      return warnings
    }
    case 'smaps_rollup': {
      const { data, warnings } = parseSmapsRollup(text, file)
      found.rollups.push({ ...data, file, pid: pidFromPath(file) })
      return warnings
    }
    case 'status': {
      const { data, warnings } = parseStatus(text, file)
      found.statuses.push({ ...data, pid: data.pid ?? pidFromPath(file), file })
      return warnings
    }
    case 'manifest': {
      const { data, warnings } = parseManifest(text, file)
      found.manifest ??= data
      return warnings
    }
    default:
      return []
  }
}

/** Two meminfo files: the one with the most fields wins, and the choice is said. */
function pickMeminfo(all: Found['meminfo'], warnings: Warning[]): Found['meminfo'][number] | null {
  const ranked = [...all].sort((a, b) => Object.keys(b.fields).length - Object.keys(a.fields).length)
  const best = ranked[0]
  if (best && ranked.length > 1) {
    warnings.push({ code: 'meminfo_duplicate', message: `${ranked.length} meminfo files: using the fullest`, file: best.file })
  }
  return best ?? null
}

function classifyHead(path: string, head: Uint8Array): FileKind {
  return classify(path, new TextDecoder('utf-8').decode(head), isText(head))
}

/** Text is what has no NUL byte and decodes mostly to printable characters. */
function isText(head: Uint8Array): boolean {
  if (head.includes(0)) return false
  let control = 0
  for (const byte of head) if (byte < 9 || (byte > 13 && byte < 32) || byte === 127) control++
  return control <= head.byteLength / 100
}

function concat(chunks: Uint8Array[], limit: number): Uint8Array {
  const total = Math.min(limit, chunks.reduce((n, c) => n + c.byteLength, 0))
  if (chunks.length === 1 && chunks[0]!.byteLength <= limit) return chunks[0]!
  const out = new Uint8Array(total)
  let at = 0
  for (const chunk of chunks) {
    if (at >= total) break
    const part = chunk.subarray(0, total - at)
    out.set(part, at)
    at += part.byteLength
  }
  return out
}
