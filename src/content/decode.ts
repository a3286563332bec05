/**
 * The input formats of a memory dump, told apart by content, and the text ones turned back into
 * bytes, streaming.
 *
 * - binary: `gdb -batch -p PID -ex 'dump memory 5-7f2250000000-7f2254000000.bin 0x7f2250000000 0x7f2254000000'`
 * - hexdump: `hexdump -C`, (kafka suspect, dumps/5-7f2250000000.hexdump.txt):
 *
 *     00000000  30 00 00 50 22 7f 00 00  00 00 00 00 00 00 00 00  |0..P"...........|
 *     00000050  00 00 00 00 00 00 00 00  00 00 00 00 00 00 00 00  |................|
 *     *
 *     00000090  10 c8 df 57 22 7f 00 00  60 8f df 57 22 7f 00 00  |...W"...`..W"...|
 *     ...
 *     00040000
 *
 *   `*` stands for rows equal to the one before, up to the next offset.
 * - xxd: `xxd` (or `xxd -a`, which prints `*` for runs of zero rows, like hexdump):
 *
 *     00000000: 3000 0050 227f 0000 0000 0000 0000 0000  0..P"...........
 *
 * - strings: the text `strings` prints, one run per line (seed sta-18,
 *   dumps/fwlog-7f21b8000000-7f21bbfff000.strings.txt, where `.` stands for unprintable bytes):
 *
 *     { "SessionID": "CJS9z5TaHlv9cs5EGY4", "RecTime": 1598602998617, ... }.....E.....!...
 *
 * The hex digits are decoded; the ASCII gutter is never trusted.
 */
import type { DumpFormat } from '../../schemas/content.ts'

export type HexFormat = 'hexdump' | 'xxd'

/** Decoded bytes at a stream offset, or a stretch the dump elided with `*`. */
export type DumpPiece =
  | { kind: 'bytes'; offset: number; bytes: Uint8Array }
  | { kind: 'elided'; offset: number; length: number; row: Uint8Array } // `*`: `row` repeated over `length` bytes
  | { kind: 'skipped'; offset: number; length: number } // offsets jump with no `*`: bytes not in the text

const HEXDUMP_LINE = /^[0-9a-fA-F]{6,16} {2}[0-9a-fA-F]{2} [0-9a-fA-F]{2} /
const XXD_LINE = /^[0-9a-fA-F]{6,16}: [0-9a-fA-F]{2,4}[ ]/

/** Sniffs the format from the first bytes (a few KiB are plenty). */
export function sniffDumpFormat(head: Uint8Array): DumpFormat {
  const sample = head.subarray(0, 8192)
  let text = 0
  let newlines = 0
  for (let i = 0; i < sample.length; i++) {
    const c = sample[i]!
    if (c === 0x0a) newlines++
    if ((c >= 0x20 && c < 0x7f) || c === 0x0a || c === 0x0d || c === 0x09) text++
  }
  if (sample.length === 0 || text < sample.length * 0.97 || newlines === 0) return 'binary'
  // most of the first lines (a pasted prompt or header may come first)
  const lines = latin1(sample)
    .split(/\r?\n/)
    .filter((line) => line.length > 0)
    .slice(0, 8)
  const hexdump = lines.filter((line) => HEXDUMP_LINE.test(line) && line.includes('|')).length
  const xxd = lines.filter((line) => XXD_LINE.test(line)).length
  const filler = lines.filter((line) => line === '*' || /^[0-9a-fA-F]{6,16}$/.test(line)).length // `*`, the end offset
  if (hexdump > 0 && (hexdump + filler) * 2 >= lines.length) return 'hexdump'
  if (xxd > 0 && (xxd + filler) * 2 >= lines.length) return 'xxd'
  return 'strings'
}

function latin1(bytes: Uint8Array): string {
  let out = ''
  for (let i = 0; i < bytes.length; i += 4096) out += String.fromCharCode(...bytes.subarray(i, i + 4096))
  return out
}

/** Hex digit value by char code, -1 for anything else. */
const HEX = new Int8Array(128).fill(-1)
for (let i = 0; i < 10; i++) HEX[0x30 + i] = i
for (let i = 0; i < 6; i++) {
  HEX[0x41 + i] = 10 + i
  HEX[0x61 + i] = 10 + i
}

/** Longest line accepted; a longer one is not a hexdump line (and bounds the carried text). */
const MAX_LINE = 4096
const OUT_SIZE = 64 * 1024

export interface HexDecodeStats {
  lines: number
  badLines: number // lines that are neither rows, `*` nor a lone offset
  firstBadLine: number | null // 1-based
  backwards: number // rows whose offset goes back: skipped
  jumps: number // offsets that jump ahead with no `*` before them
}

/** Offsets past this (256 TiB) are not a dump's: the line is not read (and sizes stay exact integers). */
const MAX_OFFSET = 2 ** 48

/**
 * Decodes `hexdump -C` or `xxd` text into bytes, streaming: memory is bounded by one line and one
 * output buffer, whatever the dump's size. A gap in the offsets (after `*`, or a jump) becomes an
 * `elided` piece after `*` (the row to repeat is the one before it), a `skipped` piece otherwise.
 */
