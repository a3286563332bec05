import { gzipSync } from 'node:zlib'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { RunningServer } from '../../src/server.ts'
import { sha256 } from '../helpers/fixtures.ts'
import { storedRaw, testBucket, testServer } from '../helpers/storage.ts'
import { tar, tarGz, tarHeader } from '../helpers/tar.ts'
import { zip } from '../helpers/zip.ts'

// Archives built to hurt: bombs, too many files, unsafe paths. Each is stopped within its limit,
// answered with a stable code, and its raw bytes are still kept.

describe('hostile archives', () => {
  let server: RunningServer
  let storage: Awaited<ReturnType<typeof testBucket>>['storage']

  beforeAll(async () => {
    const made = await testBucket('hostile')
    storage = made.storage
    server = await testServer(made.bucket, { MAX_UNPACKED_BYTES: String(32 * 1024 * 1024), MAX_FILES: '20' })
  })
  afterAll(() => server?.close())

  async function post(body: Uint8Array<ArrayBuffer>, status: number, code: string) {
    const res = await fetch(`${server.url}/v1/bundles`, { method: 'POST', body, headers: { 'content-type': 'application/octet-stream' } })
    expect(res.status).toBe(status)
    expect(res.headers.get('content-type')).toBe('application/problem+json')
    expect(await res.json()).toMatchObject({ code })
    expect(sha256((await storedRaw(storage, 'public', sha256(body)))!)).toBe(sha256(body)) // kept all the same
  }

  it('stops a gzip bomb (a tar entry declaring 8 GiB, 1 KiB on the wire) before inflating it', async () => {
    const header = tarHeader({ name: 'dumps/1-7f00-7f01.bin', size: 8 * 1024 ** 3 }, 0)
    const bomb = new Uint8Array(gzipSync(Buffer.concat([header, Buffer.alloc(64 * 1024)])))
    expect(bomb.byteLength).toBeLessThan(2048)
    const started = Date.now()
    await post(bomb, 413, 'file_too_large')
    expect(Date.now() - started).toBeLessThan(5000)
  })

  it('stops a zip whose directory declares more than it may unpack', async () => {
    const entries = Array.from({ length: 3 }, (_, i) => ({ name: `dump-${i}.bin`, data: new Uint8Array(16 * 1024 * 1024) }))
    await post(new Uint8Array(zip(entries)), 413, 'unpacked_too_large')
  })

  it('refuses an archive that expands more than MAX_COMPRESSION_RATIO times', async () => {
    // 80 MiB of zeros in a 16 MiB-limited file: the ratio (about 1000) trips first.
    const server2 = await testServer((await testBucket('ratio')).bucket, {
      MAX_FILE_BYTES: String(128 * 1024 * 1024),
      MAX_UNPACKED_BYTES: String(256 * 1024 * 1024),
    })
    try {
      const zeros = tarGz([{ name: 'dumps/1-7f00-7f01.bin', body: new Uint8Array(80 * 1024 * 1024) }])
      const res = await fetch(`${server2.url}/v1/bundles`, {
        method: 'POST',
        body: new Uint8Array(zeros),
        headers: { 'content-type': 'application/gzip' },
      })
      expect(res.status).toBe(422)
      expect(await res.json()).toMatchObject({ code: 'compression_ratio' })
      // A zip is read whole: its ratio is checked on its size, before anything is inflated.
      const zipped = new Uint8Array(zip([{ name: 'dumps/1-7f00-7f01.bin', data: new Uint8Array(80 * 1024 * 1024) }]))
      const bomb = await fetch(`${server2.url}/v1/bundles`, {
        method: 'POST',
        body: zipped,
        headers: { 'content-type': 'application/zip' },
      })
      expect(bomb.status).toBe(422)
      expect(await bomb.json()).toMatchObject({ code: 'compression_ratio' })
    } finally {
      await server2.close()
    }
  })

  it('refuses more than MAX_FILES entries', async () => {
    const many = tarGz(Array.from({ length: 25 }, (_, i) => ({ name: `notes/${i}.txt`, body: 'x' })))
    await post(new Uint8Array(many), 422, 'too_many_files')
  })

  it('skips unsafe paths, links and devices with warnings, and reads the rest', async () => {
    const archive = new Uint8Array(
      tar([
        { name: '../etc/passwd', body: 'root:x:0:0' },
        { name: '/etc/shadow', body: 'x' },
        { name: 'link', type: '2', linkname: '/etc/passwd' },
        { name: 'hard', type: '1', linkname: 'proc/meminfo' },
        { name: 'dev', type: '3' },
        { name: 'proc/meminfo', body: 'MemTotal: 1000 kB\nMemAvailable: 500 kB\n' },
      ]),
    )
    const res = await fetch(`${server.url}/v1/bundles`, { method: 'POST', body: archive, headers: { 'content-type': 'application/x-tar' } })
    expect(res.status).toBe(201)
    const summary = await res.json()
    expect(summary.files.map((f: { path: string }) => f.path)).toEqual(['proc/meminfo'])
    const codes = summary.warnings.map((w: { code: string }) => w.code)
    expect(codes.filter((c: string) => c === 'entry_unsafe_path')).toHaveLength(2)
    expect(codes.filter((c: string) => c === 'entry_link')).toHaveLength(2)
    expect(codes).toContain('entry_special')
  })

  it('keeps and refuses a truncated tar and a corrupt zip with 422 archive_corrupt', async () => {
    const whole = tar([{ name: 'proc/meminfo', body: 'MemTotal: 1000 kB\n'.repeat(100) }])
    await post(new Uint8Array(whole.subarray(0, 700)), 422, 'archive_corrupt')
    const good = zip([{ name: 'proc/meminfo', data: 'MemTotal: 1000 kB\n'.repeat(200) }])
    await post(new Uint8Array(good.subarray(0, good.length - 30)), 422, 'archive_corrupt') // its directory cut off
  })

  it('answers 415 without a content type, and 400 for a malformed multipart body', async () => {
    const none = await fetch(`${server.url}/v1/bundles`, { method: 'POST', body: new Blob([new Uint8Array([1, 2, 3])]) })
    expect(none.status).toBe(415)
    const bad = await fetch(`${server.url}/v1/bundles`, {
      method: 'POST',
      body: '--x\r\nContent-Disposition: form-data; name="bundle"\r\n\r\nno closing boundary',
      headers: { 'content-type': 'multipart/form-data; boundary=x' },
    })
    expect(bad.status).toBe(400)
    expect(await bad.json()).toMatchObject({ code: 'multipart_malformed' })
  })

  it('reads broken files as far as they go, with warnings: not UTF-8, megabyte lines, NUL bytes, huge numbers, duplicates', async () => {
    const latin1 = new Uint8Array([...new TextEncoder().encode('MemTotal: 2048000 kB\nMemAvailable: 1000 kB\nCached: '), 0xff, 0xfe, 0x0a])
    const archive = new Uint8Array(
      tarGz([
        { name: 'proc/meminfo', body: latin1 },
        {
          name: 'ps.txt',
          body: `  PID  PPID   RSS    VSZ COMMAND COMMAND\n    7     1  5000  9000 app /usr/bin/app\n    7     1  5000  9000 app /usr/bin/app\n    8     1 ${'9'.repeat(40)} 1 big /usr/bin/big\n${'x'.repeat(2 * 1024 * 1024)}\n`,
        },
        { name: 'proc/9/status', body: 'Name:\tnul\u0000proc\nPid:\t9\nVmRSS:\t  100 kB\n' },
        { name: 'other/meminfo', body: 'Nothing: here\nAt: all\n' },
      ]),
    )
    const res = await fetch(`${server.url}/v1/bundles`, { method: 'POST', body: archive, headers: { 'content-type': 'application/gzip' } })
    expect(res.status).toBe(201)
    const summary = await res.json()
    const codes = [...summary.warnings, ...summary.files.flatMap((f: { warnings: unknown[] }) => f.warnings)].map(
      (w: { code: string }) => w.code,
    )
    expect(codes).toContain('ps_duplicate_pid')
    expect(codes.some((c: string) => /out_of_range|bad/.test(c))).toBe(true)
    const meminfo = summary.files.find((f: { path: string }) => f.path === 'proc/meminfo')
    expect(meminfo.kind).toBe('meminfo')
  })

  it('stores every byte of an archive that breaks midway, under the hash of the whole upload', async () => {
    const random = new Uint8Array(1024 * 1024).map((_, i) => (i * 2654435761) >>> 24)
    const broken = new Uint8Array(
      tarGz([
        { name: 'notes/a.bin', body: random },
        { name: 'notes/b.txt', body: 'x', badChecksum: true },
        { name: 'notes/c.bin', body: random },
      ]),
    )
    await post(broken, 422, 'archive_corrupt')
    const raw = await fetch(`${server.url}/v1/bundles/${sha256(broken)}/raw`)
    expect(raw.status).toBe(200)
    expect(sha256(new Uint8Array(await raw.arrayBuffer()))).toBe(sha256(broken))
  })
})
