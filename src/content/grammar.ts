/**
 * The JSON a record scan needs without a full parser: where an object ends (brackets outside
 * strings), the JSON grammar of a flat object as a regex (a template: see json.ts), and the leading
 * `"key": scalar` pairs of a record cut short.
 */

/**
 * End (exclusive) of the object or array that starts at t[i], or -1 when `limit` comes first.
 * Brackets are counted outside strings only; whether it is valid JSON is JSON.parse's business.
 */
export function valueEnd(t: string, i: number, limit: number): number {
  let depth = 0
  let p = i
  while (p < limit) {
    const c = t.charCodeAt(p)
    if (c === 0x22) {
      let q = p + 1
      for (;;) {
        q = t.indexOf('"', q)
        if (q < 0 || q >= limit) return -1
        let b = q - 1
        while (t.charCodeAt(b) === 0x5c) b--
        if (((q - 1 - b) & 1) === 0) break // an even number of backslashes: the quote closes
        q++
      }
      p = q + 1
      continue
    }
    if (c === 0x7b || c === 0x5b) depth++
    else if (c === 0x7d || c === 0x5d) {
      if (--depth === 0) return p + 1
    }
    p++
  }
  return -1
}

// The JSON grammar of a flat object, as regex pieces (the text is printable ASCII).
const WS = '[ \\t\\n\\r]*'
const STRING_BODY = '[^"\\\\]*(?:\\\\(?:["\\\\/bfnrt]|u[0-9a-fA-F]{4})[^"\\\\]*)*'
const NUMBER = '-?(?:0|[1-9][0-9]*)(?:\\.[0-9]+)?(?:[eE][+-]?[0-9]+)?'
const SCALAR = `(?:"${STRING_BODY}"|${NUMBER}|true|false|null)`
const CAPTURED = `(?:"(${STRING_BODY})"|${NUMBER}|true|false|null)`
/** One leading `"key": scalar` pair of a record cut short, and what follows it. */
const PAIR = new RegExp(`${WS}"(${STRING_BODY})"${WS}:${WS}(?:"(${STRING_BODY})"|(${NUMBER}|true|false|null))${WS}([,}])`, 'y')

/**
 * A sticky regex that matches exactly the JSON objects with these keys in this order and scalar
 * values (strings with valid escapes, JSON numbers, true, false, null), capturing the string value
 * of each `captured` key, in key order. `compact`: no whitespace between tokens.
 */
export function templateRegex(keys: string[], captured: Set<string>, compact: boolean): { re: RegExp; fields: string[] } {
  const ws = compact ? '' : WS
  const fields: string[] = []
  let source = `\\{${ws}`
  keys.forEach((key, n) => {
    if (n > 0) source += `${ws},${ws}`
    source += `${regexEscape(JSON.stringify(key))}${ws}:${ws}`
    if (captured.has(key)) {
      source += CAPTURED
      fields.push(key)
    } else source += SCALAR
  })
  source += `${ws}\\}`
  return { re: new RegExp(source, 'y'), fields }
}

/**
 * The leading `"key": scalar` pairs of the object at t[i] (a `{`), up to the first value that is
 * not a scalar or is cut: [key, string value or null] in order. Stops after `max` pairs.
 */
export function leadingPairs(t: string, i: number, max: number): [string, string | null][] {
  const pairs: [string, string | null][] = []
  PAIR.lastIndex = i + 1
  for (;;) {
    const match = PAIR.exec(t)
    if (match === null) break
    pairs.push([unescapeString(match[1]!), match[2] !== undefined ? unescapeString(match[2]) : null])
    if (match[4] === '}' || pairs.length >= max) break
  }
  return pairs
}

function regexEscape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')
}

export function hash(s: string): number {
  let h = 0x811c9dc5
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193)
  return h >>> 0
}

export function unescapeString(body: string): string {
  if (!body.includes('\\')) return body
  try {
    return JSON.parse(`"${body}"`) as string
  } catch {
    return body
  }
}
