import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Diagnosis } from '../../schemas/diagnosis.ts'
import type { NotifyType } from '../../schemas/notify.ts'
import { withQuery } from '../../src/integrations/chat/dingtalk.ts'
import { TARGETS } from '../../src/integrations/chat/index.ts'
import { send } from '../../src/integrations/send.ts'
import { diagnoseFixtures } from '../helpers/diagnose.ts'
import { type Receiver, startReceiver } from '../helpers/receiver.ts'

// Every payload builder against the local receiver, which checks the vendor's format and
// signature: for the seed and kafka pairs, with a signing secret and without one.

const TYPES: NotifyType[] = ['slack', 'teams', 'feishu', 'dingtalk', 'wecom', 'webhook']
const SIGNED = new Set<NotifyType>(['feishu', 'dingtalk', 'webhook'])
const REPORT = 'https://memgap.example/v1/diagnoses/abc?format=html'
const SECRET = 'SECa1b2c3d4e5f6+/='

let receiver: Receiver
const diagnoses: Record<string, Diagnosis> = {}

beforeAll(async () => {
  receiver = await startReceiver()
  diagnoses.seed = await diagnoseFixtures('seed/sta-49.tar.gz', 'seed/sta-18.tar.gz')
  diagnoses.kafka = await diagnoseFixtures('kafka/baseline.tar.gz', 'kafka/suspect.tar.gz')
  diagnoses.alone = await diagnoseFixtures(null, 'kafka/suspect.tar.gz')
})
afterAll(() => receiver.close())

/** Build for a fresh endpoint and send once; the receiver's record of it. */
async function deliver(type: NotifyType, d: Diagnosis, opts: { secret?: string; endpointSecret?: string } = {}) {
  const ep = receiver.endpoint(type, { secret: opts.endpointSecret ?? opts.secret })
  const { build, check } = TARGETS[type]
  const request = await build(d, { url: ep.url, reportUrl: REPORT, now: new Date(), secret: opts.secret })
  const result = await send(request, { check, retries: 0 })
  const [got, ...more] = receiver.requests(ep)
  expect(more).toEqual([])
  return { request, result, got: got! }
}

describe.each(['seed', 'kafka', 'alone'])('the %s diagnosis', (which) => {
  const cases = TYPES.flatMap((t) => [
    [t, 'with a secret'],
    [t, 'without a secret'],
  ]) as Array<[NotifyType, string]>

  it.each(cases)('%s, %s: the receiver accepts the shape and signature', async (type, mode) => {
    const d = diagnoses[which]!
    const secret = mode === 'with a secret' ? SECRET : undefined
    const { result, got } = await deliver(type, d, { secret })
    expect(got.problems).toEqual([])
    expect(got.verified).toBe(secret && SIGNED.has(type) ? true : null)
    expect(result).toMatchObject({ status: 'delivered', attempts: 1, lastError: null })

    if (type === 'webhook') {
      expect(Diagnosis.parse(got.json)).toEqual(d)
      expect(got.headers['x-memgap-report-url']).toBe(REPORT)
      expect(got.headers['x-memgap-signature'] !== undefined).toBe(secret !== undefined)
      return
    }
    // What people read: the summary's claim, the top finding with its config lines, the top
    // process, the link to the report.
    const text = got.body
    const top = d.findings[0]!
    expect(text).toContain(top.title)
    expect(text).toContain(`${Math.round(top.confidence * 100)}%`)
    for (const line of top.configLines) expect(text).toContain(line)
    expect(text).toContain(d.processes[0]!.name)
    expect(text).toContain(REPORT)
  })
})

