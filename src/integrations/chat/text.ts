// Text helpers for chat payloads. Process names, host names and finding titles come from uploaded
// bundles: they are untrusted, and must not turn into mentions, links or markup in a channel.

/** At most `max` characters (code points), with an ellipsis when cut. */
export function clip(s: string, max: number): string {
  const chars = [...s]
  return chars.length <= max ? s : `${chars.slice(0, Math.max(0, max - 1)).join('')}…`
}

// Control characters, zero-width and bidi overrides: invisible, and able to make a name read as
// another one in a channel.
const INVISIBLE = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\u200B-\u200F\u202A-\u202E\u2060-\u2069\uFEFF]/g

/** Whitespace runs (newlines included) to one space, invisibles dropped: untrusted text cannot start a block. */
export function oneLine(s: string): string {
  return s.replace(INVISIBLE, '').replace(/\s+/g, ' ').trim()
}

/** Slack mrkdwn: Slack's documented escapes; `<` would otherwise open a link or <!channel>. */
export function escapeSlack(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')
}

/**
 * Markdown (Teams, DingTalk, WeCom): backslash escapes for emphasis, code, links and strike, `_`
 * only where it could start or end emphasis (sangfor_waf stays readable). With `angles: 'entity'`,
 * < and > become entities: DingTalk and WeCom read raw HTML-like tags (<font>, <@userid>).
 */
export function escapeMarkdown(s: string, opts: { angles?: 'entity' | 'keep' } = {}): string {
  let out = oneLine(s)
    .replace(/[\\`*[\]~]/g, '\\$&')
    .replace(/(?<![\p{L}\p{N}])_|_(?![\p{L}\p{N}])/gu, '\\_')
    .replace(/^([#>]|[+-](?=\s))/, '\\$1') // would start a heading, quote or list
  if (opts.angles === 'entity') out = out.replace(/</g, '&lt;').replace(/>/g, '&gt;')
  return out
}

/** Escape, then clip so that the escaped text fits `max`. Clipping first could cut an escape in two. */
export function clipEscaped(s: string, max: number, escape: (s: string) => string): string {
  let n = [...s].length
  let out = escape(s)
  while ([...out].length > max && n > 0) {
    n = Math.floor(n * 0.9)
    out = escape(clip(s, n))
  }
  return out
}

/** A URL safe inside markdown `(...)` and Slack `<...|...>`: the delimiters percent-encoded. */
export function safeUrl(url: string): string {
  return url.replace(/[\s<>|()[\]"'`\\]/gu, (c) =>
    c.charCodeAt(0) < 128 ? `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}` : encodeURIComponent(c),
  )
}

const encoder = new TextEncoder()

export function utf8Length(s: string): number {
  return encoder.encode(s).byteLength
}

function charBytes(ch: string): number {
  const cp = ch.codePointAt(0)!
  return cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4
}

/**
 * `text` within `maxBytes` of UTF-8, cut on a character boundary (never inside a surrogate pair)
 * and ending with `note`. Ends on a whole line when that loses little, so markup stays balanced.
 */
export function truncateUtf8(text: string, maxBytes: number, note: string): string {
  if (utf8Length(text) <= maxBytes) return text
  const budget = maxBytes - utf8Length(note)
  if (budget <= 0) throw new Error('the truncation note alone exceeds the limit')
  let bytes = 0
  let end = 0
  for (const ch of text) {
    const n = charBytes(ch)
    if (bytes + n > budget) break
    bytes += n
    end += ch.length
  }
  let head = text.slice(0, end)
  const nl = head.lastIndexOf('\n')
  if (nl >= head.length * 0.75) head = head.slice(0, nl)
  return head.replace(/\\+$/, '') + note // a dangling backslash would escape the note's first character
}