export async function* decodeHexText(
  chunks: AsyncIterable<Uint8Array>,
  format: HexFormat,
  stats: HexDecodeStats = { lines: 0, badLines: 0, firstBadLine: null, backwards: 0, jumps: 0 },
): AsyncGenerator<DumpPiece> {
  let out = new Uint8Array(OUT_SIZE)
  let outLength = 0
  let outOffset = 0 // stream offset of out[0]
  let expected = 0 // stream offset the next row should have
  let started = false
  let star = false
  let row = new Uint8Array(16)
  let rowLength = 0
  let partial: Uint8Array = new Uint8Array(0) // an unfinished line carried between chunks
  let skipping = false // inside a line too long to be a row, up to its newline
  const pieces: DumpPiece[] = []

  const flush = (): void => {
    if (outLength > 0) {
      pieces.push({ kind: 'bytes', offset: outOffset, bytes: out.subarray(0, outLength) })
      out = new Uint8Array(OUT_SIZE)
      outOffset += outLength
      outLength = 0
    }
  }
  const gapTo = (offset: number): void => {
    if (offset <= expected) return
    flush()
    const length = offset - expected
    if (star) pieces.push({ kind: 'elided', offset: expected, length, row: rowLength > 0 ? row.slice(0, rowLength) : new Uint8Array(16) })
    else {
      stats.jumps++
      pieces.push({ kind: 'skipped', offset: expected, length })
    }
    expected = offset
    outOffset = offset
  }
  const bad = (): void => {
    stats.badLines++
    if (stats.firstBadLine === null) stats.firstBadLine = stats.lines
  }

  const line = (bytes: Uint8Array, from: number, to: number): void => {
    stats.lines++
    while (to > from && (bytes[to - 1] === 0x0d || bytes[to - 1] === 0x20)) to--
    if (to === from) return
    if (bytes[from] === 0x2a /* * */ && to - from === 1) {
      star = true
      return
    }
    // offset: hex digits up to ' ' (hexdump) or ':' (xxd)
    let p = from
    let offset = 0
    while (p < to && (HEX[bytes[p]!] ?? -1) >= 0) offset = offset * 16 + HEX[bytes[p++]!]!
    const digits = p - from
    if (digits < 1 || digits > 16 || offset >= MAX_OFFSET) return bad()
    if (p === to) {
      // a lone offset: the dump's end
      if (started) gapTo(offset)
      return
    }
    if (format === 'xxd') {
      if (bytes[p] !== 0x3a) return bad()
      p++
    }
    if (!started) {
      started = true
      expected = offset
      outOffset = offset
    }
    if (offset < expected) {
      stats.backwards++
      return
    }
    gapTo(offset)
    star = false
    // hex bytes: hexdump -C groups of 2 digits with single spaces (two in the middle), then
    // two spaces and |ascii|; xxd groups of 2/4/... digits with single spaces, then two spaces and ascii.
    const bar = format === 'hexdump' ? find(bytes, 0x7c /* | */, p, to) : -1
    const end = bar < 0 ? to : bar
    let n = 0
    let spaces = 0
    let high = -1
    for (; p < end; p++) {
      const c = bytes[p]!
      const v = c < 128 ? HEX[c]! : -1
      if (v >= 0) {
        if (format === 'xxd' && spaces >= 2 && n > 0) break // the ASCII gutter
        spaces = 0
        if (high < 0) high = v
        else {
          if (n >= row.length) row = grow(row)
          row[n++] = (high << 4) | v
          high = -1
        }
      } else if (c === 0x20) {
        if (high >= 0) break // an odd digit: gutter text
        spaces++
        if (format === 'hexdump' && spaces > 2 && n > 0) break
      } else break
    }
    if (n === 0) return bad()
    rowLength = n
    if (outLength + n > out.length) flush()
    if (n > out.length) out = new Uint8Array(n)
    out.set(row.subarray(0, n), outLength)
    outLength += n
    expected = offset + n
  }

  for await (const chunk of chunks) {
    let data = chunk
    if (partial.length > 0) {
      data = new Uint8Array(partial.length + chunk.length)
      data.set(partial)
      data.set(chunk, partial.length)
    }
    let start = 0
    for (;;) {
      const nl = find(data, 0x0a, start, data.length)
      if (nl < 0) break
      if (skipping)
        skipping = false // the end of an overlong line, already counted
      else if (nl - start > MAX_LINE) {
        stats.lines++
        bad()
      } else line(data, start, nl)
      start = nl + 1
    }
    partial = data.slice(start)
    if (partial.length > MAX_LINE && !skipping) {
      stats.lines++
      bad()
      skipping = true
    }
    if (skipping) partial = new Uint8Array(0)
    flush()
    yield* pieces
    pieces.length = 0
  }
  if (partial.length > 0 && !skipping) line(partial, 0, partial.length)
  flush()
  yield* pieces
}

/** Index of `value` in bytes[from, to), or -1; never looks past `to`. */
function find(bytes: Uint8Array, value: number, from: number, to: number): number {
  const at = bytes.subarray(from, to).indexOf(value)
  return at < 0 ? -1 : from + at
}

function grow(row: Uint8Array<ArrayBuffer>): Uint8Array<ArrayBuffer> {
  const bigger = new Uint8Array(row.length * 2)
  bigger.set(row)
  return bigger
}
