// The evidence sections of the HTML report: gap, processes, regions, dumps, warnings.

import type { Diagnosis } from '../../schemas/diagnosis.ts'
import type { DumpContent } from '../../schemas/findings.ts'
import type { Warning } from '../../schemas/warning.ts'
import { type Chart, dumpChart, gapChart, processChart, regionChart } from './charts.ts'
import { html, type SafeHtml } from './escape.ts'
import { bytes, CLASS_LABEL, count, METRIC_LABEL, mib, percent, signedMib, VERDICT_LABEL } from './format.ts'
import { compared, dumpTitle, mainDumps, reclaimableNote } from './model.ts'

function figure(chart: Chart, caption: string): SafeHtml {
  return html`<figure>${chart.svg}${chart.legend}<figcaption>${caption}</figcaption></figure>`
}

function section(id: string, title: string, sub: string | SafeHtml, body: SafeHtml | SafeHtml[]): SafeHtml {
  return html`<section id="${id}" aria-labelledby="${id}-h"><h2 id="${id}-h">${title}</h2><p class="sub">${sub}</p>${body}</section>`
}

export function gapSection(d: Diagnosis): SafeHtml {
  const chart = gapChart(d)
  if (!d.gap || !chart) {
    return section(
      'gap',
      'Where the gap went',
      'One bundle alone: there is no baseline to measure a gap against.',
      html`<p class="note">Upload a bundle of a healthy twin (or of this host earlier) as the baseline to see the gap split into its parts.</p>`,
    )
  }
  const g = d.gap
  // MemAvailable and MemFree count what is left, Active+Inactive what is used: say which.
  const reading = g.basis === 'Active+Inactive' ? 'in use' : 'still available'
  const sub = `In ${VERDICT_LABEL[g.verdict]}. ${g.basis} (memory ${reading}): ${mib(g.baselineKib)} on the baseline, ${mib(g.suspectKib)} on the suspect.`
  const apart = reclaimableNote(d)
  const body = figure(chart, 'The parts of the gap (meminfo) as a waterfall, then the processes that grew on the same scale.')
  return section('gap', 'Where the gap went', sub, apart ? [body, html`<p class="note">${apart}</p>`] : body)
}

function processTable(d: Diagnosis): SafeHtml {
  const both = compared(d)
  const rows = d.processes.map(
    (p) =>
      html`<tr><td class="mono">${p.name}</td><td class="mono">${p.exe}</td><td class="n">${both ? `${p.instances.baseline} → ${p.instances.suspect}` : p.instances.suspect}</td>${both ? html`<td class="n">${mib(p.baselineKib)}</td>` : ''}<td class="n">${mib(p.suspectKib)}</td>${both ? html`<td class="n">${signedMib(p.deltaKib)}</td><td class="n">${p.shareOfGap === null ? '' : percent(p.shareOfGap)}</td>` : ''}<td>${METRIC_LABEL[p.metric]}</td></tr>`,
  )
  const head = both
    ? html`<th>process</th><th>executable</th><th class="n">instances</th><th class="n">baseline</th><th class="n">suspect</th><th class="n">delta</th><th class="n">of gap</th><th>metric</th>`
    : html`<th>process</th><th>executable</th><th class="n">instances</th><th class="n">size</th><th>metric</th>`
  return html`<details><summary>All ${d.processes.length} processes as a table</summary><div class="scroll"><table><thead><tr>${head}</tr></thead><tbody>${rows}</tbody></table></div></details>`
}

export function processSection(d: Diagnosis): SafeHtml {
  const chart = processChart(d)
  if (!chart) return section('processes', 'Processes', 'No process list (ps, smaps) in the bundles.', html``)
  const sub = compared(d) ? 'Instances of one program are summed; ranked by growth.' : 'One bundle alone: sizes, not growth.'
  return section('processes', compared(d) ? 'Which processes grew' : 'Largest processes', sub, [
    figure(chart, 'PSS where smaps was collected, else RSS; MiB.'),
    processTable(d),
  ])
}

