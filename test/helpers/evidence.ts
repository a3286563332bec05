// Checks evidence pointers as a reader would: open the cited file of the cited bundle, go to the
// cited line or byte offset, and look for the excerpt there (schemas/findings.ts says how).
import type { Diagnosis } from '../../schemas/diagnosis.ts'
import type { Evidence } from '../../schemas/findings.ts'
import { readArchive, sniffArchive } from '../../src/bundle/archive.ts'
import { decodeHexText, sniffDumpFormat } from '../../src/content/decode.ts'
import { redact } from '../../src/content/redact.ts'
import { collect } from './archive.ts'

export type BundleFiles = Map<string, Uint8Array>

/** Every file of an archive by its path in the bundle. */
export async function bundleFiles(raw: Uint8Array): Promise<BundleFiles> {
  const files = new Map<string, Uint8Array>()
  for (const entry of await collect(readArchive(raw, sniffArchive(raw.subarray(0, 512))!))) {
    if (!('skipped' in entry)) files.set(entry.path, entry.bytes)
  }
  return files
}

const squeeze = (text: string) => text.replace(/\s+/g, ' ').trim()

/** Why this pointer cannot be checked, or null when the excerpt is where it says. */
export async function checkPointer(e: Evidence, files: BundleFiles): Promise<string | null> {
  const bytes = files.get(e.file)
  if (!bytes) return `${e.bundle} has no file ${e.file}`
  if (e.offset !== undefined) return checkOffset(e, bytes)
  const lines = new TextDecoder().decode(bytes).split(/\r\n|\n|\r/)
  const pieces = e.excerpt.split(' … ').map(squeeze)
  const holds = (line: string) => pieces.every((piece) => squeeze(line).includes(piece))
  if (e.line === undefined) {
    // A claim about the whole file (a dump with no records) cites no place and quotes nothing.
    return e.excerpt === '' ? null : `"${e.excerpt}" cites no line of ${e.file}`
  }
  const line = lines[e.line - 1]
  if (line === undefined) return `${e.file} has no line ${e.line}`
  return holds(line) ? null : `${e.file}:${e.line} is "${line.slice(0, 200)}", not "${e.excerpt}"`
}

/** A dump's offset is into the memory it holds: hex text dumps are decoded first. */
async function checkOffset(e: Evidence, bytes: Uint8Array): Promise<string | null> {
  const format = sniffDumpFormat(bytes.subarray(0, 4096))
  let memory = bytes
  if (format === 'hexdump' || format === 'xxd') {
    const out = new Uint8Array(1 << 24)
    let end = 0
    for await (const piece of decodeHexText(
      (async function* () {
        yield bytes
      })(),
      format,
    )) {
      if (piece.kind !== 'bytes' || piece.offset + piece.bytes.length > out.length) continue
      out.set(piece.bytes, piece.offset)
      end = Math.max(end, piece.offset + piece.bytes.length)
    }
    memory = out.subarray(0, end)
  }
  const there = new TextDecoder().decode(memory.subarray(e.offset, e.offset! + 4096))
  const quoted = e.excerpt.replace(/\.\.\.$/, '').slice(0, 120)
  const seen = redact(there, 4096).text
  return seen.startsWith(quoted) ? null : `${e.file}@${e.offset} reads "${seen.slice(0, 120)}", not "${quoted}"`
}

/** Every pointer of every finding that does not hold, as `kind process: why`. */
export async function uncheckable(d: Diagnosis, bundles: { baseline: BundleFiles | null; suspect: BundleFiles }): Promise<string[]> {
  const out: string[] = []
  for (const f of d.findings) {
    for (const e of f.evidence) {
      const files = bundles[e.bundle]
      const why = files ? await checkPointer(e, files) : `no ${e.bundle} bundle`
      if (why) out.push(`${f.kind} ${f.process}: ${why}`)
    }
  }
  return out
}
