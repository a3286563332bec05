import { createServer } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Diagnosis } from '../../schemas/diagnosis.ts'
import { TARGETS } from '../../src/integrations/chat/index.ts'
import { backoffMs, parseRetryAfter, type SendOptions, send } from '../../src/integrations/send.ts'
import type { OutgoingRequest } from '../../src/integrations/types.ts'
import { diagnoseFixtures } from '../helpers/diagnose.ts'
import { type Endpoint, type Receiver, startReceiver } from '../helpers/receiver.ts'

// The sender against the local receiver failing on purpose: retries, backoff, Retry-After,
// timeouts, vendor errors inside HTTP 200, and no retry where a retry cannot help.

let receiver: Receiver
let d: Diagnosis

beforeAll(async () => {
  receiver = await startReceiver()
  d = await diagnoseFixtures('seed/sta-49.tar.gz', 'seed/sta-18.tar.gz')
})
afterAll(() => receiver.close())

/** Sleeps recorded, not slept: the test proves the waits without spending them. */
function clock() {
  const waits: number[] = []
  return { waits, sleep: async (ms: number) => void waits.push(ms) }
}

async function built(type: keyof typeof TARGETS, ep: Endpoint): Promise<OutgoingRequest> {
  return TARGETS[type].build(d, { url: ep.url, reportUrl: 'https://memgap.example/r', now: new Date(), secret: ep.secret })
}

const sendTo = async (type: keyof typeof TARGETS, ep: Endpoint, opts: SendOptions = {}) =>
  send(await built(type, ep), { check: TARGETS[type].check, ...opts })

