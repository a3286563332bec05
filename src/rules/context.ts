import type { ParsedBundle } from '../../schemas/bundle.ts'
import type { Gap, ProcessGrowth } from '../../schemas/diagnosis.ts'
import type { DumpContent, Evidence, Finding } from '../../schemas/findings.ts'
import type { ProcessRegions } from '../../schemas/regions.ts'
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

export function growthEvidence(p: ProcessGrowth, context: RuleContext): Evidence {
  const source = (bundle: ParsedBundle) =>
    bundle.processes.find((s) => s.name === p.name)?.sources[0] ?? 'ps'
  const text = context.baseline
    ? `${p.name}: ${p.metric} ${p.baselineKib} KiB -> ${p.suspectKib} KiB (${p.deltaKib >= 0 ? '+' : ''}${p.deltaKib} KiB, ${p.instances.suspect} instance(s))`
    : `${p.name}: ${p.metric} ${p.suspectKib} KiB (${p.instances.suspect} instance(s))`
  return { bundle: 'suspect', file: source(context.suspect), excerpt: text }
}

export const kib = (bytes: number) => Math.round(bytes / 1024)
