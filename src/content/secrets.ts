/**
 * Secrets in what a bundle says about itself (command lines, configs, logs, warnings that quote
 * a line) are masked before the parse is stored: every answer, report and chat message is made
 * from the parse, so none of them can carry one. The raw archive is not touched (it is the
 * evidence, and only its tenant reads it).
 *
 * Each rule is a scan that visits every character a bounded number of times, so a megabyte of
 * hostile text costs a megabyte of work (src/content/redact.ts is the same for dump examples):
 *
 * - assignments whose name has a secret word: `--db-password=hunter2`, `token=…`, `key=…`,
 *   `AWS_SECRET_ACCESS_KEY=…`, `"password": "…"`, `X-Api-Key: …` -> the value is `<redacted>`
 * - flags whose name has one, value after a space: `--password hunter2`, `--token abc`
 * - credentials in URLs: `https://u:p@host` -> `https://<redacted>@host`
 * - `Authorization:` values and `Bearer <token>`
 * - tokens by their shape: JWTs, Slack `xox?-`, GitHub `ghp_`, AWS access key ids
 */

export const MASK = '<redacted>'

// Words that make a name secret, matched whole against the name's parts (`db-password` ->
// db, password; `accessToken` -> access, token), so `monkey=` and `keyboard=` stay as they are.
const SECRET_WORDS = new Set(
  'password passwd pass pwd passphrase secret token key apikey credential credentials auth authorization sig signature cookie private'.split(
    ' ',
  ),
)

const NAME_CHAR = /[A-Za-z0-9_.-]/
const NAME_MAX = 64 // a name is looked for this far back from its `=` or `:`, no further

/** True when a name (a flag, a key, a header) has a secret word among its parts. */
export function isSecretName(name: string): boolean {
  if (name.length > NAME_MAX * 2) return false
  const parts = name
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
  return parts.some((p) => SECRET_WORDS.has(p))
}

