import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Diagnosis } from '../../schemas/diagnosis.ts'
import { type DeliveryLog, LogRecord } from '../../schemas/log.ts'
import { deliverAll } from '../../src/integrations/notify.ts'
import { createLog } from '../../src/observe/log.ts'
import { createMetrics } from '../../src/observe/metrics.ts'
import { diagnoseFixtures } from '../helpers/diagnose.ts'
import { type Receiver, startReceiver } from '../helpers/receiver.ts'

// Chat callbacks to the local receiver: one log line per attempt, the URL's secret left out.

let receiver: Receiver
let d: Diagnosis
beforeAll(async () => {
  receiver = await startReceiver()
  d = await diagnoseFixtures('kafka/baseline.tar.gz', 'kafka/suspect.tar.gz')
})
afterAll(() => receiver.close())

describe('delivery log lines', () => {
  it('say each attempt, its status and the redacted URL; the metrics count the outcome once', async () => {
    const flaky = receiver.endpoint('wecom')
    receiver.failFirst(flaky, 1, { status: 503 })
    const secretUrl = `${flaky.url}${flaky.url.includes('?') ? '&' : '?'}key=0123456789abcdef-secret`
    const lines: string[] = []
    const metrics = createMetrics()
    const log = createLog('info', (line) => lines.push(line), metrics.observe)
    const [delivery] = await deliverAll(d, [{ type: 'wecom', url: secretUrl }], {
      reportUrl: 'https://memgap.example/r/x',
      allowPrivate: true,
      sendOptions: { baseDelayMs: 5, maxDelayMs: 50 },
      log,
      requestId: 'req-deliver',
    })
    expect(delivery).toMatchObject({ status: 'delivered', attempts: 2 })
    const attempts = lines.map((l) => LogRecord.parse(JSON.parse(l)) as DeliveryLog)
    expect(attempts.map((a) => [a.event, a.attempt, a.status, a.httpStatus, a.level])).toEqual([
      ['delivery', 1, 'retrying', 503, 'warn'],
      ['delivery', 2, 'delivered', 200, 'info'],
    ])
    for (const a of attempts) expect([a.requestId, a.type, a.url]).toEqual(['req-deliver', 'wecom', delivery!.url])
    expect(lines.join('\n')).not.toContain('0123456789abcdef-secret')
    expect(metrics.render()).toContain('memgap_deliveries_total{type="wecom",outcome="delivered"} 1')

    // Refused before sending: one line, attempt 0.
    lines.length = 0
    await deliverAll(d, [{ type: 'slack', url: 'http://169.254.169.254/latest/meta-data/' }], {
      reportUrl: 'https://memgap.example/r/x',
      allowPrivate: true,
      log,
    })
    expect(lines.map((l) => JSON.parse(l))).toEqual([
      expect.objectContaining({ event: 'delivery', status: 'refused', attempt: 0, level: 'warn' }),
    ])
  })
})
