import type { ClientSpec } from './types.ts'

/**
 * AMQP 0-9-1 publishers (RabbitMQ): amqplib (Node) and pika (Python).
 *
 * - amqplib: `channel.publish()` writes into the channel's buffer and returns false when it is
 *   "full", but keeps the message anyway (the docs: "it will still buffer the message"): no
 *   limit unless the caller waits for 'drain'. While RabbitMQ blocks the connection (memory or
 *   disk alarm, `connection.blocked`) or the socket is gone, what is published piles up.
 * - pika: BlockingConnection publishes block while the broker blocks the connection
 *   (`blocked_connection_timeout` None by default: forever); SelectConnection buffers unbounded.
 * Not checked at their source here (the search tool gave nothing better than memory of the amqplib
 * channel API and pika's ConnectionParameters docs): no figure of this module is used as a bound.
 */
export const AMQPLIB: ClientSpec = {
  id: 'amqplib',
  family: 'amqp',
  name: 'amqplib (Node)',
  // A module path, or an application's statistics naming the client (as ioredis's).
  seen: { text: /node_modules\/amqplib\/|"client":\s*"amqplib"/ },
  // A blocked connection (memory or disk alarm) is logged by the program in its own case.
  down: /connect ECONNREFUSED \S+:5672|Connection closed: \d{3}|Socket closed abruptly|connection\.blocked|[Cc]onnection blocked/,
  limits: [{ key: 'channel write buffer', unit: 'messages', default: null, zeroIsUnbounded: true, atLimit: 'block' }],
  fix: () => [
    "if (!channel.publish(exchange, key, body)) await once(channel, 'drain')",
    'const channel = await connection.createConfirmChannel()',
  ],
  advice: "Respect publish()'s false and wait for drain; drop or spill while the connection is blocked or down.",
}

export const PIKA: ClientSpec = {
  id: 'pika',
  family: 'amqp',
  name: 'pika (Python)',
  seen: { text: /site-packages\/pika\/|dist-packages\/pika\/|pika\.exceptions\./ },
  down: /AMQPConnectionError|ConnectionBlockedTimeout|StreamLostError|Connection to \S+:5672 failed/,
  limits: [{ key: 'blocked_connection_timeout', unit: 'retries', default: null, zeroIsUnbounded: true, atLimit: 'block' }],
  fix: () => ['pika.ConnectionParameters(host, blocked_connection_timeout=30)', 'channel.confirm_delivery()'],
  advice: 'A blocked connection then fails after 30 s instead of holding publishes.',
}
