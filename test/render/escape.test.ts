import { marked } from 'marked'
import { describe, expect, test } from 'vitest'
import { escapeHtml, escapeMarkdown, html, mdCell, mdCode, mdFence, safeUrl, stripControls, trusted } from '../../src/render/escape.ts'

const inline = (md: string) => marked.parseInline(md, { async: false, gfm: true })

describe('escapeHtml and the html tag', () => {
  test('text and attribute values', () => {
    expect(escapeHtml(`<a href="x" title='y'>&amp;</a>`)).toBe('&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;amp;&lt;/a&gt;')
  })

  test('interpolations are escaped unless built by html itself', () => {
    const inner = html`<b>${'<i>'}</b>`
    const page = html`<p title="${'"><script>'}">${inner}${['<x>', html`<y/>`]}${null}${undefined}${false}${0}</p>`
    expect(page.value).toBe('<p title="&quot;&gt;&lt;script&gt;"><b>&lt;i&gt;</b>&lt;x&gt;<y/>0</p>')
    expect(html`${trusted('<style>a{}</style>')}`.value).toBe('<style>a{}</style>')
  })

  test('control characters and bidi overrides are masked', () => {
    expect(stripControls('a\u001b[31mb\u0000c\u202ed\n\te')).toBe('a\ufffd[31mb\ufffdc\ufffdd\n\te')
  })
})

describe('Markdown escaping', () => {
  test('inline text renders as itself', () => {
    for (const text of [
      '*not bold* _nor this_',
      '[link](http://x)',
      'https://evil.example/',
      'www.evil.example',
      '<b>tag</b> &amp;',
      'a | b',
      '`code`',
      '~~strike~~',
      '$x$',
    ]) {
      const out = inline(escapeMarkdown(text))
      expect(out).not.toMatch(/<(em|strong|a|b|code|del)\b/)
    }
    expect(inline(escapeMarkdown('<b>tag</b>'))).toBe('&lt;b&gt;tag&lt;/b&gt;')
  })

  test('block markers are escaped only where they would start a block', () => {
    expect(escapeMarkdown('# not a heading')).toBe('\\# not a heading')
    expect(escapeMarkdown('- not a list')).toBe('\\- not a list')
    expect(escapeMarkdown('1. not a list')).toBe('1\\. not a list')
    expect(escapeMarkdown('10.222.3.18 uses')).toBe('10.222.3.18 uses')
    expect(escapeMarkdown('queue.buffering.max.messages=100000 (default)')).toBe('queue.buffering.max.messages=100000 (default)')
    expect(escapeMarkdown('line\nbreak')).toBe('line break')
  })

  test('a code span outgrows the backticks inside it', () => {
    expect(mdCode('plain')).toBe('`plain`')
    expect(mdCode('a `b` c')).toBe('``a `b` c``')
    expect(mdCode('```x')).toBe('```` ```x ````')
    expect(inline(mdCode('a ``` <b> c'))).toBe('<code>a ``` &lt;b&gt; c</code>')
    expect(mdCode('')).toBe('` `')
  })

  test('table cells escape their pipes, once', () => {
    expect(mdCell('`a|b` \\| c')).toBe('`a\\|b` \\| c')
  })

  test('a fence outgrows the backtick runs of its lines', () => {
    expect(mdFence(['a=1'])).toBe('```\na=1\n```')
    expect(mdFence(['````', 'b'], 'ini')).toBe('`````ini\n````\nb\n`````')
  })
})

describe('safeUrl', () => {
  test('only http and https links', () => {
    expect(safeUrl('https://memgap.example/r?id=1')).toBe('https://memgap.example/r?id=1')
    expect(safeUrl('http://127.0.0.1:8080/x')).toBe('http://127.0.0.1:8080/x')
    for (const bad of ['javascript:alert(1)', 'data:text/html,<script>', 'JaVaScRiPt:alert(1)', 'not a url', '', undefined]) {
      expect(safeUrl(bad)).toBeNull()
    }
  })
})
