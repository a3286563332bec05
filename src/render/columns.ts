// Fixed-width layout for plain text: display widths, aligned columns, wrapped paragraphs.

export const WIDTH = 100

/** East Asian wide and fullwidth characters take two terminal cells (the seed incident is Chinese). */
function cellWidth(codePoint: number): number {
  const wide =
    (codePoint >= 0x1100 && codePoint <= 0x115f) ||
    (codePoint >= 0x2e80 && codePoint <= 0xa4cf) ||
    (codePoint >= 0xac00 && codePoint <= 0xd7a3) ||
    (codePoint >= 0xf900 && codePoint <= 0xfaff) ||
    (codePoint >= 0xfe30 && codePoint <= 0xfe4f) ||
    (codePoint >= 0xff00 && codePoint <= 0xff60) ||
    (codePoint >= 0xffe0 && codePoint <= 0xffe6) ||
    (codePoint >= 0x1f300 && codePoint <= 0x1faff) ||
    (codePoint >= 0x20000 && codePoint <= 0x3fffd)
  return wide ? 2 : 1
}

export function displayWidth(text: string): number {
  let width = 0
  for (const ch of text) width += cellWidth(ch.codePointAt(0) ?? 0)
  return width
}

/** Cut to a display width, marking the cut with an ellipsis. */
export function fit(text: string, width: number): string {
  if (displayWidth(text) <= width) return text
  let out = ''
  let used = 0
  for (const ch of text) {
    const w = cellWidth(ch.codePointAt(0) ?? 0)
    if (used + w > width - 1) break
    out += ch
    used += w
  }
  return `${out}…`
}

function pad(text: string, width: number, align: 'l' | 'r'): string {
  const fill = ' '.repeat(Math.max(0, width - displayWidth(text)))
  return align === 'r' ? fill + text : text + fill
}

export interface Column {
  head: string
  align: 'l' | 'r'
  /** Columns that may shrink (names, paths) give way when the table is too wide. */
  shrink?: boolean
}

/** Aligned columns, two spaces apart, indented, never wider than WIDTH. */
export function columns(cols: Column[], rows: string[][], indent = 2): string[] {
  const gap = 2
  const widths = cols.map((c, i) => Math.max(displayWidth(c.head), ...rows.map((r) => displayWidth(r[i] ?? ''))))
  const total = () => indent + widths.reduce((a, b) => a + b, 0) + gap * (cols.length - 1)
  // Shrink the widest shrinkable column first until the table fits.
  while (total() > WIDTH) {
    const shrinkable = cols.map((c, i) => (c.shrink ? i : -1)).filter((i) => i >= 0 && (widths[i] ?? 0) > 8)
    if (shrinkable.length === 0) break
    const widest = shrinkable.reduce((a, b) => ((widths[b] ?? 0) > (widths[a] ?? 0) ? b : a))
    widths[widest] = (widths[widest] ?? 0) - 1
  }
  const line = (cells: string[]) =>
    ' '.repeat(indent) +
    cols
      .map((c, i) => pad(fit(cells[i] ?? '', widths[i] ?? 0), widths[i] ?? 0, c.align))
      .join(' '.repeat(gap))
      .trimEnd()
  const rule = ' '.repeat(indent) + widths.map((w) => '-'.repeat(w)).join(' '.repeat(gap))
  return [line(cols.map((c) => c.head)), rule, ...rows.map(line)]
}

/** Words wrapped at WIDTH; a word longer than a line (a path, a JSON excerpt) is broken. */
export function wrap(text: string, indent = 0, firstIndent = indent): string[] {
  const lines: string[] = []
  let line = ' '.repeat(firstIndent)
  let lineIndent = firstIndent
  const room = () => WIDTH - displayWidth(line)
  for (const word of text.split(/\s+/).filter(Boolean)) {
    const bare = displayWidth(line) === lineIndent
    const need = displayWidth(word) + (bare ? 0 : 1)
    if (need <= room()) {
      line += (bare ? '' : ' ') + word
      continue
    }
    if (!bare) {
      lines.push(line)
      line = ' '.repeat(indent)
      lineIndent = indent
    }
    let rest = word
    while (displayWidth(rest) > WIDTH - indent) {
      const head = sliceWidth(rest, WIDTH - indent)
      lines.push(' '.repeat(indent) + head)
      rest = rest.slice(head.length)
    }
    line = ' '.repeat(indent) + rest
  }
  if (line.trim() !== '') lines.push(line)
  return lines
}

function sliceWidth(text: string, width: number): string {
  let out = ''
  let used = 0
  for (const ch of text) {
    const w = cellWidth(ch.codePointAt(0) ?? 0)
    if (used + w > width) break
    out += ch
    used += w
  }
  return out || [...text][0] || ''
}
