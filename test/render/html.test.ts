import { createHash } from 'node:crypto'
import { describe, expect, test } from 'vitest'
import { HTML_CSP, renderHtml } from '../../src/render/index.ts'
import { EVIL, empty, hostile, kafkaPair, oneBundle, seedPair } from './diagnoses.ts'

const sha256 = (text: string) => `sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}`

function between(page: string, open: RegExp, close: string): string[] {
  const out: string[] = []
  for (const m of page.matchAll(new RegExp(`${open.source}([\\s\\S]*?)${close}`, 'g'))) out.push(m[1] ?? '')
  return out
}

/** Every URL the page names, other than the SVG namespace: there must be none to fetch. */
function urls(page: string): string[] {
  return [...page.matchAll(/(?:https?:)?\/\/[^\s"'<>)]+/g)].map((m) => m[0]).filter((u) => u !== 'http://www.w3.org/2000/svg')
}

describe('renderHtml', () => {
  test('the seed pair: one self-contained page with four kinds of chart', async () => {
    const page = renderHtml(await seedPair(), {})
    expect(page.startsWith('<!doctype html>')).toBe(true)
    expect(page).toContain('<meta name="viewport" content="width=device-width, initial-scale=1">')
    expect(page).toContain('@media (prefers-color-scheme:dark)')
    expect(page).toContain('<title>Memory diagnosis: 10.222.3.18 vs 10.222.3.49</title>')
    // Nothing is fetched: no stylesheet or script links, no images, fonts, or URLs at all.
    expect(page).not.toMatch(/<link\b|<img\b|<iframe\b|\bsrc=|@import|url\(|@font-face/i)
    expect(urls(page)).toEqual([])
    expect(page.match(/<script\b/g)).toHaveLength(1)
    expect(page.match(/<style\b/g)).toHaveLength(1)
    for (const id of ['gap', 'processes', 'regions', 'dump-0']) {
      expect(page).toContain(`<svg class="chart" xmlns="http://www.w3.org/2000/svg" width="100%"`)
      expect(page).toMatch(new RegExp(`role="img" aria-labelledby="${id}-t ${id}-d"`))
      expect(page).toMatch(new RegExp(`<title id="${id}-t">[^<]+</title><desc id="${id}-d">[^<]+</desc>`))
    }
    for (const name of ['fwlog', 'auditd', 'logsd']) expect(page).toContain(`font-weight="600">${name}</text>`)
    expect(page).toContain('+338 MiB')
    expect(page).toContain('-48.2 MiB')
    expect(page).toContain('<pre id="config-0">queue.buffering.max.messages=38000\nqueue.buffering.max.kbytes=30000</pre>')
    expect(page).toContain('<button type="button" data-copy="config-0" hidden')
    expect(page).toContain(
      'rss.txt:7</span> · fwlog: rss 52052 KiB -&gt; 197240 KiB (+145188 KiB, 1 instance(s))</span><code class="excerpt">197240 … /usr/sbin/fwlog</code>',
    )
    expect(page).toContain('meminfo has no Shmem line')
  })

  test("the Content-Security-Policy names the page's own style and script by hash", async () => {
    const page = renderHtml(await seedPair(), {})
    const [style] = between(page, /<style>/, '</style>')
    const [script] = between(page, /<script>/, '</script>')
    const expected = [`style-src '${sha256(style ?? '')}'`, `script-src '${sha256(script ?? '')}'`]
    // When CSS or SCRIPT in src/render/assets.ts change, their hashes there must change too.
    for (const source of expected) expect(HTML_CSP, `update CSS_HASH/SCRIPT_HASH in src/render/assets.ts: ${source}`).toContain(source)
    expect(HTML_CSP).toMatch(/^default-src 'none'; /)
    expect(page).toContain(`<meta http-equiv="Content-Security-Policy" content="${HTML_CSP.replaceAll("'", '&#39;')}">`)
  })

  test('the kafka pair: three findings, the first with its evidence open; dumps side by side', async () => {
    const d = await kafkaPair()
    const page = renderHtml(d, { reportUrl: 'https://memgap.example/v1/diagnoses/abc?format=html' })
    expect(page.match(/<article class="finding /g)).toHaveLength(3)
    expect(page).toContain(`<details open id="f0-evidence"><summary>Evidence (${d.findings[0]?.evidence.length})</summary>`)
    expect(page).toContain('<details id="f1-evidence">')
    expect(page.match(/<div class="dump">/g)).toHaveLength(4)
    expect(page).toContain('LogType=waf')
    expect(page).toContain('Records by LogType')
    expect(page).toContain('fwlog · 4 → 5 arenas')
    expect(page).toContain('127.0.0.1:19092/bootstrap INIT')
    // The only URL is the report's own link, to pass on.
    expect(urls(page)).toEqual(['https://memgap.example/v1/diagnoses/abc?format=html'])
  })

  test('one bundle: no gap chart, sizes instead of growth', async () => {
    const page = renderHtml(await oneBundle(), {})
    expect(page).not.toContain('id="gap-t"')
    expect(page).toContain('One bundle alone: there is no baseline to measure a gap against.')
    expect(page).toContain('<title id="processes-t">Largest processes (PSS/RSS)</title>')
    expect(page).toContain('<title id="regions-t">Dirty anonymous memory by region class</title>')
    expect(page).not.toContain('(new)')
    expect(page).toContain('vm-kafka-suspect <span class="vs">one bundle</span>')
  })

  test('no findings, processes, regions or dumps: notes instead of charts', async () => {
    const page = renderHtml(await empty(), {})
    expect(page).not.toContain('<svg class="chart"')
    expect(page).toContain('No finding: nothing in the bundles points at a cause.')
    expect(page).toContain('No pmap or smaps of a process in the bundles.')
    expect(page).toContain('No memory dump in the bundles.')
    expect(page).not.toContain('id="warnings"')
  })

  test('hostile strings are escaped everywhere: text, attributes, SVG, <pre>', async () => {
    const page = renderHtml(await hostile(), { reportUrl: 'javascript:alert(1)' })
    expect(page.match(/<script\b/gi)).toHaveLength(1)
    expect(page).not.toMatch(/<img|<svg onload|<b>x|<\/pre><script|href="javascript/i)
    expect(page).toContain('&lt;script&gt;alert(1)&lt;/script&gt;')
    expect(page).toContain('&lt;script&gt;alert(&quot;pwn&quot;)&lt;/script&gt;|`tick`|**bold**')
    expect(page).toContain('<h1>&quot;&gt;&lt;svg onload=alert(5)&gt; <span class="vs">vs</span> 10.222.3.49</h1>')
    expect(page).toContain(
      '<pre id="config-0">```\n&lt;/pre&gt;&lt;script&gt;alert(6)&lt;/script&gt;\nqueue.buffering.max.kbytes=30000 | `x`</pre>',
    )
    expect(page).not.toMatch(/\u001b|\u0007/)
    expect(EVIL.excerpt).toContain('\u001b')
  })
})
