// The fuzz suite's size: at least 10,000 generated cases per run (the sum of numRuns in config.ts),
// and every parser module of src/parsers under fuzz.
import { readdirSync } from 'node:fs'
import { expect, it } from 'vitest'
import { PARSER_COUNT, RUNS, totalCases } from './config.ts'
import { PARSERS } from './parsers.ts'

it('runs at least 10,000 cases, every parser included', () => {
  // common.ts and program.ts are helpers of the parsers (program names are fuzzed through ps), and
  // client-lines.ts is the client-line scan across kinds (src/bundle/sources.ts), not a source.
  const modules = readdirSync(new URL('../../src/parsers/', import.meta.url)).filter(
    (f) => f.endsWith('.ts') && f !== 'common.ts' && f !== 'program.ts' && f !== 'client-lines.ts',
  )
  expect(PARSERS).toHaveLength(modules.length)
  expect(PARSERS).toHaveLength(PARSER_COUNT)
  expect(totalCases()).toBeGreaterThanOrEqual(10_000)
  expect(Object.values(RUNS).every((runs) => runs > 0)).toBe(true)
})
