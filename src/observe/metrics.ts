import type { LogRecord } from '../../schemas/log.ts'

// Metrics for Prometheus (text format 0.0.4), counted from the log's records as they are
// written: the same facts as the JSON lines, which are the metrics on Workers (an isolate's memory
// is not the service's). Runtime-free; only the Node server keeps one and serves it (/metrics).
// Labels hold only bounded values (route patterns, known methods, statuses, our codes): a client
// cannot grow the series.

const BYTES = [16 * 1024, 256 * 1024, 1024 ** 2, 8 * 1024 ** 2, 32 * 1024 ** 2, 100 * 1024 ** 2, 512 * 1024 ** 2]
const SECONDS = [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60]
const METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'])

type Labels = Record<string, string>

const escapeLabel = (value: string) => value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')
const labelText = (labels: Labels) => {
  const pairs = Object.entries(labels).map(([k, v]) => `${k}="${escapeLabel(v)}"`)
  return pairs.length ? `{${pairs.join(',')}}` : ''
}

function counter(name: string, help: string) {
  const values = new Map<string, number>()
  return {
    inc(labels: Labels = {}) {
      const key = labelText(labels)
      values.set(key, (values.get(key) ?? 0) + 1)
    },
    render(): string {
      const lines = [...values].map(([labels, n]) => `${name}${labels} ${n}`)
      return [`# HELP ${name} ${help}`, `# TYPE ${name} counter`, ...lines].join('\n')
    },
  }
}

function histogram(name: string, help: string, bounds: number[]) {
  const buckets = bounds.map(() => 0) // cumulative counts are made at render time
  let count = 0
  let sum = 0
  return {
    observe(value: number) {
      const at = bounds.findIndex((b) => value <= b)
      if (at >= 0) buckets[at]!++
      count++
      sum += value
    },
    render(): string {
      let running = 0
      const lines = bounds.map((b, i) => `${name}_bucket{le="${b}"} ${(running += buckets[i]!)}`)
      return [
        `# HELP ${name} ${help}`,
        `# TYPE ${name} histogram`,
        ...lines,
        `${name}_bucket{le="+Inf"} ${count}`,
        `${name}_sum ${sum}`,
        `${name}_count ${count}`,
      ].join('\n')
    },
  }
}

export interface Metrics {
  observe(record: LogRecord): void
  render(): string
}

export function createMetrics(): Metrics {
  const requests = counter('memgap_http_requests_total', 'HTTP requests answered, by route pattern, method and status.')
  const problems = counter('memgap_problems_total', 'problem+json answers, by code.')
  const storageErrors = counter('memgap_storage_errors_total', 'Requests that storage failed (answered 503 storage_unavailable).')
  const ingestBytes = histogram('memgap_ingest_bytes', 'Size of each bundle ingested, in bytes.', BYTES)
  const ingestSeconds = histogram('memgap_ingest_seconds', 'Time to store and parse each bundle, in seconds.', SECONDS)
  const deliveries = counter('memgap_deliveries_total', 'Chat callbacks, by type and final outcome (delivered, failed, refused).')
  const attempts = counter('memgap_delivery_attempts_total', 'Chat callback attempts, by type and result.')
  const all = [requests, problems, storageErrors, ingestBytes, ingestSeconds, deliveries, attempts]

  return {
    observe(record) {
      if (record.event === 'request') {
        const method = METHODS.has(record.method) ? record.method : 'other'
        requests.inc({ route: record.route ?? 'unmatched', method, status: String(record.status) })
        if (record.problem) problems.inc({ code: record.problem })
        if (record.problem === 'storage_unavailable') storageErrors.inc()
      } else if (record.event === 'ingest') {
        ingestBytes.observe(record.bytes)
        ingestSeconds.observe(record.seconds)
      } else if (record.event === 'delivery') {
        attempts.inc({ type: record.type, result: record.status })
        if (record.status !== 'retrying') deliveries.inc({ type: record.type, outcome: record.status })
      }
    },
    render: () => `${all.map((m) => m.render()).join('\n')}\n`,
  }
}
