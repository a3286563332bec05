import { execFileSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'

// The measured figures of a queue fixture (test/fixtures/queues/<case>/<side>.tar.gz), read
// from the bundle's own files: what its README states and test/collect/queue-fixtures.test.ts
// checks. The client is the process the collector was asked for (--process), as collect.log says.

export interface ProcessFigures {
  pid: number
  program: string
  rssKib: number
  anonKib: number
}

export interface SideFigures {
  client: ProcessFigures
  others: ProcessFigures[]
  /** The last line of the client's statistics: JSON fields, or rsyslog impstats `key=value` counters by queue name. */
  stats: Record<string, unknown>
  /** Occurrences of the case's record marker in the client's dumps, and the bytes dumped. */
  dumpRecords: number
  dumpBytes: number
  /** Lines of the client's logs that say a connection failed. */
  refusedLines: number
}

export const fixturePath = (path: string) => fileURLToPath(new URL(`../fixtures/queues/${path}`, import.meta.url))

function members(archive: string): string[] {
  return execFileSync('tar', ['tzf', archive], { encoding: 'utf8' }).split('\n').filter((p) => p && !p.endsWith('/')).map((p) => p.replace(/^\.\//, ''))
}

function read(archive: string, path: string): Buffer {
  return execFileSync('tar', ['xzOf', archive, `./${path}`], { maxBuffer: 64 << 20 })
}

function count(haystack: Buffer, needle: string): number {
  let n = 0
  for (let at = haystack.indexOf(needle); at >= 0; at = haystack.indexOf(needle, at + needle.length)) n++
  return n
}

function processFigures(archive: string, pid: number): ProcessFigures {
  const status = read(archive, `proc/${pid}/status`).toString()
  const field = (name: string) => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? Number.NaN)
  const args = read(archive, `proc/${pid}/cmdline.txt`).toString().split('\n').filter(Boolean)
  const script = args.slice(1).find((a) => !a.startsWith('-'))
  const program = /python|node/.test(args[0] ?? '') && script ? script.replace(/.*\//, '') : (args[0] ?? '').replace(/.*\//, '')
  return { pid, program, rssKib: field('VmRSS'), anonKib: field('RssAnon') }
}

/** impstats lines (`<date>: <name>: origin=... size=4 enqueued=9 ...`): the newest counters of each queue or action. */
function impstats(text: string): Record<string, Record<string, number>> {
  const found: Record<string, Record<string, number>> = {}
  for (const line of text.split('\n')) {
    const m = /: ([^:]+): origin=\S+ (.*)$/.exec(line)
    if (!m) continue
    found[m[1]!] = Object.fromEntries([...m[2]!.matchAll(/([\w.]+)=(\d+)/g)].map(([, k, v]) => [k!, Number(v)]))
  }
  return found
}

export function sideFigures(archive: string, marker: string): SideFigures {
  const files = members(archive)
  const chosen = /^chosen processes: (\d+)/m.exec(read(archive, 'collect.log').toString())
  if (!chosen) throw new Error(`${archive}: collect.log names no chosen process`)
  const pid = Number(chosen[1])
  const detailed = files.map((f) => /^proc\/(\d+)\/cmdline\.txt$/.exec(f)?.[1]).filter(Boolean).map(Number)
  const statsFile = files.find((f) => f.startsWith('stats/'))
  const statsText = statsFile ? read(archive, statsFile).toString().trim() : ''
  const stats = statsText.startsWith('{') ? JSON.parse(statsText.split('\n').at(-1)!) : impstats(statsText)
  const dumps = files.filter((f) => f.startsWith(`dumps/${pid}-`)).map((f) => read(archive, f))
  const logs = files.filter((f) => f.startsWith('logs/') && !f.endsWith('kern.log')).map((f) => read(archive, f).toString())
  return {
    client: processFigures(archive, pid),
    others: detailed.filter((p) => p !== pid).map((p) => processFigures(archive, p)),
    stats,
    dumpRecords: dumps.reduce((sum, d) => sum + count(d, marker), 0),
    dumpBytes: dumps.reduce((sum, d) => sum + d.length, 0),
    refusedLines: logs.reduce((sum, l) => sum + l.split('\n').filter((line) => /ECONNREFUSED|Connection refused|suspended|disconnect/i.test(line)).length, 0),
  }
}

/**
 * The fixtures: the client's record marker in its dumps, its queue's statistic, the statistics the
 * README states, and what the pair shows: `queue` (the client's queue fills while its server is
 * down), `drops` (the client drops what it cannot send: no growth), `control` (growth that is no
 * queue, next to a client that is no cause).
 */
export const QUEUE_CASES = [
  { dir: 'rsyslog-c', kind: 'queue', marker: '"LogType"', queue: 'central queue.size', stats: ['central queue.size', 'central queue.enqueued', 'central queue.maxqsize', 'central queue.full', 'central queue.discarded.full', 'central.processed', 'main Q.size'] },
  { dir: 'mqtt-python', kind: 'queue', marker: '"meter"', queue: 'out_messages', stats: ['connected', 'out_messages', 'max_queued_messages', 'sent', 'queued_ok', 'no_conn', 'queue_full'] },
  { dir: 'redis-node', kind: 'queue', marker: '"orderId"', queue: 'offlineQueue', stats: ['status', 'offlineQueue', 'commandQueue', 'sent', 'acked', 'failed'] },
  { dir: 'nats-node', kind: 'drops', marker: '"device"', queue: 'outboundBytes', stats: ['closed', 'sent', 'outMsgs', 'outBytes', 'outboundBytes'] },
  { dir: 'control-rsyslog-bounded', kind: 'control', marker: '"LogType"', queue: 'central queue.size', stats: ['central queue.size', 'central queue.enqueued', 'central queue.maxqsize', 'central queue.full', 'central queue.discarded.full', 'central.processed'] },
  { dir: 'control-redis-cache', kind: 'control', marker: '"orderId"', queue: 'offlineQueue', stats: ['status', 'offlineQueue', 'sent', 'acked', 'auditCache'] },
] as const

export function stat(stats: Record<string, unknown>, path: string): unknown {
  if (path in stats) return stats[path]
  const dot = path.indexOf('.', path.indexOf(' ') + 1)
  const queue = stats[path.slice(0, dot)] as Record<string, unknown> | undefined
  return queue?.[path.slice(dot + 1)]
}

/**
 * The README's table of figures, one Markdown row a figure: `| figure | baseline | suspect |`.
 * Processes are matched by program; a program on one side only is left out.
 */
export function figureRows(baseline: SideFigures, suspect: SideFigures, stats: readonly string[]): string[] {
  const row = (name: string, b: unknown, s: unknown) => `| ${name} | ${String(b)} | ${String(s)} |`
  const rows = [
    row(`${baseline.client.program} (the client) VmRSS kB`, baseline.client.rssKib, suspect.client.rssKib),
    row(`${baseline.client.program} (the client) RssAnon kB`, baseline.client.anonKib, suspect.client.anonKib),
  ]
  for (const other of baseline.others) {
    const same = suspect.others.find((o) => o.program === other.program)
    if (same && other.program !== 'bash') rows.push(row(`${other.program} RssAnon kB`, other.anonKib, same.anonKib))
  }
  for (const path of stats) rows.push(row(`statistics: ${path}`, stat(baseline.stats, path), stat(suspect.stats, path)))
  rows.push(row("records in the client's dumps", baseline.dumpRecords, suspect.dumpRecords))
  rows.push(row("bytes of the client's dumps", baseline.dumpBytes, suspect.dumpBytes))
  rows.push(row('log lines of failed connections', baseline.refusedLines, suspect.refusedLines))
  return rows
}
