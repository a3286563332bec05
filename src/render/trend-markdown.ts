// The trend of one host as Markdown (GFM tables), for tickets and chat.

import type { Trend } from '../../schemas/trend.ts'
import { escapeMarkdown as md } from './escape.ts'
import { findingsSection, table as mdTable, warningsSection } from './markdown.ts'
import { hostLine, limitsLine, PROGRAM_HEADS, programRows, timeline, trendTitle } from './trend-model.ts'

/** Left-aligned names, right-aligned figures; every cell escaped. */
function table(head: string[], rows: string[][], leftColumns: number): string {
  return mdTable(
    head.map(md),
    head.map((_, i) => (i < leftColumns ? 'l' : 'r')),
    rows.map((r) => r.map(md)),
  )
}

export function renderTrendMarkdown(trend: Trend): string {
  const programs = programRows(trend)
  const line = timeline(trend)
  const notes = programs.filter((r) => r.p.shape !== 'flat').map((r) => `- **${md(r.p.name)}**: ${md(r.p.why)}`)
  const sections = [
    `## Memory trend: ${md(trendTitle(trend))}\n\n${md(trend.summary)}`,
    `### Host\n\n${md(hostLine(trend))}`,
    programs.length
      ? `### Programs\n\n${table(
          PROGRAM_HEADS,
          programs.map((r) => r.cells),
          2,
        )}${notes.length ? `\n\n${notes.join('\n')}` : ''}`
      : '',
    `### Timeline\n\n${table(line.heads, line.rows, 1)}`,
    trend.findings.length ? findingsSection(trend.findings) : '',
    warningsSection(trend.warnings),
    `_${md(limitsLine(trend))}_`,
  ]
  return `${sections.filter((s) => s !== '').join('\n\n')}\n`
}
