import type { Evidence, Finding } from '../../schemas/findings.ts'
import type { RuleContext, Rule } from './context.ts'

// The OOM killer's reports in dmesg: who was killed, how big it was, and who was biggest then.
// A fact, not an inference: full confidence. The fix points at the finding that explains it.

export const oomKill: Rule = (context: RuleContext, earlier: Finding[]) => {
  const findings: Finding[] = []
  for (const [side, bundle] of [['suspect', context.suspect], ['baseline', context.baseline]] as const) {
    for (const dmesg of bundle?.oom ?? []) {
      for (const report of dmesg.reports) {
        const victim = report.victim
        if (!victim) continue
        const top = [...report.tasks].sort((a, b) => b.rssKib - a.rssKib).slice(0, 3)
        const evidence: Evidence[] = [{ bundle: side, file: dmesg.file, line: victim.line, excerpt: `Killed process ${victim.pid} … (${victim.name}) … anon-rss:${victim.anonRssKib}kB`, note: `${victim.name}: anon-rss ${victim.anonRssKib} KiB, file-rss ${victim.fileRssKib} KiB` }]
        if (report.invocation) evidence.push({ bundle: side, file: dmesg.file, line: report.invocation.line, excerpt: `${report.invocation.process} invoked oom-killer`, note: `order=${report.invocation.order ?? '?'}` })
        for (const t of top) evidence.push({ bundle: side, file: dmesg.file, line: t.line, excerpt: [t.pid, t.rssPages, t.name].join(' … '), note: `task ${t.pid} ${t.name}: rss ${t.rssKib} KiB (${t.rssPages} pages)` })
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
  }
  return findings
}