describe('signatures', () => {
  it.each([
    ['feishu', /Feishu code 19021/, 200],
    ['dingtalk', /DingTalk errcode 310000: sign not match/, 200],
    ['webhook', /HTTP 401/, 401],
  ] as const)('%s: a wrong secret is a failure, not retried', async (type, error, status) => {
    const { result, got } = await deliver(type, diagnoses.seed!, { secret: 'wrong', endpointSecret: SECRET })
    expect(got.verified).toBe(false)
    expect(result).toMatchObject({ status: 'failed', attempts: 1, httpStatus: status })
    expect(result.lastError).toMatch(error)
  })

  it.each(['feishu', 'dingtalk', 'webhook'] as const)('%s: a missing signature is refused by a signing endpoint', async (type) => {
    const { result, got } = await deliver(type, diagnoses.seed!, { endpointSecret: SECRET })
    expect(got.verified).toBe(false)
    expect(result.status).toBe('failed')
  })

  it('dingtalk: timestamp and sign go in the query, sign percent-encoded, other parameters kept', async () => {
    const { request } = await deliver('dingtalk', diagnoses.seed!, { secret: SECRET })
    const query = new URL(request.url).search
    expect(query).toMatch(/^\?access_token=tok[0-9a-f]+&timestamp=\d{13}&sign=[A-Za-z0-9%]+$/)
    expect(withQuery('https://x.test/r?access_token=a%2Bb&sign=old#f', { timestamp: '1', sign: 'a+b/c=' })).toBe(
      'https://x.test/r?access_token=a%2Bb&timestamp=1&sign=a%2Bb%2Fc%3D',
    )
  })

  it('feishu: timestamp in seconds and sign in the body', async () => {
    const { got } = await deliver('feishu', diagnoses.seed!, { secret: SECRET })
    expect(got.json).toMatchObject({ timestamp: expect.stringMatching(/^\d{10}$/), sign: expect.any(String) })
  })
})

describe('untrusted text', () => {
  const hostile = '<!channel> <@all> <at id=all></at> *x* _y_ [click](https://evil.example) `z` # h'
  const poisoned = () => {
    const d = structuredClone(diagnoses.seed!)
    d.processes[0]!.name = hostile
    d.findings[0]!.title = hostile
    d.summary = `${hostile}\n# heading\n> quote`
    return d
  }

  it.each(TYPES.filter((t) => t !== 'webhook'))('%s: cannot mention, link or mark up', async (type) => {
    const { got, result } = await deliver(type, poisoned())
    expect(got.problems).toEqual([])
    expect(result.status).toBe('delivered')
    const text = got.body
    expect(text).not.toContain('\\n# heading') // untrusted text cannot start a line
    // Markdown links only mean something in the markdown formats; Slack links are <url|text>.
    if (type === 'teams' || type === 'dingtalk' || type === 'wecom') expect(text).toContain('\\\\[click\\\\](') // JSON doubles the backslash
    if (type === 'slack') {
      expect(text).not.toMatch(/<!channel>|<@all>/)
      expect(text).toContain('&lt;!channel&gt;')
    }
    if (type === 'dingtalk' || type === 'wecom') expect(text).not.toMatch(/<@all>|<at /)
    if (type === 'feishu') {
      // Untrusted text only in plain_text elements, which render no markup and no <at> tags.
      expect(text).not.toContain('lark_md')
    }
  })
})

describe('WeCom 4096-byte limit', () => {
  it('trims multibyte content on a character boundary with a note that keeps the link', async () => {
    const d = structuredClone(diagnoses.kafka!)
    d.summary = `内存缺口😀`.repeat(300)
    for (const f of d.findings) f.title = `队列积压：${'消息'.repeat(120)}`
    const { got, result } = await deliver('wecom', d)
    expect(got.problems).toEqual([])
    expect(result.status).toBe('delivered')
    const content = (got.json as { markdown: { content: string } }).markdown.content
    expect(Buffer.byteLength(content)).toBeLessThanOrEqual(4096)
    expect(Buffer.byteLength(content)).toBeGreaterThan(3800) // trimmed, not emptied
    expect(/\p{Surrogate}/u.test(content)).toBe(false) // no half surrogate pair
    expect(content).not.toContain('\uFFFD')
    expect(content.endsWith(`…truncated, see [the report](${REPORT})`)).toBe(true)
  })

  it('leaves content that fits alone', async () => {
    const { got } = await deliver('wecom', diagnoses.seed!)
    expect((got.json as { markdown: { content: string } }).markdown.content).not.toContain('truncated')
  })
})
