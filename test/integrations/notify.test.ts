import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Diagnosis } from '../../schemas/diagnosis.ts'
import { Delivery, Notify, type NotifyTarget, type NotifyType } from '../../schemas/notify.ts'
import { escapeMarkdown, truncateUtf8 } from '../../src/integrations/chat/text.ts'
import { deliverAll, redactUrl, validateTargets } from '../../src/integrations/notify.ts'
import { diagnoseFixtures } from '../helpers/diagnose.ts'
import { type Receiver, startReceiver } from '../helpers/receiver.ts'

let receiver: Receiver
let d: Diagnosis
const REPORT = 'https://memgap.example/v1/diagnoses/test?format=html'
const fast = { baseDelayMs: 5, maxDelayMs: 50 }

beforeAll(async () => {
  receiver = await startReceiver()
  d = await diagnoseFixtures('kafka/baseline.tar.gz', 'kafka/suspect.tar.gz')
})
afterAll(() => receiver.close())

describe('deliverAll', () => {
  it('delivers to every chat type, refuses what it must, and reports each outcome in order', async () => {
    const types: NotifyType[] = ['slack', 'teams', 'feishu', 'dingtalk', 'wecom', 'webhook']
    const targets: NotifyTarget[] = types.map((type) => {
      const ep = receiver.endpoint(type, { secret: 'SECshared' })
      return { type, url: ep.url, secret: 'SECshared' }
    })
    const flaky = receiver.endpoint('slack')
    receiver.failFirst(flaky, 2, { status: 500 })
    const broken = receiver.endpoint('teams')
    receiver.failFirst(broken, 9, { status: 502 })
    targets.push(
      { type: 'slack', url: flaky.url },
      { type: 'teams', url: broken.url },
      { type: 'webhook', url: 'http://169.254.169.254/latest/meta-data/' },
    )

    const deliveries = await deliverAll(d, targets, { reportUrl: REPORT, allowPrivate: true, sendOptions: fast })
    for (const delivery of deliveries) Delivery.parse(delivery)
    expect(deliveries.map((x) => [x.type, x.status, x.attempts])).toEqual([
      ['slack', 'delivered', 1],
      ['teams', 'delivered', 1],
      ['feishu', 'delivered', 1],
      ['dingtalk', 'delivered', 1],
      ['wecom', 'delivered', 1],
      ['webhook', 'delivered', 1],
      ['slack', 'delivered', 3],
      ['teams', 'failed', 4],
      ['webhook', 'refused', 0],
    ])
    expect(deliveries[0]!.deliveredAt).toMatch(/^\d{4}-\d\d-\d\dT/)
    expect(deliveries[7]).toMatchObject({ httpStatus: 502, lastError: 'HTTP 502: failing on purpose', deliveredAt: null })
    expect(deliveries[8]!.lastError).toMatch(/metadata service address, never allowed/)
    // Every signed request checked out at the receiver.
    for (const r of receiver.requests().filter((r) => ['feishu', 'dingtalk', 'webhook'].includes(r.route))) {
      if (r.status < 300) expect(r.verified).toBe(true)
    }
    // Tokens in the URL never reach the stored outcome.
    for (const [i, delivery] of deliveries.entries()) {
      const token = targets[i]!.url.match(/tok[0-9a-f]{24}/)?.[0]
      if (token) expect(delivery.url).not.toContain(token)
    }
  })

  it('refuses the local receiver without MEMGAP_ALLOW_PRIVATE_CALLBACKS, sending nothing', async () => {
    const ep = receiver.endpoint('slack')
    const [delivery] = await deliverAll(d, [{ type: 'slack', url: ep.url }], { reportUrl: REPORT, allowPrivate: false })
    expect(delivery).toMatchObject({ status: 'refused', attempts: 0, httpStatus: null, deliveredAt: null })
    expect(delivery!.lastError).toMatch(/must use https/)
    expect(receiver.requests(ep)).toEqual([])
  })

  it('uses the resolver it is given', async () => {
    const resolve = async () => ['10.1.2.3']
    const [delivery] = await deliverAll(d, [{ type: 'webhook', url: 'https://hooks.example.com/x' }], {
      reportUrl: REPORT,
      allowPrivate: false,
      resolve,
    })
    expect(delivery).toMatchObject({
      status: 'refused',
      lastError: expect.stringMatching(/resolves to 10\.1\.2\.3, a private-network address/),
    })
  })
})

