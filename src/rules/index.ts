import type { Finding } from '../../schemas/findings.ts'
import type { Rule, RuleContext } from './context.ts'
import { heapGrowth } from './heap-growth.ts'
import { kernelGrowth } from './kernel-growth.ts'
import { oomKill } from './oom-kill.ts'
import { queueBuildup } from './queue-buildup.ts'

// The rules, in the order they run: later rules see earlier findings (heap-growth skips what
// queue-buildup explained; oom-kill points at the cause).
export const RULES: Rule[] = [queueBuildup, heapGrowth, kernelGrowth, oomKill]

/** All findings, strongest first: confidence, then how much memory they concern. */
export function runRules(context: RuleContext): Finding[] {
  const findings: Finding[] = []
  for (const rule of RULES) findings.push(...rule(context, findings))
  const size = (f: Finding) => context.processes.find((p) => p.name === f.process)?.deltaKib ?? context.gap?.kib ?? 0
  return findings.sort((a, b) => b.confidence - a.confidence || size(b) - size(a))
}
