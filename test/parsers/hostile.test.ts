import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import type { z } from 'zod'
import { Warning } from '../../schemas/warning.ts'
import type { TextKind } from '../../src/bundle/source.ts'
import { SOURCES } from '../../src/bundle/sources.ts'
import { MAX_WARNINGS } from '../../src/parsers/common.ts'
import { parseMeminfo } from '../../src/parsers/meminfo.ts'

// Every parser, every kind of bad input: no exception, data that validates, warnings that say where.

const sample = (name: string) => readFileSync(new URL(`../fixtures/samples/${name}`, import.meta.url), 'utf8')

/** A hostile input, made from the parser's own sample or from nothing. */
type Make = (sample: string) => string

interface Case {
  parse: (text: string, file?: string) => { data: unknown; warnings: unknown[] }
  schema: z.ZodType
  sample: string
  /** Inputs of this format's own shape, run besides the common HOSTILE ones. */
  own?: Record<string, Make>
  /** The inputs that need not warn (default QUIET); `'any'`: no input is asked to warn. */
  quiet?: readonly string[] | 'any'
}

/** dmesg's own inputs, run on both of its samples (the old and the new OOM report). */
const DMESG_OWN: Record<string, Make> = {
  'a 1 MB line': (text) => `${text}\nKilled process 1 (${'A'.repeat(1_000_000)}) total-vm:1kB`,
  'table rows alone': () => '[  12]  0  12  100  10  4096  0  0 x\n'.repeat(1000),
}

/** Each source's hostile cases by name: its sample and its own inputs; every kind must have some (the compiler says so). */
const CASES: Record<TextKind, Record<string, Omit<Case, 'parse' | 'schema'>>> = {
  meminfo: { meminfo: { sample: 'kafka-suspect-meminfo.txt' } },
  ps: { ps: { sample: 'kafka-suspect-ps-aux.txt' }, 'ps pairs': { sample: 'sta-18-rss.txt' } },
  pmap: { pmap: { sample: 'kafka-suspect-pmap-5.txt' }, 'pmap busybox': { sample: 'busybox-pmap-x.txt' } },
  smaps_rollup: { smaps_rollup: { sample: 'kafka-suspect-smaps_rollup-5.txt' } },
  status: { status: { sample: 'kafka-suspect-status-5.txt' } },
  manifest: { manifest: { sample: 'kafka-suspect-manifest.json' } },
  // Sockets, pipes and lines it cannot read are skipped by design: nothing to warn about.
  'open-files': {
    'open-files': {
      sample: 'queues-redis-node-fd.txt',
      quiet: 'any',
      own: { 'a 1 MB path': (text) => `${text}\n7 /${'a'.repeat(1_000_000)}` },
    },
  },
  maps: {
    maps: {
      sample: 'kafka-suspect-maps-5.txt',
      quiet: 'any',
      own: { 'a 1 MB line': () => `7f0000000000-7f0000001000 rw-p 00000000 00:00 0 ${'A'.repeat(1_000_000)}` },
    },
  },
  smaps: {
    smaps: {
      sample: 'smaps-python-malloc.txt',
      quiet: 'any',
      own: { 'a 1 MB line': (text) => `${text}\nRss: ${'1'.repeat(1_000_000)} kB\n` },
    },
  },
  'kafka-config': {
    'kafka config': {
      sample: 'kafka-baseline-fwlog.properties',
      quiet: 'any',
      own: {
        'a 1 MB line': (text) => `${text}\nclient.id=${'A'.repeat(1_000_000)}\n`,
        'a 1 MB key': () => `${'k'.repeat(1_000_000)}=1`,
      },
    },
  },
  'kafka-stats': {
    // Not asked to warn: one valid object with a 1 MB name, or a NUL inside a string.
    'kafka stats': {
      sample: 'kafka-suspect-fwlog-stats.json',
      quiet: ['a 1 MB line', 'NUL inside a string'],
      own: {
        'NUL inside a string': (text) => text.replace('"fwlog"', '"fw\u0000log"'),
        'a 1 MB line': () => `{"msg_cnt": 1, "name": "${'A'.repeat(1_000_000)}"}`,
        'deep nesting': () => `{"msg_cnt": 1, "brokers": ${'['.repeat(100_000)}${']'.repeat(100_000)}}`,
        'open braces': () => '{'.repeat(1_000_000),
        'numbers of 400 digits': (text) => text.replace(/\d+/g, (d) => '9'.repeat(400 + d.length)),
        'truncated at half': (text) => text.slice(0, Math.floor(text.length / 2)),
      },
    },
  },
  log: {
    'kafka log': {
      sample: 'kafka-suspect-fwlog.log',
      quiet: 'any',
      own: { 'a 1 MB line': () => `rdkafka ${'Connection refused '.repeat(60_000)}` },
    },
  },
  dmesg: {
    'dmesg old': { sample: 'dmesg-oom-old.txt', quiet: 'any', own: DMESG_OWN },
    'dmesg new': { sample: 'dmesg-oom-new.txt', quiet: 'any', own: DMESG_OWN },
  },
  slabinfo: {
    slabinfo: {
      sample: 'kafka-suspect-slabinfo.txt',
      quiet: ['truncated mid-line'],
      own: { 'a 1 MB line': (text) => `${text}\nx ${'1 '.repeat(500_000)}` },
    },
  },
  vmstat: {
    vmstat: {
      sample: 'kafka-suspect-vmstat.txt',
      quiet: ['truncated mid-line'],
      own: { 'a 1 MB line': (text) => `${text}\nnr_dirty ${'1'.repeat(1_000_000)}` },
    },
  },
}

