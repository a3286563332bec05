import { marked, type Tokens } from 'marked'
import { describe, expect, test } from 'vitest'
import { renderMarkdown } from '../../src/render/index.ts'
import { EVIL, empty, hostile, kafkaPair, oneBundle, seedPair } from './diagnoses.ts'

const REPORT = 'https://memgap.example/v1/diagnoses/abc?format=html'

/** Markdown as a permissive renderer (raw HTML allowed, as in many ticket systems) turns it into HTML. */
function toHtml(md: string): string {
  return marked.parse(md, { async: false, gfm: true })
}

function tables(md: string): Tokens.Table[] {
  return marked.lexer(md).filter((t): t is Tokens.Table => t.type === 'table')
}

describe('renderMarkdown', () => {
  test('the seed pair: hosts, gap table, top processes, findings with evidence and config, warnings', async () => {
    const md = renderMarkdown(await seedPair(), { reportUrl: REPORT })
    expect(md).toMatch(/^## Memory diagnosis: 10\.222\.3\.18 vs 10\.222\.3\.49\n/)
    expect(md).toContain('| anonymous (user space) | +338 MiB |')
    expect(md).toContain('| file cache | -48.2 MiB |')
    expect(md).toContain('| **gap (Active+Inactive)** | **+290 MiB** |')
    expect(md).toContain('| `fwlog` | 50.8 MiB | 193 MiB | **+142 MiB** | RSS | 49% |')
    expect(md).toContain('#### 1. Suspected: fwlog: a librdkafka producer queue is building up')
    expect(md).toContain('*queue buildup, confidence low (40%)*')
    expect(md).toContain(
      '- suspect `rss.txt:7` (fwlog: rss 52052 KiB -\\> 197240 KiB (+145188 KiB, 1 instance(s))): `197240 … /usr/sbin/fwlog`',
    )
    expect(md).toContain('- baseline `rss.txt:7`: `52052 … /usr/sbin/fwlog`')
    expect(md).toContain(
      '- suspect `dumps/fwlog-7f21b8000000-7f21bbfff000.strings.txt @ offset 0` (1 JSON records and 1 cut short (44% of 1.4 KiB), mean 631 B; LogType: netflow 1, waf 0+1 cut short): `{ "SessionID": "<token:19>"',
    )
    expect(md).toContain('```properties\nqueue.buffering.max.messages=38000\nqueue.buffering.max.kbytes=30000\n```')
    expect(md).toContain('- `shmem_unknown`: meminfo has no Shmem line')
    expect(md).toContain(`[Full report with charts](${REPORT})`)
    const [gap, processes] = tables(md)
    expect(gap?.rows).toHaveLength(3)
    expect(processes?.header.map((h) => h.text)).toEqual(['process', 'baseline', 'suspect', 'delta', 'metric', 'of gap'])
    expect(processes?.rows.map((r) => r[0]?.text)).toEqual([
      '`fwlog`',
      '`auditd`',
      '`logsd`',
      '`kernellog`',
      '`sangfor_waf`',
      '`clouddd`',
      '`ad_appd`',
    ])
  })

  test('the kafka pair: three queue findings with their config, statistics and log lines as evidence', async () => {
    const md = renderMarkdown(await kafkaPair())
    expect(md.match(/^#### \d\. .*producer queue is building up while the broker is down$/gm)).toHaveLength(3)
    expect(md).toContain('`kafka-stats/fwlog.json:1`')
    expect(md).toContain('`logs/fwlog.log:12`')
    expect(md).toContain('queue.buffering.max.messages=24000\nqueue.buffering.max.kbytes=31000')
    expect(md).toMatch(/`LogType=waf` 20,226 × 1\.6 KiB \(48%\)/)
    expect(md).not.toContain('Full report')
  })

  test('one bundle: sizes instead of growth, no gap table', async () => {
    const md = renderMarkdown(await oneBundle())
    expect(md).toContain('## Memory diagnosis: vm-kafka-suspect (one bundle)')
    expect(md).not.toContain('### Where the gap went')
    expect(md).toContain('### Largest processes')
    expect(md).toContain('| `fwlog` | 1 | 136 MiB | PSS |')
    expect(md).toContain('| process | dirty anon |')
    expect(md).toContain('`no_baseline`')
  })

  test('nothing found: says so instead of leaving sections empty', async () => {
    const md = renderMarkdown(await empty())
    expect(md).toContain('No finding: nothing in the bundles points at a cause.')
    expect(md).not.toMatch(/### (Top|Largest) processes|### Memory regions|### What the dumps hold|### Warnings/)
  })

  test('hostile strings stay text: no HTML, no links, no broken tables or code spans', async () => {
    const md = renderMarkdown(await hostile(), { reportUrl: 'javascript:alert(1)' })
    const out = toHtml(md)
    expect(out).not.toMatch(/<script|<img|<svg|<b>x|href="javascript/i)
    expect(out).toContain('&lt;script&gt;alert(1)&lt;/script&gt;')
    expect(md).not.toContain('javascript:alert(1))')
    expect(md).not.toMatch(/\u001b|\u0007/)
    // Every table keeps its shape: a pipe in a name does not add a column.
    for (const t of tables(md)) for (const row of t.rows) expect(row).toHaveLength(t.header.length)
    const processes = tables(md)[1]
    expect(processes?.rows[0]?.[0]?.text).toContain('<script>alert("pwn")</script>')
    // Backticks inside an excerpt do not end its code span early: the excerpt renders whole, as code.
    expect(out).toContain('&lt;/code&gt;&lt;/li&gt;&lt;script&gt;alert(2)&lt;/script&gt; ``` |')
    // The config block keeps its fence: its own ``` does not close it.
    expect(md).toContain('````properties\n```\n</pre><script>alert(6)</script>\nqueue.buffering.max.kbytes=30000 | `x`\n````')
    expect(out).toContain('&lt;/pre&gt;&lt;script&gt;alert(6)&lt;/script&gt;')
    expect(EVIL.script).toBe('<script>alert(1)</script>')
  })
})
