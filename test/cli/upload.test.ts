import { createHash, randomBytes, randomUUID } from 'node:crypto'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { createServer, type IncomingMessage, type Server } from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import type { UploadTicket } from '../../schemas/uploads.ts'
import { CliError } from '../../src/cli/exit.ts'
import { DIRECT_LIMIT, partThresholdFrom, planUpload, uploadBundle } from '../../src/cli/upload.ts'

// In-process: the decision of which path an upload takes, and the presigned client against a fake
// memgap + storage on node:http that answers what a test tells it to (parts of any size, 5xx,
// dropped connections). The real server and S3 are in presigned.test.ts.

const MiB = 1024 * 1024
const sha = (data: Uint8Array) => createHash('sha256').update(data).digest('hex')

describe('planUpload', () => {
  it('posts directly up to 100 MiB, presigned above it or when asked', () => {
    expect(planUpload(10)).toEqual({ kind: 'direct' })
    expect(planUpload(DIRECT_LIMIT)).toEqual({ kind: 'direct' })
    expect(planUpload(DIRECT_LIMIT + 1)).toEqual({ kind: 'presigned', multipart: true })
    expect(planUpload(10, { presigned: true })).toEqual({ kind: 'presigned', multipart: false })
  })

  it('asks for parts over the threshold, which implies the presigned path', () => {
    expect(planUpload(10, { partThreshold: 9 })).toEqual({ kind: 'presigned', multipart: true })
    expect(planUpload(10, { partThreshold: 10, presigned: true })).toEqual({ kind: 'presigned', multipart: false })
  })

  it('falls back to the direct POST for an older server only when the file fits', () => {
    expect(planUpload(50 * MiB, { presigned: true, serverHasUploads: false })).toEqual({ kind: 'direct' })
    expect(planUpload(DIRECT_LIMIT + 1, { serverHasUploads: false })).toEqual({ kind: 'too-large' })
  })

  it('reads MEMGAP_UPLOAD_PART_THRESHOLD as bytes', () => {
    expect(partThresholdFrom({})).toBeUndefined()
    expect(partThresholdFrom({ MEMGAP_UPLOAD_PART_THRESHOLD: '' })).toBeUndefined()
    expect(partThresholdFrom({ MEMGAP_UPLOAD_PART_THRESHOLD: '1048576' })).toBe(MiB)
    expect(() => partThresholdFrom({ MEMGAP_UPLOAD_PART_THRESHOLD: '1 MiB' })).toThrow(/number of bytes/)
  })
})

