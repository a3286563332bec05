import { describe, expect, test } from 'vitest'
import { displayWidth } from '../../src/render/columns.ts'
import { renderText } from '../../src/render/index.ts'
import { empty, hostile, kafkaPair, oneBundle, seedPair } from './diagnoses.ts'

function expectNarrow(text: string): void {
  const wide = text.split('\n').filter((line) => displayWidth(line) > 100)
  expect(wide).toEqual([])
}

/** The lines of one block, from its heading to the next blank-line-separated heading. */
function block(text: string, heading: string): string[] {
  const lines = text.split('\n')
  const start = lines.indexOf(heading)
  expect(start, `heading ${heading}`).toBeGreaterThanOrEqual(0)
  const end = lines.findIndex((_, i) => i > start + 1 && /^=+$/.test(lines[i + 1] ?? ''))
  return lines.slice(start, end === -1 ? undefined : end)
}

describe('renderText', () => {
  test('the seed pair: aligned columns within 100 characters', async () => {
    const text = renderText(await seedPair(), { reportUrl: 'https://memgap.example/v1/diagnoses/abc' })
    expectNarrow(text)
    expect(text.startsWith('Memory diagnosis: 10.222.3.18 vs 10.222.3.49\n============================================\n')).toBe(true)
    expect(text).toContain('Gap:       +290 MiB (297,016 KiB) by Active+Inactive')
    expect(text).toContain('Report:    https://memgap.example/v1/diagnoses/abc')
    const processes = block(text, 'Top processes')
    expect(processes.slice(2, 6)).toEqual([
      '  process       baseline    suspect      delta  metric  of gap',
      '  -----------  ---------  ---------  ---------  ------  ------',
      '  fwlog         50.8 MiB    193 MiB   +142 MiB  RSS        49%',
      '  auditd         7.5 MiB    111 MiB   +103 MiB  RSS        36%',
    ])
    // Right-aligned numbers end in the same column on every row.
    const rows = processes.slice(4).filter((l) => l.trim() !== '')
    const deltaEnds = rows.map((l) => l.indexOf(' MiB  RSS'))
    expect(new Set(deltaEnds).size).toBe(1)
    expect(text).toContain('   Config lines:\n     queue.buffering.max.messages=38000\n     queue.buffering.max.kbytes=30000')
    expect(text).toContain(
      '     - suspect rss.txt:7 (fwlog: rss 52052 KiB -> 197240 KiB (+145188 KiB, 1 instance(s)))\n       197240 … /usr/sbin/fwlog',
    )
  })

  test('the kafka pair and one bundle stay within 100 characters, long excerpts wrapped', async () => {
    for (const d of [await kafkaPair(), await oneBundle()]) {
      const text = renderText(d, {})
      expectNarrow(text)
      expect(text).toContain('2026-11-27T09:51:27.442 RDKAFKA fwlog[5]: ERROR FAIL')
    }
    const one = renderText(await oneBundle(), {})
    expect(one).toContain('Memory diagnosis: vm-kafka-suspect (one bundle)')
    expect(one).not.toContain('Where the gap went')
    expect(block(one, 'Largest processes')[4]).toMatch(/^ {2}fwlog +1 +136 MiB {2}PSS$/)
  })

  test('an empty diagnosis still reads', async () => {
    const text = renderText(await empty(), {})
    expect(text).toContain('No finding: nothing in the bundles points at a cause.')
    expectNarrow(text)
  })

  test('hostile strings cannot drive a terminal or break the layout', async () => {
    const text = renderText(await hostile(), { reportUrl: 'javascript:alert(1)' })
    // No escape sequences (ANSI colours, OSC title) reach a terminal; newlines are the only controls.
    expect(text).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/)
    expect(text).not.toContain('Report:')
    expectNarrow(text)
    // A hostile name is cut to its column, not allowed to push the others out of line.
    const processes = block(text, 'Top processes')
    const widths = new Set(
      processes
        .slice(2)
        .filter((l) => l.trim() !== '')
        .map((l) => displayWidth(l.replace(/ +$/, ''))),
    )
    expect(Math.max(...widths)).toBeLessThanOrEqual(100)
  })
})
