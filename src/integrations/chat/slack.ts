import type { Diagnosis } from '../../../schemas/diagnosis.ts'
import type { BuildContext, OutgoingRequest } from '../types.ts'
import { digest } from './digest.ts'
import { clip, clipEscaped, escapeSlack, safeUrl } from './text.ts'

// Slack incoming webhook: `text` (the notification and fallback) plus Block Kit `blocks`.
// Limits (Block Kit reference): header plain_text 150 chars, section text 3000, up to 10 fields
// of 2000, button text 75, button url 3000, 50 blocks. Answers 200 "ok"; errors are 4xx.

const mrkdwn = (text: string) => ({ type: 'mrkdwn', text })

export async function build(d: Diagnosis, ctx: BuildContext): Promise<OutgoingRequest> {
  const g = digest(d, ctx.reportUrl)
  const e = escapeSlack
  const blocks: unknown[] = [
    { type: 'header', text: { type: 'plain_text', text: clip(g.title, 150), emoji: false } },
    { type: 'section', text: mrkdwn(clipEscaped(g.summary, 3000, e)) },
  ]
  const fields = []
  if (g.gap) fields.push(mrkdwn(`*Gap*\n${e(g.gap)}`))
  if (g.processes.length > 0) {
    fields.push(mrkdwn(clipEscaped(g.processes.map((p) => p.line).join('\n'), 1900, e).replace(/^/, '*Top processes*\n')))
  }
  if (fields.length > 0) blocks.push({ type: 'section', fields })
  for (const f of g.findings) {
    let text = `*${e(f.title)}*\nconfidence ${f.confidence}`
    // Backticks cannot close the code block early: the lines are engine-made, but stay safe.
    if (f.configLines.length > 0) text += `\n\`\`\`${f.configLines.map((l) => e(l.replace(/`/g, "'"))).join('\n')}\`\`\``
    blocks.push({ type: 'section', text: mrkdwn(clip(text, 3000)) })
  }
  if (g.moreFindings > 0) {
    blocks.push({ type: 'context', elements: [mrkdwn(`${g.moreFindings} more finding(s) in the report`)] })
  }
  blocks.push({
    type: 'actions',
    elements: [
      {
        type: 'button',
        text: { type: 'plain_text', text: 'Open the report' },
        url: ctx.reportUrl,
        action_id: 'memgap-open-report',
        style: 'primary',
      },
    ],
  })
  const text = `${e(g.title)}. ${clipEscaped(g.summary, 1000, e)} <${safeUrl(ctx.reportUrl)}|Open the report>`
  return {
    url: ctx.url,
    headers: { 'content-type': 'application/json; charset=utf-8' },
    body: JSON.stringify({ text, blocks }),
  }
}
