import type { ParsedBundle } from '../../schemas/bundle.ts'
import type { Gap, ProcessGrowth } from '../../schemas/diagnosis.ts'
import type { DumpContent, Evidence, Finding } from '../../schemas/findings.ts'
import type { ProcessRegions } from '../../schemas/regions.ts'
import { programOf } from '../analysis/processes.ts'
import { MATTERS_KIB } from '../analysis/thresholds.ts'

/** Everything the rules may look at: the bundles and the results of steps 1-4. */
export interface RuleContext {
  baseline: ParsedBundle | null
  suspect: ParsedBundle
  gap: Gap | null
  processes: ProcessGrowth[]
  regions: ProcessRegions[]
  content: DumpContent[]
}

export type Rule = (context: RuleContext, earlier: Finding[]) => Finding[]

/** A process growth worth a finding: MATTERS_KIB, and 5 % of the gap when there is one. */
export function grewMuch(p: ProcessGrowth, gap: Gap | null): boolean {
  return p.deltaKib >= MATTERS_KIB && (!gap || gap.kib <= 0 || p.deltaKib >= gap.kib * 0.05)
}

/** The processes a rule looks at: grown ones in a pair, the largest ones in a lone bundle. */
export function candidates(context: RuleContext): ProcessGrowth[] {
  if (context.baseline) return context.processes.filter((p) => grewMuch(p, context.gap))
  return context.processes.filter((p) => p.suspectKib >= MATTERS_KIB).slice(0, 5)
}

const CITED_INSTANCES = 3 // per side: enough to check the sum, few enough to read

/**
 * The lines the growth was read from: each instance's figure of the compared metric (PSS from
 * smaps_rollup, RSS from ps or status...), on both sides, the sum in the first one's note.
 */
export function growthEvidence(p: ProcessGrowth, context: RuleContext): Evidence[] {
  const note = context.baseline
    ? `${p.name}: ${p.metric} ${p.baselineKib} KiB -> ${p.suspectKib} KiB (${p.deltaKib >= 0 ? '+' : ''}${p.deltaKib} KiB, ${p.instances.suspect} instance(s))`
    : `${p.name}: ${p.metric} ${p.suspectKib} KiB (${p.instances.suspect} instance(s))`
  const sides = [
    ['suspect', context.suspect],
    ['baseline', context.baseline],
  ] as const
  const evidence = sides.flatMap(([side, bundle]) =>
    (bundle?.processes ?? [])
      .filter((s) => programOf(s) === p.name)
      .flatMap((s) => s.cites?.[p.metric] ?? [])
      .slice(0, CITED_INSTANCES)
      .map((c): Evidence => ({ bundle: side, file: c.file, line: c.line, excerpt: c.excerpt })),
  )
  if (!evidence.length)
    return [
      { bundle: 'suspect', file: context.suspect.processes.find((s) => programOf(s) === p.name)?.sources[0] ?? '', excerpt: '', note },
    ]
  evidence[0] = { ...evidence[0]!, note }
  return evidence
}

/** The largest grown regions, each cited in the pmap it is in (a program's instances have one each). */
export function regionEvidence(regions: ProcessRegions | undefined, note: string, count = 2): Evidence[] {
  return (regions?.top ?? [])
    .filter((r) => r.file !== undefined && r.line !== undefined)
    .slice(0, count)
    .map((r, i) => ({ bundle: 'suspect', file: r.file!, line: r.line!, excerpt: r.excerpt, ...(i === 0 ? { note } : {}) }))
}

export const kib = (bytes: number) => Math.round(bytes / 1024)
