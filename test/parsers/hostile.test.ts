import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import type { z } from 'zod'
import { Manifest, Meminfo, Pmap, ProcStatus, Ps, SmapsRollup } from '../../schemas/parsers.ts'
import { Warning } from '../../schemas/warning.ts'
import { MAX_WARNINGS } from '../../src/parsers/common.ts'
import { parseManifest } from '../../src/parsers/manifest.ts'
import { parseMeminfo } from '../../src/parsers/meminfo.ts'
import { parsePmap } from '../../src/parsers/pmap.ts'
import { parsePs } from '../../src/parsers/ps.ts'
import { parseSmapsRollup } from '../../src/parsers/smaps-rollup.ts'
import { parseStatus } from '../../src/parsers/status.ts'

// Every parser, every kind of bad input: no exception, data that validates, warnings that say where.

const sample = (name: string) => readFileSync(new URL(`../fixtures/samples/${name}`, import.meta.url), 'utf8')

interface Case { parse: (text: string, file?: string) => { data: unknown; warnings: unknown[] }; schema: z.ZodType; sample: string }
const PARSERS: Record<string, Case> = {
  meminfo: { parse: parseMeminfo, schema: Meminfo, sample: 'kafka-suspect-meminfo.txt' },
  ps: { parse: parsePs, schema: Ps, sample: 'kafka-suspect-ps-aux.txt' },
  'ps pairs': { parse: parsePs, schema: Ps, sample: 'sta-18-rss.txt' },
  pmap: { parse: parsePmap, schema: Pmap, sample: 'kafka-suspect-pmap-5.txt' },
  'pmap busybox': { parse: parsePmap, schema: Pmap, sample: 'busybox-pmap-x.txt' },
  smaps_rollup: { parse: parseSmapsRollup, schema: SmapsRollup, sample: 'kafka-suspect-smaps_rollup-5.txt' },
  status: { parse: parseStatus, schema: ProcStatus, sample: 'kafka-suspect-status-5.txt' },
  manifest: { parse: parseManifest, schema: Manifest, sample: 'kafka-suspect-manifest.json' },
}

/** Bytes from a fixed seed, decoded as a bundle reader would (invalid UTF-8 becomes U+FFFD). */
function junk(size: number): string {
  const bytes = new Uint8Array(size)
  let x = 2463534242
  for (let i = 0; i < size; i++) {
    x ^= x << 13; x ^= x >>> 17; x ^= x << 5
    bytes[i] = x & 0xff
  }
  return new TextDecoder().decode(bytes)
}

const HOSTILE: Record<string, (sample: string) => string> = {
  empty: () => '',
  'NUL bytes': () => '\u0000'.repeat(10_000),
  'binary junk': () => junk(64 * 1024),
  'a 2 MB line': () => 'A'.repeat(2_000_000),
  'a 1 MB number': () => '9'.repeat(1_000_000),
  'many bad lines': () => 'x y\n'.repeat(50_000),
  'blank lines only': () => ' \t\n\n  \r\n',
  'truncated mid-line': (text) => text.slice(0, Math.floor(text.length / 2) + 3),
  'huge numbers': (text) => text.replace(/\d+/g, (digits) => (digits.length > 1 ? '9'.repeat(40) : digits)),
  'NUL inside lines': (text) => text.replace(/^(\S+) /gm, '$1 \u0000'),
  'junk appended': (text) => `${text}\n${junk(4096)}`,
}

describe.each(Object.entries(PARSERS))('%s parser on hostile input', (_, { parse, schema, sample: name }) => {
  it.each(Object.entries(HOSTILE))('%s: no exception, valid data, located warnings', (what, make) => {
    const text = make(sample(name))
    const { data, warnings } = parse(text, 'in/bundle.txt')
    expect(() => schema.parse(data)).not.toThrow()
    expect(warnings.length).toBeLessThanOrEqual(MAX_WARNINGS + 1)
    for (const warning of warnings) {
      const w = Warning.parse(warning)
      expect(w.code).toMatch(/^[a-z][a-z0-9_]*$/)
      expect(w.file).toBe('in/bundle.txt')
      expect(w.message.length).toBeLessThan(300)
    }
    // A line cut inside a command or a mapping name still reads as a (shorter) valid line, and a
    // NUL may land in a free-text field: those must not throw, but need not warn.
    const quiet = ['empty', 'blank lines only', 'truncated mid-line', 'NUL inside lines']
    if (!quiet.includes(what)) expect(warnings.length, what).toBeGreaterThan(0)
  })

  it('reads CRLF line ends like LF', () => {
    const text = sample(name)
    expect(parse(text.replace(/\n/g, '\r\n')).data).toEqual(parse(text).data)
  })
})

describe('warnings are capped', () => {
  it('closes with too_many_warnings', () => {
    const { warnings } = parseMeminfo('x y\n'.repeat(10_000), 'm')
    expect(warnings).toHaveLength(MAX_WARNINGS + 1)
    expect(warnings.at(-1)!.code).toBe('too_many_warnings')
  })
})
