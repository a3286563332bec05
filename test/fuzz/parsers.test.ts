// Property-based fuzzing of every parser in src/parsers: random strings, lines of the format's own
// tokens, and mutations of the real samples. For every input: nothing throws, `data` validates
// against the parser's zod schema (also after a JSON round trip, as parsed.json stores it), every
// warning validates, has a snake_case code, names the file and points at a line that exists, the
// list is capped, and the sniffer answers a boolean. Numbers of runs: test/fuzz/config.ts.
import fc from 'fast-check'
import { describe, it } from 'vitest'
import { Warning } from '../../schemas/warning.ts'
import { MAX_WARNINGS, splitLines } from '../../src/parsers/common.ts'
import { checkCode, fail } from './checks.ts'
import { numRuns, PROPERTY_TIMEOUT } from './config.ts'
import { validate } from './known.ts'
import { PARSERS, type ParserCase, STRUCTURED, sampleNames, sampleSlice, sliceOf } from './parsers.ts'
import { anyString, mutateText, textOps, tokenLines } from './text.ts'

const FILE = 'fuzz/input.txt'
/** One parse of inputs this small (under a few MB) takes milliseconds: seconds means a blow-up. */
const SLOW_MS = 3000

/** The properties, as one check: throws (so fast-check shrinks) on the first that does not hold. */
export function checkParser(p: ParserCase, text: string): void {
  const started = performance.now()
  const looks = p.looks(text, FILE)
  const { data, warnings } = p.parse(text, FILE)
  const ms = performance.now() - started
  if (typeof looks !== 'boolean') fail(`looksLike returned ${String(looks)}`)
  validate(p.schema, data, `${p.name} data`)
  validate(p.schema, JSON.parse(JSON.stringify(data)), `${p.name} data after a JSON round trip`)
  if (!Array.isArray(warnings)) fail('warnings is not an array')
  if (warnings.length > MAX_WARNINGS + 1) fail(`${warnings.length} warnings: not capped at ${MAX_WARNINGS} + 1`)
  const lines = splitLines(text).length
  for (const warning of warnings) {
    validate(Warning, warning, 'a warning')
    const w = warning as Warning
    checkCode(w.code)
    if (w.file !== FILE) fail(`warning ${w.code} names file ${JSON.stringify(w.file)}`)
    if (w.line !== undefined && w.line > lines) fail(`warning ${w.code} at line ${w.line} of a ${lines}-line input`)
  }
  if (ms > SLOW_MS) fail(`${p.name} took ${Math.round(ms)} ms on ${text.length} characters`)
}

const everySample = sampleNames()

describe.each(PARSERS.map((p) => [p.name, p] as const))('fuzz parser %s', (_, p) => {
  it('random strings', { timeout: PROPERTY_TIMEOUT }, () => {
    fc.assert(
      fc.property(anyString, (text) => checkParser(p, text)),
      { numRuns: numRuns('parserRandomString') },
    )
  })

  it('lines of its own tokens', { timeout: PROPERTY_TIMEOUT }, () => {
    const tokens = tokenLines(p.words)
    const structured = STRUCTURED[p.name]
    const input = structured
      ? fc.oneof(
          tokens,
          structured,
          fc.tuple(structured, textOps(p.words)).map(([text, ops]) => mutateText(text, ops)),
        )
      : tokens
    fc.assert(
      fc.property(input, (text) => checkParser(p, text)),
      { numRuns: numRuns('parserTokens') },
    )
  })

  it('mutated real samples', { timeout: PROPERTY_TIMEOUT }, () => {
    fc.assert(
      fc.property(sampleSlice(p.samples, everySample), textOps(p.words), (slice, ops) => checkParser(p, mutateText(sliceOf(slice), ops))),
      { numRuns: numRuns('parserMutatedSample') },
    )
  })
})
