import { type ClientSpec, FIX_BUDGET_BYTES, messagesFor } from './types.ts'

/**
 * Go Kafka producers: sarama (IBM/sarama, formerly Shopify/sarama), franz-go (twmb/franz-go,
 * package kgo) and kafka-go (segmentio/kafka-go).
 *
 * Go binaries are static: no library in the mappings. They show by their module paths, which
 * every Go binary carries as strings (`github.com/IBM/sarama`), in `strings` of the binary or a
 * dump, in panics and stack traces, and by their log lines.
 *
 * Limits (checked where said):
 * - sarama: Producer.Retry.MaxBufferLength and MaxBufferBytes, 0 by default, which means no limit
 *   on the retry buffer that holds messages while a broker is unreachable (sarama's config.go
 *   comments; the default `= 0` quoted in the search tool's copy of a sarama wrapper, not in
 *   sarama's own NewConfig: unverified there). Server down: `kafka: client has run out of
 *   available brokers to talk to`.
 * - franz-go: kgo.MaxBufferedRecords default 10000 records (Produce blocks at the limit, or fails
 *   with ErrMaxBuffered when ProduceSync/TryProduce), MaxBufferedBytes default 0 = unbounded
 *   (kgo config.go: `maxBufferedRecords: 10000`; the figure seen in several wrappers, not in the
 *   file itself). Server down: `unable to open connection to broker`.
 * - kafka-go: Writer{Async: true} returns at once and keeps every message in memory until it is
 *   written: no limit (BatchSize 100 and BatchBytes 1048576 size a batch, not the backlog).
 */
export const SARAMA: ClientSpec = {
  id: 'sarama',
  family: 'go-kafka',
  name: 'sarama (Go)',
  seen: { text: /github\.com\/(?:IBM|Shopify)\/sarama/ },
  down: /kafka: client has run out of available brokers|\[sarama\].*(?:connection refused|i\/o timeout)/,
  limits: [
    { key: 'Producer.Retry.MaxBufferLength', unit: 'messages', default: null, zeroIsUnbounded: true, atLimit: 'drop' },
    { key: 'Producer.Retry.MaxBufferBytes', unit: 'bytes', default: null, zeroIsUnbounded: true, atLimit: 'drop' },
  ],
  fix: (mean) => [
    `config.Producer.Retry.MaxBufferLength = ${messagesFor(FIX_BUDGET_BYTES, mean, 10000)}`,
    `config.Producer.Retry.MaxBufferBytes = ${FIX_BUDGET_BYTES}`,
  ],
  advice: "Read the producer's Errors() channel and count what it returns: over the limits sarama fails messages instead of holding them.",
}

export const FRANZ_GO: ClientSpec = {
  id: 'franz-go',
  family: 'go-kafka',
  name: 'franz-go (Go, kgo)',
  seen: { text: /github\.com\/twmb\/franz-go/ },
  down: /unable to open connection to broker|unable to dial/,
  full: /ErrMaxBuffered|max buffered records/i,
  limits: [
    { key: 'MaxBufferedRecords', unit: 'messages', default: 10000, zeroIsUnbounded: false, atLimit: 'block' },
    { key: 'MaxBufferedBytes', unit: 'bytes', default: null, zeroIsUnbounded: true, atLimit: 'block' },
  ],
  fix: (mean) => [
    `kgo.MaxBufferedRecords(${messagesFor(FIX_BUDGET_BYTES, mean, 10000)})`,
    `kgo.MaxBufferedBytes(${FIX_BUDGET_BYTES})`,
    'kgo.RecordDeliveryTimeout(30 * time.Second)',
  ],
  advice: 'Use TryProduce (or a context with a deadline) so a full buffer fails the record instead of blocking its caller.',
}

export const KAFKA_GO: ClientSpec = {
  id: 'kafka-go',
  family: 'go-kafka',
  name: 'kafka-go (Go, segmentio)',
  seen: { text: /github\.com\/segmentio\/kafka-go/ },
  down: /kafka-go.*(?:connection refused|i\/o timeout)|failed to dial: failed to open connection/,
  limits: [{ key: 'Writer.Async backlog', unit: 'messages', default: null, zeroIsUnbounded: true, atLimit: 'block' }],
  fix: () => ['Async: false,', 'WriteTimeout: 10 * time.Second,', 'MaxAttempts: 3,'],
  advice: 'With Async false WriteMessages blocks and returns the error; bound what the caller keeps while it does.',
}
