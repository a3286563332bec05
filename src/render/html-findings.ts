// The findings of the HTML report: what is wrong, how sure, the evidence, and the fix to paste.

import type { Evidence, Finding, QueueEstimate } from '../../schemas/findings.ts'
import type { QueueClient } from '../../schemas/queues.ts'
import { assumedFigures, fillMeasured } from '../analysis/hedge.ts'
import { html, type SafeHtml, trusted } from './escape.ts'
import { bytes, confidence, confidenceLevel, count, evidenceLocation, KIND_LABEL, mib, percent } from './format.ts'

export function findingsSection(findings: Finding[]): SafeHtml {
  const body =
    findings.length === 0
      ? html`<p class="note">No finding: nothing in the bundles points at a cause. The charts still show where the memory went.</p>`
      : findings.map((f, i) => finding(f, i))
  return html`<section id="findings" aria-labelledby="findings-h"><h2 id="findings-h">Findings</h2><p class="sub">Strongest first, each with its evidence and its fix.</p>${body}</section>`
}

function finding(f: Finding, i: number): SafeHtml {
  const level = confidenceLevel(f.confidence)
  const process = f.process ? html`<span class="badge mono">${f.process}</span>` : ''
  return html`<article class="finding ${level}" aria-labelledby="f${i}-h">
<div class="badges"><span class="badge ${level}">confidence: ${confidence(f.confidence)}</span><span class="badge">${KIND_LABEL[f.kind]}</span>${process}</div>
<h3 id="f${i}-h">${i + 1}. ${f.title}</h3>
<p>${f.detail}</p>
${f.queue ? queueFacts(f.queue) : f.client ? clientFacts(f.client) : ''}
<h4>Recommendation</h4>
<p>${f.recommendation}</p>
${configBlock(f.configLines, i)}
${evidenceList(f.evidence, i)}
${f.queue && f.queue.missing.length > 0 ? missingList(f.queue.missing) : !f.queue && f.client && f.client.missing.length > 0 ? missingList(f.client.missing) : ''}
</article>`
}

function fact(label: string, value: SafeHtml | string): SafeHtml {
  return html`<div><dt>${label}</dt><dd>${value}</dd></div>`
}

/** How full the queue is, drawn: the one number that says how close the process is to its cap. */
function fillMeter(fill: number): SafeHtml {
  const width = `${(Math.min(1, Math.max(0, fill)) * 100).toFixed(1)}%`
  return html`<svg class="meter" width="100%" height="10" role="img" aria-label="queue ${percent(fill)} full"><rect class="track" x="0" y="0" width="100%" height="10" rx="5"/><rect class="t-grow" x="0" y="0" width="${width}" height="10" rx="5" fill="#c2410c"/></svg>`
}

function queueFacts(q: QueueEstimate): SafeHtml {
  const queued = q.queuedMessages !== null ? `${count(q.queuedMessages)} messages` : 'unknown'
  const size = q.queuedKib !== null ? ` · ${mib(q.queuedKib)}` : ''
  // The gauge is drawn only from measured figures; an assumed fill is written, and labelled so.
  const assumed = assumedFigures(q)
  const fill = fillMeasured(q)
    ? html`${percent(q.fill!)}${fillMeter(q.fill!)}`
    : q.fill !== null
      ? `about ${percent(q.fill)}, not measured (assumed: ${assumed.join('; ')})`
      : 'unknown'
  const brokers = q.brokers.length === 0 ? 'no statistics' : q.brokers.map((b) => `${b.name} ${b.state ?? '?'}`).join(', ')
  const down = q.brokerDown === true ? ' (down)' : q.brokerDown === false ? ' (up)' : ''
  return html`<dl class="facts">
${fact(`queued${q.queuedSource ? ` (${q.queuedSource === 'estimate' ? 'estimated' : q.queuedSource})` : ''}`, `${queued}${size}`)}
${fact('fill', fill)}
${fact('max messages', `${count(q.maxMessages)} (${limitSource(q, q.maxMessagesSource)})`)}
${fact('max kbytes', `${count(q.maxKbytes)} (${limitSource(q, q.maxKbytesSource)})`)}
${fact('full queue holds', q.boundKib !== null ? mib(q.boundKib) : 'unknown')}
${fact('mean message', q.meanMessageBytes !== null ? `${bytes(q.meanMessageBytes)}${q.meanMessageSource ? ` (${q.meanMessageSource})` : ''}` : 'unknown')}
${fact('rate', q.ratePerSecond !== null ? `${count(q.ratePerSecond)} msg/s` : 'not observed')}
${fact(`brokers${down}`, brokers)}
${fact('library', `${q.library}${q.libraryVersion ? ` ${q.libraryVersion}` : ''}`)}
</dl>`
}

