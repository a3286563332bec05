import { describe, expect, it } from 'vitest'
import type { Diagnosis } from '../../schemas/diagnosis.ts'
import { diagnoseParsed, parsedBytes } from '../helpers/diagnose.ts'
import { tarGz } from '../helpers/tar.ts'

// queue-buildup beyond librdkafka, on bundles built here from small files: one program that grew
// by 200 MiB, and what the bundle shows of its client. The lines are the clients' own wording
// (see each module of src/queues/); the real captures are in queues-captures.test.ts.

const GROWTH_KIB = 200 * 1024

function meminfo(anonKib: number): string {
  const avail = 3_000_000 - anonKib
  return (
    `MemTotal: 4000000 kB\nMemFree: ${avail - 200000} kB\nMemAvailable: ${avail} kB\nCached: 200000 kB\n` +
    `Active(anon): ${anonKib} kB\nInactive(anon): 100000 kB\nAnonPages: ${anonKib + 100000} kB\nShmem: 8000 kB\n` +
    `Slab: 50000 kB\nSReclaimable: 30000 kB\nSUnreclaim: 20000 kB\nKernelStack: 2000 kB\nPageTables: 5000 kB\n`
  )
}

function ps(rssKib: number, comm: string, args: string): string {
  return `  PID  PPID   RSS    VSZ COMMAND  COMMAND\n   40     1 ${rssKib} ${rssKib * 2} ${comm} ${args}\n    7     1 50000 90000 steady /usr/bin/steady\n`
}

/** A dump of JSON messages, 300 B each, between allocator bytes: what a heap of queued records looks like. */
function recordsDump(count = 3000): string {
  const parts: string[] = []
  for (let i = 0; i < count; i++) parts.push(`{"order":${100000 + i},"sku":"sku-${i % 97}","qty":${i % 5},"note":"${'x'.repeat(220)}"}`)
  return parts.join('\u0000\u0000\u0011\u0000\u0000\u0000\u0000\u0000')
}

interface Side {
  comm: string
  args: string
  files?: Record<string, string>
  dump?: boolean
}

async function diagnosePair(side: Side): Promise<Diagnosis> {
  const bundle = (grown: boolean) =>
    parsedBytes(
      tarGz([
        { name: 'proc/meminfo', body: meminfo(grown ? 400000 + GROWTH_KIB : 400000) },
        { name: 'ps.txt', body: ps(grown ? 60000 + GROWTH_KIB : 60000, side.comm, side.args) },
        ...(grown ? Object.entries(side.files ?? {}).map(([name, body]) => ({ name, body })) : []),
        ...(grown && side.dump ? [{ name: 'dumps/40-7f0000000000-7f0000400000.bin', body: recordsDump() }] : []),
      ]),
    )
  return diagnoseParsed(await bundle(false), await bundle(true))
}

const queueOf = (d: Diagnosis) => d.findings.filter((f) => f.kind === 'queue-buildup')

