// The diagnosis as plain text: aligned columns, at most 100 characters a line, safe for a terminal.

import type { Diagnosis } from '../../schemas/diagnosis.ts'
import type { Finding } from '../../schemas/findings.ts'
import { columns, displayWidth, fit, WIDTH, wrap } from './columns.ts'
import { oneLine, safeUrl, stripControls } from './escape.ts'
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
import type { RenderOptions } from './markdown.ts'
import {
  bySize,
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

export function renderText(d: Diagnosis, opts: RenderOptions = {}): string {
  const blocks = [header(d, opts), gapBlock(d), processBlock(d), regionBlock(d), dumpBlock(d), findingsBlock(d.findings), warningsBlock(d)]
  return `${blocks
    .filter((b) => b.length > 0)
    .map((b) => b.join('\n'))
    .join('\n\n')}\n`
}

/** Every untrusted string goes through here: one line, no control characters. */
const t = (value: string) => oneLine(value)

export function heading(text: string): string[] {
  const line = fit(text, WIDTH)
  return [line, '='.repeat(displayWidth(line))]
}

function header(d: Diagnosis, opts: RenderOptions): string[] {
  const lines = [...heading(`Memory diagnosis: ${t(title(d))}`), '', ...wrap(t(d.summary))]
  const context = contextLines(d)
  if (context.length) lines.push('', ...context.flatMap((l) => wrap(t(l), 2, 0)))
  lines.push('')
  if (d.gap) {
    lines.push(`Gap:       ${signedMib(d.gap.kib)} (${count(d.gap.kib)} KiB) by ${t(d.gap.basis)}`)
    lines.push(`Where:     ${VERDICT_LABEL[d.gap.verdict]}`)
  }
  lines.push(`Findings:  ${d.findings.length}`)
  const url = safeUrl(opts.reportUrl)
  // A URL stays on one line, however long: wrapped, it cannot be clicked or copied whole.
  if (url) lines.push(`Report:    ${url}`)
  lines.push(...wrap(`Diagnosis ${t(d.id)}, ${t(d.createdAt)}, memgap ${t(d.engineVersion)}`))
  return lines
}

function gapBlock(d: Diagnosis): string[] {
  if (!d.gap) return []
  const rows = gapRows(d).map((r) => [r.label, signedMib(r.kib), `${count(r.kib)} KiB`])
  rows.push([`gap (${t(d.gap.basis)})`, signedMib(d.gap.kib), `${count(d.gap.kib)} KiB`])
  const table = columns(
    [
      { head: 'part', align: 'l' },
      { head: 'change', align: 'r' },
      { head: 'KiB', align: 'r' },
    ],
    rows,
  )
  const sides = `  baseline ${mib(d.gap.baselineKib)}, suspect ${mib(d.gap.suspectKib)}`
  const apart = reclaimableNote(d)
  return [...heading('Where the gap went'), ...table, '', sides, ...(apart ? ['', ...wrap(t(apart))] : [])]
}

function processBlock(d: Diagnosis): string[] {
  const top = topProcesses(d)
  if (top.length === 0) return []
  if (!compared(d)) {
    const rows = top.map((p) => [t(p.name), String(p.instances.suspect), mib(p.suspectKib), METRIC_LABEL[p.metric]])
    const cols = [
      { head: 'process', align: 'l' as const, shrink: true },
      { head: 'inst', align: 'r' as const },
      { head: 'size', align: 'r' as const },
      { head: 'metric', align: 'l' as const },
    ]
    return [...heading('Largest processes'), ...columns(cols, rows)]
  }
  const rows = top.map((p) => [
    t(p.name),
    mib(p.baselineKib),
    mib(p.suspectKib),
    signedMib(p.deltaKib),
    METRIC_LABEL[p.metric],
    p.shareOfGap === null ? '' : percent(p.shareOfGap),
  ])
  const cols = [
    { head: 'process', align: 'l' as const, shrink: true },
    { head: 'baseline', align: 'r' as const },
    { head: 'suspect', align: 'r' as const },
    { head: 'delta', align: 'r' as const },
    { head: 'metric', align: 'l' as const },
    { head: 'of gap', align: 'r' as const },
  ]
  return [...heading('Top processes'), ...columns(cols, rows)]
}

function regionBlock(d: Diagnosis): string[] {
  if (d.regions.length === 0) return []
  const growth = compared(d)
  const rows = d.regions.map((r) => {
    const total = regionTotal(r, growth)
    const classes = bySize(regionClasses(r, growth)).map((c) => `${CLASS_LABEL[c.cls]} ${growth ? signedMib(c.kib) : mib(c.kib)}`)
    return [t(r.process), total === null ? 'n/a' : growth ? signedMib(total) : mib(total), classes.join(', ') || 'none']
  })
  const cols = [
    { head: 'process', align: 'l' as const, shrink: true },
    { head: growth ? 'dirty anon growth' : 'dirty anon', align: 'r' as const },
    { head: 'by class', align: 'l' as const, shrink: true },
  ]
  return [...heading('Memory regions'), ...columns(cols, rows)]
}

function dumpBlock(d: Diagnosis): string[] {
  const dumps = mainDumps(d, 3)
  if (dumps.length === 0) return []
  const lines = heading('What the dumps hold')
  for (const c of dumps) {
    const s = c.scan
    lines.push('', ...wrap(`${t(dumpTitle(c))}, ${t(c.file)}`, 2, 2))
    lines.push(`    ${percent(s.recordShare)} of ${bytes(s.bytesScanned)} scanned is records`)
    const rows = clusterRows(s, 4).map((r) => [
      t(r.label),
      count(r.count) + (r.partial > 0 ? ` +${count(r.partial)} cut short` : ''),
      r.count > 0 ? bytes(r.meanBytes) : '-',
      percent(r.share),
    ])
    if (rows.length > 0) {
      const cols = [
        { head: 'records', align: 'l' as const, shrink: true },
        { head: 'count', align: 'r' as const },
        { head: 'mean', align: 'r' as const },
        { head: 'bytes', align: 'r' as const },
      ]
      lines.push(...columns(cols, rows, 4))
    }
  }
  return lines
}

export function findingsBlock(findings: Finding[]): string[] {
  const lines = heading('Findings')
  if (findings.length === 0) return [...lines, 'No finding: nothing in the bundles points at a cause.']
  findings.forEach((f, i) => lines.push('', ...finding(f, i)))
  return lines
}

function finding(f: Finding, i: number): string[] {
  const lines = wrap(`${i + 1}. ${t(f.title)}`, 3, 0)
  lines.push(`   ${KIND_LABEL[f.kind]}, confidence ${confidence(f.confidence)}`, '')
  lines.push(...wrap(t(f.detail), 3))
  if (f.evidence.length > 0) {
    lines.push('', '   Evidence:')
    for (const e of f.evidence) {
      lines.push(...wrap(`- ${e.bundle} ${t(evidenceLocation(e))}${e.note ? ` (${t(e.note)})` : ''}`, 7, 5))
      if (e.excerpt) lines.push(...wrap(t(e.excerpt), 7))
    }
  }
  lines.push('', ...wrap(`Recommendation: ${t(f.recommendation)}`, 3))
  if (f.configLines.length > 0) {
    lines.push('', '   Config lines:')
    for (const line of f.configLines) lines.push(...wrap(stripControls(line).replace(/[\r\n]+/g, ' '), 7, 5))
  }
  return lines
}

function warningsBlock(d: Diagnosis): string[] {
  return warningLines(d.warnings)
}

export function warningLines(warnings: Diagnosis['warnings']): string[] {
  if (warnings.length === 0) return []
  const lines = heading('Warnings')
  for (const w of warnings) {
    const where = w.file ? ` (${w.line ? `${w.file}:${w.line}` : w.file})` : ''
    lines.push(...wrap(`- ${t(w.code)}${t(where)}: ${t(w.message)}`, 4, 0))
  }
  return lines
}
