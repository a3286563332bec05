import type { Diagnosis } from '../../../schemas/diagnosis.ts'
import type { BuildContext, OutgoingRequest } from '../types.ts'
import { digest } from './digest.ts'
import { escapeMarkdown } from './text.ts'

// Microsoft Teams through a Workflows webhook ("When a Teams webhook request is received" →
// "Post card in a chat or channel"): a message whose attachments hold an Adaptive Card 1.4.
// Workflows accept Adaptive Cards only (not the retired connectors' MessageCard) and answer
// 202 Accepted. TextBlocks render a markdown subset, so untrusted text is escaped.

const md = (s: string) => escapeMarkdown(s)
const text = (t: string, extra: Record<string, unknown> = {}) => ({ type: 'TextBlock', text: t, wrap: true, ...extra })

export async function build(d: Diagnosis, ctx: BuildContext): Promise<OutgoingRequest> {
  const g = digest(d, ctx.reportUrl)
  const body: unknown[] = [text(md(g.title), { size: 'Large', weight: 'Bolder' }), text(md(g.summary))]
  const facts = []
  if (g.gap) facts.push({ title: 'Gap', value: md(g.gap) })
  for (const p of g.processes) facts.push({ title: md(p.name), value: md(p.detail) })
  if (facts.length > 0) body.push({ type: 'FactSet', facts })
  for (const f of g.findings) {
    const items: unknown[] = [
      text(md(f.title), { weight: 'Bolder' }),
      text(`Confidence ${f.confidence}`, { isSubtle: true, spacing: 'None' }),
    ]
    for (const line of f.configLines) items.push(text(md(line), { fontType: 'Monospace', spacing: 'None' }))
    body.push({ type: 'Container', separator: true, items })
  }
  if (g.moreFindings > 0) body.push(text(`${g.moreFindings} more finding(s) in the report`, { isSubtle: true }))
  const card = {
    $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
    type: 'AdaptiveCard',
    version: '1.4',
    msteams: { width: 'Full' },
    body,
    actions: [{ type: 'Action.OpenUrl', title: 'Open the report', url: ctx.reportUrl }],
  }
  const message = {
    type: 'message',
    attachments: [{ contentType: 'application/vnd.microsoft.card.adaptive', contentUrl: null, content: card }],
  }
  return {
    url: ctx.url,
    headers: { 'content-type': 'application/json; charset=utf-8' },
    body: JSON.stringify(message),
  }
}
