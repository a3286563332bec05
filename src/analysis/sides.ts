import type { ParsedBundle } from '../../schemas/bundle.ts'
import type { BundleContext } from '../../schemas/diagnosis.ts'
import type { Warning } from '../../schemas/warning.ts'

// The two sides as people name them: by host, and by time when both are one host (a before and
// after); and the order the bundles themselves declare.

export function contextOf(bundle: ParsedBundle): BundleContext {
  const m = bundle.manifest
  return {
    host: bundle.host,
    role: bundle.role,
    collectedAt: m?.collectedAt ?? null,
    firmware: m?.firmware ?? null,
    kernel: m?.kernel ?? null,
    notes: m?.notes ?? null,
  }
}

/** "10.222.3.18" and "10.222.3.49"; "vm at 11:45:52" and "vm at 11:40:01" when the host is the same. */
export function sideNames(
  baseline: Pick<BundleContext, 'host' | 'collectedAt'> | null,
  suspect: Pick<BundleContext, 'host' | 'collectedAt'>,
  fallback: { baseline: string; suspect: string },
): { baseline: string; suspect: string } {
  const names = { baseline: baseline?.host ?? fallback.baseline, suspect: suspect.host ?? fallback.suspect }
  if (!baseline || names.baseline !== names.suspect) return names
  const when = (c: Pick<BundleContext, 'collectedAt'>, side: string) => (c.collectedAt ? `at ${c.collectedAt}` : `(${side})`)
  return { baseline: `${names.baseline} ${when(baseline, 'baseline')}`, suspect: `${names.suspect} ${when(suspect, 'suspect')}` }
}

/** Both bundles declare roles, the other way round: say so, and give the order to use. */
export function roleWarnings(baseline: ParsedBundle | null, suspect: ParsedBundle, gapKib: number | null): Warning[] {
  if (baseline?.role !== 'suspect' || suspect.role !== 'baseline') return []
  const less = gapKib !== null && gapKib < 0 ? ' (and the suspect uses less memory)' : ''
  return [
    {
      code: 'roles_swapped',
      message:
        `the bundles declare the opposite roles${less}: the one given as baseline says it is the suspect. ` +
        `Diagnose them the other way round: {"baseline":"${suspect.id}","suspect":"${baseline.id}"}`,
    },
  ]
}
