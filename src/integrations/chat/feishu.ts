import type { Diagnosis } from '../../../schemas/diagnosis.ts'
import { hmacSha256, toBase64 } from '../sign.ts'
import type { BuildContext, CheckResult, OutgoingRequest } from '../types.ts'
import { digest } from './digest.ts'
import { clip } from './text.ts'

// Feishu / Lark custom bot: msg_type "interactive" with a card. Untrusted text goes in plain_text
// elements, which render no markup and no <at> mentions, so nothing needs escaping. With a
// signing secret: `timestamp` (seconds, string) and `sign` = Base64(HMAC-SHA256(key = timestamp
// + "\n" + secret, message = "")) in the body. Requests are capped at 20 KB; answers are HTTP 200
// with `code` 0 on success (older bots also send StatusCode).

const plain = (content: string) => ({ tag: 'plain_text', content })
const div = (content: string) => ({ tag: 'div', text: plain(content) })

export async function feishuSign(timestamp: string, secret: string): Promise<string> {
  return toBase64(await hmacSha256(`${timestamp}\n${secret}`, ''))
}

export async function build(d: Diagnosis, ctx: BuildContext): Promise<OutgoingRequest> {
  const g = digest(d, ctx.reportUrl)
  const elements: unknown[] = [div(g.summary)]
  const fields = []
  if (g.gap) fields.push({ is_short: true, text: plain(`Gap\n${g.gap}`) })
  if (g.processes.length > 0) {
    fields.push({ is_short: true, text: plain(`Top processes\n${g.processes.map((p) => p.line).join('\n')}`) })
  }
  if (fields.length > 0) elements.push({ tag: 'div', fields })
  for (const f of g.findings) {
    elements.push({ tag: 'hr' }, div([`${f.title} (confidence ${f.confidence})`, ...f.configLines].join('\n')))
  }
  if (g.moreFindings > 0) elements.push({ tag: 'note', elements: [plain(`${g.moreFindings} more finding(s) in the report`)] })
  elements.push({
    tag: 'action',
    actions: [{ tag: 'button', text: plain('Open the report'), type: 'primary', url: ctx.reportUrl }],
  })
  const card = {
    config: { wide_screen_mode: true },
    header: { title: plain(clip(g.title, 100)), template: g.findings.length > 0 ? 'red' : 'blue' },
    elements,
  }
  let signature = {}
  if (ctx.secret) {
    const timestamp = String(Math.floor(ctx.now.getTime() / 1000))
    signature = { timestamp, sign: await feishuSign(timestamp, ctx.secret) }
  }
  return {
    url: ctx.url,
    headers: { 'content-type': 'application/json; charset=utf-8' },
    body: JSON.stringify({ ...signature, msg_type: 'interactive', card }),
  }
}

// 11232: frequency limit (100/min, 5/s per bot). Other codes (19021 bad signature, 19024 keyword
// missing, 9499 bad request) will not change on a retry.
export function check(_res: Response, text: string): CheckResult {
  let json: { code?: unknown; StatusCode?: unknown; msg?: unknown; StatusMessage?: unknown }
  try {
    json = JSON.parse(text)
  } catch {
    return null // not a Feishu answer body; the HTTP status already said 2xx
  }
  const code = json.code ?? json.StatusCode
  if (code === undefined || code === 0) return null
  const error = `Feishu code ${String(code)}: ${String(json.msg ?? json.StatusMessage ?? '')}`.trim()
  return code === 11232 ? { error, retry: true } : error
}
