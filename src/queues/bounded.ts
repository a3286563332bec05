import type { ClientSpec } from './types.ts'

/**
 * Clients that queue a small fixed number of items and drop the rest by design: never the cause of
 * a large gap. When one is present in a process that grew, the finding says so.
 *
 * - OpenTelemetry BatchSpanProcessor: `maxQueueSize` 2048 spans (OTEL_BSP_MAX_QUEUE_SIZE), spans
 *   past it are dropped (the SDK specification's default as we know it; here only seen as the
 *   value projects pass, not checked in the specification).
 * - Sentry SDK transports: JS `DEFAULT_TRANSPORT_BUFFER_SIZE` 64 (30 in v7's @sentry/core), events
 *   past it are dropped; Python's background worker queue 100 (the JS figures seen in copies of
 *   @sentry/core's transports/base.ts, `DEFAULT_TRANSPORT_BUFFER_SIZE = 64` and `= 30`; the Python
 *   one not checked here).
 */
export const OTEL_BATCH: ClientSpec = {
  id: 'otel-batch',
  family: 'bounded',
  name: 'OpenTelemetry BatchSpanProcessor',
  seen: { text: /@opentelemetry\/sdk-trace-base|opentelemetry[/.]sdk[/.]trace|go\.opentelemetry\.io\/otel\/sdk\/trace/ },
  full: /Dropped \d+ spans because maxQueueSize reached|span queue full/i,
  limits: [{ key: 'maxQueueSize', unit: 'messages', default: 2048, zeroIsUnbounded: false, atLimit: 'drop' }],
  boundedByDesign: true,
  fix: () => [],
  advice: 'It drops spans past 2048.',
}

export const SENTRY: ClientSpec = {
  id: 'sentry',
  family: 'bounded',
  name: 'Sentry SDK transport',
  seen: { text: /node_modules\/@sentry\/|site-packages\/sentry_sdk\/|getsentry\/sentry-go/ },
  limits: [{ key: 'transport buffer', unit: 'messages', default: 64, zeroIsUnbounded: false, atLimit: 'drop' }],
  boundedByDesign: true,
  fix: () => [],
  advice: 'It drops events past its buffer.',
}
