// Arbitraries for text inputs: random strings, lines of a format's own tokens, and mutations of
// real samples. Mutations are data (a list of operations with raw positions taken modulo the
// input's size when applied), so fast-check can shrink them and print them readably.
import fc from 'fast-check'

const enc = new TextEncoder()
/** As the bundle reader decodes member bodies: invalid UTF-8 becomes U+FFFD. */
const dec = new TextDecoder('utf-8')

/** Numbers that break parsers: huge, negative, signed, NaN-like, hex, floats, exponents, padded. */
export const NUMBERS = [
  '0',
  '1',
  '-1',
  '+1',
  '-0',
  '00',
  '0007',
  '42',
  '4096',
  '65536',
  '2147483647',
  '2147483648',
  '4294967296',
  '9007199254740991',
  '9007199254740992',
  '9007199254740993',
  '-9007199254740993',
  '18446744073709551615',
  '99999999999999999999999999999999999999999',
  '1e9',
  '1e309',
  '-1e309',
  '1.5',
  '.5',
  '5.',
  '0x1f',
  '0xffffffffffffffff',
  'NaN',
  'nan',
  'Infinity',
  '-Infinity',
  'inf',
  'null',
  'undefined',
  'true',
  '١٢٣',
  '１２３',
]

/** Separators and awkward characters every format meets. */
export const SEPARATORS = [
  ' ',
  '  ',
  '\t',
  ':',
  ': ',
  '=',
  ' = ',
  ',',
  ', ',
  ';',
  '|',
  '-',
  '/',
  '\\',
  '.',
  '#',
  '%',
  '$',
  '[',
  ']',
  '(',
  ')',
  '{',
  '}',
  '"',
  "'",
  '<',
  '>',
  '*',
  '\u0000',
  '\u0000\u0000',
  '\r',
  '\v',
  '\f',
  '\u00a0',
  '\u2028',
  '\ufeff',
  '\ufffd',
  '\u200b',
  '\ud800',
  '\udfff',
  'é',
  '漢',
  '😀',
  ' kB',
  'kB',
  'K',
  'm',
  'g',
]

const LINE_ENDS = ['\n', '\n', '\n', '\r\n', '\r', '\n\n', '\u0000\n']

/** A number token: from the table, or any integer, bigint or double printed. */
export const numberToken: fc.Arbitrary<string> = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...NUMBERS) },
  { weight: 2, arbitrary: fc.integer().map(String) },
  { weight: 1, arbitrary: fc.nat({ max: 100_000 }).map(String) },
  { weight: 1, arbitrary: fc.bigInt({ min: -(2n ** 80n), max: 2n ** 80n }).map(String) },
  // near 2^53, where a product or a sum of safe integers stops being one
  { weight: 2, arbitrary: fc.bigInt({ min: 2n ** 40n, max: 2n ** 56n }).map(String) },
  { weight: 1, arbitrary: fc.constantFrom(2 ** 51, 2 ** 52, 2 ** 53 - 1, 2 ** 53 / 4, 2 ** 53 / 1024, 2 ** 31 - 1, 2 ** 32).map(String) },
  { weight: 1, arbitrary: fc.double().map(String) },
  { weight: 1, arbitrary: fc.bigInt({ min: 0n, max: 2n ** 64n }).map((n) => n.toString(16)) },
)

/** Any string: every code point (lone surrogates included), or whole graphemes, or printable ASCII. */
export const anyString: fc.Arbitrary<string> = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 400 }),
  fc.string({ unit: 'grapheme', maxLength: 200 }),
  fc.string({ maxLength: 400 }),
  fc.string({ unit: fc.constantFrom('a', '1', ' ', '\n', '\t', ':', '\u0000', '{', '}', '"', '\r'), maxLength: 600 }),
)

/** Lines built from a format's vocabulary, numbers and separators. */
export function tokenLines(words: readonly string[], maxLines = 40): fc.Arbitrary<string> {
  const token = fc.oneof(
    { weight: 5, arbitrary: fc.constantFrom(...words) },
    { weight: 3, arbitrary: numberToken },
    { weight: 3, arbitrary: fc.constantFrom(...SEPARATORS) },
    { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 8 }) },
  )
  const line = fc.array(token, { maxLength: 16 }).chain((tokens) =>
    // tokens glued or spaced, as columns are
    fc.constantFrom('', ' ', '\t', '   ').map((glue) => tokens.join(glue)),
  )
  return fc
    .tuple(fc.array(fc.tuple(line, fc.constantFrom(...LINE_ENDS)), { maxLength: maxLines }), fc.boolean())
    .map(([lines, finalEnd]) => {
      const text = lines.map(([l, end]) => l + end).join('')
      return finalEnd ? text : text.replace(/[\r\n]+$/, '')
    })
}

/** One edit of a text. Positions are raw and taken modulo the size when applied. */
export type TextOp =
  | { op: 'deleteLine'; at: number }
  | { op: 'duplicateLine'; at: number; times: number }
  | { op: 'swapLines'; a: number; b: number }
  | { op: 'insertLine'; at: number; line: string }
  | { op: 'truncate'; at: number }
  | { op: 'flipByte'; at: number; xor: number }
  | { op: 'setByte'; at: number; value: number }
  | { op: 'insertText'; at: number; text: string }
  | { op: 'hugeNumber'; nth: number; value: string }
  | { op: 'hugeLine'; at: number; value: string }
  | { op: 'hugeEvery'; every: number; value: string }
  | { op: 'crlf' }
  | { op: 'repeatLine'; at: number; times: number }

