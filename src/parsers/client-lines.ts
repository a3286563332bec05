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
import { type ClientSpec, sizeValue } from '../queues/types.ts'
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

export interface Test {
  client: string
  kind: ClientLine['kind']
  test: RegExp
  limit?: string
}

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

export const TESTS: Test[] = [...CLIENTS.flatMap(testsOf), { client: '*', kind: 'down', test: GENERIC_DOWN }]
/**
 * Words of which every pattern of the catalogue needs one (lower case): a line holding none is not
 * tested further. Looking for a few words with indexOf is many times faster than running ~60
 * patterns on every line of a big log; a test checks that every pattern still needs one.
 */
export const KEYWORDS = [
  'refused',
  'econn',
  'ehost',
  'unreachable',
  'connect',
  'reset by peer',
  'queue',
  'buffer',
  'suspended',
  'overlimit',
  'upstream',
  'flush',
  'kafka',
  'broker',
  'sarama',
  'franz',
  'redis',
  'nats',
  'mqtt',
  'paho',
  'mosquitto',
  'mosq_',
  'bridge',
  'rsyslog',
  'fluent',
  'storage_layer',
  'filebeat',
  'libbeat',
  'logstash',
  'elasticsearch',
  'vector::',
  'amqp',
  'pika',
  '5672',
  'opentelemetry',
  'sentry',
  'spans',
  'retries',
  'mem_buf',
  'errno',
  'disconnect',
  'publish',
  'blocked',
  'socket closed',
  'expiring',
  'dial',
  'servers available',
  'outbound',
  'pipeline.batch',
  'max_events',
  'connection',
  '[input',
  '[output',
  'maxretriesperrequest',
  'commandsqueuemaxlength',
  'natserror',
  'network is',
  'failed to allocate memory',
  'omfwd',
  'discarded',
  'bulk request',
  'being dropped',
  'socketclosed',
  'streamlost',
  'no route',
]
const ANY_KEYWORD = new RegExp(KEYWORDS.map((k) => k.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|'), 'i')

export function looksBinary(text: string): boolean {
  return text.slice(0, 1024).includes('\u0000')
}

export function parseClientLines(text: string, file: string, pid: number | null): ClientLines {
  const out: ClientLines = { file, pid, lines: [], counts: {} }
  if (looksBinary(text)) return out
  for (const [raw, number] of candidateLines(text)) readCandidate(raw.length > SCAN ? raw.slice(0, SCAN) : raw, number, out)
  return out
}

/**
 * The lines holding a keyword, with their numbers: the keywords are searched in the whole text at
 * once and only those lines are cut out (a 16 MiB log is not split into a million strings).
 * Numbers count `\n`, `\r\n` and a lone `\r` as splitLines does.
 */
function* candidateLines(text: string): Generator<[string, number]> {
  if (text.includes('\r') && !/\r\n/.test(text.slice(0, 65536))) {
    // Old Mac line ends, or mixed: the plain way.
    const lines = splitLines(text)
    for (let i = 0; i < lines.length; i++) if (ANY_KEYWORD.test(lines[i]!)) yield [lines[i]!, i + 1]
    return
  }
  const keyword = new RegExp(ANY_KEYWORD.source, 'gi')
  let number = 1
  let counted = 0
  for (let m = keyword.exec(text); m !== null; m = keyword.exec(text)) {
    const start = text.lastIndexOf('\n', m.index) + 1
    let end = text.indexOf('\n', m.index)
    if (end < 0) end = text.length
    for (let i = text.indexOf('\n', counted); i >= 0 && i < start; i = text.indexOf('\n', i + 1)) number++
    counted = start
    yield [text.slice(start, text[end - 1] === '\r' ? end - 1 : end), number]
    keyword.lastIndex = end + 1
  }
}

function readCandidate(line: string, number: number, out: ClientLines): void {
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
      client: t.client,
      kind: t.kind,
      line: number,
      excerpt: clean(line),
      process: prefix?.[1]?.replace(/-pstats$/, '') ?? null,
      pid: pidOf(prefix?.[2]),
      ...found,
    }
    // Statistics: the latest line of each queue is what counts; other kinds: the first ones.
    const earlier = t.kind === 'stats' ? out.lines.findIndex((l) => l.kind === 'stats' && l.client === t.client && l.key === entry.key) : -1
    if (earlier >= 0) out.lines[earlier] = entry
    else if (t.kind === 'stats' ? out.lines.filter((l) => l.kind === 'stats').length < MAX_LISTED : out.counts[key]! <= MAX_LISTED)
      out.lines.push(entry)
  }
}

/** The key and value a line carries; undefined when a config value cannot be read. */
function readLine(t: Test, m: RegExpExecArray): Pick<ClientLine, 'key' | 'value' | 'max'> | undefined {
  if (t.kind === 'config') {
    const text = m[1] ?? ''
    const value = text === 'null' ? null : sizeValue(text)
    if ((value === null || !Number.isFinite(value)) && text !== 'null') return undefined
    return { key: t.limit ?? null, value, max: null }
  }
  if (t.kind === 'stats') {
    const g = m.groups ?? {}
    const queued = Number(g.queuedBytes ?? g.queued)
    const max = g.max !== undefined ? Number(g.max) : null
    if (!Number.isFinite(queued) || (max !== null && !Number.isFinite(max))) return undefined // 400 digits are no count
    if (g.queuedBytes !== undefined) return { key: 'bytes', value: queued, max: null }
    return { key: g.name?.trim() ?? null, value: queued, max }
  }
  return { key: null, value: null, max: null }
}

/** The line as evidence: control characters shown as `?`, at most 300 characters. */
const clean = (line: string) =>
  line
    .replace(/[\u0000-\u001f\u007f-\u009f]/g, '?')
    .slice(0, 300)
    .trimEnd()

/** A PID as Linux has them (below 2^22); anything else is not one. */
function pidOf(text: string | undefined): number | null {
  const pid = text === undefined ? NaN : Number(text)
  return Number.isSafeInteger(pid) && pid > 0 && pid < 1 << 22 ? pid : null
}