/** A default limit statistics did not confirm is an assumption, and says so. */
function limitSource(q: QueueEstimate, source: QueueEstimate['maxKbytesSource']): string {
  return source === 'default' && q.queuedSource !== 'statistics' ? 'assumed: the default' : source
}

/** Another client's queue: its family, each limit and where it comes from, how full it is. */
function clientFacts(c: QueueClient): SafeHtml {
  const limit = (l: QueueClient['limits'][number]) =>
    `${l.value === null ? 'no limit' : `${count(l.value)} ${l.unit}`} (${l.source}; ${l.atLimit}s at the limit)`
  return html`<dl class="facts">
${fact('client', `${c.client ?? 'not identified'} (${c.family})`)}
${c.limits.map((l) => fact(l.key, limit(l)))}
${fact('bound', !c.bounded ? 'unbounded' : c.boundKib !== null ? `at least ${mib(c.boundKib)}` : 'bounded; size unknown')}
${fact('queued', c.queuedMessages !== null ? `${count(c.queuedMessages)} messages (statistics)` : c.queuedKib !== null ? `${mib(c.queuedKib)} (statistics)` : 'unknown')}
${fact(`fill${c.fillSource ? ` (${c.fillSource})` : ''}`, c.fill !== null ? html`${percent(c.fill)}${fillMeter(c.fill)}` : 'unknown')}
${fact('server', c.serverDown ? 'unreachable (its log)' : 'no sign of trouble')}
</dl>`
}

/** The lines to paste, in a <pre> of their own; the copy button appears only where JS runs. */
function configBlock(lines: string[], i: number): SafeHtml {
  if (lines.length === 0) return html``
  const id = `config-${i}`
  return html`<div class="config"><div class="config-head"><span>Recommended configuration</span><button type="button" data-copy="${id}" hidden aria-label="Copy the configuration lines">Copy</button></div><pre id="${id}">${lines.join('\n')}</pre></div>`
}

function evidenceItem(e: Evidence): SafeHtml {
  const note = e.note ? html` · ${e.note}` : ''
  const quote = e.excerpt ? html`<code class="excerpt">${e.excerpt}</code>` : ''
  return html`<li><span class="where"><b>${e.bundle}</b> · <span class="mono">${evidenceLocation(e)}</span>${note}</span>${quote}</li>`
}

function evidenceList(evidence: Evidence[], i: number): SafeHtml {
  if (evidence.length === 0) return html`<p class="note">No evidence recorded.</p>`
  // The strongest finding shows its proof, and so does any with little of it; long lists of the
  // others stay folded so the page stays short.
  const open = i === 0 || evidence.length <= 3
  return html`<details ${open ? trusted('open ') : ''}id="f${i}-evidence"><summary>Evidence (${evidence.length})</summary><ol class="evidence">${evidence.map(evidenceItem)}</ol></details>`
}

function missingList(missing: string[]): SafeHtml {
  return html`<h4>Would make this surer</h4><ul>${missing.map((m) => html`<li>${m}</li>`)}</ul>`
}
