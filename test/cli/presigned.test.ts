import { mkdtemp, rm, truncate, writeFile } from 'node:fs/promises'
import { createServer, type Server } from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { BundleSummary } from '../../schemas/bundle.ts'
import type { RunningServer } from '../../src/server.ts'
import { fixture, sha256 } from '../helpers/fixtures.ts'
import { testBucket, testServer } from '../helpers/storage.ts'
import { memgap } from './run.ts'

// `memgap upload` through presigned uploads: the real CLI, the real server, the test S3 server.
// A recording proxy sits in front of the server: under /new/ it passes everything on; under /old/
// it answers 404 to /v1/uploads, as a memgap from before presigned uploads would.

const SUSPECT = 'test/fixtures/kafka/suspect.tar.gz'
const BASELINE = 'test/fixtures/kafka/baseline.tar.gz'
const KEY = 'cli-presigned-0123456789'

describe('memgap upload, presigned', () => {
  let server: RunningServer
  let small: RunningServer // MAX_UNPACKED_BYTES of 1 MiB: answers 413 to bigger uploads
  let proxy: Server
  let proxyUrl: string
  let work: string
  const seen: string[] = []
  const opened: unknown[] = []

  beforeAll(async () => {
    work = await mkdtemp(join(tmpdir(), 'memgap-presigned-cli-'))
    const { bucket } = await testBucket('cli-presigned')
    ;[server, small] = await Promise.all([
      testServer(bucket, { MEMGAP_API_KEYS: `cli:${KEY}` }),
      testServer(bucket, { MEMGAP_API_KEYS: `cli:${KEY}`, MAX_UNPACKED_BYTES: String(1024 * 1024) }),
    ])
    proxy = createServer(async (req, res) => {
      const [, mode, ...rest] = req.url!.split('/')
      const path = `/${rest.join('/')}`
      const chunks: Buffer[] = []
      for await (const chunk of req) chunks.push(chunk as Buffer)
      seen.push(`${mode} ${req.method} ${path.replace(/[0-9a-f-]{36}/, ':id')}`)
      if (mode === 'old' && path.startsWith('/v1/uploads')) {
        return res.writeHead(404, { 'content-type': 'application/problem+json' }).end('{"code":"not_found"}')
      }
      const body = Buffer.concat(chunks)
      if (path === '/v1/uploads') opened.push(JSON.parse(body.toString()))
      const headers: Record<string, string> = {}
      for (const name of ['authorization', 'content-type']) if (req.headers[name]) headers[name] = String(req.headers[name])
      const answer = await fetch(`${server.url}${path}`, { method: req.method, headers, body: req.method === 'GET' ? undefined : body })
      res
        .writeHead(answer.status, { 'content-type': answer.headers.get('content-type') ?? 'application/json' })
        .end(Buffer.from(await answer.arrayBuffer()))
    })
    await new Promise<void>((done) => proxy.listen(0, '127.0.0.1', done))
    proxyUrl = `http://127.0.0.1:${(proxy.address() as { port: number }).port}`
  })
  afterAll(async () => {
    await new Promise((done) => proxy?.close(done))
    await Promise.all([server?.close(), small?.close()])
    if (work) await rm(work, { recursive: true, force: true })
  })

  const summaryOf = (stdout: string) => BundleSummary.parse(JSON.parse(stdout))

  it('--presigned: one PUT to storage, then complete; the summary id is the SHA-256 of the file', async () => {
    seen.length = opened.length = 0
    const run = await memgap(['upload', SUSPECT, '--url', `${proxyUrl}/new`, '--token', KEY, '--presigned'])
    expect(run.stderr).toMatch(/^uploaded 9940888 bytes in [\d.]+ s \([\d.]+ MB\/s\)\n$/)
    expect(run.code).toBe(0)
    const summary = summaryOf(run.stdout)
    expect(summary.id).toBe(sha256(fixture('kafka/suspect.tar.gz')))
    expect(opened).toEqual([{ bytes: 9940888 }])
    expect(seen).toEqual(['new POST /v1/uploads', 'new POST /v1/uploads/:id/complete']) // the bytes went to S3, not here
    const stored = await fetch(`${server.url}/v1/bundles/${summary.id}`, { headers: { authorization: `Bearer ${KEY}` } })
    expect(stored.status).toBe(200)
  })

  it("MEMGAP_UPLOAD_PART_THRESHOLD: a multipart upload, completed with the parts' ETags", async () => {
    seen.length = opened.length = 0
    const run = await memgap(['upload', BASELINE, '--url', `${proxyUrl}/new/`], {
      MEMGAP_TOKEN: KEY,
      MEMGAP_UPLOAD_PART_THRESHOLD: '1048576',
    })
    expect(run.code).toBe(0)
    expect(summaryOf(run.stdout).id).toBe(sha256(fixture('kafka/baseline.tar.gz')))
    expect(opened).toEqual([{ bytes: 1529930, multipart: true }])
    expect(seen).toEqual(['new POST /v1/uploads', 'new POST /v1/uploads/:id/complete'])
  })

  it('falls back to the direct POST when the server has no /v1/uploads', async () => {
    seen.length = 0
    const run = await memgap(['upload', BASELINE, '--url', `${proxyUrl}/old`, '--token', KEY, '--presigned'])
    expect(run.code).toBe(0)
    expect(run.stderr).toContain('the server has no presigned uploads (404 to POST /v1/uploads): posting the archive directly')
    expect(summaryOf(run.stdout).id).toBe(sha256(fixture('kafka/baseline.tar.gz')))
    expect(seen).toEqual(['old POST /v1/uploads', 'old POST /v1/bundles'])
  })

  it('exits 5 over 100 MiB when the server has no /v1/uploads, and when it answers 413', async () => {
    const big = join(work, 'big.tar.gz')
    await writeFile(big, '')
    await truncate(big, 100 * 1024 * 1024 + 1) // sparse: nothing is written to disk
    seen.length = 0
    const [old, refused] = await Promise.all([
      memgap(['upload', big, '--url', `${proxyUrl}/old`, '--token', KEY]),
      memgap(['upload', BASELINE, '--url', small.url, '--token', KEY, '--presigned']),
    ])
    expect(old.code).toBe(5)
    expect(old.stderr).toMatch(
      /big\.tar\.gz is 100\.0 MiB, over the 100\.0 MiB of a direct upload, and the server has no presigned uploads/,
    )
    expect(seen).toEqual(['old POST /v1/uploads']) // nothing sent
    expect(refused.code).toBe(5)
    expect(refused.stderr).toMatch(/too large \(413\): upload_too_large/)
    expect(old.stdout + refused.stdout).toBe('')
  })
})
