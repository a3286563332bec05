import { describe, expect, test } from 'vitest'
import { dumpChart, gapChart, processChart, regionChart } from '../../src/render/index.ts'
import { kafkaPair, oneBundle, seedPair } from './diagnoses.ts'

interface Bar {
  tone: string
  x: number
  width: number
  tip: string
}

/** The bars of a chart, as the SVG places them (percent of its width). */
function bars(svg: string): Bar[] {
  const re = /<rect class="t-([\w-]+)" x="([\d.]+)%" y="\d+" width="([\d.]+)%"[^>]*><title>([^<]*)<\/title>/g
  return [...svg.matchAll(re)].map((m) => ({ tone: m[1] ?? '', x: Number(m[2]), width: Number(m[3]), tip: m[4] ?? '' }))
}

const end = (b: Bar) => b.x + b.width

describe('charts', () => {
  test('the gap as a waterfall: each part starts where the last ended, shrinkage drawn leftwards', async () => {
    const chart = gapChart(await seedPair())
    const found = bars(chart?.svg.value ?? '')
    const [anon, file, total, ...processes] = found
    expect(anon).toMatchObject({ tone: 'grow', x: 0, tip: 'anonymous (user space) +338 MiB' })
    expect(file).toMatchObject({ tone: 'shrink', tip: 'file cache -48.2 MiB' })
    expect(end(file!)).toBeCloseTo(end(anon!), 1) // the file cache takes back from where anon ended
    expect(total).toMatchObject({ tone: 'total', x: 0 })
    expect(end(total!)).toBeCloseTo(file!.x, 1) // and the gap is what is left
    expect(processes.map((b) => b.tip)).toEqual(['fwlog +142 MiB (RSS)', 'auditd +103 MiB (RSS)', 'logsd +86.1 MiB (RSS)'])
    expect(chart?.legend.value).toContain('less on the suspect')
  })

  test('no gap, no gap chart; charts without data are null', async () => {
    const one = await oneBundle()
    expect(gapChart(one)).toBeNull()
    expect(processChart({ ...one, processes: [] })).toBeNull()
    expect(regionChart({ ...one, regions: [] })).toBeNull()
  })

  test('processes: baseline and suspect bars on one scale, numbers after them', async () => {
    const chart = processChart(await seedPair())
    const found = bars(chart?.svg.value ?? '')
    expect(found).toHaveLength(14) // 7 processes x 2 sides
    const [fwlogBase, fwlogSuspect] = found
    expect(fwlogBase).toMatchObject({ tone: 'baseline', tip: 'baseline 50.8 MiB' })
    expect(fwlogSuspect).toMatchObject({ tone: 'suspect', tip: 'suspect 193 MiB' })
    // The largest bar (ad_appd's baseline) leaves the right quarter for its number.
    expect(Math.max(...found.map(end))).toBeCloseTo(72, 0)
    // The share of the gap is said where there is room for it (a phone drops the tspan).
    expect(chart?.svg.value).toContain('>+142 MiB<tspan class="more"> · 49% of gap</tspan></text>')
  })

  test('one bundle: one bar a process, sized by the suspect alone', async () => {
    const found = bars(processChart(await oneBundle())?.svg.value ?? '')
    // The kafka suspect lists 8 processes; the capture (its ps, ps aux and collect.py) is not among them.
    expect(found).toHaveLength(6)
    expect(found.every((b) => b.tone === 'suspect')).toBe(true)
  })

  test('regions: growth by class right of zero, shrinkage left of it', async () => {
    const chart = regionChart(await seedPair())
    const svg = chart?.svg.value ?? ''
    const found = bars(svg)
    const anon = found.find((b) => b.tone === 'anon')
    const arena = found.find((b) => b.tone === 'arena')
    expect(anon?.tip).toBe('other anon -0.6 MiB')
    expect(end(anon!)).toBeCloseTo(arena!.x, 1) // shrinkage ends at zero, where growth starts
    expect(svg).toMatch(/<line class="zero" x1="([\d.]+)%"/)
    expect(svg).toContain('>fwlog · 4 → 8 arenas</text>')
    expect(chart?.legend.value).toContain('malloc arena')
  })

  test('a dump: its bytes split, its record kinds by share, its LogType values by count', async () => {
    const d = await kafkaPair()
    const arena = d.content.find((c) => c.file === 'dumps/5-7f2250000000-7f2254000000.bin')
    expect(arena).toBeDefined()
    const chart = dumpChart(arena!, 'dump-x')
    const svg = chart.svg.value
    expect(svg).toContain('aria-labelledby="dump-x-t dump-x-d"')
    expect(svg).toContain('>79% records<tspan class="more"> of 64 MiB</tspan></text>')
    expect(svg).toContain('>LogType=waf</text>')
    expect(svg).toContain('>20,226 × 1.6 KiB<tspan class="more"> · 48%</tspan></text>')
    expect(svg).toContain('>Records by LogType</text>')
    expect(svg).toContain('>30,598 records<tspan class="more"> (12 cut short)</tspan></text>')
    const split = bars(svg).slice(0, 5)
    expect(split.map((b) => b.tone)).toEqual(['json', 'text', 'partial', 'fragments', 'other'])
    expect(end(split[4]!)).toBeCloseTo(100, 1)
  })
})
