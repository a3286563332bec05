import { execFileSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import { mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { readEntries } from '../../src/bundle/read.ts'
import { walkFolder } from '../../src/cli/folder.ts'
import { main } from '../../src/cli/main.ts'
import { bundlesUrl, contentTypeFor, progressLine } from '../../src/cli/upload.ts'

// In-process: the option matrix and the pieces that need no child process.

async function cli(args: string[], env: Record<string, string> = {}) {
  let stdout = ''
  let stderr = ''
  const code = await main(args, {
    stdout: { write: (t: string) => (stdout += t) },
    stderr: { isTTY: false, write: (t: string) => (stderr += t) },
    env,
  })
  return { code, stdout, stderr }
}

const sha = (data: string | Uint8Array) => createHash('sha256').update(data).digest('hex')

describe('memgap command line', () => {
  it.each([
    [[], /Usage:/],
    [['frobnicate'], /unknown command "frobnicate"/],
    [['--frobnicate'], /unknown option --frobnicate/],
    [['diagnose'], /needs a bundle/],
    [['diagnose', 'a', 'b', 'c'], /one or two bundles, not 3/],
    [['diagnose', 'a', '--format', 'html'], /--format must be one of json, md, text/],
    [['diagnose', 'a', '--format'], /argument missing/],
    [['diagnose', 'a', '--colour'], /Unknown option '--colour'/],
    [['upload'], /upload takes one bundle/],
    [['upload', 'a', 'b', '--url', 'http://x'], /upload takes one bundle/],
    [['upload', 'a'], /needs --url URL/],
    [['upload', 'a', '--url', 'ftp://example.com'], /must be http:\/\/ or https:\/\//],
    [['upload', 'a', '--url', 'not a url'], /is not a URL/],
  ])('exits 2 for memgap %j', async (args, message) => {
    const run = await cli(args)
    expect(run.code).toBe(2)
    expect(run.stdout).toBe('')
    expect(run.stderr).toMatch(message)
  })

  it('answers --help, help <command>, <command> --help and --version with 0', async () => {
    expect(await cli(['--help'])).toMatchObject({ code: 0, stderr: '' })
    expect((await cli(['help', 'upload'])).stdout).toMatch(/^Usage: memgap upload/)
    expect((await cli(['diagnose', '--help'])).stdout).toMatch(/^Usage: memgap diagnose/)
    expect((await cli(['upload', '-h'])).stdout).toMatch(/MEMGAP_TOKEN/)
    expect((await cli(['-V'])).stdout).toMatch(/^memgap 0\.\d+\.\d+ \(engine /)
  })
})

describe('memgap diagnose: unreadable input', () => {
  let dir: string
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'memgap-input-'))
  })
  afterAll(() => rm(dir, { recursive: true, force: true }))

  it('exits 3 for a file that is no archive and for a corrupt archive', async () => {
    const notArchive = join(dir, 'notes.txt')
    await writeFile(notArchive, 'MemTotal: 1 kB\n'.repeat(100))
    const seed = await readFile(new URL('../fixtures/seed/sta-18.tar.gz', import.meta.url))
    const corrupt = join(dir, 'corrupt.tar.gz')
    await writeFile(corrupt, seed.subarray(0, Math.floor(seed.byteLength / 2)))
    const runs = [await cli(['diagnose', notArchive]), await cli(['diagnose', corrupt, '--format', 'text'])]
    expect(runs.map((r) => r.code)).toEqual([3, 3])
    expect(runs[0]!.stderr).toMatch(/notes\.txt: not a \.tar\.gz.*\(archive_unsupported\)/)
    expect(runs[1]!.stderr).toMatch(/corrupt\.tar\.gz: .*\(archive_corrupt\)/)
    for (const run of runs) expect(run.stdout).toBe('')
  })
})

describe('upload pieces', () => {
  it('names the media type by extension', () => {
    expect(['a.tar.gz', 'b.TGZ', 'c.tar', 'd.zip', 'e.bin'].map(contentTypeFor)).toEqual([
      'application/gzip',
      'application/gzip',
      'application/x-tar',
      'application/zip',
      'application/octet-stream',
    ])
  })

  it('appends /v1/bundles to the URL, keeping a path prefix', () => {
    expect(bundlesUrl('http://127.0.0.1:8787').href).toBe('http://127.0.0.1:8787/v1/bundles')
    expect(bundlesUrl('https://ops.example/memgap/').href).toBe('https://ops.example/memgap/v1/bundles')
  })

  it('draws a progress line: bytes, percent, rate', () => {
    expect(progressLine(12e6, 48e6, 2, 8)).toBe('[##------] 12.0/48.0 MB  25% 6.0 MB/s')
    expect(progressLine(48e6, 48e6, 4, 8)).toBe('[########] 48.0/48.0 MB 100% 12.0 MB/s')
    expect(progressLine(0, 0, 0, 4)).toBe('[####] 0.0/0.0 MB 100% 0.0 MB/s')
  })
})

describe('walkFolder', () => {
  let dir: string
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'memgap-walk-'))
  })
  afterAll(() => rm(dir, { recursive: true, force: true }))

  async function make(root: string) {
    await mkdir(join(root, 'proc/5'), { recursive: true })
    await writeFile(join(root, 'proc/meminfo'), 'MemTotal:       16384 kB\nMemFree:         1024 kB\nMemAvailable:    2048 kB\n')
    await writeFile(join(root, 'proc/5/status'), 'Name:\tfwlog\nPid:\t5\nVmRSS:\t  1000 kB\n')
    await writeFile(join(root, 'big.bin'), new Uint8Array(300_000).fill(7)) // left unread by the parser: hashed anyway
  }

  it('yields files in path order, skips links and fifos, and ids the folder by content alone', async () => {
    const a = join(dir, 'a')
    const b = join(dir, 'elsewhere/b')
    await make(a)
    await make(b)
    await symlink('/etc/hostname', join(a, 'link'))
    execFileSync('mkfifo', [join(a, 'pipe')])

    const walkA = walkFolder(a)
    const bundle = await readEntries(walkA.entries, 'folder', { id: '', bytes: 300_100, receivedAt: '' })
    expect(bundle.error).toBeNull()
    expect(bundle.files.map((f) => f.path)).toEqual(['big.bin', 'proc/5/status', 'proc/meminfo'])
    expect(bundle.meminfo?.fields.MemTotal).toBe(16384)
    expect(bundle.warnings).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ code: 'entry_link', file: 'link' }),
        expect.objectContaining({ code: 'entry_special', file: 'pipe' }),
      ]),
    )

    // The same files elsewhere, read a little or not at all: the same id.
    const walkB = walkFolder(b)
    for await (const entry of walkB.entries) if ('body' in entry) for await (const _ of entry.body) break
    const idA = walkA.result()
    expect(walkB.result()).toEqual(idA)
    expect(idA.files).toBe(3)

    const paths = ['big.bin', 'proc/5/status', 'proc/meminfo']
    const bodies = await Promise.all(paths.map((p) => readFile(join(a, p))))
    expect(idA.id).toBe(sha(paths.map((p, i) => `${p}\0${bodies[i]!.byteLength}\0${sha(bodies[i]!)}\n`).join('')))
    expect(idA.bytes).toBe(bodies.reduce((n, body) => n + body.byteLength, 0))
  })
})
