import type { Diagnosis } from '../../../schemas/diagnosis.ts'
import { mib } from '../../analysis/summary.ts'
import { VERDICT_LABEL } from '../../render/format.ts'
import { hosts } from '../../render/model.ts'
import { clip, oneLine } from './text.ts'

// What every chat message says, picked once from the diagnosis: the summary, the top findings
// with their config lines, the top processes, the report link. Raw (unescaped) text: each format
// escapes it its own way. Caps keep every format far below its vendor's size limit.

export const LIMITS = { findings: 3, processes: 5, configLines: 6, summary: 1200, title: 200, line: 300 }

export interface DigestFinding {
  title: string
  confidence: string // "97%"
  configLines: string[]
}

export interface DigestProcess {
  name: string
  detail: string // "+142 MiB (49% of the gap)"
  line: string // name and detail
}

export interface Digest {
  title: string // "10.222.3.18 uses 290 MiB more memory than 10.222.3.49"
  summary: string
  gap: string | null // "+290 MiB, user space (by Active+Inactive)"
  findings: DigestFinding[]
  moreFindings: number
  processes: DigestProcess[]
  reportUrl: string
}

const hostOf = (ref: { bundleId: string; host: string | null }) => ref.host ?? `bundle ${ref.bundleId.slice(0, 12)}`

function title(d: Diagnosis): string {
  if (!d.baseline) return `memgap: ${hostOf(d.suspect)}, one bundle`
  const names = hosts(d)
  if (!d.gap) return `memgap: ${names.suspect} compared with ${names.baseline}`
  const more = d.gap.kib >= 0 ? 'more' : 'less'
  return `memgap: ${names.suspect} uses ${mib(Math.abs(d.gap.kib))} ${more} memory than ${names.baseline}`
}

function processDetail(d: Diagnosis, p: Diagnosis['processes'][number]): string {
  if (!d.baseline) return `${mib(p.suspectKib)} ${p.metric.toUpperCase()}`
  const share = p.shareOfGap === null ? '' : ` (${Math.round(p.shareOfGap * 100)}% of the gap)`
  const where = p.presence === 'both' ? '' : ` [${p.presence}]`
  return `${p.deltaKib >= 0 ? '+' : ''}${mib(p.deltaKib)}${share}${where}`
}

export function digest(d: Diagnosis, reportUrl: string): Digest {
  const line = (s: string) => clip(oneLine(s), LIMITS.line)
  const ranked = d.baseline
    ? d.processes.filter((p) => p.deltaKib >= 1024).sort((a, b) => b.deltaKib - a.deltaKib) // under 1 MiB is noise in a chat message
    : [...d.processes].sort((a, b) => b.suspectKib - a.suspectKib)
  return {
    title: clip(oneLine(title(d)), LIMITS.title),
    summary: clip(oneLine(d.summary), LIMITS.summary),
    gap: d.gap
      ? `${d.gap.kib >= 0 ? '+' : ''}${mib(d.gap.kib)}, ${VERDICT_LABEL[d.gap.verdict] ?? d.gap.verdict} (by ${d.gap.basis})`
      : null,
    findings: d.findings.slice(0, LIMITS.findings).map((f) => ({
      title: line(f.title),
      confidence: `${Math.round(f.confidence * 100)}%`,
      configLines: f.configLines.slice(0, LIMITS.configLines).map(line),
    })),
    moreFindings: Math.max(0, d.findings.length - LIMITS.findings),
    processes: ranked.slice(0, LIMITS.processes).map((p) => {
      const name = clip(oneLine(p.name), 100)
      const detail = processDetail(d, p)
      return { name, detail, line: `${name} ${detail}` }
    }),
    reportUrl,
  }
}