/** Junk lines: another format's tokens, random code points, NULs, a long line. */
export function junkLine(words: readonly string[]): fc.Arbitrary<string> {
  return fc.oneof(
    tokenLines(words, 1),
    fc.string({ unit: 'binary', maxLength: 80 }),
    fc.constantFrom('', '\u0000'.repeat(64), '\t', ' ', '#', '$ cat /proc/meminfo', '[root@h ~]# ps aux', '*', '}', '{'),
    fc.tuple(fc.constantFrom('A', '9', ' ', '{', '\u0000'), fc.integer({ min: 1000, max: 70_000 })).map(([c, n]) => c.repeat(n)),
  )
}

export function textOp(words: readonly string[]): fc.Arbitrary<TextOp> {
  const at = fc.nat()
  return fc.oneof(
    fc.record({ op: fc.constant('deleteLine' as const), at }),
    fc.record({ op: fc.constant('duplicateLine' as const), at, times: fc.integer({ min: 1, max: 3 }) }),
    fc.record({ op: fc.constant('swapLines' as const), a: at, b: at }),
    fc.record({ op: fc.constant('insertLine' as const), at, line: junkLine(words) }),
    fc.record({ op: fc.constant('truncate' as const), at }),
    fc.record({ op: fc.constant('flipByte' as const), at, xor: fc.integer({ min: 1, max: 255 }) }),
    fc.record({
      op: fc.constant('setByte' as const),
      at,
      value: fc.constantFrom(0x00, 0x0a, 0x0d, 0x09, 0x20, 0x3a, 0x3d, 0x2d, 0x7b, 0x7d, 0x22, 0x80, 0xc3, 0xff),
    }),
    fc.record({
      op: fc.constant('insertText' as const),
      at,
      text: fc.oneof(fc.constantFrom(...SEPARATORS), numberToken, fc.constantFrom(...words)),
    }),
    fc.record({ op: fc.constant('hugeNumber' as const), nth: at, value: numberToken }),
    fc.record({ op: fc.constant('hugeLine' as const), at, value: numberToken }),
    fc.record({ op: fc.constant('hugeEvery' as const), every: fc.integer({ min: 1, max: 7 }), value: numberToken }),
    fc.record({ op: fc.constant('crlf' as const) }),
    fc.record({ op: fc.constant('repeatLine' as const), at, times: fc.integer({ min: 10, max: 3000 }) }),
  )
}

export function textOps(words: readonly string[]): fc.Arbitrary<TextOp[]> {
  return fc.array(textOp(words), { minLength: 1, maxLength: 6 })
}

function lineEdit(text: string, edit: (lines: string[]) => void): string {
  const lines = text.split('\n')
  edit(lines)
  return lines.join('\n')
}

function byteEdit(text: string, at: number, edit: (bytes: Uint8Array, i: number) => void): string {
  const bytes = enc.encode(text)
  if (bytes.length === 0) return text
  edit(bytes, at % bytes.length)
  return dec.decode(bytes)
}

export function applyTextOp(text: string, op: TextOp): string {
  switch (op.op) {
    case 'deleteLine':
      return lineEdit(text, (lines) => void lines.splice(op.at % lines.length, 1))
    case 'duplicateLine':
      return lineEdit(text, (lines) => {
        const i = op.at % lines.length
        lines.splice(i, 0, ...Array<string>(op.times).fill(lines[i]!))
      })
    case 'repeatLine':
      return lineEdit(text, (lines) => {
        const i = op.at % lines.length
        lines.splice(i, 0, ...Array<string>(op.times).fill(lines[i]!.slice(0, 200)))
      })
    case 'swapLines':
      return lineEdit(text, (lines) => {
        const a = op.a % lines.length
        const b = op.b % lines.length
        ;[lines[a], lines[b]] = [lines[b]!, lines[a]!]
      })
    case 'insertLine':
      return lineEdit(text, (lines) => void lines.splice(op.at % (lines.length + 1), 0, op.line))
    case 'truncate':
      return text.slice(0, op.at % (text.length + 1))
    case 'flipByte':
      return byteEdit(text, op.at, (b, i) => void (b[i] = b[i]! ^ op.xor))
    case 'setByte':
      return byteEdit(text, op.at, (b, i) => void (b[i] = op.value))
    case 'insertText': {
      const i = op.at % (text.length + 1)
      return text.slice(0, i) + op.text + text.slice(i)
    }
    case 'hugeNumber': {
      const numbers = [...text.matchAll(/-?\d+/g)]
      if (numbers.length === 0) return text
      const m = numbers[op.nth % numbers.length]!
      return text.slice(0, m.index) + op.value + text.slice(m.index + m[0].length)
    }
    case 'hugeLine':
      return lineEdit(text, (lines) => {
        const i = op.at % lines.length
        lines[i] = lines[i]!.replace(/\d+/g, op.value)
      })
    case 'hugeEvery': {
      let n = 0
      return text.replace(/\d+/g, (digits) => (n++ % op.every === 0 ? op.value : digits))
    }
    case 'crlf':
      return text.replace(/\n/g, '\r\n')
  }
}

export function mutateText(text: string, ops: TextOp[]): string {
  return ops.reduce(applyTextOp, text)
}
