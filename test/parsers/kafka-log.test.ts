import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { KafkaLog } from '../../schemas/sources.ts'
import { looksLikeKafkaLog, parseKafkaLog } from '../../src/parsers/kafka-log.ts'

const sample = (name: string) => readFileSync(new URL(`../fixtures/samples/${name}`, import.meta.url), 'utf8')
const suspect = sample('kafka-suspect-fwlog.log')
const first = (log: KafkaLog, kind: string) => log.events.find((e) => e.kind === kind)

describe('parseKafkaLog', () => {
  it('counts the suspect fwlog trouble: connection refused, all brokers down, queue full', () => {
    const { data, warnings } = parseKafkaLog(suspect, 'logs/fwlog.log')
    expect(warnings).toEqual([])
    expect(KafkaLog.parse(data)).toEqual(data)
    expect(data.counts).toMatchObject({ 'connection-refused': 12, 'all-brokers-down': 1, 'queue-full': 12, 'message-timed-out': 0 })
    expect(Object.values(data.counts).reduce((a, b) => a + b, 0)).toBe(25)
    expect(data.events).toHaveLength(25)
    expect([2, 4, 12].map((line) => data.events.find((e) => e.line === line)?.kind)).toEqual([
      'connection-refused',
      'all-brokers-down',
      'queue-full',
    ])
    expect(first(data, 'queue-full')).toEqual({
      line: 12,
      time: '2026-11-27T09:52:00.772',
      kind: 'queue-full',
      process: 'fwlog',
      pid: 5,
      excerpt:
        '2026-11-27T09:52:00.772 WARN fwlog[5]: produce() failed: Local: Queue full (QUEUE_FULL); dropping record (queue has 100000 messages)',
    })
    expect(data.firstTime).toBe('2026-11-27T09:51:27.442')
    expect(data.lastTime).toBe('2026-11-27T09:53:50.772')
    expect(data.libraryVersion).toBe('2.0.2')
  })

  it("reads librdkafka's own logger, syslog and Python, and other librdkafka errors", () => {
    const text = [
      '%3|1732700000.123|FAIL|rdkafka#producer-1| [thrd:kafka1:9092/bootstrap]: kafka1:9092/bootstrap: Connect to ipv4#10.0.0.5:9092 failed: Connection refused (after 0ms in state CONNECT)',
      '%3|1732700000.124|ERROR|rdkafka#producer-1| [thrd:app]: rdkafka#producer-1: 1/1 brokers are down',
      'Nov 27 09:51:27 sta-18 fwlog[2207]: delivery failed: Local: Message timed out',
      'BufferError: Local: Queue full',
      '%4|1732700001.000|REQTMOUT|rdkafka#producer-1| [thrd:kafka1:9092/1]: kafka1:9092/1: Timed out 3 in-flight, 0 retry-queued, 0 out-queue, 0 partially-sent requests',
      "%3|1732700002.000|FAIL|rdkafka#producer-1| [thrd:kafka9:9092/bootstrap]: kafka9:9092/bootstrap: Failed to resolve 'kafka9:9092': Name or service not known",
      '%3|1732700003.000|FAIL|rdkafka#producer-1| [thrd:kafka1:9092/1]: kafka1:9092/1: Disconnected (after 60012ms in state UP)',
      'KafkaError{code=MSG_SIZE_TOO_LARGE,val=10,str="Broker: Message size too large"}',
      'librdkafka version: 1.9.2 (0x10902ff)',
    ].join('\n')
    const { data } = parseKafkaLog(text)
    expect(data.events.map((e) => [e.line, e.kind])).toEqual([
      [1, 'connection-refused'],
      [2, 'all-brokers-down'],
      [3, 'message-timed-out'],
      [4, 'queue-full'],
      [5, 'request-timed-out'],
      [6, 'name-resolution'],
      [7, 'broker-transport'],
      [8, 'message-too-large'],
    ])
    expect(data.events[0]!.time).toBe('1732700000.123')
    expect(data.events[2]).toMatchObject({ time: 'Nov 27 09:51:27', process: 'fwlog', pid: 2207 })
    expect(data.events[3]).toMatchObject({ time: null, process: null, pid: null })
    expect(data.libraryVersion).toBe('1.9.2')
  })

  it('does not count what any program may print unless the line names Kafka', () => {
    const text = [
      '2026-11-27 09:00:00 nginx[12]: connect() failed (111: Connection refused) while connecting to upstream',
      '2026-11-27 09:00:01 app[13]: queue full, dropping',
      '2026-11-27 09:00:02 app[13]: kafka producer: queue full, dropping',
    ].join('\n')
    const { data } = parseKafkaLog(text)
    expect(data.events.map((e) => [e.line, e.kind])).toEqual([[3, 'queue-full']])
    expect(data.counts['connection-refused']).toBe(0)
  })

  it('gives every kind a count, zero when absent, and no warnings for other lines', () => {
    const { data, warnings } = parseKafkaLog('hello\nworld\n')
    expect(Object.values(data.counts).every((n) => n === 0)).toBe(true)
    expect(data).toMatchObject({ events: [], firstTime: null, lastTime: null, libraryVersion: null })
    expect(warnings).toEqual([])
  })

  it('counts past the event cap, lists only the first ones, and says so once', () => {
    const { data, warnings } = parseKafkaLog('BufferError: Local: Queue full\n'.repeat(2500), 'l')
    expect(data.counts['queue-full']).toBe(2500)
    expect(data.events).toHaveLength(2000)
    expect(warnings.map((w) => [w.code, w.line])).toEqual([['kafka_log_events_capped', 2001]])
  })

  it('trims an excerpt to 300 characters and masks control characters', () => {
    const { data } = parseKafkaLog(`Local: Queue full \u0000${'x'.repeat(1000)}`)
    expect(data.events[0]!.excerpt).toHaveLength(300)
    expect(data.events[0]!.excerpt).not.toContain('\u0000')
  })
})

describe('looksLikeKafkaLog', () => {
  it("knows a log with librdkafka's trouble", () => {
    expect(looksLikeKafkaLog(suspect)).toBe(true)
    expect(looksLikeKafkaLog(sample('dmesg-boot.txt'))).toBe(false)
    expect(looksLikeKafkaLog('\u0000\u0001garbage')).toBe(false)
  })
})
