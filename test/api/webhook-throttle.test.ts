import { request } from 'node:http'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { RunningServer } from '../../src/server.ts'
import { testBucket, testServer } from '../helpers/storage.ts'
import { signZendesk, startTicketSystems, type TicketSystems } from '../helpers/tickets.ts'

// Issue 12, item 3: ticket webhooks are verified first and counted after, and failed
// authentication is throttled per client address. The flood comes from 127.0.0.2 (all of
// 127/8 is loopback on Linux), the ticket system and the tenant from 127.0.0.1.

const ACME = 'acme-key-0123456789abcdef'
const PER_MINUTE = 30

/** A POST from a chosen local address. */
function postFrom(localAddress: string, url: string, body: string, headers: Record<string, string>): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      { method: 'POST', localAddress, headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) } },
      (res) => {
        res.resume()
        res.on('end', () => resolve(res.statusCode!))
      },
    )
    req.on('error', reject)
    req.end(body)
  })
}

describe('webhook signatures before rate limits', () => {
  let server: RunningServer
  let systems: TicketSystems
  beforeAll(async () => {
    systems = await startTicketSystems()
    systems.addZendeskTicket('301', [])
    server = await testServer((await testBucket('throttle')).bucket, {
      ...systems.env,
      MEMGAP_API_KEYS: `acme:${ACME}`,
      INTEGRATIONS_TENANT: 'acme', // the worst case: the ticket tenant is an API tenant too
      RATE_LIMIT_PER_MINUTE: String(PER_MINUTE),
      MEMGAP_ALLOW_PRIVATE_CALLBACKS: 'true',
    })
  })
  afterAll(async () => {
    await server?.close()
    await systems?.close()
  })

  it('an unsigned flood is throttled by its address, and neither signed webhooks nor the tenant notice', async () => {
    const body = JSON.stringify({ ticket_id: 301 })
    const flood: number[] = []
    for (let i = 0; i < PER_MINUTE + 10; i++) {
      flood.push(
        await postFrom('127.0.0.2', `${server.url}/v1/integrations/zendesk`, body, {
          'content-type': 'application/json',
          'x-zendesk-webhook-signature': 'AAAA',
          'x-zendesk-webhook-signature-timestamp': new Date().toISOString(),
        }),
      )
    }
    expect(flood.filter((s) => s === 401)).toHaveLength(PER_MINUTE)
    expect(flood.slice(PER_MINUTE).every((s) => s === 429)).toBe(true)
    // Bad API keys from the same address count toward the same failures: already throttled.
    expect(
      await postFrom('127.0.0.2', `${server.url}/v1/uploads`, '{"bytes":1}', {
        'content-type': 'application/json',
        authorization: 'Bearer wrong-key-0123456789abcdef',
      }),
    ).toBe(429)

    const signed = await fetch(`${server.url}/v1/integrations/zendesk`, { method: 'POST', body, headers: signZendesk(body) })
    expect(signed.status).toBe(202)
    const api = await fetch(`${server.url}/v1/bundles/${'0'.repeat(64)}`, { headers: { authorization: `Bearer ${ACME}` } })
    expect(api.status).toBe(404) // not 429: the flood used none of acme's requests
  })

  it('signed webhooks still count against the tenant once verified', async () => {
    const statuses: number[] = []
    for (let i = 0; i < PER_MINUTE + 5; i++) {
      const body = JSON.stringify({ ticket_id: 400 + i })
      statuses.push((await fetch(`${server.url}/v1/integrations/zendesk`, { method: 'POST', body, headers: signZendesk(body) })).status)
    }
    expect(statuses).toContain(429)
  })
})
