import { DEFAULT_MAX_KBYTES, DEFAULT_MAX_MESSAGES, DEFAULT_OVERHEAD_BYTES, sizedLimits } from '../rules/queue-math.ts'
import type { ClientSpec } from './types.ts'

/**
 * librdkafka (C; also under confluent-kafka-python, node-rdkafka, confluent-kafka-go).
 *
 * Shows as `librdkafka.so.1` in the mappings; its statistics JSON, config and log lines have
 * their own parsers (src/parsers/kafka-*.ts) and rule (src/rules/queue-buildup.ts): this entry
 * only names it for the catalogue and the recognition of other clients.
 *
 * Limits, checked in librdkafka CONFIGURATION.md (v2.0.2, the version of test/fixtures/kafka/):
 *   queue.buffering.max.messages  default 100000   count of messages in the producer queue
 *   queue.buffering.max.kbytes    default 1048576  payload kB (0.9-0.11 had 4000000)
 * At either limit produce() fails with RD_KAFKA_RESP_ERR__QUEUE_FULL: the caller decides (block,
 * drop, retry). Server down: `Connect to ipv4#… failed: Connection refused`, `1/1 brokers are
 * down` (ERR__ALL_BROKERS_DOWN), later `Local: Message timed out` after message.timeout.ms
 * (300000 by default). The bound: 100000 × message size, about 200 MB at 2 KB a message.
 */
export const LIBRDKAFKA: ClientSpec = {
  id: 'librdkafka',
  family: 'librdkafka',
  name: 'librdkafka',
  seen: { library: /librdkafka/ },
  limits: [
    { key: 'queue.buffering.max.messages', unit: 'messages', default: DEFAULT_MAX_MESSAGES, zeroIsUnbounded: false, atLimit: 'error' },
    { key: 'queue.buffering.max.kbytes', unit: 'bytes', default: DEFAULT_MAX_KBYTES * 1024, zeroIsUnbounded: false, atLimit: 'error' },
  ],
  fix(meanBytes) {
    const sized = sizedLimits(meanBytes ?? 1024, DEFAULT_OVERHEAD_BYTES, null)
    return [`queue.buffering.max.messages=${sized.messages}`, `queue.buffering.max.kbytes=${sized.kbytes}`]
  },
  advice: 'On QUEUE_FULL call rd_kafka_poll(), then drop or spill the record and count the drops.',
}
