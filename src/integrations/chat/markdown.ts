import type { Digest } from './digest.ts'
import { escapeMarkdown, safeUrl } from './text.ts'

// The markdown body shared by DingTalk and WeCom (both render a small markdown subset and read
// tags such as <font> and <@userid>, hence entity-escaped angle brackets).

export const mdText = (s: string) => escapeMarkdown(s, { angles: 'entity' })

export interface MarkdownStyle {
  heading: string // '###' or '##'
  configLine: (line: string) => string // how one recommended config line (raw) is shown
  lineBreak: string // between a finding's lines: DingTalk needs a blank line, WeCom breaks on \n
  gap?: (escapedGap: string) => string
}

export function markdownBody(g: Digest, style: MarkdownStyle): string {
  const parts = [`${style.heading} ${mdText(g.title)}`, mdText(g.summary)]
  if (g.gap) parts.push(`**Gap:** ${style.gap ? style.gap(mdText(g.gap)) : mdText(g.gap)}`)
  if (g.processes.length > 0) {
    parts.push(`**Top processes**\n${g.processes.map((p) => `- ${mdText(p.line)}`).join('\n')}`)
  }
  g.findings.forEach((f, i) => {
    const lines = [`**${i + 1}. ${mdText(f.title)}** (confidence ${f.confidence})`]
    for (const line of f.configLines) lines.push(style.configLine(line))
    parts.push(lines.join(style.lineBreak))
  })
  if (g.moreFindings > 0) parts.push(`${g.moreFindings} more finding(s) in the report.`)
  parts.push(`[Open the report](${safeUrl(g.reportUrl)})`)
  return parts.join('\n\n')
}