describe('queue-buildup of a client other than librdkafka', () => {
  it('names ioredis, its unbounded offline queue (a default) and its fix in JavaScript', async () => {
    const d = await diagnosePair({
      comm: 'node',
      args: 'node /srv/order-events/index.js',
      files: {
        'proc/40/fd.txt': 'FD TARGET\ncwd /srv/order-events\nexe /usr/bin/node\n1 /srv/order-events/app.log\n',
        'logs/srv/order-events/app.log':
          'started\n[ioredis] Unhandled error event: Error: connect ECONNREFUSED 127.0.0.1:6379\n' +
          '[ioredis] Unhandled error event: Error: connect ECONNREFUSED 127.0.0.1:6379\n',
      },
      dump: true,
    })
    const [f] = queueOf(d)
    expect(f).toMatchObject({ process: 'index.js', client: { family: 'redis', client: 'ioredis', bounded: false, serverDown: true } })
    expect(f!.client!.limits[0]).toMatchObject({ key: 'offline queue', value: null, source: 'default' })
    expect(f!.client!.limits[1]).toMatchObject({ key: 'maxRetriesPerRequest', value: 20, source: 'default' })
    expect(f!.evidence.find((e) => e.file === 'logs/srv/order-events/app.log')).toMatchObject({ line: 2 })
    expect(f!.configLines).toEqual(['new Redis({ enableOfflineQueue: false, maxRetriesPerRequest: 3 })'])
    expect(f!.detail).toMatch(/Nothing in effect bounds the queue/)
    expect(d.summary).toMatch(
      /index\.js: its ioredis queue is building up while its server is unreachable \([^)]*no limit\); set new Redis\(\{ enableOfflineQueue: false/,
    )
    expect(d.findings.some((x) => x.process === 'steady')).toBe(false)
  })

  it('reads a configured limit over the default, with its unit (Fluent Bit Mem_Buf_Limit 512MB)', async () => {
    const d = await diagnosePair({
      comm: 'fluent-bit',
      args: '/opt/fluent-bit/bin/fluent-bit -c /etc/fluent-bit/fluent-bit.conf',
      files: {
        'config/etc/fluent-bit/fluent-bit.conf': '[INPUT]\n    Name tail\n    Mem_Buf_Limit 512MB\n',
        'logs/var/log/fluent-bit.log': '[2026/12/04 10:00:00] [error] [output:forward:forward.0] no upstream connections available\n',
      },
    })
    const [f] = queueOf(d)
    expect(f!.client).toMatchObject({ family: 'fluent-bit', bounded: true, boundKib: 512 * 1024 })
    expect(f!.client!.limits).toEqual([
      { key: 'Mem_Buf_Limit', value: 512 * 1024 * 1024, unit: 'bytes', source: 'config', atLimit: 'pause' },
    ])
    expect(f!.client!.fill).toBeCloseTo(200 / 512, 2)
    expect(f!.configLines).toContain('    Mem_Buf_Limit     32MB')
  })

  it('finds the Java producer by its thread name, bounded by buffer.memory (32 MiB by default)', async () => {
    const d = await diagnosePair({
      comm: 'java',
      args: 'java -jar /opt/billing/billing.jar',
      files: {
        'proc/40/threads.txt': 'TID NAME\n40 java\n55 kafka-producer-network-thread | billing\n',
        'logs/opt/billing/billing.log':
          'WARN [Producer clientId=billing] Connection to node -1 (/127.0.0.1:9092) could not be established. Broker may not be available.\n',
        'proc/40/fd.txt': 'FD TARGET\ncwd /opt/billing\n',
      },
    })
    const [f] = queueOf(d)
    expect(f!.client).toMatchObject({ family: 'java-kafka', bounded: true, boundKib: 32768, serverDown: true })
    expect(f!.client!.limits[0]).toMatchObject({ key: 'buffer.memory', value: 33554432, source: 'default', atLimit: 'block' })
    expect(f!.evidence.some((e) => e.file === 'proc/40/threads.txt' && e.line === 3)).toBe(true)
    expect(f!.configLines).toContain('buffer.memory=33554432')
  })
})

describe("what is not a known client's queue", () => {
  const failing = {
    'proc/40/fd.txt': 'FD TARGET\ncwd /srv/exporter\n',
    'logs/srv/exporter/exporter.log': 'error: connect ECONNREFUSED 10.0.0.5:7000 (retrying)\n',
  }

  it('records and a failing connection without a client: a queue of unknown kind, naming no client', async () => {
    const d = await diagnosePair({ comm: 'exporter', args: '/srv/exporter/exporter', files: failing, dump: true })
    const [f] = queueOf(d)
    expect(f!.client).toMatchObject({ family: 'unknown', client: null, limits: [], serverDown: true })
    expect(f!.confidence).toBeLessThanOrEqual(0.45)
    expect(f!.configLines).toEqual([])
    expect(`${f!.title} ${f!.detail}`).not.toMatch(/kafka|redis|mqtt|nats|rsyslog/i)
    expect(f!.client!.missing.join(' ')).toMatch(/thread names/)
    expect(f!.evidence.find((e) => e.file === 'logs/srv/exporter/exporter.log')).toMatchObject({ line: 1 })
  })

  it('a failing connection without records in a dump is no queue', async () => {
    const d = await diagnosePair({ comm: 'exporter', args: '/srv/exporter/exporter', files: failing })
    expect(queueOf(d)).toEqual([])
    expect(d.findings.find((f) => f.process === 'exporter')!.kind).toBe('heap-growth')
  })

  it('a client that drops at a small bound is present, not the cause (nats.go, 8 MiB)', async () => {
    const d = await diagnosePair({
      comm: 'telemetry',
      args: '/usr/local/bin/telemetry',
      files: {
        'proc/40/fd.txt': 'FD TARGET\ncwd /srv/telemetry\n',
        'logs/srv/telemetry/telemetry.log':
          'panic trace: github.com/nats-io/nats.go.(*Conn).publish\nnats: no servers available for connection\nnats: outbound buffer limit exceeded\n',
      },
    })
    expect(queueOf(d)).toEqual([])
    const growth = d.findings.find((f) => f.process === 'telemetry')!
    expect(growth.kind).toBe('heap-growth')
    expect(growth.detail).toMatch(/nats\.go is present in telemetry but is not the cause: it errors at ReconnectBufSize=8388608/)
  })

  it('a client whose statistics show an empty queue is not the cause (rsyslog impstats size=0)', async () => {
    const d = await diagnosePair({
      comm: 'rsyslogd',
      args: 'rsyslogd -n',
      files: {
        'stats/var/log/rsyslog-stats.log':
          'Fri Dec  4 15:55:21 2026: main Q: origin=core.queue size=0 enqueued=27550 full=0 discarded.full=0 discarded.nf=0 maxqsize=50\n',
        'logs/var/log/syslog': '2026-12-04T15:54:08 vm rsyslogd: cannot connect to 127.0.0.1:10514: Connection refused\n',
      },
    })
    expect(queueOf(d)).toEqual([])
    expect(d.findings.find((f) => f.process === 'rsyslogd')!.detail).toMatch(
      /rsyslog is present in rsyslogd but is not the cause: its statistics show an empty queue/,
    )
  })
})
