import type { ParsedBundle } from '../../schemas/bundle.ts'
import type { Evidence, Finding } from '../../schemas/findings.ts'
import type { Rule, RuleContext } from './context.ts'

// The OOM killer's reports in dmesg: who was killed, how big it was, and who was biggest then.
// A fact, not an inference: full confidence. The fix points at the finding that explains it.

export const oomKill: Rule = (context: RuleContext, earlier: Finding[]) => {
  const findings: Finding[] = []
  for (const [side, bundle] of [
    ['suspect', context.suspect],
    ['baseline', context.baseline],
  ] as const) {
    for (const dmesg of bundle?.oom ?? []) {
      for (const report of dmesg.reports) {
        const victim = report.victim
        if (!victim) continue
        const top = [...report.tasks].sort((a, b) => b.rssKib - a.rssKib).slice(0, 3)
        const evidence: Evidence[] = [
          {
            bundle: side,
            file: dmesg.file,
            line: victim.line,
            excerpt: `Killed process ${victim.pid} … (${victim.name}) … anon-rss:${victim.anonRssKib}kB`,
            note: `${victim.name}: anon-rss ${victim.anonRssKib} KiB, file-rss ${victim.fileRssKib} KiB`,
          },
        ]
        if (report.invocation)
          evidence.push({
            bundle: side,
            file: dmesg.file,
            line: report.invocation.line,
            excerpt: `${report.invocation.process} invoked oom-killer`,
            note: `order=${report.invocation.order ?? '?'}`,
          })
        for (const t of top)
          evidence.push({
            bundle: side,
            file: dmesg.file,
            line: t.line,
            excerpt: [t.pid, t.rssPages, t.name].join(' … '),
            note: `task ${t.pid} ${t.name}: rss ${t.rssKib} KiB (${t.rssPages} pages)`,
          })
        const cause = earlier.find((f) => f.process === victim.name || top.some((t) => t.name === f.process))
        findings.push({
          kind: 'oom-kill',
          process: victim.name,
          confidence: 1,
          title: `The OOM killer killed ${victim.name} (pid ${victim.pid}) on the ${side}${victim.time ? ` at ${victim.time}` : ''}`,
          detail:
            `${victim.name} held ${victim.anonRssKib} KiB of anonymous memory when it was killed` +
            (report.constraint ? ` (${report.constraint})` : '') +
            (top.length ? `; the largest tasks then were ${top.map((t) => `${t.name} ${t.rssKib} KiB`).join(', ')}.` : '.'),
          evidence,
          recommendation: cause
            ? `Fix what the "${cause.kind}" finding for ${cause.process} describes; the kill is its consequence.`
            : `Find why ${victim.name} or the largest tasks grew (compare with a healthy device's bundle); set oom_score_adj to protect critical services.`,
          configLines: [],
        })
      }
    }
    const counted = bundle && !findings.some((f) => f.evidence[0]?.bundle === side) ? countedKills(side, bundle) : null
    if (counted) findings.push(counted)
  }
  return findings
}

/**
 * /proc/vmstat's oom_kill counts the kills since boot: when dmesg holds none of their reports
 * (rotated out, or not collected), it still says they happened, though not whom they hit.
 */
function countedKills(side: 'baseline' | 'suspect', bundle: ParsedBundle): Finding | null {
  const kills = bundle.vmstat?.counters.oom_kill
  if (!bundle.vmstat || !kills) return null
  const refaults = bundle.vmstat.counters.workingset_refault_file ?? bundle.vmstat.counters.workingset_refault
  return {
    kind: 'oom-kill',
    process: null,
    confidence: 1,
    title: `The OOM killer killed ${kills} process${kills === 1 ? '' : 'es'} on the ${side} since it booted`,
    detail:
      `/proc/vmstat counts ${kills} OOM kill${kills === 1 ? '' : 's'} since boot, but the bundle holds no OOM report from dmesg, so which process was killed is not known.` +
      (refaults
        ? ` It also counts ${refaults} refaults of evicted page cache (workingset_refault): memory was short enough to evict pages that were needed again.`
        : ''),
    evidence: [{ bundle: side, file: bundle.vmstat.file, excerpt: `oom_kill ${kills}` }],
    recommendation:
      'Collect `dmesg` (or `journalctl -k`) from this device soon after a kill: its OOM report names the victim and the largest tasks at that moment.',
    configLines: [],
  }
}
