import { readFileSync } from 'node:fs'
import { diagnose } from './src/analysis/diagnose.ts'
import { readBundle } from './src/bundle/read.ts'
const [b, s] = process.argv.slice(2)
const read = async (p: string) => { const raw = new Uint8Array(readFileSync(p)); return readBundle(raw, { id: 'x'.repeat(64).replace(/x/g, 'a'), bytes: raw.byteLength, receivedAt: '2026-01-01T00:00:00Z' }) }
const sus = await read(s!)
const d = diagnose(b === '-' ? null : await read(b!), sus, { id: 't', createdAt: '2026-01-01T00:00:00Z' })
console.log(JSON.stringify(sus.files.map((f) => `${f.path}:${f.kind}`)))
console.log(JSON.stringify(sus.clientLines.map((f) => ({ file: f.file, pid: f.pid, counts: f.counts })), null, 0))
console.log(JSON.stringify(d.processes.slice(0, 5).map((p) => [p.name, p.deltaKib]))) 
console.log(JSON.stringify(d.findings, null, 1).slice(0, 6000))
console.log(d.summary)
