import { ParsedBundle } from '../../schemas/bundle.ts'
import type { Gap, ProcessGrowth } from '../../schemas/diagnosis.ts'
import type { RuleContext } from '../../src/rules/context.ts'

// Small builders of a rule's input, so a rule's unit test says only what matters to it.

export function bundle(over: Partial<ParsedBundle> = {}): ParsedBundle {
  return ParsedBundle.parse({
    id: '0'.repeat(64),
    bytes: 1,
    receivedAt: '2026-12-04T00:00:00Z',
    host: null,
    role: null,
    format: 'tar.gz',
    files: [],
    warnings: [],
    error: null,
    manifest: null,
    meminfo: null,
    processes: [],
    maps: [],
    rollups: [],
    statuses: [],
    ...over,
  })
}

/** A gap of these parts (KiB), on MemAvailable unless said; `kib` is their sum unless given. */
export function gap(parts: Partial<Gap['breakdown']>, verdict: Gap['verdict'], over: Partial<Gap> = {}): Gap {
  const kib = Object.values(parts).reduce<number>((n, v) => n + (v ?? 0), 0)
  return {
    basis: 'MemAvailable',
    kib,
    baselineKib: 1_000_000,
    suspectKib: 1_000_000 - kib,
    breakdown: { other: 0, ...parts },
    reclaimable: null,
    verdict,
    ...over,
  }
}

export function growth(name: string, deltaKib: number, over: Partial<ProcessGrowth> = {}): ProcessGrowth {
  return {
    name,
    exe: `/usr/bin/${name}`,
    presence: 'both',
    instances: { baseline: 1, suspect: 1 },
    baselineKib: 10_000,
    suspectKib: 10_000 + deltaKib,
    deltaKib,
    metric: 'rss',
    shareOfGap: null,
    ...over,
  }
}

export function context(over: Partial<RuleContext> = {}): RuleContext {
  return { baseline: bundle(), suspect: bundle(), gap: null, processes: [], regions: [], content: [], ...over }
}
