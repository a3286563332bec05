// Property-based fuzzing of the whole-bundle reader (src/bundle/read.ts): mutated archives and
// random bytes, and well-formed archives of mutated real files. readBundle never throws, its
// result validates against ParsedBundle (also after a JSON round trip, as parsed.json stores it),
// `error` is set exactly when the archive could not be read, and a well-formed archive lists every
// member. Numbers of runs: test/fuzz/config.ts.
import { createHash } from 'node:crypto'
import { gzipSync } from 'node:zlib'
import fc from 'fast-check'
import { describe, it } from 'vitest'
import { ParsedBundle } from '../../schemas/bundle.ts'
import { Warning } from '../../schemas/warning.ts'
import { readBundle } from '../../src/bundle/read.ts'
import { asTar, asZip, byteOps, mutateBytes, randomArchive, realSubjects, type Subject, sampleBundleFiles } from './archives.ts'
import { checkCode, checkPath, fail } from './checks.ts'
import { numRuns, PROPERTY_TIMEOUT } from './config.ts'
import { validate } from './known.ts'
import { PARSERS } from './parsers.ts'
import { anyString, mutateText, textOps } from './text.ts'

const CASE_TIMEOUT_MS = 15_000
const ERROR_CODES = new Set(['archive_corrupt', 'archive_unsupported'])

export async function checkBundle(raw: Uint8Array): Promise<ParsedBundle> {
  const meta = { id: createHash('sha256').update(raw).digest('hex'), bytes: raw.length, receivedAt: '2026-11-27T10:00:00.000Z' }
  const bundle = await readBundle(raw, meta)
  validate(ParsedBundle, bundle, 'the bundle')
  validate(ParsedBundle, JSON.parse(JSON.stringify(bundle)), 'the bundle after a JSON round trip')
  for (const file of bundle.files) checkPath(file.path)
  if (bundle.id !== meta.id || bundle.bytes !== meta.bytes) fail('id or bytes not those of the meta')
  if (bundle.error !== null && !ERROR_CODES.has(bundle.error.code)) fail(`error code ${JSON.stringify(bundle.error.code)}`)
  if (bundle.format === 'unknown' && bundle.error === null) fail('an unknown format without an error')
  for (const w of [...bundle.warnings, ...bundle.files.flatMap((f) => f.warnings)]) {
    validate(Warning, w, 'a warning')
    checkCode(w.code)
  }
  return bundle
}

const files = sampleBundleFiles()
const subjects: Subject[] = realSubjects(files)
const allWords = [...new Set(PARSERS.flatMap((p) => p.words))]
const dec = new TextDecoder()

describe('fuzz readBundle', () => {
  it('reads the unmutated subjects without an error', async () => {
    for (const s of subjects) {
      const bundle = await checkBundle(s.bytes)
      if (bundle.error !== null || bundle.files.length === 0) throw new Error(`${s.label}: ${JSON.stringify(bundle.error)}`)
    }
  })

  it('mutated archives and random bytes: never throws, always a valid ParsedBundle', { timeout: PROPERTY_TIMEOUT }, async () => {
    const input = fc.oneof(
      {
        weight: 4,
        arbitrary: fc.tuple(fc.nat(), byteOps).map(([which, ops]) => mutateBytes(subjects[which % subjects.length]!, ops, subjects)),
      },
      { weight: 1, arbitrary: randomArchive },
    )
    await fc.assert(
      fc.asyncProperty(input, async (raw) => {
        await checkBundle(raw)
      }),
      { numRuns: numRuns('bundleMutatedBytes'), timeout: CASE_TIMEOUT_MS },
    )
  })

  it('well-formed archives of mutated real files: no error, every member listed', { timeout: PROPERTY_TIMEOUT }, async () => {
    const edit = fc.tuple(fc.nat(), textOps(allWords))
    const extra = fc.tuple(fc.constantFrom('extra.txt', 'proc/9/status', 'dumps/9-7f0000000000.bin', 'logs/x.log', 'notes'), anyString)
    await fc.assert(
      fc.asyncProperty(
        fc.array(edit, { minLength: 1, maxLength: 3 }),
        fc.array(extra, { maxLength: 2 }),
        fc.constantFrom('tar', 'tar.gz', 'zip'),
        async (edits, extras, format) => {
          const members = files.map((f) => ({ ...f }))
          for (const [which, ops] of edits) {
            const m = members[which % members.length]!
            m.body = mutateText(typeof m.body === 'string' ? m.body : dec.decode(m.body), ops)
          }
          extras.forEach(([name, body], i) => members.push({ name: `${i}/${name}`, body }))
          const raw = format === 'zip' ? asZip(members) : format === 'tar' ? asTar(members) : new Uint8Array(gzipSync(asTar(members)))
          const bundle = await checkBundle(raw)
          if (bundle.error !== null) fail(`a well-formed ${format} read with error ${JSON.stringify(bundle.error)}`)
          if (bundle.files.length !== members.length) fail(`${members.length} members, ${bundle.files.length} files listed`)
        },
      ),
      { numRuns: numRuns('bundleMutatedMembers'), timeout: CASE_TIMEOUT_MS },
    )
  })
})
