// Everything a diagnosis says about a bundle came from an uploaded file: process names, paths,
// excerpts. Each renderer passes every such string through one of these before it reaches output.

// ---- HTML ------------------------------------------------------------------

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }

/** Text and attribute values alike: quotes are escaped too. */
export function escapeHtml(value: string): string {
  return stripControls(value).replace(/[&<>"']/g, (c) => HTML_ESCAPES[c] ?? c)
}

/** Markup that is already safe: built by `html` or a chart function, never from raw input. */
export class SafeHtml {
  constructor(readonly value: string) {}
  toString(): string {
    return this.value
  }
}

type Interpolation = SafeHtml | string | number | null | undefined | false | readonly Interpolation[]

function interpolate(value: Interpolation): string {
  if (value === null || value === undefined || value === false) return ''
  if (value instanceof SafeHtml) return value.value
  if (Array.isArray(value)) return value.map(interpolate).join('')
  return escapeHtml(String(value))
}

/** A template tag that escapes every interpolation unless it is SafeHtml: forgetting is not possible. */
export function html(strings: TemplateStringsArray, ...values: Interpolation[]): SafeHtml {
  let out = strings[0] ?? ''
  values.forEach((value, i) => {
    out += interpolate(value) + (strings[i + 1] ?? '')
  })
  return new SafeHtml(out)
}

/** For constants of this module's own (CSS, script): never for data. */
export function trusted(markup: string): SafeHtml {
  return new SafeHtml(markup)
}

// ---- plain text ------------------------------------------------------------

/** C0/C1 controls (ANSI escapes, NUL, bidi overrides) could rewrite a terminal or hide text. */
export function stripControls(value: string): string {
  return value.replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g, '\ufffd')
}

/** One line: newlines and tabs become spaces, controls are masked. */
export function oneLine(value: string): string {
  return stripControls(value.replace(/\r\n|[\r\n\t]/g, ' '))
}

// ---- Markdown (CommonMark + GFM tables) -----------------------------------

/**
 * Inline text: every character that could open markup, a link, HTML, an entity, a table cell or
 * math is escaped; block markers (`#`, `-`, `1.`, `>`) only where they would start a line; bare
 * URLs are kept from becoming links (an uploaded host name must not be a link in a ticket).
 * Dots and colons stay as they are elsewhere, so `queue.buffering.max.messages` reads as itself.
 */
export function escapeMarkdown(value: string): string {
  const inline = oneLine(value)
    .replace(/[\\`*_[\]<>&|~$]/g, (c) => `\\${c}`)
    .replace(/:\/\//g, '\\://')
    .replace(/\bwww\./gi, (w) => `${w.slice(0, 3)}\\.`)
  return inline.replace(/^(\s*)([#+=-]|\d{1,9}(?=[.)](\s|$)))/, (_, space: string, mark: string) =>
    /^\d/.test(mark) ? `${space}${mark}\\` : `${space}\\${mark}`,
  )
}

/** A code span that holds any text: the fence is longer than any backtick run inside. */
export function mdCode(value: string): string {
  const text = oneLine(value) || ' '
  const longest = Math.max(0, ...(text.match(/`+/g) ?? []).map((run) => run.length))
  const fence = '`'.repeat(longest + 1)
  const pad = text.startsWith('`') || text.endsWith('`') || /^ .* $/.test(text) ? ' ' : ''
  return `${fence}${pad}${text}${pad}${fence}`
}

/** A GFM table cell splits on `|` even inside code spans, so pipes are escaped after the fact. */
export function mdCell(markdown: string): string {
  return markdown.replace(/(?<!\\)\|/g, '\\|')
}

/** A fenced block for lines to copy: the fence outgrows any backtick run in them. */
export function mdFence(lines: readonly string[], info = ''): string {
  const body = lines.map(stripControls)
  const longest = Math.max(2, ...body.flatMap((line) => (line.match(/`+/g) ?? []).map((run) => run.length)))
  const fence = '`'.repeat(longest + 1)
  return [`${fence}${info}`, ...body, fence].join('\n')
}

// ---- links -----------------------------------------------------------------

/** Only http(s) links: a `javascript:` report URL must never become a link. */
export function safeUrl(value: string | undefined): string | null {
  if (!value) return null
  try {
    const url = new URL(value)
    return url.protocol === 'https:' || url.protocol === 'http:' ? url.href : null
  } catch {
    return null
  }
}

/** A link destination for Markdown: parentheses and spaces would end it early. */
export function mdUrl(href: string): string {
  return href.replace(/[()<> ]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`)
}
