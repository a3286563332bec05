import { describe, expect, it } from 'vitest'
import { CONFIDENT } from '../../src/analysis/hedge.ts'
import { digest } from '../../src/integrations/chat/digest.ts'
import { TARGETS } from '../../src/integrations/chat/index.ts'
import { renderHtml } from '../../src/render/html.ts'
import { renderMarkdown } from '../../src/render/markdown.ts'
import { diagnoseFixtures } from '../helpers/diagnose.ts'

// Low confidence is worded as a suspicion, and no assumed figure is shown as measured. The seed
// pair's fwlog finding (0.4, no librdkafka seen) against the kafka pair's (statistics: measured).

const ctx = { url: 'https://hooks.slack.com/services/T/B/x', reportUrl: 'https://memgap.example/r/x', now: new Date(0) }

describe('the seed pair: a queue suspected from records alone', async () => {
  const d = await diagnoseFixtures('seed/sta-49.tar.gz', 'seed/sta-18.tar.gz')
  const fwlog = d.findings.find((f) => f.kind === 'queue-buildup')!

  it('is under the threshold, and its own missing list says why', () => {
    expect(fwlog.confidence).toBeLessThan(CONFIDENT)
    expect(fwlog.queue!.missing.join(' ')).toMatch(/librdkafka in the process mappings/)
  })

  it('says "Suspected" in the title and the summary, and states no assumed size or fill', () => {
    expect(fwlog.title).toBe('Suspected: fwlog: a librdkafka producer queue is building up')
    expect(d.summary).toContain('Suspected: fwlog: a librdkafka producer queue is building up; if it is confirmed, cap it with')
    expect(d.summary).not.toMatch(/% full|\(86 MiB/)
    expect(d.summary).toMatch(/not measured \(assumed: librdkafka's default limits/)
  })

  it('draws no fill gauge from defaults in the report, and labels the limits as assumed', () => {
    const page = renderHtml(d, {})
    expect(page).not.toContain('class="meter"')
    expect(page).toMatch(/about 100%, not measured \(assumed: librdkafka&#39;s default limits/)
    expect(page).toContain('100,000 (assumed: the default)')
    expect(renderMarkdown(d, {})).toContain('Suspected: fwlog')
  })

  it('hedges in chat too', async () => {
    expect(digest(d, ctx.reportUrl).findings[0]!.title).toMatch(/^Suspected: fwlog/)
    const slack = JSON.parse(String((await TARGETS.slack.build(d, ctx)).body))
    expect(JSON.stringify(slack.blocks)).toContain('Suspected: fwlog')
    expect(JSON.stringify(slack.blocks)).not.toContain('100% full')
  })
})

describe('the kafka pair: statistics measured the queue', async () => {
  const d = await diagnoseFixtures('kafka/baseline.tar.gz', 'kafka/suspect.tar.gz')

  it('states it as a fact, with the measured size and fill, and draws the gauge', () => {
    const fwlog = d.findings.find((f) => f.process === 'fwlog')!
    expect(fwlog.confidence).toBeGreaterThanOrEqual(CONFIDENT)
    expect(fwlog.title).not.toMatch(/Suspected/)
    expect(d.summary).toMatch(
      /fwlog: a librdkafka producer queue is building up while the broker is down \(\d+ MiB, 100% full\); cap it with/,
    )
    expect(renderHtml(d, {})).toContain('class="meter"')
  })
})