describe('send', () => {
  it('retries 5xx: the first 2 attempts fail with 500, the third is delivered', async () => {
    const ep = receiver.endpoint('slack')
    receiver.failFirst(ep, 2, { status: 500 })
    const { waits, sleep } = clock()
    const result = await sendTo('slack', ep, { sleep, baseDelayMs: 500, random: () => 0.5 })
    expect(result).toEqual({ status: 'delivered', attempts: 3, httpStatus: 200, lastError: null })
    expect(receiver.requests(ep).map((r) => r.status)).toEqual([500, 500, 200])
    expect(waits).toEqual([375, 750]) // exponential: half of 500 and 1000 fixed, half jittered
    expect(receiver.requests(ep).at(-1)!.problems).toEqual([])
  })

  it('honours Retry-After on 429, in seconds', async () => {
    const ep = receiver.endpoint('teams')
    receiver.failFirst(ep, 1, { status: 429, retryAfter: '2' })
    const { waits, sleep } = clock()
    const result = await sendTo('teams', ep, { sleep })
    expect(result).toEqual({ status: 'delivered', attempts: 2, httpStatus: 202, lastError: null })
    expect(waits).toEqual([2000])
  })

  it('caps Retry-After at maxDelayMs', async () => {
    const ep = receiver.endpoint('slack')
    receiver.failFirst(ep, 1, { status: 429, retryAfter: '3600' })
    const { waits, sleep } = clock()
    expect((await sendTo('slack', ep, { sleep, maxDelayMs: 10_000 })).status).toBe('delivered')
    expect(waits).toEqual([10_000])
  })

  it('really waits when not told otherwise (Retry-After: 1)', async () => {
    const ep = receiver.endpoint('webhook')
    receiver.failFirst(ep, 1, { status: 429, retryAfter: '1' })
    const started = Date.now()
    expect((await sendTo('webhook', ep)).attempts).toBe(2)
    expect(Date.now() - started).toBeGreaterThanOrEqual(950)
  })

  it('does not retry other 4xx', async () => {
    const ep = receiver.endpoint('slack')
    receiver.failFirst(ep, 1, { status: 400, body: 'invalid_payload' })
    const { waits, sleep } = clock()
    const result = await sendTo('slack', ep, { sleep })
    expect(result).toEqual({ status: 'failed', attempts: 1, httpStatus: 400, lastError: 'HTTP 400: invalid_payload' })
    expect(waits).toEqual([])
  })

  it('gives up after the retries: 1 + retries attempts, the last error kept', async () => {
    const ep = receiver.endpoint('slack')
    receiver.failFirst(ep, 10, { status: 503, body: 'maintenance' })
    const { sleep } = clock()
    const result = await sendTo('slack', ep, { sleep, retries: 3 })
    expect(result).toEqual({ status: 'failed', attempts: 4, httpStatus: 503, lastError: 'HTTP 503: maintenance' })
  })

  it('times out each attempt and retries, then fails', async () => {
    const ep = receiver.endpoint('feishu')
    receiver.failFirst(ep, 3, { hangMs: 3000 })
    const started = Date.now()
    const result = await sendTo('feishu', ep, { timeoutMs: 150, retries: 2, baseDelayMs: 10 })
    expect(result).toEqual({ status: 'failed', attempts: 3, httpStatus: null, lastError: 'timed out after 150 ms' })
    expect(Date.now() - started).toBeLessThan(2500)
  })

  it('recovers when only the first attempt times out', async () => {
    const ep = receiver.endpoint('dingtalk', { secret: 'SECx' })
    receiver.failFirst(ep, 1, { hangMs: 3000 })
    const result = await sendTo('dingtalk', ep, { timeoutMs: 150, baseDelayMs: 10 })
    expect(result).toMatchObject({ status: 'delivered', attempts: 2 })
    expect(receiver.requests(ep).at(-1)!.verified).toBe(true)
  })

  it('retries network errors (nothing listening)', async () => {
    const port = await new Promise<number>((resolve) => {
      const probe = createServer().listen(0, '127.0.0.1', () => {
        const p = (probe.address() as { port: number }).port
        probe.close(() => resolve(p))
      })
    })
    const { sleep } = clock()
    const result = await send({ url: `http://127.0.0.1:${port}/`, headers: {}, body: '{}' }, { sleep, retries: 2 })
    expect(result).toMatchObject({ status: 'failed', attempts: 3, httpStatus: null })
    expect(result.lastError).toMatch(/^network error: .*ECONNREFUSED/)
  })

  it('turns vendor errors inside HTTP 200 into failures, retrying only rate limits', async () => {
    const wecom = receiver.endpoint('wecom')
    receiver.failFirst(wecom, 1, { status: 200, body: '{"errcode":45009,"errmsg":"api freq out of limit"}' })
    const { sleep } = clock()
    expect(await sendTo('wecom', wecom, { sleep })).toEqual({ status: 'delivered', attempts: 2, httpStatus: 200, lastError: null })

    const ding = receiver.endpoint('dingtalk')
    receiver.failFirst(ding, 1, { status: 200, body: '{"errcode":130101,"errmsg":"send too fast"}' })
    expect((await sendTo('dingtalk', ding, { sleep })).attempts).toBe(2)

    const feishu = receiver.endpoint('feishu')
    receiver.failFirst(feishu, 1, { status: 200, body: '{"code":19024,"msg":"Key Words Not Found"}' })
    expect(await sendTo('feishu', feishu, { sleep })).toEqual({
      status: 'failed',
      attempts: 1,
      httpStatus: 200,
      lastError: 'Feishu code 19024: Key Words Not Found',
    })
  })

  it('does not follow redirects', async () => {
    const fetch = (async () =>
      new Response(null, { status: 302, headers: { location: 'http://169.254.169.254/' } })) as typeof globalThis.fetch
    const result = await send({ url: 'https://hooks.example.com/', headers: {}, body: '' }, { fetch })
    expect(result).toEqual({ status: 'failed', attempts: 1, httpStatus: 302, lastError: 'HTTP 302: redirects are not followed' })
  })

  it('never throws, whatever fetch, check or sleep do', async () => {
    const throwing = (() => {
      throw 'not even an Error'
    }) as unknown as typeof globalThis.fetch
    expect(
      await send({ url: 'https://x.test/', headers: {}, body: '' }, { fetch: throwing, retries: 1, sleep: async () => {} }),
    ).toMatchObject({
      status: 'failed',
      attempts: 2,
      lastError: 'network error: not even an Error',
    })
    const ok = (async () => new Response('ok')) as typeof globalThis.fetch
    const badCheck = () => {
      throw new Error('boom')
    }
    expect(await send({ url: 'https://x.test/', headers: {}, body: '' }, { fetch: ok, check: badCheck })).toMatchObject({
      status: 'failed',
      attempts: 1,
      lastError: 'could not read the answer: boom',
    })
    const fail = (async () => new Response('', { status: 500 })) as typeof globalThis.fetch
    const badSleep = async () => {
      throw new Error('no timers')
    }
    expect(await send({ url: 'https://x.test/', headers: {}, body: '' }, { fetch: fail, sleep: badSleep })).toMatchObject({
      status: 'failed',
      attempts: 1,
      lastError: 'could not send: no timers',
    })
  })
})

describe('timing helpers', () => {
  it('reads Retry-After as seconds or an HTTP date', () => {
    const now = Date.parse('2026-11-27T10:00:00Z')
    expect(parseRetryAfter('120', now)).toBe(120_000)
    expect(parseRetryAfter(' 0 ', now)).toBe(0)
    expect(parseRetryAfter('Fri, 27 Nov 2026 10:00:30 GMT', now)).toBe(30_000)
    expect(parseRetryAfter('Fri, 27 Nov 2026 09:00:00 GMT', now)).toBe(0) // in the past: now
    expect(parseRetryAfter('soon', now)).toBeUndefined()
    expect(parseRetryAfter('-5', now)).toBeUndefined()
    expect(parseRetryAfter(null, now)).toBeUndefined()
  })

  it('backs off exponentially, jittered within [half, full], capped', () => {
    expect([1, 2, 3, 4].map((n) => backoffMs(n, 500, 10_000, () => 0))).toEqual([250, 500, 1000, 2000])
    expect([1, 2, 3, 4].map((n) => backoffMs(n, 500, 10_000, () => 1))).toEqual([500, 1000, 2000, 4000])
    expect(backoffMs(10, 500, 10_000, () => 1)).toBe(10_000)
  })
})
