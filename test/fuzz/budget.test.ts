// The fuzz suite's size: at least 10,000 generated cases per run (the sum of numRuns in config.ts),
// and every parser module of src/parsers under fuzz.
import { readdirSync } from 'node:fs'
import { expect, it } from 'vitest'
import { PARSER_COUNT, RUNS, totalCases } from './config.ts'
import { PARSERS } from './parsers.ts'

it('runs at least 10,000 cases, every parser included', () => {
  const modules = readdirSync(new URL('../../src/parsers/', import.meta.url)).filter((f) => f.endsWith('.ts') && f !== 'common.ts')
  expect(PARSERS).toHaveLength(modules.length)
  expect(PARSERS).toHaveLength(PARSER_COUNT)
  expect(totalCases()).toBeGreaterThanOrEqual(10_000)
  expect(Object.values(RUNS).every((runs) => runs > 0)).toBe(true)
})
