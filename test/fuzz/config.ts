// Shared settings of the property-based fuzz suite (fast-check).
//
// Every run is random (fast-check seeds from the clock), so CI explores new cases each time. On a
// failure fast-check prints `{ seed: S, path: "P", endOnFailure: true }` and the shrunk
// counterexample; replay it with
//
//   FUZZ_SEED=S FUZZ_PATH=P npx vitest run test/fuzz -t '<the property name>'
//
// (FUZZ_PATH only makes sense together with `-t`: a path belongs to one property.)
// FUZZ_SCALE multiplies every numRuns (FUZZ_SCALE=10 for a long local session; 0.1 for a smoke run).
import fc from 'fast-check'

const requested = Number(process.env.FUZZ_SCALE ?? '1')
const scale = Number.isFinite(requested) && requested > 0 ? requested : 1
const seed = process.env.FUZZ_SEED === undefined ? undefined : Number(process.env.FUZZ_SEED)
const path = process.env.FUZZ_PATH

fc.configureGlobal({
  ...(seed !== undefined && Number.isFinite(seed) ? { seed } : {}),
  ...(path ? { path } : {}),
})

/**
 * numRuns of every property, by name. The parser properties run once per parser (14 parsers), the
 * others once. `totalCases()` is what one CI run executes; test/fuzz/budget.test.ts keeps it at
 * 10,000 or more.
 */
export const RUNS = {
  // per parser (x PARSER_COUNT)
  parserRandomString: 150, // fc.string, any code point (unit 'binary'), and grapheme strings
  parserTokens: 250, // lines of the format's own vocabulary, numbers and separators
  parserMutatedSample: 300, // real samples: lines deleted, duplicated, swapped, junk, bytes flipped, truncated, huge numbers
  // archive reader
  archiveRandomBytes: 400, // random bytes, with and without a format's magic, read as every format
  archiveMutatedBytes: 600, // real .tar.gz / .tar / .zip with bytes flipped (headers mostly), truncated, spliced
  archiveTarHeaders: 400, // tar header fields rewritten with a valid checksum (paths, types, sizes)
  archiveZipNames: 250, // zip member names rewritten (both headers) with path tricks
  // whole bundle
  bundleMutatedBytes: 300, // readBundle over mutated archives and random bytes
  bundleMutatedMembers: 150, // readBundle over well-formed archives of mutated real files
  // dump scanner
  scanRandomChunks: 400, // random bytes and vocabulary text, in random chunks, every format
  scanMutatedDumps: 300, // slices of the kafka hexdump / its bytes / the seed strings dump, mutated and rechunked
  scanBigDumps: 12, // 300-700 KiB, across the scanner's 256 KiB window
} as const

export const PARSER_COUNT = 15 // the sources of SOURCES

export function numRuns(name: keyof typeof RUNS): number {
  return Math.max(1, Math.round(RUNS[name] * scale))
}

export function totalCases(): number {
  const perParser = RUNS.parserRandomString + RUNS.parserTokens + RUNS.parserMutatedSample
  const rest = Object.entries(RUNS)
    .filter(([name]) => !name.startsWith('parser'))
    .reduce((n, [, runs]) => n + runs, 0)
  return perParser * PARSER_COUNT + rest
}

/** A vitest timeout for one property: generous, the whole suite is measured separately. */
export const PROPERTY_TIMEOUT = 120_000