/** Where a value that starts at `from` ends: at its closing quote, or at a space or separator. */
function valueEnd(text: string, from: number): number {
  const quote = text[from]
  if (quote === '"' || quote === "'") {
    const close = text.indexOf(quote, from + 1)
    const line = text.indexOf('\n', from + 1)
    return close < 0 || (line >= 0 && line < close) ? (line < 0 ? text.length : line) : close + 1
  }
  let at = from
  while (at < text.length && !/[\s"'&,;)<>]/.test(text[at]!)) at++
  return at
}

type Cut = [start: number, end: number, replacement: string]

/** `name=value` and `name: value` with a secret name. */
function assignments(text: string, cuts: Cut[]): void {
  const separators = /[=:]/g
  for (let m = separators.exec(text); m; m = separators.exec(text)) {
    let nameEnd = m.index
    if (text[nameEnd - 1] === '"' || text[nameEnd - 1] === "'") nameEnd-- // "password": "x"
    let nameStart = nameEnd
    while (nameStart > 0 && nameEnd - nameStart < NAME_MAX && NAME_CHAR.test(text[nameStart - 1]!)) nameStart--
    if (nameStart === nameEnd || !isSecretName(text.slice(nameStart, nameEnd))) continue
    if (text[nameStart - 1] === '<') continue // a mask already: redact.ts's `<token:19>`
    let from = m.index + 1
    if (text[m.index] === ':' && text.startsWith('//', from)) continue // a URL's scheme, not a value
    while (from < text.length && from - m.index <= 3 && (text[from] === ' ' || text[from] === '\t')) from++
    const end = valueEnd(text, from)
    if (end > from) cuts.push([from, end, text[from] === '"' || text[from] === "'" ? `${text[from]}${MASK}${text[from]}` : MASK])
    separators.lastIndex = Math.max(end, m.index + 1) // a value is not searched again for names
  }
}

/** `--password hunter2`: a secret flag whose value is the next word. */
function flags(text: string, cuts: Cut[]): void {
  const flag = /(?<![\w-])--?([A-Za-z][A-Za-z0-9_.-]{0,63})[ \t]+(?=[^\s-])/g
  for (let m = flag.exec(text); m; m = flag.exec(text)) {
    if (!isSecretName(m[1]!)) continue
    const from = m.index + m[0].length
    const end = valueEnd(text, from)
    cuts.push([from, end, MASK])
    flag.lastIndex = end
  }
}

/** `scheme://user:password@host` and `scheme://token@host`. */
function urlCredentials(text: string, cuts: Cut[]): void {
  for (let at = text.indexOf('://'); at >= 0; at = text.indexOf('://', at + 3)) {
    const from = at + 3
    let end = from
    // The user part ends at the host: a scan stops at the first character a user part cannot hold.
    while (end < text.length && end - from < 256 && !/[\s/?#@"'<>]/.test(text[end]!)) end++
    if (text[end] === '@' && end > from) cuts.push([from, end, MASK])
  }
}

// Authorization headers (the value to the end of the line or quote), bearer tokens, and tokens
// recognisable by their prefix. Each starts only where a word starts, and is bounded.
const AUTHORIZATION = /(?<![\w-])(?:proxy-)?authorization["']?[ \t]{0,3}[:=][ \t]{0,3}/gi
const BEARER = /(?<![\w-])(?:bearer|basic|token)[ \t]{1,3}(?=[A-Za-z0-9+/_.=-]{8})/gi
const TOKEN_SHAPES =
  /(?<![A-Za-z0-9_-])(?:eyJ[A-Za-z0-9_-]{5,4096}\.eyJ[A-Za-z0-9_-]{5,4096}\.[A-Za-z0-9_-]{0,4096}|xox[abposr]-[A-Za-z0-9-]{10,256}|gh[pousr]_[A-Za-z0-9]{36,255}|(?:AKIA|ASIA)[0-9A-Z]{16})(?![A-Za-z0-9_-])/g

function headers(text: string, cuts: Cut[]): void {
  for (const re of [AUTHORIZATION, BEARER]) {
    re.lastIndex = 0
    for (let m = re.exec(text); m; m = re.exec(text)) {
      const from = m.index + m[0].length
      const end = re === AUTHORIZATION ? lineOrQuoteEnd(text, from) : valueEnd(text, from)
      if (end > from) cuts.push([from, end, MASK])
      re.lastIndex = Math.max(end, re.lastIndex)
    }
  }
  TOKEN_SHAPES.lastIndex = 0
  for (let m = TOKEN_SHAPES.exec(text); m; m = TOKEN_SHAPES.exec(text)) cuts.push([m.index, m.index + m[0].length, MASK])
}

function lineOrQuoteEnd(text: string, from: number): number {
  let at = from
  while (at < text.length && !/[\n\r"']/.test(text[at]!)) at++
  return at
}

/** The text with every secret the rules find replaced by `<redacted>`. */
export function maskSecrets(text: string): string {
  if (text.length < 6) return text
  const cuts: Cut[] = []
  assignments(text, cuts)
  flags(text, cuts)
  urlCredentials(text, cuts)
  headers(text, cuts)
  if (cuts.length === 0) return text
  // Rules may find overlapping spans: the earliest wins, later ones inside it are dropped.
  cuts.sort((a, b) => a[0] - b[0] || b[1] - a[1])
  let out = ''
  let at = 0
  for (const [start, end, replacement] of cuts) {
    if (start < at) continue
    out += text.slice(at, start) + replacement
    at = end
  }
  return out + text.slice(at)
}

/**
 * A copy of a parsed bundle (or any JSON value) with secrets masked in every string, and whole
 * values masked under keys that name a secret (a config's `sasl.password`).
 */
export function maskSecretsDeep<T>(value: T): T {
  return walk(value) as T
}

function walk(value: unknown): unknown {
  if (typeof value === 'string') return maskSecrets(value)
  if (Array.isArray(value)) return value.map(walk)
  if (value === null || typeof value !== 'object') return value
  const out: Record<string, unknown> = {}
  for (const [key, inner] of Object.entries(value)) {
    // Keys from the input (`sasl.password`, `api_key`), not this schema's own camelCase fields (`keySignature`).
    const inputKey = !/^[a-z]+[A-Z]/.test(key) && isSecretName(key)
    out[key] = typeof inner === 'string' && inner !== '' && inputKey ? MASK : walk(inner)
  }
  return out
}
