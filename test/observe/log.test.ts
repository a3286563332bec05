import { describe, expect, it } from 'vitest'
import { LogRecord } from '../../schemas/log.ts'
import { createLog, escapeControls, logLine, requestIdOf } from '../../src/observe/log.ts'
import { createMetrics } from '../../src/observe/metrics.ts'

// The log's core without a server: what a line may hold, and what the metrics count from it.

const HOSTILE = 'x\nFAKE LOG LINE {"level":"error"}\u001b[31m\r\u009b2J\u2028.tar.gz'

describe('log lines', () => {
  it('keep hostile text on one line, with no control character a terminal would act on', () => {
    const lines: string[] = []
    const log = createLog('info', (line) => lines.push(line))
    log({ event: 'error', requestId: HOSTILE, message: HOSTILE, stack: null })
    expect(lines).toHaveLength(1)
    expect(lines[0]).not.toMatch(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/)
    // The value is still all there for whoever reads the JSON.
    expect(LogRecord.parse(JSON.parse(lines[0]!))).toMatchObject({ level: 'error', message: HOSTILE, requestId: HOSTILE })
    expect(escapeControls(HOSTILE)).toBe('x\\u000aFAKE LOG LINE {"level":"error"}\\u001b[31m\\u000d\\u009b2J\\u2028.tar.gz')
    expect(logLine(LogRecord.parse(JSON.parse(lines[0]!)))).toBe(lines[0])
  })

  it('are written from the level asked for up, and all are counted', () => {
    const lines: string[] = []
    const metrics = createMetrics()
    const log = createLog('warn', (line) => lines.push(line), metrics.observe)
    const request = {
      event: 'request',
      requestId: 'r',
      tenant: null,
      method: 'GET',
      route: '/healthz',
      problem: null,
      bytesIn: null,
      bytesOut: 2,
      ms: 1,
    } as const
    log({ ...request, status: 200 })
    log({ ...request, status: 503, problem: 'storage_unavailable' })
    expect(lines.map((l) => JSON.parse(l).level)).toEqual(['error'])
    const text = metrics.render()
    expect(text).toContain('memgap_http_requests_total{route="/healthz",method="GET",status="200"} 1')
    expect(text).toContain('memgap_storage_errors_total 1')
  })
})

describe('request ids', () => {
  it('keep a plain id and replace anything long or odd with a new one', () => {
    for (const id of ['abc-123', '0f8fad5b-d9cb-469f-a165-70867728950e', '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01']) {
      expect(requestIdOf(id)).toBe(id)
    }
    for (const id of ['', 'a b', 'x'.repeat(129), 'a\u001b[31m', 'é']) {
      expect(requestIdOf(id)).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/)
    }
    expect(requestIdOf(undefined)).not.toBe(requestIdOf(undefined))
  })
})

describe('metrics', () => {
  it('bucket ingests as Prometheus histograms and count deliveries by final outcome', () => {
    const metrics = createMetrics()
    const log = createLog('silent', () => {}, metrics.observe)
    for (const [bytes, seconds] of [
      [10_000, 0.02],
      [5_000_000, 0.7],
      [200_000_000, 40],
    ] as const) {
      log({ event: 'ingest', requestId: null, tenant: 't', bundleId: 'b', created: true, bytes, files: 3, warnings: 0, seconds })
    }
    const delivery = {
      event: 'delivery',
      requestId: null,
      type: 'slack',
      url: 'https://hooks.slack.com/services/REDACTED',
      httpStatus: null,
      error: null,
    } as const
    log({ ...delivery, status: 'retrying', attempt: 1 })
    log({ ...delivery, status: 'delivered', attempt: 2, httpStatus: 200 })
    log({ ...delivery, status: 'refused', attempt: 0 })
    const text = metrics.render()
    expect(text).toContain('memgap_ingest_bytes_bucket{le="16384"} 1')
    expect(text).toContain('memgap_ingest_bytes_bucket{le="8388608"} 2')
    expect(text).toContain('memgap_ingest_bytes_bucket{le="+Inf"} 3')
    expect(text).toContain('memgap_ingest_seconds_bucket{le="1"} 2')
    expect(text).toContain('memgap_ingest_seconds_count 3')
    expect(text).toContain('memgap_deliveries_total{type="slack",outcome="delivered"} 1')
    expect(text).toContain('memgap_deliveries_total{type="slack",outcome="refused"} 1')
    expect(text).toContain('memgap_delivery_attempts_total{type="slack",result="retrying"} 1')
    expect(text).not.toContain('outcome="retrying"')
  })

  it('keep a client from growing the series: unknown methods count as other', () => {
    const metrics = createMetrics()
    const log = createLog('silent', () => {}, metrics.observe)
    for (const method of ['BREW', 'PROPFIND', 'X"\n']) {
      log({
        event: 'request',
        requestId: 'r',
        tenant: null,
        method,
        route: null,
        status: 404,
        problem: 'not_found',
        bytesIn: null,
        bytesOut: 0,
        ms: 1,
      })
    }
    expect(metrics.render()).toContain('memgap_http_requests_total{route="unmatched",method="other",status="404"} 3')
  })
})

describe('the command line', () => {
  it('echoes a hostile file name escaped on stderr: one line, no ESC', async () => {
    const { main } = await import('../../src/cli/main.ts')
    let stderr = ''
    const code = await main(['diagnose', HOSTILE], {
      stdout: { write: () => true },
      stderr: { isTTY: false, write: (t: string) => (stderr += t) },
      env: {},
    })
    expect(code).toBe(3) // input unreadable
    expect(stderr.trimEnd().split('\n')).toHaveLength(1)
    expect(stderr).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u2028\u2029]/)
    expect(stderr).toContain(escapeControls(HOSTILE))
  })
})