describe('the presigned client', () => {
  const bytes = new Uint8Array(randomBytes(2500))
  const partSizes = [1000, 1000, 500]
  let dir: string
  let file: string
  let server: Server
  let base: string
  /** What the fake storage does on the nth PUT (1-based) of a part: 'ok' unless a test says. */
  let behave: (part: number, attempt: number) => 'ok' | 'drop' | number
  let attempts: Map<number, number>
  let stored: Map<number, Uint8Array>
  let opened: unknown[]
  let completed: unknown[]
  let putHeaders: IncomingMessage['headers'][]

  const body = async (req: IncomingMessage) => {
    const chunks: Buffer[] = []
    for await (const chunk of req) chunks.push(chunk as Buffer)
    return new Uint8Array(Buffer.concat(chunks))
  }

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'memgap-presigned-'))
    file = join(dir, 'bundle.tar.gz')
    await writeFile(file, bytes)
    server = createServer(async (req, res) => {
      const data = await body(req)
      const path = new URL(req.url!, 'http://x').pathname
      const json = (status: number, value: unknown) =>
        res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(value))
      if (req.method === 'PUT' && path.startsWith('/store/part/')) {
        const part = Number(path.split('/').pop())
        const attempt = (attempts.get(part) ?? 0) + 1
        attempts.set(part, attempt)
        putHeaders.push(req.headers)
        const what = behave(part, attempt)
        if (what === 'drop') return req.socket.destroy()
        if (what !== 'ok')
          return res
            .writeHead(what, { 'content-type': 'application/xml' })
            .end(`<Error><Code>Nope${what}</Code><Message>said no</Message></Error>`)
        stored.set(part, data)
        return res.writeHead(200, { etag: `"etag-${part}"` }).end()
      }
      if (req.method === 'POST' && path === '/prefix/v1/uploads') {
        if (req.headers.authorization !== 'Bearer t0k') return json(401, { code: 'unauthorized' })
        const request = JSON.parse(Buffer.from(data).toString()) as { bytes: number }
        opened.push(request)
        const id = randomUUID()
        const parts = partSizes.map((size, i) => ({ partNumber: i + 1, url: `${base}/store/part/${i + 1}?X-Amz-Signature=x`, bytes: size }))
        const ticket: UploadTicket = { id, expiresAt: new Date().toISOString(), put: null, parts, complete: `/v1/uploads/${id}/complete` }
        return json(201, ticket)
      }
      if (req.method === 'POST' && /^\/prefix\/v1\/uploads\/[0-9a-f-]+\/complete$/.test(path)) {
        const request = JSON.parse(Buffer.from(data).toString()) as { parts: { partNumber: number; etag: string }[] }
        completed.push(request)
        const whole = Buffer.concat(request.parts.map((p) => stored.get(p.partNumber)!))
        return json(201, { id: sha(whole), bytes: whole.byteLength })
      }
      json(404, { code: 'not_found' })
    })
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', done))
    base = `http://127.0.0.1:${(server.address() as { port: number }).port}`
  })
  afterAll(async () => {
    await new Promise((done) => server?.close(done))
    await rm(dir, { recursive: true, force: true })
  })
  beforeEach(() => {
    behave = () => 'ok'
    attempts = new Map()
    stored = new Map()
    opened = []
    completed = []
    putHeaders = []
  })

  const upload = (progress: { isTTY?: boolean; write(text: string): unknown }) =>
    uploadBundle(file, { url: `${base}/prefix/`, token: 't0k', progress, presigned: true, partThreshold: 1000, retryDelayMs: 1 })

  it('PUTs each part as its byte range, retries a 5xx and a dropped connection, completes with the ETags', async () => {
    behave = (part, attempt) => (part === 2 && attempt === 1 ? 503 : part === 3 && attempt < 3 ? 'drop' : 'ok')
    const writes: string[] = []
    const result = await upload({ isTTY: false, write: (t: string) => writes.push(t) })

    expect(result).toEqual({ status: 201, body: { id: sha(bytes), bytes: 2500 } })
    expect(opened).toEqual([{ bytes: 2500, multipart: true }])
    expect(Object.fromEntries(attempts)).toEqual({ 1: 1, 2: 2, 3: 3 })
    expect(stored.get(1)).toEqual(bytes.subarray(0, 1000))
    expect(stored.get(2)).toEqual(bytes.subarray(1000, 2000))
    expect(stored.get(3)).toEqual(bytes.subarray(2000))
    expect(completed).toEqual([{ parts: [1, 2, 3].map((n) => ({ partNumber: n, etag: `"etag-${n}"` })) }])
    for (const headers of putHeaders) expect(headers.authorization).toBeUndefined() // the URL is the credential

    const text = writes.join('')
    expect(text).toContain('memgap: part 2 of 3: storage answered 503: Nope503: said no; retry 1 of 3')
    expect(text).toMatch(/memgap: part 3 of 3: .*; retry 2 of 3/)
    expect(writes.at(-1)).toMatch(/^uploaded 2500 bytes in /) // the whole file, once: a retry's bytes are not counted twice
  })

  it('gives up on a part after 3 retries (exit 4), and does not retry a 4xx', async () => {
    behave = (part) => (part === 2 ? 500 : 'ok')
    const failed = await upload({ write: () => {} }).catch((error: unknown) => error)
    expect(failed).toBeInstanceOf(CliError)
    expect(failed).toMatchObject({ exitCode: 4, message: expect.stringMatching(/^part 2 of 3 failed 4 times, last: storage answered 500/) })
    expect(attempts.get(2)).toBe(4)
    expect(completed).toEqual([])

    attempts = new Map()
    behave = (part) => (part === 1 ? 403 : 'ok')
    await expect(upload({ write: () => {} })).rejects.toMatchObject({
      exitCode: 4,
      message: 'storage refused part 1 of 3: 403: Nope403: said no',
    })
    expect(attempts.get(1)).toBe(1)
  })

  it("maps a 413 from storage to exit 5, ending a terminal's bar line first", async () => {
    behave = (part) => (part === 2 ? 413 : 'ok')
    const writes: string[] = []
    await expect(upload({ isTTY: true, write: (t: string) => writes.push(t) })).rejects.toMatchObject({ exitCode: 5 })
    expect(writes.at(-2)).toMatch(/^\r\[#+-+\] 0\.0\/0\.0 MB +40% /) // part 1 of 2500 bytes
    expect(writes.at(-1)).toBe('\n')
  })
})
