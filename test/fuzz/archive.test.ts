// Property-based fuzzing of the archive reader (src/bundle/archive.ts): random bytes, real
// .tar.gz / .tar / .zip with bytes flipped (header areas mostly), truncated and spliced, tar
// header fields rewritten with a valid checksum, zip member names and modes rewritten. For every
// input: readArchive yields entries or throws an ArchiveError with a known code (never another
// error, never hangs), every yielded path is relative with no `..` segment, every skip has a known
// code, a body read to the end has the announced size. Numbers of runs: test/fuzz/config.ts.
import { gzipSync } from 'node:zlib'
import fc from 'fast-check'
import { describe, it } from 'vitest'
import { ArchiveError, type ArchiveFormat, isArchiveSkip, readArchive, sniffArchive } from '../../src/bundle/archive.ts'
import {
  byteOps,
  extraTarEntry,
  mutateBytes,
  mutateTarFields,
  mutateZipNames,
  randomArchive,
  realSubjects,
  type Subject,
  sampleBundleFiles,
  tarFieldOp,
  tarWithExtras,
  zipNameOp,
} from './archives.ts'
import { checkPath, fail, Violation } from './checks.ts'
import { numRuns, PROPERTY_TIMEOUT } from './config.ts'

const FORMATS: ArchiveFormat[] = ['tar.gz', 'tar', 'zip']
const SKIP_CODES = new Set(['entry_unsafe_path', 'entry_link', 'entry_special', 'entry_unsupported'])
const ERROR_CODES = new Set(['archive_corrupt', 'archive_unsupported'])
/** One read of an archive of a few hundred KiB: seconds mean a loop. */
const CASE_TIMEOUT_MS = 10_000

export type Reading = 'all' | 'first-chunk' | 'none'
export const reading: fc.Arbitrary<Reading> = fc.constantFrom('all', 'all', 'first-chunk', 'none')

/** Reads everything readArchive gives, checking the contract; returns what it saw. */
export async function checkArchive(
  bytes: Uint8Array,
  format: ArchiveFormat,
  how: Reading,
): Promise<{ files: number; error: string | null }> {
  const sniffed = sniffArchive(bytes.subarray(0, 512))
  if (sniffed !== null && !FORMATS.includes(sniffed)) fail(`sniffArchive said ${String(sniffed)}`)
  let files = 0
  let entries = 0
  try {
    for await (const entry of readArchive(bytes, format)) {
      if (++entries > 1_000_000) fail('more than a million entries from a small archive')
      if (isArchiveSkip(entry)) {
        if (typeof entry.skipped !== 'string' || typeof entry.reason !== 'string') fail(`malformed skip ${JSON.stringify(entry)}`)
        if (!SKIP_CODES.has(entry.code)) fail(`unknown skip code ${JSON.stringify(entry.code)}`)
        continue
      }
      files++
      checkPath(entry.path)
      if (!Number.isSafeInteger(entry.size) || entry.size < 0) fail(`size ${entry.size} of ${entry.path}`)
      if (how === 'none') continue
      let read = 0
      for await (const chunk of entry.body) {
        if (!(chunk instanceof Uint8Array)) fail(`a body chunk of ${entry.path} is not bytes`)
        read += chunk.byteLength
        if (read > entry.size) fail(`${entry.path}: ${read} bytes read, ${entry.size} announced`)
        if (how === 'first-chunk') break
      }
      if (how === 'all' && read !== entry.size) fail(`${entry.path}: ${read} bytes read, ${entry.size} announced`)
    }
  } catch (error) {
    if (error instanceof Violation) throw error
    if (!(error instanceof ArchiveError)) {
      fail(`not an ArchiveError: ${error instanceof Error ? `${error.name}: ${error.message}\n${error.stack}` : String(error)}`)
    }
    if (!ERROR_CODES.has(error.code)) fail(`ArchiveError with code ${JSON.stringify(error.code)}`)
    if (!error.message) fail('ArchiveError without a message')
    return { files, error: error.code }
  }
  return { files, error: null }
}

const subjects: Subject[] = realSubjects(sampleBundleFiles())
const tars = subjects.filter((s) => s.format === 'tar')
const zips = subjects.filter((s) => s.format === 'zip')

const options = (name: Parameters<typeof numRuns>[0]) => ({ numRuns: numRuns(name), timeout: CASE_TIMEOUT_MS })

describe('fuzz readArchive', () => {
  it('reads the unmutated subjects without an error', async () => {
    for (const s of subjects) {
      const { error, files } = await checkArchive(s.bytes, s.format, 'all')
      if (error !== null || files === 0) throw new Error(`${s.label}: ${error ?? 'no files'}`)
    }
  })

  it('random bytes, read as every format', { timeout: PROPERTY_TIMEOUT }, async () => {
    await fc.assert(
      fc.asyncProperty(randomArchive, fc.constantFrom(...FORMATS), reading, async (bytes, format, how) => {
        await checkArchive(bytes, format, how)
      }),
      options('archiveRandomBytes'),
    )
  })

  it('real archives with bytes flipped, truncated, spliced', { timeout: PROPERTY_TIMEOUT }, async () => {
    await fc.assert(
      fc.asyncProperty(fc.nat(), byteOps, reading, fc.boolean(), async (which, ops, how, sniff) => {
        const s = subjects[which % subjects.length]!
        const bytes = mutateBytes(s, ops, subjects)
        // as the bundle reader does (by sniffing), or as the subject's format whatever the bytes say
        const format = sniff ? (sniffArchive(bytes.subarray(0, 512)) ?? s.format) : s.format
        await checkArchive(bytes, format, how)
      }),
      options('archiveMutatedBytes'),
    )
  })

  it('tar headers rewritten with a valid checksum, odd entries slipped in (tar and tar.gz)', { timeout: PROPERTY_TIMEOUT }, async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.nat(),
        fc.array(tarFieldOp, { maxLength: 4 }),
        fc.array(fc.tuple(fc.nat(), extraTarEntry), { maxLength: 3 }),
        fc.boolean(),
        reading,
        async (which, fieldOps, extras, gzip, how) => {
          const base =
            extras.length > 0
              ? tarWithExtras(
                  [
                    { name: 'proc/meminfo', body: 'MemTotal: 1 kB\n' },
                    { name: 'ps.txt', body: '  PID  RSS COMMAND\n    1  100 init\n' },
                  ],
                  extras,
                )
              : tars[which % tars.length]!.bytes
          const bytes = mutateTarFields(base, fieldOps)
          await checkArchive(gzip ? new Uint8Array(gzipSync(bytes)) : bytes, gzip ? 'tar.gz' : 'tar', how)
        },
      ),
      options('archiveTarHeaders'),
    )
  })

  it('zip member names and modes rewritten', { timeout: PROPERTY_TIMEOUT }, async () => {
    await fc.assert(
      fc.asyncProperty(fc.nat(), fc.array(zipNameOp, { minLength: 1, maxLength: 4 }), reading, async (which, ops, how) => {
        await checkArchive(mutateZipNames(zips[which % zips.length]!.bytes, ops), 'zip', how)
      }),
      options('archiveZipNames'),
    )
  })
})
