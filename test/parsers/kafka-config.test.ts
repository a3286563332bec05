import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { KafkaConfig } from '../../schemas/sources.ts'
import { looksLikeKafkaConfig, parseKafkaConfig } from '../../src/parsers/kafka-config.ts'

const sample = (name: string) => readFileSync(new URL(`../fixtures/samples/${name}`, import.meta.url), 'utf8')

describe('parseKafkaConfig', () => {
  it('reads the suspect fwlog config: no queue.buffering.* keys, so the limits are null (librdkafka defaults)', () => {
    const { data, warnings } = parseKafkaConfig(sample('kafka-suspect-fwlog.properties'), 'config/fwlog.properties')
    expect(warnings).toEqual([])
    expect(KafkaConfig.parse(data)).toEqual(data)
    expect(data).toMatchObject({
      bootstrapServers: ['127.0.0.1:19092'],
      clientId: 'fwlog',
      queueBufferingMaxMessages: null,
      queueBufferingMaxKbytes: null,
      lingerMs: 5,
      messageTimeoutMs: 3600000,
    })
    expect(Object.keys(data.properties).some((key) => key.startsWith('queue.buffering.'))).toBe(false)
    expect(data.properties).toMatchObject({ acks: '1', 'statistics.interval.ms': '5000' })
  })

  it('reads the baseline fwlog config: capped at 2000 messages and 4096 kB, with the lines that say so', () => {
    const { data, warnings } = parseKafkaConfig(sample('kafka-baseline-fwlog.properties'))
    expect(warnings).toEqual([])
    expect(data.queueBufferingMaxMessages).toBe(2000)
    expect(data.queueBufferingMaxKbytes).toBe(4096)
    expect(data.lines['queue.buffering.max.messages']).toBe(8)
    expect(data.lines['queue.buffering.max.kbytes']).toBe(9)
  })

  it('accepts `key: value`, spaces around =, ! and ; comments, sections, quotes, prefixes and env names', () => {
    const text = [
      '! a comment',
      '; another',
      '[producer]',
      '',
      'metadata.broker.list : k1:9092, k2:9092',
      'rdkafka.queue.buffering.max.messages = 50000',
      'KAFKA_QUEUE_BUFFERING_MAX_KBYTES="65536"',
      'batch.num.messages=1000',
      'queue.buffering.max.ms=20',
    ].join('\n')
    const { data, warnings } = parseKafkaConfig(text)
    expect(warnings).toEqual([])
    expect(data.bootstrapServers).toEqual(['k1:9092', 'k2:9092'])
    expect(data.queueBufferingMaxMessages).toBe(50000)
    expect(data.queueBufferingMaxKbytes).toBe(65536)
    expect(data.lingerMs).toBe(20)
    expect(data.properties['batch.num.messages']).toBe('1000')
    expect(data.properties.KAFKA_QUEUE_BUFFERING_MAX_KBYTES).toBe('"65536"')
  })

  it('lets the last setting win, with a warning; of two aliases, the later one', () => {
    const { data, warnings } = parseKafkaConfig('linger.ms=5\nqueue.buffering.max.ms=50\nlinger.ms=7\nclient.id=a\nclient.id=b\n', 'c')
    expect(data.clientId).toBe('b')
    expect(data.lingerMs).toBe(7)
    expect(warnings.map((w) => [w.code, w.line])).toEqual([
      ['kafka_config_duplicate_key', 3],
      ['kafka_config_duplicate_key', 5],
    ])
  })

  it('leaves a bad limit null with a warning on its line', () => {
    const text = [
      'queue.buffering.max.messages=lots',
      `queue.buffering.max.kbytes=${'9'.repeat(30)}`,
      'message.timeout.ms=-5',
      'this is not a setting',
    ].join('\n')
    const { data, warnings } = parseKafkaConfig(text, 'c')
    expect(data).toMatchObject({ queueBufferingMaxMessages: null, queueBufferingMaxKbytes: null, messageTimeoutMs: null })
    expect(warnings.map((w) => [w.code, w.line])).toEqual([
      ['kafka_config_unknown_line', 4],
      ['kafka_config_bad_value', 1],
      ['kafka_config_value_out_of_range', 2],
      ['kafka_config_value_out_of_range', 3],
    ])
  })

  it('keeps a key named __proto__ as data', () => {
    const { data } = parseKafkaConfig('__proto__=x\nclient.id=a\n')
    expect(Object.getPrototypeOf(data.properties)).toBe(Object.prototype)
    expect(Object.hasOwn(data.properties, '__proto__')).toBe(true)
    expect(() => KafkaConfig.parse(data)).not.toThrow()
  })
})

describe('looksLikeKafkaConfig', () => {
  it('knows librdkafka configs, and not other key=value files', () => {
    expect(looksLikeKafkaConfig(sample('kafka-suspect-fwlog.properties'))).toBe(true)
    expect(looksLikeKafkaConfig(sample('kafka-baseline-fwlog.properties'))).toBe(true)
    expect(looksLikeKafkaConfig('bootstrap.servers: broker:9092\n')).toBe(true)
    expect(looksLikeKafkaConfig('PATH=/usr/bin\nHOME=/root\n')).toBe(false)
    expect(looksLikeKafkaConfig(sample('kafka-suspect-vmstat.txt'))).toBe(false)
    expect(looksLikeKafkaConfig('\u0000\u0001garbage')).toBe(false)
  })
})
