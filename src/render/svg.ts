// A small row-based SVG chart: each row is a label line (name left, number right) over one or
// more bars. Bars are placed in percent of the width and text in pixels, without a viewBox, so
// the chart fills any width and its text stays readable on a phone instead of scaling down.

import { html, type SafeHtml } from './escape.ts'

/** A stretch of a bar, in fractions (0-1) of the chart's width. */
export interface Segment {
  from: number
  to: number
  /** A CSS class from the page (colours for light and dark) and the fill it stands for alone. */
  tone: Tone
  /** What a pointer hovering the segment reads. */
  tip: string
}

export interface BarLine {
  segments: Segment[]
  /** Text just after the end of the bar (its value), when the chart leaves room for it. */
  after?: string
}

export type Row =
  | {
      kind: 'bar'
      label: string
      value: string
      /** Said after the value where there is room; a narrow chart (a phone) drops it. */
      more?: string
      strong?: boolean
      lines: BarLine[]
    }
  | { kind: 'head'; text: string }

export interface ChartSpec {
  id: string
  title: string
  /** The whole chart in one sentence, for screen readers. */
  desc: string
  rows: Row[]
  /** Where zero is, as a fraction of the width, when bars go both ways. */
  zero?: number
}

/** Tones the page's CSS knows; the hex is the light-theme fill for the SVG seen on its own. */
export const TONES = {
  grow: '#c2410c',
  shrink: '#1d6fb8',
  total: '#334155',
  baseline: '#7c8ea3',
  suspect: '#c2410c',
  arena: '#6d28d9',
  heap: '#0e7490',
  'thread-stack': '#d97706',
  stack: '#a16207',
  anon: '#64748b',
  json: '#1d6fb8',
  text: '#0f766e',
  partial: '#7fb3e0',
  fragments: '#b9d3ea',
  other: '#cbd5e1',
  value: '#4f46e5',
  p1: '#9a3412',
  p2: '#c2410c',
  p3: '#ea7a3c',
} as const
export type Tone = keyof typeof TONES

const LABEL_LINE = 18
const BAR = 10
const BAR_GAP = 4
const ROW_GAP = 12
const HEAD = 26
const LABEL_MAX = 24

function pct(fraction: number): string {
  const clamped = Math.min(1, Math.max(0, fraction))
  return `${(clamped * 100).toFixed(2)}%`
}

function rowHeight(row: Row): number {
  return row.kind === 'head' ? HEAD : LABEL_LINE + row.lines.length * (BAR + BAR_GAP) + ROW_GAP
}

/** Long names are cut in the picture; the full name stays in the row's tooltip. */
function cut(label: string): string {
  const chars = [...label]
  return chars.length > LABEL_MAX ? `${chars.slice(0, LABEL_MAX - 1).join('')}…` : label
}

function segment(s: Segment, y: number): SafeHtml {
  const from = Math.min(s.from, s.to)
  // A tiny but real part still shows as a sliver.
  const width = Math.max(Math.abs(s.to - s.from), 0.002)
  return html`<rect class="t-${s.tone}" x="${pct(from)}" y="${y}" width="${pct(width)}" height="${BAR}" rx="2" fill="${TONES[s.tone]}"><title>${s.tip}</title></rect>`
}

function zeroTick(zero: number | undefined, y: number): SafeHtml | '' {
  if (zero === undefined || zero <= 0) return ''
  return html`<line class="zero" x1="${pct(zero)}" x2="${pct(zero)}" y1="${y - 3}" y2="${y + BAR + 3}" stroke="#64748b" stroke-width="1.5"/>`
}

function barLine(line: BarLine, y: number, zero?: number): SafeHtml {
  const end = Math.max(0, ...line.segments.map((s) => Math.max(s.from, s.to)))
  const after = line.after ? html`<text class="num" x="${pct(end)}" dx="6" y="${y + BAR - 1}" font-size="12">${line.after}</text>` : ''
  return html`${line.segments.map((s) => segment(s, y))}${zeroTick(zero, y)}${after}`
}

function row(r: Row, y: number, zero?: number): SafeHtml {
  if (r.kind === 'head') {
    return html`<text class="head" x="0" y="${y + 18}" font-size="12" font-weight="600">${r.text}</text>`
  }
  const weight = r.strong ? '700' : '600'
  const lines = r.lines.map((line, i) => barLine(line, y + LABEL_LINE + i * (BAR + BAR_GAP), zero))
  const more = r.more ? html`<tspan class="more">${r.more}</tspan>` : ''
  return html`<g class="row"><title>${r.label}: ${r.value}${r.more ?? ''}</title><text class="lbl" x="0" y="${y + 13}" font-size="13" font-weight="${weight}">${cut(r.label)}</text><text class="num" x="100%" y="${y + 13}" font-size="13" text-anchor="end">${r.value}${more}</text>${lines}</g>`
}

/** The chart: an accessible image whose title and description say what the bars show. */
export function rowsChart(spec: ChartSpec): SafeHtml {
  let y = 0
  const rows = spec.rows.map((r) => {
    const out = row(r, y, spec.zero)
    y += rowHeight(r)
    return out
  })
  const height = Math.max(y - ROW_GAP + 4, 20)
  return html`<svg class="chart" xmlns="http://www.w3.org/2000/svg" width="100%" height="${height}" role="img" aria-labelledby="${spec.id}-t ${spec.id}-d" font-family="system-ui, sans-serif"><title id="${spec.id}-t">${spec.title}</title><desc id="${spec.id}-d">${spec.desc}</desc>${rows}</svg>`
}

export interface LegendItem {
  tone: Tone
  label: string
}

/** The key to the colours, in HTML so it wraps on a narrow screen. */
export function legend(items: LegendItem[]): SafeHtml {
  if (items.length === 0) return html``
  return html`<ul class="legend">${items.map((i) => html`<li><span class="key t-${i.tone}" aria-hidden="true"></span>${i.label}</li>`)}</ul>`
}
