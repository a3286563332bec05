import type { Diagnosis } from '../../../schemas/diagnosis.ts'
import { hmacSha256, toBase64 } from '../sign.ts'
import { type BuildContext, errcodeCheck, type OutgoingRequest } from '../types.ts'
import { digest } from './digest.ts'
import { markdownBody, mdText } from './markdown.ts'
import { clip } from './text.ts'

// DingTalk custom robot: msgtype "markdown" with {title, text}; `title` is the plain preview in
// the chat list. With a signing secret ("加签"): `timestamp` (ms) and
// `sign` = urlencode(Base64(HMAC-SHA256(key = secret, message = timestamp + "\n" + secret)))
// appended to the webhook URL's query. Answers are HTTP 200 with `errcode` 0 on success.

export async function dingtalkSign(timestamp: string, secret: string): Promise<string> {
  return toBase64(await hmacSha256(secret, `${timestamp}\n${secret}`))
}

/** The URL with timestamp and sign replacing any already there; other parameters kept byte for byte. */
export function withQuery(url: string, extra: Record<string, string>): string {
  const u = new URL(url)
  u.hash = ''
  const kept = u.search
    .slice(1)
    .split('&')
    .filter((p) => p !== '' && !Object.keys(extra).includes(p.split('=')[0]!))
  const added = Object.entries(extra).map(([k, v]) => `${k}=${encodeURIComponent(v)}`)
  u.search = `?${[...kept, ...added].join('&')}`
  return u.href
}

export async function build(d: Diagnosis, ctx: BuildContext): Promise<OutgoingRequest> {
  const g = digest(d, ctx.reportUrl)
  const text = markdownBody(g, { heading: '###', configLine: (l) => `> ${mdText(l)}`, lineBreak: '\n\n' })
  let url = ctx.url
  if (ctx.secret) {
    const timestamp = String(ctx.now.getTime())
    url = withQuery(url, { timestamp, sign: await dingtalkSign(timestamp, ctx.secret) })
  }
  return {
    url,
    headers: { 'content-type': 'application/json; charset=utf-8' },
    body: JSON.stringify({ msgtype: 'markdown', markdown: { title: clip(g.title, 64), text } }),
  }
}

// 130101: sent too fast (20 messages a minute per robot). 310000 (bad signature, keyword or IP
// not allowed) and the others will fail the same way again.
export const check = errcodeCheck('DingTalk', [130101])
