/**
 * Lines of any text file that say something about a messaging client of src/queues/: that it is
 * there (a module path, a thread name), that its server is down, that its queue is full, how
 * its limits are set, how many messages its queue holds.
 *
 * A real sample (rsyslog 8.2302 forwarding to a port whose server was stopped,
 * test/fixtures/queues/rsyslog-c/suspect.tar.gz: logs/var/log/syslog and the impstats file):
 *
 *   2026-12-04T15:54:08.562717+00:00 vm rsyslogd: action 'central' suspended (module 'builtin:omfwd'), retry 0. There should be messages before this one giving the reason for suspension. [v8.2302.0 try https://www.rsyslog.com/e/2007 ]
 *   2026-12-04T15:54:08.562722+00:00 vm rsyslogd: cannot connect to 127.0.0.1:10514: Connection refused [v8.2302.0 try https://www.rsyslog.com/e/2027 ]
 *   Fri Dec  4 15:55:21 2026: central queue: origin=core.queue size=23490 enqueued=27510 full=0 discarded.full=0 discarded.nf=0 maxqsize=23490
 *
 * Every line is tested against the catalogue; one combined pattern first keeps a long log cheap.
 * A syslog `name[pid]:` prefix ties a line to a process. Lines that say a connection failed but
 * name no client are kept under client `*`: with records in a grown heap they make a queue of
 * unknown kind. Listed lines are capped per client and kind; all are counted.
 */
import type { ClientLine, ClientLines } from '../../schemas/queues.ts'
import { CLIENTS } from '../queues/index.ts'
import { sizeValue, type ClientSpec } from '../queues/types.ts'
import { splitLines } from './common.ts'

/** Past this many per client and kind, lines are counted, not listed. */
const MAX_LISTED = 20
/** A line is searched this far: the marks sit near its start. */
const SCAN = 4096

/** Phrases any program prints when a server it talks to is gone. */
export const GENERIC_DOWN =
  /Connection refused|ECONNREFUSED|Connection reset by peer|ECONNRESET|No route to host|EHOSTUNREACH|Network is unreachable|(?:failed|unable|could not|cannot) (?:to )?connect/i
// `host name[pid]: ` or `host name: ` (rsyslog's own lines have no pid); a name starts with a letter.
const SYSLOG_PREFIX = /^(?:\S+\s+){0,5}?([A-Za-z][\w./-]*)(?:\[(\d+)\])?:\s/

interface Test { client: string; kind: ClientLine['kind']; test: RegExp; limit?: string }

function testsOf(spec: ClientSpec): Test[] {
  const t: Test[] = []
  const add = (kind: ClientLine['kind'], test: RegExp | undefined, limit?: string) => test && t.push({ client: spec.id, kind, test, limit })
  add('seen', spec.seen.text)
  add('down', spec.down)
  add('full', spec.full)
  for (const s of spec.stats ?? []) add('stats', s)
  for (const l of spec.limits) add('config', l.config, l.key)
  return t
}

const TESTS: Test[] = [...CLIENTS.flatMap(testsOf), { client: '*', kind: 'down', test: GENERIC_DOWN }]
// One pattern that any line worth testing matches (named groups dropped, case folded: a superset).
const ANY = new RegExp(TESTS.map((t) => `(?:${t.test.source.replace(/\(\?<\w+>/g, '(?:')})`).join('|'), 'i')

export function looksBinary(text: string): boolean {
  return text.slice(0, 1024).includes('\u0000')
}

export function parseClientLines(text: string, file: string, pid: number | null): ClientLines {
  const out: ClientLines = { file, pid, lines: [], counts: {} }
  if (looksBinary(text)) return out
  splitLines(text).forEach((raw, index) => {
    const line = raw.length > SCAN ? raw.slice(0, SCAN) : raw
    if (!ANY.test(line)) return
    const prefix = SYSLOG_PREFIX.exec(line)
    const named = new Set<string>()
    for (const t of TESTS) {
      const m = t.test.exec(line)
      if (!m) continue
      // A client's own down line makes the generic one redundant.
      if (t.client === '*' && named.has('down')) continue
      const found = readLine(t, m)
      if (found === undefined) continue
      if (t.kind === 'down') named.add('down')
      const key = `${t.client} ${t.kind}`
      out.counts[key] = (out.counts[key] ?? 0) + 1
      const entry: ClientLine = {
        client: t.client, kind: t.kind, line: index + 1, excerpt: clean(line),
        process: prefix?.[1]?.replace(/-pstats$/, '') ?? null, pid: prefix?.[2] ? Number(prefix[2]) : null,
        ...found,
      }
      // Statistics: the latest line of each queue is what counts; other kinds: the first ones.
      const earlier = t.kind === 'stats' ? out.lines.findIndex((l) => l.kind === 'stats' && l.client === t.client && l.key === entry.key) : -1
      if (earlier >= 0) out.lines[earlier] = entry
      else if (t.kind === 'stats' ? out.lines.filter((l) => l.kind === 'stats').length < MAX_LISTED : out.counts[key]! <= MAX_LISTED) out.lines.push(entry)
    }
  })
  return out
}

/** The key and value a line carries; undefined when a config value cannot be read. */
function readLine(t: Test, m: RegExpExecArray): Pick<ClientLine, 'key' | 'value' | 'max'> | undefined {
  if (t.kind === 'config') {
    const text = m[1] ?? ''
    const value = text === 'null' ? null : sizeValue(text)
    if (value === null && text !== 'null') return undefined
    return { key: t.limit ?? null, value, max: null }
  }
  if (t.kind === 'stats') {
    const g = m.groups ?? {}
    if (g.queuedBytes !== undefined) return { key: 'bytes', value: Number(g.queuedBytes), max: null }
    return { key: g.name?.trim() ?? null, value: Number(g.queued), max: g.max !== undefined ? Number(g.max) : null }
  }
  return { key: null, value: null, max: null }
}

/** The line as evidence: control characters shown as `?`, at most 300 characters. */
const clean = (line: string) => line.replace(/[\u0000-\u001f\u007f-\u009f]/g, '?').slice(0, 300).trimEnd()
