// The trend of one host as plain text, in the layout of the diagnosis' text (src/render/text.ts).

import type { Trend } from '../../schemas/trend.ts'
import { columns, wrap } from './columns.ts'
import { oneLine } from './escape.ts'
import { findingsBlock, heading, warningLines } from './text.ts'
import { hostLine, limitsLine, PROGRAM_HEADS, programRows, timeline, trendTitle } from './trend-model.ts'

const t = (value: string) => oneLine(value)

export function renderTrendText(trend: Trend): string {
  const programs = programRows(trend)
  const line = timeline(trend)
  const blocks = [
    [...heading(`Memory trend: ${t(trendTitle(trend))}`), '', ...wrap(t(trend.summary))],
    [...heading('Host'), ...wrap(t(hostLine(trend)), 2, 2)],
    programs.length === 0
      ? []
      : [
          ...heading('Programs'),
          ...columns(
            PROGRAM_HEADS.map((head, i) => ({ head, align: i >= 2 ? ('r' as const) : ('l' as const), shrink: i <= 1 })),
            programs.map((r) => r.cells.map(t)),
          ),
          '',
          ...programs.filter((r) => r.p.shape !== 'flat').flatMap((r) => wrap(t(`${r.p.name}: ${r.p.why}`), 4, 2)),
        ],
    [
      ...heading('Timeline'),
      ...columns(
        line.heads.map((head, i) => ({ head: t(head), align: i === 0 ? ('l' as const) : ('r' as const) })),
        line.rows.map((r) => r.map(t)),
      ),
    ],
    trend.findings.length > 0 ? findingsBlock(trend.findings) : [],
    warningLines(trend.warnings),
    wrap(t(limitsLine(trend))),
  ]
  return `${blocks
    .filter((b) => b.length > 0)
    .map((b) => b.join('\n'))
    .join('\n\n')}\n`
}
