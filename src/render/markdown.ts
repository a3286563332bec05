// The diagnosis as Markdown (CommonMark + GFM tables) for ticket comments and chat.

import type { Diagnosis } from '../../schemas/diagnosis.ts'
import type { Evidence, Finding } from '../../schemas/findings.ts'
import type { Warning } from '../../schemas/warning.ts'
import { escapeMarkdown as md, mdCell, mdCode, mdFence, mdUrl, safeUrl } from './escape.ts'
import {
  bytes,
  CLASS_LABEL,
  confidence,
  count,
  evidenceLocation,
  KIND_LABEL,
  METRIC_LABEL,
  mib,
  percent,
  signedMib,
  VERDICT_LABEL,
} from './format.ts'
import {
  bySize,
  type ClusterRow,
  clusterRows,
  compared,
  contextLines,
  dumpTitle,
  gapRows,
  mainDumps,
  reclaimableNote,
  regionClasses,
  regionTotal,
  title,
  topProcesses,
} from './model.ts'

export interface RenderOptions {
  /** Where the HTML report lives; only http(s) URLs become links. */
  reportUrl?: string
}

export function renderMarkdown(d: Diagnosis, opts: RenderOptions = {}): string {
  const sections = [
    header(d, opts),
    gapSection(d),
    processSection(d),
    regionSection(d),
    dumpSection(d),
    findingsSection(d.findings),
    warningsSection(d.warnings),
    footer(d),
  ]
  return `${sections.filter((s) => s !== '').join('\n\n')}\n`
}

function header(d: Diagnosis, opts: RenderOptions): string {
  const lines = [`## Memory diagnosis: ${md(title(d))}`, '', md(d.summary)]
  const context = contextLines(d)
  if (context.length) lines.push('', ...context.map((l) => `- ${md(l)}`))
  const facts: string[] = []
  if (d.gap) {
    facts.push(`**Gap:** ${signedMib(d.gap.kib)} (${count(d.gap.kib)} KiB) by ${md(d.gap.basis)}`)
    facts.push(`**Where:** ${VERDICT_LABEL[d.gap.verdict]}`)
  }
  facts.push(`**Findings:** ${d.findings.length}`)
  const url = safeUrl(opts.reportUrl)
  if (url) facts.push(`[Full report with charts](${mdUrl(url)})`)
  lines.push('', facts.join(' · '))
  return lines.join('\n')
}

/** A GFM table; every cell must already be Markdown-escaped. */
export function table(head: string[], align: ('l' | 'r')[], rows: string[][]): string {
  const line = (cells: string[]) => `| ${cells.map(mdCell).join(' | ')} |`
  const rule = `|${align.map((a) => (a === 'r' ? '---:' : '---')).join('|')}|`
  return [line(head), rule, ...rows.map(line)].join('\n')
}

function gapSection(d: Diagnosis): string {
  if (!d.gap) return ''
  const rows = gapRows(d).map((r) => [r.label, signedMib(r.kib)])
  rows.push([`**gap (${md(d.gap.basis)})**`, `**${signedMib(d.gap.kib)}**`])
  const sides = `${md(d.gap.basis)}: baseline ${mib(d.gap.baselineKib)}, suspect ${mib(d.gap.suspectKib)}.`
  const apart = reclaimableNote(d)
  return ['### Where the gap went', '', table(['part', 'change'], ['l', 'r'], rows), '', sides, ...(apart ? ['', md(apart)] : [])].join(
    '\n',
  )
}

function processSection(d: Diagnosis): string {
  const top = topProcesses(d)
  if (top.length === 0) return ''
  if (!compared(d)) {
    const rows = top.map((p) => [mdCode(p.name), String(p.instances.suspect), mib(p.suspectKib), METRIC_LABEL[p.metric]])
    return ['### Largest processes', '', table(['process', 'instances', 'size', 'metric'], ['l', 'r', 'r', 'l'], rows)].join('\n')
  }
  const rows = top.map((p) => [
    mdCode(p.name),
    mib(p.baselineKib),
    mib(p.suspectKib),
    `**${signedMib(p.deltaKib)}**`,
    METRIC_LABEL[p.metric],
    p.shareOfGap === null ? '' : percent(p.shareOfGap),
  ])
  const head = ['process', 'baseline', 'suspect', 'delta', 'metric', 'of gap']
  return ['### Top processes', '', table(head, ['l', 'r', 'r', 'r', 'l', 'r'], rows)].join('\n')
}

