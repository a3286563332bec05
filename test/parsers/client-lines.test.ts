import { describe, expect, it } from 'vitest'
import { KEYWORDS, parseClientLines, TESTS } from '../../src/parsers/client-lines.ts'

// The samples quoted at the top of src/parsers/client-lines.ts and open-files.ts (real captures).
const SYSLOG = [
  "2026-12-04T15:54:08.562717+00:00 vm rsyslogd: action 'central' suspended (module 'builtin:omfwd'), retry 0. There should be messages before this one giving the reason for suspension. [v8.2302.0 try https://www.rsyslog.com/e/2007 ]",
  '2026-12-04T15:54:08.562722+00:00 vm rsyslogd: cannot connect to 127.0.0.1:10514: Connection refused [v8.2302.0 try https://www.rsyslog.com/e/2027 ]',
  'Fri Dec  4 15:55:21 2026: central queue: origin=core.queue size=23490 enqueued=27510 full=0 discarded.full=0 discarded.nf=0 maxqsize=23490',
].join('\n')

describe('client lines', () => {
  it("reads rsyslog's suspension, its refused connection and its queue statistics, with the program that printed them", () => {
    const { lines } = parseClientLines(SYSLOG, 'logs/var/log/syslog', null)
    expect(lines.map((l) => [l.client, l.kind, l.line])).toEqual([
      ['rsyslog', 'down', 1],
      ['rsyslog', 'down', 2],
      ['rsyslog', 'seen', 3],
      ['rsyslog', 'stats', 3],
    ])
    expect(lines[0]).toMatchObject({ process: 'rsyslogd', pid: null })
    expect(lines[3]).toMatchObject({ key: 'central queue', value: 23490, max: 23490, process: null })
  })

  it('keeps a connection failure that names no client under `*`, and the latest statistics of each queue', () => {
    const text =
      'app[12]: connect ECONNREFUSED 10.0.0.5:7000\n' +
      'Fri: main Q: origin=core.queue size=5 enqueued=5 full=0 maxqsize=5\nFri: main Q: origin=core.queue size=9 enqueued=9 full=0 maxqsize=9\n'
    const { lines, counts } = parseClientLines(text, 'x.log', null)
    expect(lines.find((l) => l.client === '*')).toMatchObject({ kind: 'down', process: 'app', pid: 12, line: 1 })
    expect(lines.filter((l) => l.kind === 'stats')).toMatchObject([{ key: 'main Q', value: 9, line: 3 }])
    expect(counts['rsyslog stats']).toBe(2)
  })

  it('reads limits as set, with their units, and ignores binary files', () => {
    const { lines } = parseClientLines('[INPUT]\n    Mem_Buf_Limit 5MB\nmax_queued_messages 0\n', 'fluent-bit.conf', null)
    expect(lines.filter((l) => l.kind === 'config').map((l) => [l.client, l.key, l.value])).toEqual([
      ['fluent-bit', 'Mem_Buf_Limit', 5 * 1024 * 1024],
      ['mosquitto-bridge', 'max_queued_messages', 0],
    ])
    expect(parseClientLines('\u0000\u0001 Connection refused', 'x.bin', null).lines).toEqual([])
    const huge = '9'.repeat(400)
    const read = parseClientLines(
      `Mem_Buf_Limit ${huge}\nx: main Q: origin=core.queue size=${huge} maxqsize=1\napp[${huge}]: Connection refused\n`,
      'x',
      null,
    )
    expect(read.lines.map((l) => [l.kind, l.value, l.pid])).toEqual([
      ['seen', null, null],
      ['down', null, null],
    ])
  })

  it('numbers lines as splitLines does, whatever the line ends', () => {
    for (const end of ['\n', '\r\n', '\r']) {
      const { lines } = parseClientLines(['ok', 'fine', 'x: Connection refused', 'ok', 'y: Connection refused'].join(end), 'x.log', null)
      expect(lines.map((l) => [l.line, l.excerpt])).toEqual([
        [3, 'x: Connection refused'],
        [5, 'y: Connection refused'],
      ])
    }
  })

  it('caps listed lines and counts them all', () => {
    const text = Array.from({ length: 500 }, () => 'x: Connection refused').join('\n')
    const r = parseClientLines(text, 'x.log', null)
    expect(r.lines.length).toBe(20)
    expect(r.counts['* down']).toBe(500)
  })
})

describe('the keyword filter in front of the patterns', () => {
  /** The top-level alternatives of a pattern's source. */
  function alternatives(source: string): string[] {
    const out: string[] = []
    let depth = 0
    let from = 0
    for (let i = 0; i < source.length; i++) {
      const c = source[i]
      if (c === '\\') i++
      else if (c === '(' || c === '[') depth++
      else if (c === ')' || c === ']') depth--
      else if (c === '|' && depth === 0) [out[out.length], from] = [source.slice(from, i), i + 1]
    }
    return [...out, source.slice(from)]
  }

  it('lets through every line a pattern of the catalogue can match: each alternative needs a keyword', () => {
    for (const t of TESTS) {
      for (const alt of alternatives(t.test.source)) {
        const literal = alt.replace(/\\(.)/g, '$1').toLowerCase()
        expect(
          KEYWORDS.some((k) => literal.includes(k)),
          `${t.client} ${t.kind}: ${alt}`,
        ).toBe(true)
      }
    }
  })
})