const PARSERS: Record<string, Case> = Object.fromEntries(
  SOURCES.flatMap((source) =>
    Object.entries(CASES[source.kind]).map(([name, extra]) => [
      name,
      { ...extra, parse: source.parse, schema: source.schema as z.ZodType },
    ]),
  ),
)

/** Bytes from a fixed seed, decoded as a bundle reader would (invalid UTF-8 becomes U+FFFD). */
function junk(size: number): string {
  const bytes = new Uint8Array(size)
  let x = 2463534242
  for (let i = 0; i < size; i++) {
    x ^= x << 13
    x ^= x >>> 17
    x ^= x << 5
    bytes[i] = x & 0xff
  }
  return new TextDecoder().decode(bytes)
}

const HOSTILE: Record<string, Make> = {
  empty: () => '',
  'NUL bytes': () => '\u0000'.repeat(10_000),
  'binary junk': () => junk(64 * 1024),
  'a 2 MB line': () => 'A'.repeat(2_000_000),
  'a 1 MB number': () => '9'.repeat(1_000_000),
  'many bad lines': () => 'x y\n'.repeat(50_000),
  'blank lines only': () => ' \t\n\n  \r\n',
  'truncated mid-line': (text) => text.slice(0, Math.floor(text.length / 2) + 3),
  'huge numbers': (text) => text.replace(/\d+/g, (digits) => (digits.length > 1 ? '9'.repeat(40) : digits)),
  'every number huge': (text) => text.replace(/\d+/g, (digits) => '9'.repeat(40 + digits.length)),
  'NUL inside lines': (text) => text.replace(/^(\S+) /gm, '$1 \u0000'),
  'NUL after every space': (text) => text.replace(/ /g, ' \u0000'),
  'junk appended': (text) => `${text}\n${junk(4096)}`,
}

// A line cut inside a command or a mapping name still reads as a (shorter) valid line, and a
// NUL may land in a free-text field: those must not throw, but need not warn.
const QUIET = ['empty', 'blank lines only', 'truncated mid-line', 'NUL inside lines']

describe.each(Object.entries(PARSERS))('%s parser on hostile input', (_, { parse, schema, sample: name, own, quiet = QUIET }) => {
  it.each(Object.entries({ ...HOSTILE, ...own }))('%s: no exception, valid data, located warnings', (what, make) => {
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
    if (quiet !== 'any' && !quiet.includes(what)) expect(warnings.length, what).toBeGreaterThan(0)
  })

  it('reads CRLF line ends like LF', () => {
    const text = sample(name)
    expect(parse(text.replace(/\n/g, '\r\n'))).toEqual(parse(text))
  })
})

describe('warnings are capped', () => {
  it('closes with too_many_warnings', () => {
    const { warnings } = parseMeminfo('x y\n'.repeat(10_000), 'm')
    expect(warnings).toHaveLength(MAX_WARNINGS + 1)
    expect(warnings.at(-1)!.code).toBe('too_many_warnings')
  })
})
