import type { Diagnosis } from '../../../schemas/diagnosis.ts'
import { type BuildContext, errcodeCheck, type OutgoingRequest } from '../types.ts'
import { digest } from './digest.ts'
import { markdownBody } from './markdown.ts'
import { safeUrl, truncateUtf8 } from './text.ts'

// WeCom (企业微信) group robot: msgtype "markdown", content at most 4096 bytes of UTF-8. No
// signing: the `key` in the URL is the credential. Answers are HTTP 200 with `errcode` 0.

export const WECOM_MAX_BYTES = 4096

export async function build(d: Diagnosis, ctx: BuildContext): Promise<OutgoingRequest> {
  const g = digest(d, ctx.reportUrl)
  const full = markdownBody(g, {
    heading: '##',
    configLine: (l) => `> \`${l.replace(/[`<>]/g, "'")}\``, // code span: nothing inside is markup
    gap: (gap) => `<font color="warning">${gap}</font>`,
    lineBreak: '\n',
  })
  // Chinese text is 3 bytes a character: a long summary can pass the limit. The note keeps the link.
  const note = `\n\n…truncated, see [the report](${safeUrl(ctx.reportUrl)})`
  const content = truncateUtf8(full, WECOM_MAX_BYTES, note)
  return {
    url: ctx.url,
    headers: { 'content-type': 'application/json; charset=utf-8' },
    body: JSON.stringify({ msgtype: 'markdown', markdown: { content } }),
  }
}

// 45009: API frequency limit (20 messages a minute per robot); -1: system busy. Both pass.
export const check = errcodeCheck('WeCom', [45009, -1])
