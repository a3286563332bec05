import type { ParsedBundle } from '../../schemas/bundle.ts'
import type { Evidence } from '../../schemas/findings.ts'
import type { ClientLine } from '../../schemas/queues.ts'
import { mapsExcerpt, pmapExcerpt } from '../bundle/cite.ts'
import { CLIENTS } from '../queues/index.ts'
import type { ClientSpec } from '../queues/types.ts'

// Which messaging clients one program of a bundle shows, and what the bundle says of each: where
// it was seen, its server's absence, its full queue, its settings and statistics. A client is
// named only when the program itself shows it (a library in its mappings, its command line, a
// module or thread line tied to it); unattributed log lines then count for that client.

export interface LineEvidence {
  line: ClientLine
  evidence: Evidence
}

export interface ClientEvidence {
  spec: ClientSpec
  seen: Evidence[]
  down: LineEvidence[]
  full: LineEvidence[]
  config: LineEvidence[]
  stats: LineEvidence[] // the latest line of each queue the statistics name
  counts: { down: number; full: number }
}

export interface ProgramClients {
  clients: ClientEvidence[]
  /** Lines of this program that say a connection failed, whoever printed them. */
  failing: LineEvidence[]
}

const stem = (file: string) => (file.split('/').pop() ?? '').replace(/\.[^.]*$/, '')
const base = (path: string) => path.split('/').pop() ?? path

export function clientsOf(bundle: ParsedBundle, side: Evidence['bundle'], process: string): ProgramClients {
  const samples = bundle.processes.filter((p) => p.name === process)
  const pids = new Set(samples.filter((p) => p.pid !== null).map((p) => p.pid!))
  const held = heldBy(bundle, pids)
  const fileIsMine = (file: string, pid: number | null) => (pid !== null && pids.has(pid)) || stem(file) === process || held(file)
  // A `name:` prefix names a program only when the bundle has one by that name (not `ERROR:`).
  const names = new Set(bundle.processes.map((p) => p.name))
  const owner = (l: ClientLine) => (l.pid !== null || (l.process !== null && names.has(l.process)) ? l.process : null)
  const lineIsMine = (l: ClientLine) => (l.pid !== null && pids.has(l.pid)) || owner(l) === process
  const attributed = (l: ClientLine, file: string, filePid: number | null) =>
    lineIsMine(l) || (l.pid === null && owner(l) === null && fileIsMine(file, filePid))
  const unattributed = (l: ClientLine, file: string, filePid: number | null) =>
    l.pid === null && owner(l) === null && !fileIsMine(file, filePid) && filePid === null

  const all = linesOf(bundle, side)
  const linesFor = (client: string) => all.filter((l) => l.line.client === client)
  const clients: ClientEvidence[] = []
  for (const spec of CLIENTS) {
    const seen: Evidence[] = []
    const library = spec.seen.library && mappingMatching(bundle, side, fileIsMine, spec.seen.library)
    if (library) seen.push(library)
    for (const s of samples) {
      const identity = [s.name, base(s.exe), s.args ?? ''].filter(Boolean)
      if (spec.seen.program && identity.slice(0, 2).some((x) => spec.seen.program!.test(x))) {
        seen.push({ bundle: side, file: s.sources[0] ?? 'ps', excerpt: `${s.pid ?? '?'} ${s.args ?? s.exe}`.slice(0, 300) })
        break
      }
      if (spec.seen.text && s.args && spec.seen.text.test(s.args)) {
        seen.push({ bundle: side, file: s.sources[0] ?? 'ps', excerpt: `${s.pid ?? '?'} ${s.args}`.slice(0, 300) })
        break
      }
    }
    const lines = linesFor(spec.id)
    const own = lines.filter((l) => attributed(l.line, l.evidence.file, l.filePid))
    const ownSeen = own.find((l) => l.line.kind === 'seen')
    if (ownSeen) seen.push(ownSeen.evidence)
    if (seen.length === 0) continue
    // Seen in this program: lines no program claims are its own too (a log written by the app).
    const usable = [...own, ...lines.filter((l) => unattributed(l.line, l.evidence.file, l.filePid))]
    const of = (kind: ClientLine['kind']) => usable.filter((l) => l.line.kind === kind)
    const count = (kind: ClientLine['kind']) =>
      bundle.clientLines.reduce(
        (n, f) => n + (usable.some((u) => u.evidence.file === f.file) ? (f.counts[`${spec.id} ${kind}`] ?? 0) : 0),
        0,
      )
    // Connection failures the program logs, in nobody's words, are its client's server too.
    const failed = linesFor('*').filter((l) => attributed(l.line, l.evidence.file, l.filePid))
    clients.push({
      spec,
      seen,
      down: [...of('down'), ...failed],
      full: of('full'),
      config: of('config'),
      stats: latestPerQueue(of('stats')),
      counts: { down: count('down') + failed.length, full: count('full') },
    })
  }
  const failing = linesFor('*').filter((l) => attributed(l.line, l.evidence.file, l.filePid))
  return { clients, failing }
}

/**
 * A copied file (`logs/<path on the box>`, `config/…`, `stats/…`) is the program's own when it
 * holds it open or it sits in the program's working folder (not `/`).
 */
function heldBy(bundle: ParsedBundle, pids: Set<number>): (file: string) => boolean {
  const mine = bundle.openFiles.filter((o) => o.pid !== null && pids.has(o.pid))
  const open = new Set(mine.flatMap((o) => o.paths))
  const folders = mine.flatMap((o) => (o.cwd && o.cwd !== '/' ? [`${o.cwd.replace(/\/$/, '')}/`] : []))
  return (file) => {
    const onBox = file.replace(/^(?:logs|config|stats)(?=\/)/, '')
    if (onBox === file) return false
    return open.has(onBox) || folders.some((f) => onBox.startsWith(f))
  }
}

function linesOf(bundle: ParsedBundle, side: Evidence['bundle']): (LineEvidence & { filePid: number | null })[] {
  return bundle.clientLines.flatMap((f) =>
    f.lines.map((line) => ({ line, filePid: f.pid, evidence: { bundle: side, file: f.file, line: line.line, excerpt: line.excerpt } })),
  )
}

function latestPerQueue(stats: LineEvidence[]): LineEvidence[] {
  const latest = new Map<string, LineEvidence>()
  for (const s of stats) latest.set(`${s.evidence.file} ${s.line.key ?? ''}`, s) // lines come in file order
  return [...latest.values()]
}

/** The first mapping of the program whose path matches: pmap rows, then /proc/PID/maps and smaps. */
export function mappingMatching(
  bundle: ParsedBundle,
  side: Evidence['bundle'],
  mine: (file: string, pid: number | null) => boolean,
  pattern: RegExp,
): Evidence | null {
  for (const map of bundle.maps) {
    if (!mine(map.file, map.pid)) continue
    const row = map.pmap.rows.find((r) => pattern.test(r.mapping))
    if (row) return { bundle: side, file: map.file, ...(row.line ? { line: row.line } : {}), excerpt: pmapExcerpt(row) }
  }
  for (const source of [...bundle.procMaps, ...bundle.smaps]) {
    if (!mine(source.file, source.pid)) continue
    const row = source.rows.find((r) => pattern.test(r.path))
    if (row) return { bundle: side, file: source.file, ...(row.line ? { line: row.line } : {}), excerpt: mapsExcerpt(row) }
  }
  return null
}
