import type { ClientSpec } from './types.ts'

/**
 * Log shippers with an in-memory queue in front of their output: Filebeat (Go), Logstash (JVM)
 * and Vector (Rust). All three are bounded by default and block their inputs when full, so they
 * hold a fixed amount; a large gap needs a raised limit.
 *
 * - Filebeat: `queue.mem.events`, the events its memory queue holds: 3200 in the 8.x docs and the
 *   Elastic Agent "balanced" preset (4096 in 7.x docs' example). Full: the inputs block. Server
 *   down: `Failed to connect to backoff(elasticsearch(http://…))`, `Connection marked as failed`.
 * - Logstash: the memory queue is pipeline.batch.size (125) × pipeline.workers in flight, the rest
 *   blocks the inputs; the JVM heap (jvm.options: -Xms1g -Xmx1g shipped) bounds the process (from
 *   memory of the Logstash docs, not checked here).
 *   Server down: `Attempted to resend bulk request`, `Elasticsearch Unreachable`.
 * - Vector: a sink's `buffer.max_events`, 500 by default for the memory buffer, `when_full` =
 *   block (from Vector's buffer docs, not checked at their source here).
 */
export const FILEBEAT: ClientSpec = {
  id: 'filebeat',
  family: 'log-shipper',
  name: 'Filebeat',
  seen: { text: /"service\.name":\s*"filebeat"|libbeat\/publisher/, program: /^filebeat$/ },
  down: /Failed to connect to backoff\(|Connection marked as failed because the onConnect callback failed/,
  limits: [
    {
      key: 'queue.mem.events',
      unit: 'events',
      default: 3200,
      zeroIsUnbounded: false,
      atLimit: 'block',
      config: /^\s*queue\.mem\.events\s*:\s*(\d+)/,
    },
  ],
  fix: () => ['queue.mem.events: 3200', 'queue.disk.max_size: 1GB'],
  advice: 'Keep the memory queue small; a disk queue rides out a long outage.',
}

export const LOGSTASH: ClientSpec = {
  id: 'logstash',
  family: 'log-shipper',
  name: 'Logstash',
  seen: { text: /logstash-core|org\.logstash\.Logstash/, program: /logstash/ },
  down: /Attempted to resend bulk request|Elasticsearch Unreachable|\[logstash\.outputs\.\w+\].*Connection refused/,
  limits: [
    {
      key: 'pipeline.batch.size',
      unit: 'events',
      default: 125,
      zeroIsUnbounded: false,
      atLimit: 'block',
      config: /^\s*pipeline\.batch\.size\s*:\s*(\d+)/,
    },
  ],
  fix: () => ['queue.type: persisted', 'queue.max_bytes: 1gb'],
  advice: 'A persisted queue moves the backlog to disk; the JVM heap (-Xmx) caps the process.',
}

export const VECTOR: ClientSpec = {
  id: 'vector',
  family: 'log-shipper',
  name: 'Vector',
  seen: { text: /vector::(?:sinks|topology|buffers)/, program: /^vector$/ },
  down: /vector::sinks.*(?:Connection refused|Service call failed|Healthcheck failed)/,
  limits: [
    {
      key: 'buffer.max_events',
      unit: 'events',
      default: 500,
      zeroIsUnbounded: false,
      atLimit: 'block',
      config: /^\s*max_events\s*=\s*(\d+)/,
    },
  ],
  fix: () => ['[sinks.out.buffer]', 'type = "disk"', 'max_size = 268435488', 'when_full = "block"'],
  advice: 'A disk buffer holds the backlog outside memory.',
}
