import { describe, expect, it } from 'vitest'
import { diagnoseFixtures } from '../helpers/diagnose.ts'

// Figures from test/fixtures/kafka/README.md and test/fixtures/seed/README.md.

describe('queue-buildup: the kafka capture (librdkafka 2.0.2, broker unreachable)', async () => {
  const d = await diagnoseFixtures('kafka/baseline.tar.gz', 'kafka/suspect.tar.gz')
  const queues = d.findings.filter((f) => f.kind === 'queue-buildup')

  it('finds a queue in each of the three producers, and nowhere else', () => {
    expect(queues.map((f) => f.process).sort()).toEqual(['auditd', 'fwlog', 'logsd'])
    expect(d.findings.filter((f) => f.process === 'ad_appd')).toEqual([])
    expect(d.findings.some((f) => f.kind === 'heap-growth')).toBe(false)
  })

  it('reads the limits from the config (defaults: no queue.buffering keys), the queue from the statistics', () => {
    for (const f of queues) {
      expect(f.queue).toMatchObject({
        library: 'librdkafka',
        libraryVersion: '2.0.2',
        maxMessages: 100000,
        maxMessagesSource: 'default',
        maxKbytes: 1048576,
        maxKbytesSource: 'default',
        queuedMessages: 100000,
        queuedSource: 'statistics',
        fill: 1,
        brokerDown: true,
        meanMessageSource: 'statistics',
      })
      expect(f.queue!.brokers).toEqual([{ name: '127.0.0.1:19092/bootstrap', state: 'INIT' }])
    }
    const fwlog = queues.find((f) => f.process === 'fwlog')!
    // The same figures in the field every queue finding has, whatever its client.
    expect(fwlog.client).toMatchObject({
      family: 'librdkafka',
      client: 'librdkafka 2.0.2',
      bounded: true,
      queuedMessages: 100000,
      fill: 1,
      serverDown: true,
      limits: [
        { key: 'queue.buffering.max.messages', value: 100000, unit: 'messages', source: 'default', atLimit: 'error' },
        { key: 'queue.buffering.max.kbytes', value: 1048576 * 1024, unit: 'bytes', source: 'default', atLimit: 'error' },
      ],
    })
    expect(fwlog.queue!.meanMessageBytes).toBe(Math.round(104319233 / 100000))
    // The README measured about 270 B of overhead per message; the rule measures it from growth.
    expect(fwlog.queue!.overheadBytes).toBeGreaterThan(150)
    expect(fwlog.queue!.overheadBytes).toBeLessThan(400)
  })

  it("observes each producer's rate from how long its queue took to fill", () => {
    const rates = Object.fromEntries(queues.map((f) => [f.process, f.queue!.ratePerSecond]))
    // fwlog 3000 msg/s, logsd 2000, auditd 1200 (the capture's own settings)
    expect(rates.fwlog).toBeGreaterThan(2700)
    expect(rates.fwlog).toBeLessThan(3300)
    expect(rates.logsd).toBeGreaterThan(1800)
    expect(rates.logsd).toBeLessThan(2200)
    expect(rates.auditd).toBeGreaterThan(1080)
    expect(rates.auditd).toBeLessThan(1320)
  })

  it('recommends exact config lines that bound the queue below what it holds now', () => {
    for (const f of queues) {
      expect(f.configLines).toHaveLength(2)
      const [messages, kbytes] = f.configLines.map((l) => Number(l.split('=')[1]))
      expect(f.configLines[0]).toMatch(/^queue\.buffering\.max\.messages=\d+$/)
      expect(f.configLines[1]).toMatch(/^queue\.buffering\.max\.kbytes=\d+$/)
      expect(messages! * (f.queue!.meanMessageBytes! + f.queue!.overheadBytes)).toBeLessThan(f.queue!.boundKib! * 1024)
      expect(kbytes).toBeLessThan(1048576)
      expect(f.recommendation).toContain(f.configLines[0])
      expect(f.recommendation).toMatch(/s of broker outage at the observed \d+ msg\/s/)
      expect(f.recommendation).toMatch(/QUEUE_FULL/)
    }
  })

  it('proves each claim: statistics, library mapping, log lines, the dump, the capped baseline', () => {
    const fwlog = queues.find((f) => f.process === 'fwlog')!
    const files = fwlog.evidence.map((e) => `${e.bundle}:${e.file}`)
    expect(files).toEqual(
      expect.arrayContaining([
        'suspect:kafka-stats/fwlog.json',
        'suspect:pmap/5.txt',
        'suspect:logs/fwlog.log',
        'suspect:dumps/5-7f2250000000-7f2254000000.bin',
        'baseline:config/fwlog.properties',
      ]),
    )
    expect(fwlog.evidence.find((e) => e.file === 'pmap/5.txt')!.excerpt).toContain('librdkafka.so.1')
    expect(fwlog.evidence.find((e) => e.file === 'logs/fwlog.log' && /Queue full/.test(e.excerpt))!.line).toBe(12)
    expect(fwlog.evidence.find((e) => e.bundle === 'baseline' && e.file === 'config/fwlog.properties')).toMatchObject({
      line: 8,
      excerpt: 'queue.buffering.max.messages … 2000',
    })
    expect(fwlog.confidence).toBeGreaterThan(0.9)
    expect(fwlog.queue!.missing).toEqual([])
  })

  it('writes the summary from the findings', () => {
    expect(d.summary).toMatch(/fwlog: a librdkafka producer queue is building up while the broker is down/)
    expect(d.summary).toMatch(/queue\.buffering\.max\.messages=\d+/)
  })
})

