import type { ClientSpec } from './types.ts'

/**
 * Apache Kafka's Java producer (kafka-clients; also under Spring Kafka, Kafka Connect, Logstash's
 * kafka output).
 *
 * Shows as its I/O thread `kafka-producer-network-thread | <client.id>` (thread names, jstack),
 * `kafka-clients-<version>.jar` on the class path or in open files, and its log lines.
 *
 * Limits, checked in ProducerConfig.java (`define(BUFFER_MEMORY_CONFIG, Type.LONG, 32 * 1024 *
 * 1024L, …)`, the same in 0.9 and 3.x) and the producer docs:
 *   buffer.memory        default 33554432 bytes   all records waiting to be sent, bytes only
 *   max.block.ms         default 60000            send() blocks this long when the buffer is full,
 *                                                  then fails: "Failed to allocate memory within the
 *                                                  configured max blocking time 60000 ms"
 *                                                  (BufferExhaustedException / TimeoutException)
 *   delivery.timeout.ms  default 120000           then batches expire: "Expiring N record(s) for …"
 * Server down: `Connection to node -1 (/127.0.0.1:9092) could not be established. Broker may not
 * be available.` The bound is small (32 MiB of payload): a large gap in a JVM producer is more
 * likely the application holding records while send() blocks.
 */
export const JAVA_KAFKA: ClientSpec = {
  id: 'java-kafka',
  family: 'java-kafka',
  name: 'Apache Kafka Java producer (kafka-clients)',
  seen: { text: /kafka-producer-network-thread \||kafka-clients-\d[\w.-]*\.jar|org\.apache\.kafka\.clients\.producer/ },
  down: /Connection to node -?\d+ .*could not be established\. Broker may not be available|Bootstrap broker \S+ \(id: -?\d+ rack: \S+\) disconnected/,
  full: /BufferExhaustedException|Failed to allocate memory within the configured max blocking time|Expiring \d+ record\(s\) for/,
  limits: [
    {
      key: 'buffer.memory',
      unit: 'bytes',
      default: 33554432,
      zeroIsUnbounded: false,
      atLimit: 'block',
      config: /^\s*(?:[\w.]+\.)?buffer\.memory\s*[=:]\s*(\S+)/,
    },
  ],
  fix: () => ['buffer.memory=33554432', 'max.block.ms=5000', 'delivery.timeout.ms=120000'],
  advice:
    'Catch the failed send() (BufferExhaustedException or TimeoutException) and drop or spill the record instead of holding it in the application.',
}
