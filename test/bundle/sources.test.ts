import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { FileKind, ParsedBundle } from '../../schemas/bundle.ts'
import { classify } from '../../src/bundle/classify.ts'
import type { TextKind } from '../../src/bundle/source.ts'
import { SOURCES } from '../../src/bundle/sources.ts'
import { parsedBytes } from '../helpers/diagnose.ts'
import { tarGz } from '../helpers/tar.ts'

// The registry agrees with itself: every kind has one source, each source's detector takes its
// real sample and no source before it in the list does, and what it keeps lands in the parsed
// bundle's field it declares.

const sample = (name: string) => readFileSync(new URL(`../fixtures/samples/${name}`, import.meta.url), 'utf8')

/** A real sample of every kind, named as a collector would not (content decides). */
const SAMPLE: Record<TextKind, string> = {
  meminfo: 'kafka-suspect-meminfo.txt',
  ps: 'kafka-suspect-ps.txt',
  pmap: 'kafka-suspect-pmap-5.txt',
  smaps: 'smaps-python-malloc.txt',
  smaps_rollup: 'kafka-suspect-smaps_rollup-5.txt',
  status: 'kafka-suspect-status-5.txt',
  maps: 'kafka-suspect-maps-5.txt',
  slabinfo: 'kafka-suspect-slabinfo.txt',
  vmstat: 'kafka-suspect-vmstat.txt',
  dmesg: 'dmesg-oom-new.txt',
  'kafka-config': 'kafka-suspect-fwlog.properties',
  'kafka-stats': 'kafka-suspect-fwlog-stats.json',
  log: 'kafka-suspect-fwlog.log',
  manifest: 'kafka-suspect-manifest.json',
  'open-files': 'queues-redis-node-fd.txt',
}

describe('the source registry', () => {
  it('declares every file kind once, dumps and unknown files aside', () => {
    const kinds = SOURCES.map((s) => s.kind)
    expect(new Set(kinds).size).toBe(kinds.length)
    expect([...kinds].sort()).toEqual(FileKind.options.filter((k) => k !== 'dump' && k !== 'unknown').sort())
    for (const source of SOURCES) expect(source.order.length, source.kind).toBeGreaterThan(10)
  })

  it('keeps strict sources before loose ones', () => {
    const firstLoose = SOURCES.findIndex((s) => s.loose)
    expect(SOURCES.slice(firstLoose).every((s) => s.loose)).toBe(true)
  })

  it.each(SOURCES.map((s) => [s.kind, s] as const))('%s: its detector takes its sample, and no source before it does', (kind, source) => {
    const head = sample(SAMPLE[kind]).slice(0, 4096)
    expect(source.detect(head, 'upload/file')).toBe(true)
    const earlier = SOURCES.slice(0, SOURCES.indexOf(source)).filter((s) => s.detect(head, 'upload/file'))
    expect(earlier.map((s) => s.kind)).toEqual([])
    expect(classify('upload/file', head, true)).toBe(kind)
  })

  it.each(SOURCES.map((s) => [s.kind, s] as const))(
    '%s: what it keeps lands in the parsed bundle field it declares',
    async (kind, source) => {
      const bundle = ParsedBundle.parse(await parsedBytes(tarGz([{ name: `in/${kind}.txt`, body: sample(SAMPLE[kind]) }])))
      expect(bundle.files[0]!.kind).toBe(kind)
      if (source.field === 'ps') {
        expect(bundle.processes.length).toBeGreaterThan(0) // ps rows are folded into processes
        return
      }
      const value = bundle[source.field]
      expect(Array.isArray(value) ? value.length : value === null ? 0 : 1).toBeGreaterThan(0)
    },
  )
})
