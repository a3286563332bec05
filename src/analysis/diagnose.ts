import type { ParsedBundle } from '../../schemas/bundle.ts'
import type { Diagnosis } from '../../schemas/diagnosis.ts'
import type { Warning } from '../../schemas/warning.ts'
import { ENGINE_VERSION } from '../version.ts'
import { measureGap } from './gap.ts'
import { compareProcesses } from './processes.ts'
import { writeSummary } from './summary.ts'

// The whole analysis of a pair: pure, so the API, the Worker and the CLI give the same answer.

export interface DiagnoseOptions {
  id: string
  createdAt: string
}

export function diagnose(baseline: ParsedBundle, suspect: ParsedBundle, options: DiagnoseOptions): Diagnosis {
  const warnings: Warning[] = []
  for (const [side, bundle] of [['baseline', baseline], ['suspect', suspect]] as const) {
    if (bundle.error) warnings.push({ code: 'bundle_unreadable', message: `${side} bundle could not be read: ${bundle.error.detail}` })
    for (const w of bundle.warnings) warnings.push({ ...w, message: `${side}: ${w.message}` })
  }

  const gap =
    baseline.meminfo && suspect.meminfo ? measureGap(baseline.meminfo.fields, suspect.meminfo.fields, warnings) : null
  if (!gap && baseline.meminfo && suspect.meminfo) {
    warnings.push({ code: 'gap_no_common_basis', message: 'the two meminfo copies share no MemAvailable, MemFree or Active/Inactive lines' })
  }
  const processes = compareProcesses(baseline.processes, suspect.processes, gap?.kib ?? null)
  const hosts = { baseline: baseline.host ?? 'the baseline', suspect: suspect.host ?? 'the suspect' }

  return {
    id: options.id,
    createdAt: options.createdAt,
    engineVersion: ENGINE_VERSION,
    baseline: { bundleId: baseline.id, host: baseline.host },
    suspect: { bundleId: suspect.id, host: suspect.host },
    gap,
    processes,
    summary: writeSummary(hosts, gap, processes),
    warnings,
  }
}
