import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Diagnosis } from '../../schemas/diagnosis.ts'
import type { RunningServer } from '../../src/server.ts'
import { keys } from '../../src/storage/s3.ts'
import { fixture, form, sha256 } from '../helpers/fixtures.ts'
import { testBucket, testServer } from '../helpers/storage.ts'

// The figures come from the fixtures' READMEs (copied from ../shared/fixtures/*/README.md).

describe('POST /v1/diagnoses against real S3', () => {
  let server: RunningServer
  let storage: Awaited<ReturnType<typeof testBucket>>['storage']
  const seed = { baseline: fixture('seed/sta-49.tar.gz'), suspect: fixture('seed/sta-18.tar.gz') }

  beforeAll(async () => {
    const made = await testBucket('diagnoses')
    storage = made.storage
    server = await testServer(made.bucket)
  })
  afterAll(() => server?.close())

  async function diagnoseFiles(files: { baseline: Uint8Array<ArrayBuffer>; suspect: Uint8Array<ArrayBuffer> }) {
    const res = await fetch(`${server.url}/v1/diagnoses`, { method: 'POST', body: form(files) })
    expect(res.status).toBe(201)
    return Diagnosis.parse(await res.json())
  }

  it('reproduces the seed incident from a one-shot curl-style upload', async () => {
    const d = await diagnoseFiles(seed)
    expect(d.baseline).toEqual({ bundleId: sha256(seed.baseline), host: '10.222.3.49' })
    expect(d.suspect).toEqual({ bundleId: sha256(seed.suspect), host: '10.222.3.18' })
    expect(d.gap).toMatchObject({ basis: 'Active+Inactive', kib: 297016, verdict: 'user-space' })
    expect(d.gap!.breakdown).toMatchObject({ anon: 346328, file: -49312 })
    const top = d.processes.slice(0, 3).map((p) => [p.name, p.deltaKib, p.metric])
    expect(top).toEqual([
      ['fwlog', 145188, 'rss'],
      ['auditd', 105888, 'rss'],
      ['logsd', 88124, 'rss'],
    ])
    const adAppd = d.processes.find((p) => p.name === 'ad_appd')!
    expect(adAppd).toMatchObject({ instances: { baseline: 2, suspect: 2 }, deltaKib: -109348, exe: '/usr/sbin/ad_appd' })
    expect(d.processes.at(-1)!.name).toBe('ad_appd') // shrank most
    expect(d.summary).toMatch(/10\.222\.3\.18 uses 290 MiB \(297016 KiB\) more memory than 10\.222\.3\.49/)
    expect(d.summary).toMatch(/user space/)
    expect(d.summary).toMatch(/fwlog .*auditd .*logsd/)
    // Acknowledged means stored.
    expect(await storage.exists(keys.diagnosis('public', d.id))).toBe(true)
  })

  it('diagnoses stored bundles named by id, and serves the diagnosis again', async () => {
    const ids = { baseline: sha256(seed.baseline), suspect: sha256(seed.suspect) }
    const res = await fetch(`${server.url}/v1/diagnoses`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(ids),
    })
    expect(res.status).toBe(201)
    const d = Diagnosis.parse(await res.json())
    expect(d.gap!.kib).toBe(297016)
    const again = await fetch(`${server.url}/v1/diagnoses/${d.id}`)
    expect(again.status).toBe(200)
    expect(await again.json()).toEqual(d)
  })

  it('puts the three Kafka producers first for the kafka capture, and does not blame ad_appd', async () => {
    const d = await diagnoseFiles({ baseline: fixture('kafka/baseline.tar.gz'), suspect: fixture('kafka/suspect.tar.gz') })
    expect(d.gap).toMatchObject({ basis: 'MemAvailable', kib: 315264, verdict: 'user-space' })
    expect(d.gap!.breakdown.anon).toBe(311348)
    expect(d.processes.slice(0, 3).map((p) => p.name)).toEqual(['fwlog', 'auditd', 'logsd'])
    const producers = d.processes.slice(0, 3)
    const together = producers.reduce((n, p) => n + p.deltaKib, 0)
    expect(together / d.gap!.kib).toBeGreaterThan(0.9) // the producers hold the whole gap
    const adAppd = d.processes.find((p) => p.name === 'ad_appd')!
    expect(Math.abs(adAppd.deltaKib)).toBeLessThan(1024)
  })

  it("explains the seed gap over HTTP: fwlog's queue, its arenas and the records in its dump", async () => {
    const d = await diagnoseFiles(seed)
    const fwlogRegions = d.regions.find((r) => r.process === 'fwlog')!
    expect(fwlogRegions).toMatchObject({ deltaDirtyAnonKib: 146464, concentratedIn: 'arena' })
    const dump = d.content.find((c) => c.process === 'fwlog')!
    expect(
      dump.scan.discriminators
        .find((x) => x.field === 'LogType')!
        .values.map((v) => v.value)
        .sort(),
    ).toEqual(['netflow', 'waf'])
    expect(d.findings[0]).toMatchObject({ kind: 'queue-buildup', process: 'fwlog' })
  })

  it('diagnoses one bundle alone: no gap, a warning, and the queue evidence', async () => {
    const suspect = fixture('kafka/suspect.tar.gz')
    const res = await fetch(`${server.url}/v1/diagnoses`, { method: 'POST', body: form({ suspect }) })
    expect(res.status).toBe(201)
    const d = Diagnosis.parse(await res.json())
    expect(d.baseline).toBeNull()
    expect(d.gap).toBeNull()
    expect(d.warnings.map((w) => w.code)).toContain('no_baseline')
    expect(
      d.findings
        .filter((f) => f.kind === 'queue-buildup')
        .map((f) => f.process)
        .sort(),
    ).toEqual(['auditd', 'fwlog', 'logsd'])

    const byId = await fetch(`${server.url}/v1/diagnoses`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ suspect: sha256(suspect) }),
    })
    expect(byId.status).toBe(201)
    expect((await byId.json()).baseline).toBeNull()
  })

  it('answers 404 for a diagnosis it does not have, and 400 with issue paths for bad ids', async () => {
    const missing = await fetch(`${server.url}/v1/diagnoses/00000000-0000-4000-8000-000000000000`)
    expect(missing.status).toBe(404)
    expect(await missing.json()).toMatchObject({ code: 'diagnosis_not_found' })

    const bad = await fetch(`${server.url}/v1/diagnoses`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ baseline: 'nope' }),
    })
    expect(bad.status).toBe(400)
    expect(bad.headers.get('content-type')).toBe('application/problem+json')
    const problem = await bad.json()
    expect(problem.code).toBe('invalid_request')
    expect(problem.issues.map((i: { path: string[] }) => i.path.join('.'))).toEqual(['baseline', 'suspect'])
  })

  it('answers 404 when a named bundle is not stored', async () => {
    const res = await fetch(`${server.url}/v1/diagnoses`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ baseline: sha256(seed.baseline), suspect: 'f'.repeat(64) }),
    })
    expect(res.status).toBe(404)
    expect(await res.json()).toMatchObject({ code: 'bundle_not_found' })
  })
})
