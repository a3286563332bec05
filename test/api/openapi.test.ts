import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Diagnosis } from '../../schemas/diagnosis.ts'
import type { RunningServer } from '../../src/server.ts'
import { fixture, form } from '../helpers/fixtures.ts'
import { testBucket, testServer } from '../helpers/storage.ts'

describe('/openapi.json and /docs', () => {
  let server: RunningServer
  beforeAll(async () => {
    server = await testServer((await testBucket('openapi')).bucket)
  })
  afterAll(() => server?.close())

  it('describes every route with schemas generated from the zod schemas', async () => {
    const doc = await (await fetch(`${server.url}/openapi.json`)).json()
    expect(doc.openapi).toBe('3.1.0')
    expect(Object.keys(doc.paths).sort()).toEqual([
      '/healthz',
      '/r/{token}',
      '/v1/bundles',
      '/v1/bundles/{id}',
      '/v1/bundles/{id}/raw',
      '/v1/diagnoses',
      '/v1/diagnoses/{id}',
      '/v1/diagnoses/{id}/deliveries',
      '/v1/integrations/jira',
      '/v1/integrations/webhook',
      '/v1/integrations/zendesk',
      '/v1/uploads',
      '/v1/uploads/{id}/complete',
    ])
    expect(Object.keys(doc.paths['/v1/diagnoses'].post.responses)).toEqual(
      expect.arrayContaining(['201', '400', '404', '413', '415', '422']),
    )
    // Listing and deleting (issue 11): each operation with its filters and answers.
    expect(doc.paths['/v1/bundles'].get.parameters.map((p: { name: string }) => p.name)).toEqual([
      'host',
      'since',
      'until',
      'limit',
      'cursor',
    ])
    expect(doc.paths['/v1/diagnoses'].get.parameters.map((p: { name: string }) => p.name)).toEqual(['bundle', 'host', 'limit', 'cursor'])
    expect(Object.keys(doc.paths['/v1/bundles/{id}'].delete.responses)).toEqual(expect.arrayContaining(['204', '404']))
    expect(Object.keys(doc.paths['/v1/diagnoses/{id}'].delete.responses)).toEqual(expect.arrayContaining(['204', '404']))
    expect(doc.components.schemas.BundleList.properties.items.items.required).toEqual(['id', 'time', 'host', 'role'])
    const diagnosis = doc.components.schemas.Diagnosis
    expect(diagnosis.required).toEqual(expect.arrayContaining(['gap', 'processes', 'findings', 'summary']))
    expect(diagnosis.properties.findings.items.properties.kind.enum).toEqual([
      'queue-buildup',
      'heap-growth',
      'kernel-growth',
      'oom-kill',
      'steady-growth',
    ])
    // A queue finding names its client's family in a field of its own, with the limits and their source.
    const client = diagnosis.properties.findings.items.properties.client
    expect(client.properties.family.enum).toEqual(
      expect.arrayContaining(['librdkafka', 'java-kafka', 'rsyslog', 'mqtt', 'redis', 'nats', 'unknown']),
    )
    expect(client.properties.limits.items.properties.source.enum).toEqual(['config', 'statistics', 'default'])
    // Each $ref points at a component that exists.
    const refs = JSON.stringify(doc).match(/#\/components\/schemas\/\w+/g) ?? []
    for (const ref of new Set(refs)) expect(doc.components.schemas[ref.split('/').pop()!], ref).toBeDefined()
  })

  it("documents a response a real request gets: the diagnosis validates against the document's required fields", async () => {
    const doc = await (await fetch(`${server.url}/openapi.json`)).json()
    const res = await fetch(`${server.url}/v1/diagnoses`, { method: 'POST', body: form({ suspect: fixture('seed/sta-18.tar.gz') }) })
    const body = Diagnosis.parse(await res.json())
    for (const key of doc.components.schemas.Diagnosis.required) expect(body).toHaveProperty(key)
  })

  it('serves /docs as one page with no external resource', async () => {
    const res = await fetch(`${server.url}/docs`)
    expect(res.status).toBe(200)
    const page = await res.text()
    expect(page).toContain('/v1/diagnoses/{id}/deliveries')
    expect(page).not.toMatch(/<(script|link)[^>]+(src|href)=["']?https?:/i)
    expect(res.headers.get('content-security-policy')).toContain("default-src 'none'")
    // Curl lines that work as pasted: $KEY expands (double quotes), gzip goes only where archives go.
    const curls = [...page.matchAll(/<pre>([^<]*)<\/pre>/g)].flatMap((m) => m[1]!.replace(/&#34;/g, '"').replace(/&#39;/g, "'").split('\n'))
    expect(curls.filter((l) => l.includes('$KEY')).every((l) => l.includes('"authorization: Bearer $KEY"'))).toBe(true)
    expect(curls.filter((l) => l.includes('application/gzip')).map((l) => l.split(' ').at(-1))).toEqual(['"$URL/v1/bundles"'])
    expect(curls).toContain(
      'curl -H "authorization: Bearer $KEY" -F baseline=@baseline.tar.gz -F suspect=@suspect.tar.gz "$URL/v1/diagnoses"',
    )
    expect(page).not.toContain('`')
    expect(page).not.toMatch(/&#34;type&#34;: &#34;object&#34;/) // schemas as field tables, not raw JSON Schema
  })
})
