import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { KafkaStats } from '../../schemas/sources.ts'
import { looksLikeKafkaStats, parseKafkaStats } from '../../src/parsers/kafka-stats.ts'

const sample = (name: string) => readFileSync(new URL(`../fixtures/samples/${name}`, import.meta.url), 'utf8')
const suspect = sample('kafka-suspect-fwlog-stats.json')

describe('parseKafkaStats', () => {
  it('reads the suspect fwlog statistics: the queue is full (msg_cnt = msg_max), the broker never came up', () => {
    const { data, warnings } = parseKafkaStats(suspect, 'kafka-stats/fwlog.json')
    expect(warnings).toEqual([])
    expect(KafkaStats.parse(data)).toEqual(data)
    expect(data.samples).toHaveLength(1)
    const s = data.samples[0]!
    expect(s).toMatchObject({
      line: 1,
      name: 'fwlog#producer-1',
      clientId: 'fwlog',
      type: 'producer',
      ts: 1879664108,
      time: 1795773237,
      age: 150004946,
      msgCnt: 100000,
      msgMax: 100000,
      msgSize: 104319233,
      msgSizeMax: 1073741824,
      txmsgs: 0,
      txmsgBytes: 0,
    })
    expect(s.msgCnt).toBe(s.msgMax)
    expect(s.brokers).toEqual([
      {
        name: '127.0.0.1:19092/bootstrap',
        nodeid: -1,
        state: 'INIT',
        stateage: 989986,
        connects: 150,
        disconnects: 0,
        tx: 0,
        txerrs: 0,
        reqTimeouts: 0,
        outbufMsgCnt: 0,
        waitrespMsgCnt: 0,
      },
    ])
    // The messages wait in the unassigned partition (-1) of each topic.
    expect(s.topics).toEqual([
      { topic: 'waf', msgqCnt: 39910, msgqBytes: 64183184, txmsgs: 0 },
      { topic: 'netflow', msgqCnt: 60090, msgqBytes: 40136049, txmsgs: 0 },
    ])
    expect(s.topics.reduce((sum, t) => sum + t.msgqCnt, 0)).toBe(s.msgCnt)
  })

  it('reads the baseline: capped at 2000 messages and 4 MiB', () => {
    const { data, warnings } = parseKafkaStats(sample('kafka-baseline-fwlog-stats.json'))
    expect(warnings).toEqual([])
    expect(data.samples[0]).toMatchObject({ msgCnt: 2000, msgMax: 2000, msgSize: 2106028, msgSizeMax: 4194304, txmsgs: 0 })
  })

  it('reads a log of statistics, one object a line, in order: the latest last', () => {
    const later = suspect
      .replace('"ts":1879664108', '"ts":1884664108')
      .replace('"txmsgs":0, "txmsg_bytes":0', '"txmsgs":12, "txmsg_bytes":9000')
    const text = `${suspect}\n${later}\n`
    const { data, warnings } = parseKafkaStats(text)
    expect(warnings).toEqual([])
    expect(data.samples.map((s) => [s.line, s.ts, s.txmsgs])).toEqual([
      [1, 1879664108, 0],
      [2, 1884664108, 12],
    ])
  })

  it('reads pretty-printed objects, arrays of them, and objects after a log prefix', () => {
    const one = { name: 'p#producer-1', msg_cnt: 5, msg_max: 10, brokers: { b: { name: 'b:9092/1', state: 'UP', nodeid: 1 } } }
    const text = [
      JSON.stringify(one, null, 2),
      JSON.stringify([
        { ...one, msg_cnt: 6 },
        { ...one, msg_cnt: 7 },
      ]),
      `2026-11-27T09:51:27 INFO stats: ${JSON.stringify({ ...one, msg_cnt: 8, note: 'a } and a { in a string' })}`,
    ].join('\n')
    const { data, warnings } = parseKafkaStats(text)
    expect(warnings).toEqual([])
    expect(data.samples.map((s) => s.msgCnt)).toEqual([5, 6, 7, 8])
    expect(data.samples[0]!.brokers[0]).toMatchObject({ name: 'b:9092/1', state: 'UP', nodeid: 1, connects: null })
    expect(data.samples[3]!.line).toBe(14)
  })

  it('skips truncated, invalid and foreign objects with a warning, and reads what follows', () => {
    const text = [
      '{"msg_cnt": 1, "brokers": {"b": {"state": "UP"',
      '{"msg_cnt": 2, "name": "cut inside a str',
      '{"msg_cnt": 3, }',
      '{"hello": "world"}',
      `{"msg_cnt": ${'9'.repeat(40)}, "msg_max": 1.5, "type": 7, "brokers": []}`,
      '{"msg_cnt": 4, "brokers": {}}',
      '{"msg_cnt": 5',
    ].join('\n')
    const { data, warnings } = parseKafkaStats(text, 's.json')
    expect(data.samples.map((s) => [s.line, s.msgCnt, s.msgMax, s.type])).toEqual([
      [5, null, null, null],
      [6, 4, null, null],
    ])
    expect(warnings.map((w) => [w.code, w.line])).toEqual([
      ['kafka_stats_truncated', 1],
      ['kafka_stats_truncated', 2],
      ['kafka_stats_bad_json', 3],
      ['kafka_stats_not_stats', 4],
      ['kafka_stats_bad_value', 5],
      ['kafka_stats_truncated', 7],
    ])
  })
})

describe('looksLikeKafkaStats', () => {
  it('knows librdkafka statistics, and not other JSON', () => {
    expect(looksLikeKafkaStats(suspect)).toBe(true)
    expect(looksLikeKafkaStats(sample('kafka-baseline-fwlog-stats.json'))).toBe(true)
    expect(looksLikeKafkaStats(sample('kafka-suspect-manifest.json'))).toBe(false)
    expect(looksLikeKafkaStats('\u0000\u0001garbage')).toBe(false)
  })
})