describe('validateTargets', () => {
  it('names the first refused target, for a 400 before any diagnosis', async () => {
    const targets: NotifyTarget[] = [
      { type: 'slack', url: 'https://hooks.slack.com/services/T/B/x' },
      { type: 'webhook', url: 'http://10.0.0.1/hook' },
      { type: 'teams', url: 'https://localhost/' },
    ]
    expect(await validateTargets(targets, false)).toBe(
      'notify[1] (webhook): the callback URL must use https (plain http is allowed only with MEMGAP_ALLOW_PRIVATE_CALLBACKS=true)',
    )
    expect(await validateTargets(targets, true)).toBeNull()
    expect(await validateTargets([{ type: 'slack', url: 'https://localhost/' }], false)).toMatch(/^notify\[0\] \(slack\): .*loopback/)
    expect(await validateTargets([], false)).toBeNull()
  })
})

describe('the notify schema', () => {
  it('takes up to 10 targets of the six types', () => {
    const one = { type: 'feishu', url: 'https://open.feishu.cn/open-apis/bot/v2/hook/x', secret: 's' }
    expect(Notify.parse([one])).toEqual([one])
    expect(Notify.safeParse(Array(11).fill(one)).success).toBe(false)
    expect(Notify.safeParse([{ ...one, type: 'email' }]).success).toBe(false)
    expect(Notify.safeParse([{ ...one, secret: '' }]).success).toBe(false)
  })
})

describe('redactUrl', () => {
  it.each([
    [
      'https://oapi.dingtalk.com/robot/send?access_token=abc123&timestamp=1',
      'https://oapi.dingtalk.com/robot/send?access_token=REDACTED&timestamp=1',
    ],
    ['https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=693a91f6-7xxx', 'https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=REDACTED'],
    [
      'https://hooks.slack.com/services/T0000000/B0000000/XXXXXXXXXXXXXXXXXXXXXX12',
      'https://hooks.slack.com/services/T0000000/B0000000/REDACTED',
    ],
    // A token of letters only is a token all the same.
    [
      'https://hooks.slack.com/services/T0000000/B0000000/abcdefghijklmnopqrstuvwx',
      'https://hooks.slack.com/services/T0000000/B0000000/REDACTED',
    ],
    [
      'https://open.feishu.cn/open-apis/bot/v2/hook/5e3d587e-d78e-4a07-bd07-265f269f86fd',
      'https://open.feishu.cn/open-apis/bot/v2/hook/REDACTED',
    ],
    [
      'https://prod-01.westus.logic.azure.com:443/workflows/0123456789abcdef0123456789abcdef/triggers/manual/paths/invoke?api-version=2016-06-01&sp=%2Ftriggers&sig=AbC',
      'https://prod-01.westus.logic.azure.com/workflows/REDACTED/triggers/manual/paths/invoke?api-version=2016-06-01&sp=%2Ftriggers&sig=REDACTED',
    ],
    ['https://user:pw@example.com/hook#frag', 'https://example.com/hook'],
    ['not a url', '(not a valid URL)'],
  ])('%s', (raw, shown) => expect(redactUrl(raw)).toBe(shown))
})

describe('text helpers', () => {
  it('truncates UTF-8 on character boundaries', () => {
    expect(truncateUtf8('€€€€', 12, '!')).toBe('€€€€')
    expect(truncateUtf8('€€€€', 11, '!')).toBe('€€€!') // 9 + 1 bytes
    const emoji = truncateUtf8('😀😀😀', 9, '…') // 3 bytes of note leave room for one 4-byte emoji
    expect(emoji).toBe('😀…')
    expect(truncateUtf8('ab\\*cd', 4, '.')).toBe('ab.') // no dangling backslash before the note
    expect(() => truncateUtf8('abcdef', 2, '...')).toThrow()
  })

  it('escapes markdown without mangling ordinary names', () => {
    expect(escapeMarkdown('sangfor_waf uses [x](y) *and* `z`')).toBe('sangfor_waf uses \\[x\\](y) \\*and\\* \\`z\\`')
    expect(escapeMarkdown('_lead and trail_')).toBe('\\_lead and trail\\_')
    expect(escapeMarkdown('# not a heading\n> nor a quote')).toBe('\\# not a heading > nor a quote')
    expect(escapeMarkdown('+308 MiB')).toBe('+308 MiB')
    expect(escapeMarkdown('<@all>', { angles: 'entity' })).toBe('&lt;@all&gt;')
    expect(escapeMarkdown('fw\u202Egol\u200B\u0000d')).toBe('fwgold') // no bidi override, zero-width or NUL
  })
})

describe('runtime independence', () => {
  it('imports no Node module outside resolve-node.ts, so it runs in workerd', () => {
    const root = fileURLToPath(new URL('../../src/integrations/', import.meta.url))
    const files = readdirSync(root, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.ts') && f !== 'resolve-node.ts')
    expect(files.length).toBeGreaterThan(10)
    for (const f of files) expect(readFileSync(join(root, f), 'utf8'), f).not.toMatch(/from ['"](node:|buffer|crypto|http|https|dns)/)
  })
})
