import type { ParsedBundle } from '../../schemas/bundle.ts'
import type { Diagnosis } from '../../schemas/diagnosis.ts'
import type { Warning } from '../../schemas/warning.ts'
import { runRules } from '../rules/index.ts'
import { ENGINE_VERSION } from '../version.ts'
import { dumpContents } from './content.ts'
import { measureGap } from './gap.ts'
import { hedgedTitle } from './hedge.ts'
import { bundleNotices } from './notices.ts'
import { compareProcesses } from './processes.ts'
import { compareRegions } from './regions.ts'
import { contextOf, roleWarnings, sideNames } from './sides.ts'
import { writeSummary } from './summary.ts'

// The whole analysis: pure, so the API, the Worker and the CLI give the same answer.
// With no baseline, one bundle still gets its top consumers, queue evidence and OOM victims.

export interface DiagnoseOptions {
  id: string
  createdAt: string
}

export function diagnose(baseline: ParsedBundle | null, suspect: ParsedBundle, options: DiagnoseOptions): Diagnosis {
  const warnings: Warning[] = []
  for (const [side, bundle] of [
    ['baseline', baseline],
    ['suspect', suspect],
  ] as const) {
    if (!bundle) continue
    if (bundle.error) warnings.push({ code: 'bundle_unreadable', message: `${side} bundle could not be read: ${bundle.error.detail}` })
    for (const w of bundle.warnings) warnings.push({ ...w, message: `${side}: ${w.message}` })
    warnings.push(...bundleNotices(side, bundle))
  }
  if (!baseline)
    warnings.push({ code: 'no_baseline', message: 'one bundle alone: there is nothing to compare it with, so no gap and no growth' })

  const gap = baseline?.meminfo && suspect.meminfo ? measureGap(baseline.meminfo.fields, suspect.meminfo.fields, warnings) : null
  if (!gap && baseline?.meminfo && suspect.meminfo) {
    warnings.push({
      code: 'gap_no_common_basis',
      message: 'the two meminfo copies share no MemAvailable, MemFree or Active/Inactive lines',
    })
  }
  const processes = compareProcesses(baseline?.processes ?? [], suspect.processes, gap?.kib ?? null)
  const regions = compareRegions(baseline, suspect)
  const content = [...dumpContents(suspect, 'suspect'), ...(baseline ? dumpContents(baseline, 'baseline') : [])]
  const findings = runRules({ baseline, suspect, gap, processes, regions, content }).map((f) => ({ ...f, title: hedgedTitle(f) }))
  warnings.push(...roleWarnings(baseline, suspect, gap?.kib ?? null))
  const context = { baseline: baseline ? contextOf(baseline) : null, suspect: contextOf(suspect) }
  const hosts = sideNames(context.baseline, context.suspect, { baseline: 'the baseline', suspect: 'the suspect' })

  return {
    id: options.id,
    createdAt: options.createdAt,
    engineVersion: ENGINE_VERSION,
    baseline: baseline ? { bundleId: baseline.id, host: baseline.host } : null,
    suspect: { bundleId: suspect.id, host: suspect.host },
    gap,
    processes,
    regions,
    content,
    findings,
    summary: writeSummary(hosts, gap, processes, findings, baseline !== null),
    warnings,
    context,
  }
}
