import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { build } from '../../src/integrations/chat/webhook.ts'
import type { RunningServer } from '../../src/server.ts'
import { fixture, form } from '../helpers/fixtures.ts'
import { testBucket, testServer } from '../helpers/storage.ts'

// Report links as a browser and a receiver meet them.

describe('report links', () => {
  let server: RunningServer
  beforeAll(async () => {
    server = await testServer((await testBucket('report-links')).bucket)
  })
  afterAll(() => server?.close())

  it('a browser following a bad /r/ link gets an HTML page; a program still gets problem+json', async () => {
    const page = await fetch(`${server.url}/r/not-a-token`, { headers: { accept: 'text/html,application/xhtml+xml' } })
    expect(page.status).toBe(404)
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8')
    const text = await page.text()
    expect(text).toContain('<h1>This report link does not work</h1>')
    expect(text).toContain('report_link_invalid')
    const api = await fetch(`${server.url}/r/not-a-token`)
    expect(api.headers.get('content-type')).toBe('application/problem+json')
    expect((await api.json()).code).toBe('report_link_invalid')
  })

  it('a good link still opens the report', async () => {
    const made = await fetch(`${server.url}/v1/diagnoses`, {
      method: 'POST',
      body: form({ baseline: fixture('seed/sta-49.tar.gz'), suspect: fixture('seed/sta-18.tar.gz') }),
    })
    const { id } = await made.json()
    const md = await (await fetch(`${server.url}/v1/diagnoses/${id}?format=md`)).text()
    const link = /\((http[^)]+\/r\/[^)]+)\)/.exec(md)![1]!
    const res = await fetch(link, { headers: { accept: 'text/html' } })
    expect(res.status).toBe(200)
    expect(await res.text()).toContain('Suspected: fwlog')
  })
})

describe('the generic webhook body', () => {
  it('carries the report URL, as well as the header', async () => {
    const d = { id: 'x' } as never
    const req = await build(d, { url: 'https://example.com/hook', reportUrl: 'https://memgap.example/r/abc', now: new Date(0) })
    expect(JSON.parse(String(req.body))).toMatchObject({ id: 'x', reportUrl: 'https://memgap.example/r/abc' })
    expect(req.headers['X-Memgap-Report-Url']).toBe('https://memgap.example/r/abc')
  })
})
