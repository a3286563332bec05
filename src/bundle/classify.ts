import type { FileKind } from '../../schemas/bundle.ts'
import { isPromptLine, splitLines } from '../parsers/common.ts'
import { SOURCES } from './sources.ts'

// What a file of a bundle is, by its content: `head` is its first few KiB decoded as text.
// The path only hints (a dumps/ folder, a .bin name, manifest.json): bundles come from
// collectors, sosreports and hand pastes, and names cannot be trusted to follow one layout.

/**
 * 1. binary and hexdump text first: a dump's bytes or its ASCII column may hold anything.
 * 2. the sources of SOURCES (src/bundle/sources.ts), in its order: each has one detector, and its
 *    declaration says why it sits where it does.
 * 3. before the first loose source, a dump named so (`dumps/`, `.strings.txt`): `strings` of a
 *    heap holds log lines and JSON that loose detectors would take.
 */
export function classify(path: string, head: string, isText: boolean): FileKind {
  if (!isText) return isContainer(head) && !pathSaysDump(path) ? 'unknown' : 'dump'
  const lines = meaningful(head)
  if (lines.length === 0) return 'unknown'
  if (isHexdump(lines)) return 'dump'
  let dumpChecked = false
  for (const source of SOURCES) {
    if (source.loose && !dumpChecked) {
      if (pathSaysDump(path)) return 'dump'
      dumpChecked = true
    }
    if (source.detect(head, path)) return source.kind
  }
  return pathSaysDump(path) ? 'dump' : 'unknown'
}

/** Non-blank lines, pasted prompts left out. A head of some KiB may end inside a line: that line is dropped. */
function meaningful(head: string): string[] {
  const lines = splitLines(head)
  if (head.length >= 1024 && lines.length > 1 && !/[\r\n]$/.test(head)) lines.pop()
  return lines.filter((line) => line.trim() && !isPromptLine(line)).slice(0, 40)
}

function share(lines: string[], test: (line: string) => boolean): number {
  return lines.length === 0 ? 0 : lines.filter(test).length / lines.length
}

function basename(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1)
}

/** `dumps/...`, `.bin`, `.core`, `.strings.txt`, or `<pid or name>-<start>-<end>.*` as gdb dumps are named. */
function pathSaysDump(path: string): boolean {
  const name = basename(path).toLowerCase()
  return (
    /(^|\/)dumps?\//i.test(path) ||
    /\.(bin|core|dump|dmp|raw|strings|strings\.txt|hexdump|hexdump\.txt|xxd)$/.test(name) ||
    /^[\w.]+-[0-9a-f]{6,16}-[0-9a-f]{6,16}\./.test(name)
  )
}

/** Archives and images are binary but not memory: gzip, zip, xz, bzip2, PNG, PDF. */
function isContainer(head: string): boolean {
  return /^(\x1f(\x8b|\ufffd)|PK\x03\x04|\ufffd7zXZ|BZh\d|\ufffdPNG|%PDF-)/.test(head)
}

/** `hexdump -C` (`00000000  30 00 ...  |0..P|`) or `xxd` (`00000000: 3000 0050 ...`) lines, `*` for repeats. */
function isHexdump(lines: string[]): boolean {
  const hex = (line: string) =>
    /^[0-9a-f]{7,16} {1,2}(?:[0-9a-f]{2} {1,2}){2,}/i.test(line) || /^[0-9a-f]{7,16}: (?:[0-9a-f]{4} ?){2,}/i.test(line) || line === '*'
  return share(lines, hex) >= 0.6
}

/** Text is what has no NUL byte and few control characters (the same test as the bundle reader's). */
export function isTextSample(bytes: Uint8Array): boolean {
  if (bytes.includes(0)) return false
  let control = 0
  for (const byte of bytes) if (byte < 9 || (byte > 13 && byte < 32) || byte === 127) control++
  return control <= bytes.byteLength / 100
}
