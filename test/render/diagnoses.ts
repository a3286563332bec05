// Diagnoses for the renderer tests: the engine's own, on committed fixtures, and a hostile one.

import { Diagnosis } from '../../schemas/diagnosis.ts'
import { diagnoseFixtures } from '../helpers/diagnose.ts'

export const seedPair = () => diagnoseFixtures('seed/sta-49.tar.gz', 'seed/sta-18.tar.gz')
export const kafkaPair = () => diagnoseFixtures('kafka/baseline.tar.gz', 'kafka/suspect.tar.gz')
export const oneBundle = () => diagnoseFixtures(null, 'kafka/suspect.tar.gz')

/** What an attacker could put in a bundle: markup, script, Markdown, table breakers, terminal escapes. */
export const EVIL = {
  script: '<script>alert(1)</script>',
  name: '<script>alert("pwn")</script>|`tick`|**bold**',
  excerpt: '</code></li><script>alert(2)</script> ``` | [x](javascript:alert(3)) <img src=x onerror=alert(4)> \u001b[31mred\u001b[0m',
  host: '"><svg onload=alert(5)>',
  file: 'logs/<b>x</b>|`y`.log',
  config: '```\n</pre><script>alert(6)</script>',
}

/** The seed pair with every string a bundle controls replaced by hostile text; still schema-valid. */
export async function hostile(): Promise<Diagnosis> {
  const d = structuredClone(await seedPair())
  const p0 = d.processes[0]
  if (p0) p0.name = EVIL.name
  d.suspect.host = EVIL.host
  if (d.context) d.context.suspect.notes = EVIL.host
  d.summary = `${EVIL.script} [click](javascript:alert(7)) | # heading \u001b]0;title\u0007`
  for (const r of d.regions) {
    r.process = EVIL.name
    for (const t of r.top) t.mapping = EVIL.script
  }
  for (const f of d.findings) {
    f.title = `${EVIL.name} title`
    f.detail = EVIL.excerpt
    f.process = EVIL.name
    f.configLines = [EVIL.config, 'queue.buffering.max.kbytes=30000 | `x`']
    for (const e of f.evidence) {
      e.excerpt = EVIL.excerpt
      e.file = EVIL.file
    }
  }
  for (const c of d.content) {
    c.file = EVIL.file
    c.process = EVIL.name
    for (const cluster of c.scan.json.clusters) {
      if (cluster.example) cluster.example.text = EVIL.excerpt
      for (const disc of cluster.discriminators) for (const v of disc.values) v.value = EVIL.script
    }
    for (const disc of c.scan.discriminators) for (const v of disc.values) v.value = `${EVIL.script}|${v.value}`
  }
  d.warnings.push({ code: 'evil`code', message: EVIL.excerpt, file: EVIL.file, line: 3 })
  return Diagnosis.parse(d)
}

/** A diagnosis with nothing to show beyond its header: no gap, processes, regions, dumps or findings. */
export async function empty(): Promise<Diagnosis> {
  const d = structuredClone(await oneBundle())
  return Diagnosis.parse({ ...d, processes: [], regions: [], content: [], findings: [], warnings: [] })
}