describe('queue-buildup: the seed incident (records in the heap, no client evidence)', async () => {
  const d = await diagnoseFixtures('seed/sta-49.tar.gz', 'seed/sta-18.tar.gz')

  it("still finds fwlog's queue, with lower confidence, saying what evidence is missing", () => {
    const fwlog = d.findings.find((f) => f.kind === 'queue-buildup' && f.process === 'fwlog')!
    expect(fwlog).toBeDefined()
    expect(fwlog.confidence).toBeLessThanOrEqual(0.5)
    expect(fwlog.queue!.maxMessagesSource).toBe('default')
    expect(fwlog.queue!.meanMessageSource).toBe('dump')
    expect(fwlog.queue!.missing.join(' ')).toMatch(/statistics/)
    expect(fwlog.queue!.missing.join(' ')).toMatch(/mappings/)
    expect(fwlog.evidence.map((e) => e.file)).toContain('dumps/fwlog-7f21b8000000-7f21bbfff000.strings.txt')
    expect(fwlog.evidence.find((e) => e.file.startsWith('dumps/'))!.note).toMatch(/LogType: netflow 1, waf 0\+1 cut short/)
    expect(fwlog.configLines.join('\n')).toMatch(/queue\.buffering\.max\.kbytes=\d+/)
  })

  it('does not call auditd or logsd queues without evidence', () => {
    for (const name of ['auditd', 'logsd']) {
      const f = d.findings.find((x) => x.process === name)!
      expect(f.kind).toBe('heap-growth')
      expect(f.confidence).toBeLessThan(0.5)
      expect(f.detail).toMatch(/cannot be told from a queue/)
    }
  })
})

describe('queue-buildup: one bundle alone', () => {
  it('flags the producers of the suspect capture without a baseline', async () => {
    const d = await diagnoseFixtures(null, 'kafka/suspect.tar.gz')
    expect(d.baseline).toBeNull()
    expect(d.gap).toBeNull()
    expect(d.warnings.map((w) => w.code)).toContain('no_baseline')
    expect(
      d.findings
        .filter((f) => f.kind === 'queue-buildup')
        .map((f) => f.process)
        .sort(),
    ).toEqual(['auditd', 'fwlog', 'logsd'])
  })

  it('does not flag the baseline capture, whose queues are capped at 2000 messages', async () => {
    const d = await diagnoseFixtures(null, 'kafka/baseline.tar.gz')
    expect(d.findings.filter((f) => f.kind === 'queue-buildup')).toEqual([])
  })
})
