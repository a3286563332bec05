import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { BundleSummary } from '../../schemas/bundle.ts'
import { Diagnosis } from '../../schemas/diagnosis.ts'
import { chunkedStream } from '../helpers/archive.ts'
import { bigBundle } from '../helpers/big-bundle.ts'
import { fixture, form, sha256 } from '../helpers/fixtures.ts'
import { postChunked } from '../helpers/flood.ts'
import { storedRaw, testBucket, workerVars } from '../helpers/storage.ts'
import { type DevWorker, startWranglerDev } from '../helpers/wrangler.ts'

// The same upload-and-diagnose path through the Worker in workerd, against the same S3 server.

describe('the Worker in workerd (wrangler dev)', () => {
  let worker: DevWorker
  let storage: Awaited<ReturnType<typeof testBucket>>['storage']
  const seed = { baseline: fixture('seed/sta-49.tar.gz'), suspect: fixture('seed/sta-18.tar.gz') }

  beforeAll(async () => {
    const made = await testBucket('worker')
    storage = made.storage
    worker = await startWranglerDev(workerVars(made.bucket))
  }, 120_000)
  afterAll(() => worker?.stop())

  it('stores an upload in S3 and returns it byte for byte', async () => {
    const res = await fetch(`${worker.url}/v1/bundles`, {
      method: 'POST',
      headers: { 'content-type': 'application/gzip' },
      body: seed.suspect,
    })
    expect(res.status, worker.output()).toBe(201)
    const summary = BundleSummary.parse(await res.json())
    expect(summary.id).toBe(sha256(seed.suspect))
    expect(summary.files.find((f) => f.path === 'pmap/fwlog.txt')?.kind).toBe('pmap')
    expect(sha256((await storedRaw(storage, 'public', summary.id))!)).toBe(summary.id) // in S3, where parsed.json says
    const raw = await fetch(`${worker.url}/v1/bundles/${summary.id}/raw`)
    expect(sha256(new Uint8Array(await raw.arrayBuffer()))).toBe(summary.id)
  })

  it('stores a chunked upload (no Content-Length: multipart to S3) byte for byte', async () => {
    const big = bigBundle() // 6 MiB: two parts
    const res = await fetch(`${worker.url}/v1/bundles`, {
      method: 'POST',
      headers: { 'content-type': 'application/gzip' },
      body: chunkedStream(big, 256 * 1024), // a stream body: fetch sends it chunked
      duplex: 'half',
    } as RequestInit)
    expect(res.status, worker.output()).toBe(201)
    const summary = BundleSummary.parse(await res.json())
    expect(summary.id).toBe(sha256(big))
    const raw = await fetch(`${worker.url}/v1/bundles/${summary.id}/raw`)
    expect(sha256(new Uint8Array(await raw.arrayBuffer()))).toBe(summary.id)
  })

  it('diagnoses the seed pair with the same figures as Node', async () => {
    const res = await fetch(`${worker.url}/v1/diagnoses`, { method: 'POST', body: form(seed) })
    expect(res.status, worker.output()).toBe(201)
    const d = Diagnosis.parse(await res.json())
    expect(d.gap).toMatchObject({ basis: 'Active+Inactive', kib: 297016, verdict: 'user-space' })
    expect(d.processes.slice(0, 3).map((p) => [p.name, p.deltaKib])).toEqual([
      ['fwlog', 145188],
      ['auditd', 105888],
      ['logsd', 88124],
    ])
    expect(d.findings[0]).toMatchObject({ kind: 'queue-buildup', process: 'fwlog' })
    expect(d.regions.find((r) => r.process === 'fwlog')!.deltaDirtyAnonKib).toBe(146464)
    const again = await fetch(`${worker.url}/v1/diagnoses/${d.id}`)
    expect(await again.json()).toEqual(d)
  })

  it('reads the kafka capture (a 64 MiB dump inside) in workerd', async () => {
    const kafka = fixture('kafka/suspect.tar.gz')
    const res = await fetch(`${worker.url}/v1/bundles`, { method: 'POST', headers: { 'content-type': 'application/gzip' }, body: kafka })
    expect(res.status, `${await res.clone().text()}\n${worker.output()}`).toBe(201)
    const summary = BundleSummary.parse(await res.json())
    expect(summary.files.find((f) => f.path === 'dumps/5-7f2250000000-7f2254000000.bin')).toMatchObject({ kind: 'dump', bytes: 67108864 })
    // The 64 MiB dump is scanned in workerd too: the same records as in Node.
    const d = Diagnosis.parse(
      await (
        await fetch(`${worker.url}/v1/diagnoses`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ suspect: summary.id }),
        })
      ).json(),
    )
    const dump = d.content.find((c) => c.file === 'dumps/5-7f2250000000-7f2254000000.bin')!
    expect(dump.scan.jsonRecords).toBeGreaterThan(50000)
    expect(
      d.findings
        .filter((f) => f.kind === 'queue-buildup')
        .map((f) => f.process)
        .sort(),
    ).toEqual(['auditd', 'fwlog', 'logsd'])
  })

  it('answers problem+json errors the same way', async () => {
    const res = await fetch(`${worker.url}/v1/bundles`, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: 'x' })
    expect(res.status).toBe(415)
    expect(await res.json()).toMatchObject({ code: 'unsupported_media_type' })
  })

  it('stops a chunked JSON body at the JSON limit (body_too_large), in workerd too', async () => {
    const small = await postChunked(`${worker.url}/v1/diagnoses`, { 'content-type': 'application/json' }, 128 * 1024)
    expect(small.status, worker.output()).toBe(413)
    expect(JSON.parse(small.body)).toMatchObject({ code: 'body_too_large' })
    // A flood: the Worker answers 413 and reads no further. wrangler dev's proxy then either
    // resets the connection or reports the Worker "restarted mid-request" (a 503 of its own);
    // either way it stopped long before the 64 MiB (read whole, it would be a 400 invalid_json).
    const flood = await postChunked(`${worker.url}/v1/diagnoses`, { 'content-type': 'application/json' }, 64 * 1024 * 1024)
    const refused = flood.status === 413 || flood.error === 'ECONNRESET' || /restarted mid-request/.test(flood.body)
    expect(refused, JSON.stringify(flood)).toBe(true)
    expect(flood.sent).toBeLessThan(32 * 1024 * 1024)
  })
})