function regionTable(d: Diagnosis): SafeHtml {
  const rows = d.regions.flatMap((r) =>
    r.top.map(
      (t) =>
        html`<tr><td class="mono">${r.process}</td><td class="mono">${t.address}</td><td>${CLASS_LABEL[t.class]}</td><td class="n">${mib(t.kbytes)}</td><td class="n">${mib(t.dirtyKib)}</td><td class="mono">${t.mapping}</td></tr>`,
    ),
  )
  if (rows.length === 0) return html``
  return html`<details><summary>Largest dirty anonymous regions on the suspect</summary><div class="scroll"><table><thead><tr><th>process</th><th>address</th><th>class</th><th class="n">size</th><th class="n">dirty</th><th>mapping</th></tr></thead><tbody>${rows}</tbody></table></div></details>`
}

export function regionSection(d: Diagnosis): SafeHtml {
  const chart = regionChart(d)
  if (!chart)
    return section(
      'regions',
      'Memory regions',
      'No pmap or smaps of a process in the bundles.',
      html`<p class="note">Collect <code>pmap -x PID</code> of the processes that grew to see which regions hold the memory.</p>`,
    )
  const sub = compared(d)
    ? 'Growth of dirty anonymous memory, by what the mapping is for (from pmap or smaps).'
    : 'Dirty anonymous memory on the suspect, by what the mapping is for.'
  return section('regions', 'Memory regions', sub, [
    figure(chart, 'glibc malloc arenas are the 64 MiB anonymous heaps of threads; growth there is heap data.'),
    regionTable(d),
  ])
}

function example(c: DumpContent): SafeHtml {
  const cluster = c.scan.json.clusters.find((x) => x.example) ?? null
  const ex = cluster?.example ?? c.scan.text.clusters.find((x) => x.record && x.example)?.example ?? null
  if (!ex) return html``
  const where = ex.address ? `address ${ex.address}` : `offset ${count(ex.offset)}`
  return html`<details><summary>An example record (${bytes(ex.bytes)}, ${where}${ex.truncated ? ', shortened' : ''})</summary><code class="excerpt">${ex.text}</code></details>`
}

function dumpFigure(c: DumpContent, i: number): SafeHtml {
  const chart = dumpChart(c, `dump-${i}`)
  return html`<div class="dump"><h3>${dumpTitle(c)}</h3><p class="meta mono">${c.file}</p><figure>${chart.svg}${chart.legend}</figure>${example(c)}</div>`
}

function dumpTable(d: Diagnosis): SafeHtml {
  const rows = d.content.map(
    (c) =>
      html`<tr><td>${c.bundle}</td><td class="mono">${c.file}</td><td>${c.scan.format}</td><td class="n">${bytes(c.scan.bytesScanned)}</td><td class="n">${percent(c.scan.recordShare)}</td><td class="n">${count(c.scan.jsonRecords)}</td><td class="n">${count(c.scan.textRecords)}</td></tr>`,
  )
  return html`<details><summary>All ${d.content.length} dumps</summary><div class="scroll"><table><thead><tr><th>bundle</th><th>file</th><th>format</th><th class="n">scanned</th><th class="n">records</th><th class="n">JSON</th><th class="n">text</th></tr></thead><tbody>${rows}</tbody></table></div></details>`
}

export function dumpSection(d: Diagnosis): SafeHtml {
  const dumps = mainDumps(d, 4)
  if (dumps.length === 0) {
    return section(
      'dumps',
      'What the memory holds',
      'No memory dump in the bundles.',
      html`<p class="note">A dump of the largest grown region (<code>gdb -p PID -batch -ex "dump memory out.bin START END"</code>) shows what fills it.</p>`,
    )
  }
  return section(
    'dumps',
    'What the memory holds',
    'Dumps scanned for records: what their bytes are and which kinds of records fill them.',
    [
      html`<div class="dumps${dumps.length === 1 ? ' one' : ''}">${dumps.map(dumpFigure)}</div>`,
      d.content.length > dumps.length ? dumpTable(d) : html``,
    ],
  )
}

function warningItem(w: Warning): SafeHtml {
  const where = w.file ? html` <span class="mono">(${w.line ? `${w.file}:${w.line}` : w.file})</span>` : ''
  return html`<li><code>${w.code}</code>${where}: ${w.message}</li>`
}

export function warningsSection(warnings: Warning[]): SafeHtml {
  if (warnings.length === 0) return html``
  return section(
    'warnings',
    'Warnings',
    'What was missing or odd in the bundles; the diagnosis went on without it.',
    html`<ul class="warnings">${warnings.map(warningItem)}</ul>`,
  )
}
