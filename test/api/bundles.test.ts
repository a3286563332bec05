import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { BundleSummary } from '../../schemas/bundle.ts'
import type { RunningServer } from '../../src/server.ts'
import { chunkedStream } from '../helpers/archive.ts'
import { bigBundle } from '../helpers/big-bundle.ts'
import { fixture, form, sha256 } from '../helpers/fixtures.ts'
import { storedRaw, testBucket, testServer } from '../helpers/storage.ts'

describe('POST /v1/bundles against real S3', () => {
  let server: RunningServer
  let storage: Awaited<ReturnType<typeof testBucket>>['storage']
  const seed18 = fixture('seed/sta-18.tar.gz')

  beforeAll(async () => {
    const made = await testBucket('bundles')
    storage = made.storage
    server = await testServer(made.bucket)
  })
  afterAll(() => server?.close())

  it('answers /healthz when storage answers', async () => {
    const res = await fetch(`${server.url}/healthz`)
    expect(res.status).toBe(200)
    expect(await res.json()).toEqual({ ok: true })
  })

  it('stores a raw gzip upload byte for byte, under its SHA-256, and summarises it', async () => {
    const res = await fetch(`${server.url}/v1/bundles`, {
      method: 'POST',
      headers: { 'content-type': 'application/gzip' },
      body: seed18,
    })
    expect(res.status).toBe(201)
    const summary = BundleSummary.parse(await res.json())
    expect(summary.id).toBe(sha256(seed18))
    expect(summary.bytes).toBe(seed18.byteLength)
    expect(summary.host).toBe('10.222.3.18')
    expect(summary.format).toBe('tar.gz')
    const kinds = Object.fromEntries(summary.files.map((f) => [f.path, f.kind]))
    expect(kinds).toMatchObject({ 'meminfo.txt': 'meminfo', 'rss.txt': 'ps', 'pmap/fwlog.txt': 'pmap', 'manifest.json': 'manifest' })
    expect(kinds['dumps/fwlog-7f21b8000000-7f21bbfff000.strings.txt']).toBe('dump')
    expect(res.headers.get('location')).toBe(`/v1/bundles/${summary.id}`)

    // What storage holds, read through the same client as production.
    const stored = await storedRaw(storage, 'public', summary.id) // parsed.json, and the raw bytes it names
    expect(stored).not.toBeNull()
    expect(sha256(stored!)).toBe(summary.id)
  })

  it('stores a chunked upload (no Content-Length: multipart to S3) byte for byte', async () => {
    const big = bigBundle() // 6 MiB: two parts
    const res = await fetch(`${server.url}/v1/bundles`, {
      method: 'POST',
      headers: { 'content-type': 'application/gzip' },
      body: chunkedStream(big, 256 * 1024), // a stream body: fetch sends it chunked
      duplex: 'half',
    } as RequestInit)
    expect(res.status).toBe(201)
    const summary = BundleSummary.parse(await res.json())
    expect(summary.id).toBe(sha256(big))
    expect(summary.files.find((f) => f.path === 'dumps/7-7f0000000000-7f0000600000.bin')?.kind).toBe('dump')
    expect(sha256((await storedRaw(storage, 'public', summary.id))!)).toBe(summary.id)
  })

  it('carries on when a client goes away midway through an upload', async () => {
    const gone = new AbortController()
    const half = bigBundle().subarray(0, 3 * 1024 * 1024)
    let sent = 0
    const body = new ReadableStream<Uint8Array>({
      pull(c) {
        if (sent >= half.byteLength) return gone.abort() // the rest never comes: the client is gone
        c.enqueue(half.slice(sent, sent + 256 * 1024))
        sent += 256 * 1024
      },
    })
    const upload = fetch(`${server.url}/v1/bundles`, {
      method: 'POST',
      body,
      headers: { 'content-type': 'application/gzip' },
      duplex: 'half',
      signal: gone.signal,
    } as RequestInit)
    await expect(upload).rejects.toThrow()
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200)
    const next = await fetch(`${server.url}/v1/bundles`, {
      method: 'POST',
      headers: { 'content-type': 'application/gzip' },
      body: fixture('seed/sta-49.tar.gz'),
    })
    expect(next.status).toBe(201)
  })

  it('answers 200 with the same summary when the same bytes come again', async () => {
    const post = () =>
      fetch(`${server.url}/v1/bundles`, { method: 'POST', headers: { 'content-type': 'application/octet-stream' }, body: seed18 })
    const again = await post()
    expect(again.status).toBe(200)
    const first = await (await fetch(`${server.url}/v1/bundles/${sha256(seed18)}`)).json()
    expect(await again.json()).toEqual(first)
  })

  it('takes multipart with a bundle file and metadata', async () => {
    const kafka = fixture('kafka/baseline.tar.gz')
    const res = await fetch(`${server.url}/v1/bundles`, {
      method: 'POST',
      body: form({ bundle: kafka }, { metadata: JSON.stringify({ host: 'edge-7', role: 'baseline', notes: 'capped queues' }) }),
    })
    expect(res.status).toBe(201)
    const summary = BundleSummary.parse(await res.json())
    expect(summary.id).toBe(sha256(kafka))
    expect(summary.host).toBe('edge-7') // the uploader's word beats the manifest's
    const byKind = (kind: string) =>
      summary.files
        .filter((f) => f.kind === kind)
        .map((f) => f.path)
        .sort()
    expect(byKind('pmap')).toEqual(['pmap/3.txt', 'pmap/5.txt', 'pmap/6.txt', 'pmap/7.txt'])
    expect(byKind('ps')).toEqual(['ps-aux.txt', 'ps.txt'])
    expect(byKind('meminfo')).toEqual(['proc/meminfo'])
  })

  it('returns the exact raw bytes', async () => {
    const res = await fetch(`${server.url}/v1/bundles/${sha256(seed18)}/raw`)
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toBe('application/octet-stream')
    expect(sha256(new Uint8Array(await res.arrayBuffer()))).toBe(sha256(seed18))
  })

  it('answers 404 problem+json for a bundle it does not have', async () => {
    const res = await fetch(`${server.url}/v1/bundles/${'0'.repeat(64)}`)
    expect(res.status).toBe(404)
    expect(res.headers.get('content-type')).toBe('application/problem+json')
    expect(await res.json()).toMatchObject({ status: 404, code: 'bundle_not_found' })
  })
})