function regionSection(d: Diagnosis): string {
  if (d.regions.length === 0) return ''
  const growth = compared(d)
  const rows = d.regions.map((r) => {
    const total = regionTotal(r, growth)
    const classes = bySize(regionClasses(r, growth))
      .map((c) => `${CLASS_LABEL[c.cls]} ${growth ? signedMib(c.kib) : mib(c.kib)}`)
      .join(', ')
    const arenas = r.suspect ? String(r.suspect.arenas) : ''
    return [mdCode(r.process), total === null ? 'n/a' : growth ? signedMib(total) : mib(total), classes || 'none', arenas]
  })
  const head = ['process', growth ? 'dirty anon growth' : 'dirty anon', 'by class', 'arenas']
  return ['### Memory regions', '', table(head, ['l', 'r', 'l', 'r'], rows)].join('\n')
}

function dumpSection(d: Diagnosis): string {
  const dumps = mainDumps(d, 3)
  if (dumps.length === 0) return ''
  const items = dumps.map((c) => {
    const s = c.scan
    const clusters = clusterRows(s, 3)
      .map((r) => `${mdCode(r.label)} ${records(r)}`)
      .join(', ')
    const holds = `${percent(s.recordShare)} of ${bytes(s.bytesScanned)} is records`
    return `- ${md(dumpTitle(c))} ${mdCode(c.file)}: ${holds}${clusters ? `; ${clusters}` : ''}`
  })
  return ['### What the dumps hold', '', ...items].join('\n')
}

function records(r: ClusterRow): string {
  const cut = r.partial > 0 ? ` + ${count(r.partial)} cut short` : ''
  return r.count > 0 ? `${count(r.count)} × ${bytes(r.meanBytes)}${cut} (${percent(r.share)})` : cut.slice(3)
}

export function findingsSection(findings: Finding[]): string {
  if (findings.length === 0) return '### Findings\n\nNo finding: nothing in the bundles points at a cause.'
  return ['### Findings', ...findings.map(finding)].join('\n\n')
}

function finding(f: Finding, i: number): string {
  const parts = [`#### ${i + 1}. ${md(f.title)}`, `*${KIND_LABEL[f.kind]}, confidence ${confidence(f.confidence)}*`, md(f.detail)]
  if (f.evidence.length > 0) parts.push(['**Evidence**', '', ...f.evidence.map(evidence)].join('\n'))
  parts.push(`**Recommendation:** ${md(f.recommendation)}`)
  if (f.configLines.length > 0) parts.push(mdFence(f.configLines, 'properties'))
  const missing = f.queue?.missing ?? f.client?.missing ?? []
  if (missing.length > 0) parts.push(['**Would make this surer**', '', ...missing.map((m) => `- ${md(m)}`)].join('\n'))
  return parts.join('\n\n')
}

function evidence(e: Evidence): string {
  const quote = e.excerpt ? `: ${mdCode(e.excerpt)}` : ''
  return `- ${e.bundle} ${mdCode(evidenceLocation(e))}${e.note ? ` (${md(e.note)})` : ''}${quote}`
}

export function warningsSection(warnings: Warning[]): string {
  if (warnings.length === 0) return ''
  const items = warnings.map((w) => {
    const where = w.file ? ` (${mdCode(w.line ? `${w.file}:${w.line}` : w.file)})` : ''
    return `- ${mdCode(w.code)}${where}: ${md(w.message)}`
  })
  return ['### Warnings', '', ...items].join('\n')
}

function footer(d: Diagnosis): string {
  return `*memgap ${md(d.engineVersion)} · diagnosis ${mdCode(d.id)} · ${md(d.createdAt)}*`
}
