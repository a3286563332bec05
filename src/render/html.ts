// The HTML report: one self-contained page (inline CSS and SVG, no external resource at all) that
// works without JS, on a laptop and a phone, light and dark. Every string of the diagnosis is
// escaped by the `html` tag: uploaded bundles are hostile input.

import type { Diagnosis } from '../../schemas/diagnosis.ts'
import { CSS, HTML_CSP, SCRIPT } from './assets.ts'
import { html, type SafeHtml, safeUrl, trusted } from './escape.ts'
import { confidence, mib, shortId, signedMib, VERDICT_LABEL } from './format.ts'
import { findingsSection } from './html-findings.ts'
import { dumpSection, gapSection, processSection, regionSection, warningsSection } from './html-sections.ts'
import type { RenderOptions } from './markdown.ts'
import { compared, contextLines, hosts, title } from './model.ts'

export function renderHtml(d: Diagnosis, opts: RenderOptions = {}): string {
  const page = html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="${HTML_CSP}">
<meta name="referrer" content="no-referrer">
<meta name="color-scheme" content="light dark">
<meta name="robots" content="noindex">
<title>Memory diagnosis: ${title(d)}</title>
<style>${trusted(CSS)}</style>
</head>
<body>
<main>
${header(d)}
${cards(d)}
<section class="summary" aria-label="Summary"><p>${d.summary}</p>${contextLines(d).length ? html`<ul class="context">${contextLines(d).map((l) => html`<li>${l}</li>`)}</ul>` : ''}</section>
<div class="grid${d.gap ? ' two' : ''}">${gapSection(d)}${processSection(d)}</div>
${findingsSection(d.findings)}
${regionSection(d)}
${dumpSection(d)}
${warningsSection(d.warnings)}
${footer(d, opts)}
</main>
<script>${trusted(SCRIPT)}</script>
</body>
</html>
`
  return page.value
}

function header(d: Diagnosis): SafeHtml {
  const h = hosts(d)
  const heading = h.baseline
    ? html`${h.suspect} <span class="vs">vs</span> ${h.baseline}`
    : html`${h.suspect} <span class="vs">one bundle</span>`
  const baseline = d.baseline
    ? html` · baseline <b>${h.baseline}</b> (bundle <span class="mono">${shortId(d.baseline.bundleId)}</span>)`
    : ''
  return html`<header>
<p class="eyebrow">memgap · memory diagnosis</p>
<h1>${heading}</h1>
<p class="meta">suspect <b>${h.suspect}</b> (bundle <span class="mono">${shortId(d.suspect.bundleId)}</span>)${baseline} · ${when(d.createdAt)}</p>
</header>`
}

/** A timestamp as people read it; anything that is not ISO-8601 is shown as it came. */
function when(iso: string): string {
  const m = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2})/.exec(iso)
  return m ? `${m[1]} ${m[2]} UTC` : iso
}

function card(label: string, value: SafeHtml | string, sub: SafeHtml | string, grow = false): SafeHtml {
  return html`<div class="card"><div class="k">${label}</div><div class="v${grow ? ' grow' : ''}">${value}</div><div class="s">${sub}</div></div>`
}

/** The four numbers a support engineer looks for first. */
function cards(d: Diagnosis): SafeHtml {
  const top = d.processes[0]
  const first = d.findings[0]
  const gapCard = d.gap
    ? card('Gap', signedMib(d.gap.kib), `by ${d.gap.basis}`, d.gap.kib > 0)
    : card('Gap', 'n/a', 'one bundle: nothing to compare')
  const whereCard = d.gap ? card('Where', VERDICT_LABEL[d.gap.verdict], gapLead(d)) : card('Where', 'unknown', 'needs a baseline bundle')
  const topCard = top
    ? compared(d)
      ? card('Grew most', top.name, `${signedMib(top.deltaKib)} (${top.metric.toUpperCase()})`)
      : card('Largest', top.name, `${mib(top.suspectKib)} (${top.metric.toUpperCase()})`)
    : card('Processes', 'none', 'no process list')
  const findingCard = first
    ? card('Findings', String(d.findings.length), html`strongest: ${confidence(first.confidence)} confidence`)
    : card('Findings', '0', 'no cause identified')
  return html`<div class="cards">${gapCard}${whereCard}${topCard}${findingCard}</div>`
}

/** The largest part of the gap, which says more than the verdict alone. */
function gapLead(d: Diagnosis): string {
  const parts = Object.entries(d.gap?.breakdown ?? {}).filter(([k]) => k !== 'other')
  const lead = parts.sort((a, b) => Math.abs(b[1] ?? 0) - Math.abs(a[1] ?? 0))[0]
  if (!lead || lead[1] === undefined) return ''
  const names: Record<string, string> = {
    anon: 'anonymous',
    file: 'file cache',
    shmem: 'shmem',
    slab: 'slab',
    kernelStack: 'kernel stacks',
    pageTables: 'page tables',
    hugePages: 'huge pages',
  }
  return `${names[lead[0]] ?? lead[0]} ${signedMib(lead[1])}`
}

/** The report's own link (a signed one, maybe) to pass on; other formats are the API's business. */
function footer(d: Diagnosis, opts: RenderOptions): SafeHtml {
  const url = safeUrl(opts.reportUrl)
  const link = url ? html` · <a href="${url}" rel="noreferrer">link to this report</a>` : ''
  return html`<footer>memgap ${d.engineVersion} · diagnosis <span class="mono">${d.id}</span> · ${when(d.createdAt)}${link}</footer>`
}
