import type { ClientSpec } from './types.ts'

/**
 * NATS clients. Core NATS publishes are fire-and-forget: while the client reconnects it keeps
 * what is published in a pending buffer and sends it once connected again.
 *
 * - nats.go: `ReconnectBufSize`, `DefaultReconnectBufSize = 8 * 1024 * 1024 // 8MB` (nats.go's
 *   nats.go constants); past it Publish fails with `nats: outbound buffer limit exceeded`
 *   (ErrReconnectBufExceeded); -1 disables the buffer. Bounded by design: 8 MiB cannot make a
 *   large gap unless raised.
 * - nats.js (the `nats` npm package, v2): "Reconnect buffer size is not configurable on NATS
 *   JavaScript client" (nats.docs developing-with-nats/reconnect/buffer.md), and none is kept: on
 *   each reconnection attempt `prepare()` calls `resetOutbound()`, which empties the outbound
 *   buffer (lib/nats-base-client/protocol.js, 2.29.3), so what is published while disconnected is
 *   dropped about once per reconnectTimeWait. Measured in test/fixtures/queues/nats-node/: the
 *   publisher did not grow while nats-server was down. Never the cause of a gap: it loses data.
 *   Down: `CONNECTION_REFUSED`, status events `disconnect`/`reconnecting`.
 * Shows as node_modules/nats or github.com/nats-io/nats.go strings, and the lines above.
 */
export const NATS_GO: ClientSpec = {
  id: 'nats-go',
  family: 'nats',
  name: 'nats.go',
  seen: { text: /github\.com\/nats-io\/nats\.go/ },
  down: /nats: no servers available for connection|nats: (?:connection|dial tcp).*refused/,
  full: /outbound buffer limit exceeded/,
  limits: [{ key: 'ReconnectBufSize', unit: 'bytes', default: 8 * 1024 * 1024, zeroIsUnbounded: false, atLimit: 'error' }],
  boundedByDesign: true,
  fix: () => ['nats.ReconnectBufSize(8 * 1024 * 1024)'],
  advice: 'Publish fails past the buffer; use JetStream publish with acks for messages that must arrive.',
}

export const NATS_JS: ClientSpec = {
  id: 'nats-js',
  family: 'nats',
  name: 'nats.js',
  seen: { text: /node_modules\/(?:nats|@nats-io\/[\w-]+)\/|\bnats\.js\b|NatsError/ },
  down: /NatsError: CONNECTION_REFUSED|\bCONNECTION_REFUSED\b|nats.*(?:disconnect|reconnecting)\b/i,
  // An application's statistics of the client's pending outbound bytes (nc.protocol.outbound.size()).
  stats: [/"outboundBytes":\s*(?<queuedBytes>\d+)/],
  limits: [
    { key: 'outbound buffer (emptied at each reconnection attempt)', unit: 'bytes', default: null, zeroIsUnbounded: true, atLimit: 'drop' },
  ],
  boundedByDesign: true,
  fix: () => [],
  advice: 'nats.js drops what is published while it reconnects: use JetStream publish (acknowledged) for data that must arrive.',
}
