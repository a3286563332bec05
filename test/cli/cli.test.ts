import { execFileSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import { lstat, mkdir, mkdtemp, readdir, readFile, rm, symlink } from 'node:fs/promises'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { BundleSummary } from '../../schemas/bundle.ts'
import { Diagnosis } from '../../schemas/diagnosis.ts'
import type { RunningServer } from '../../src/server.ts'
import { diagnoseFixtures } from '../helpers/diagnose.ts'
import { fixture, sha256 } from '../helpers/fixtures.ts'
import { testBucket, testServer } from '../helpers/storage.ts'
import { memgap, ROOT } from './run.ts'

// The real CLI, spawned through bin/memgap.js. Figures from test/fixtures/seed/README.md.

const SEED_49 = 'test/fixtures/seed/sta-49.tar.gz'
const SEED_18 = 'test/fixtures/seed/sta-18.tar.gz'
const KEY = 'cli-key-0123456789abcdef'

let work: string
beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'memgap-cli-'))
})
afterAll(async () => {
  if (!work) return
  execFileSync('chmod', ['-R', 'u+w', work]) // the seed tarballs hold read-only folders
  await rm(work, { recursive: true, force: true })
})

function expectSeedFigures(d: Diagnosis) {
  expect(d.gap).toMatchObject({ basis: 'Active+Inactive', kib: 297016, verdict: 'user-space' })
  expect(d.processes.slice(0, 3).map((p) => [p.name, p.deltaKib])).toEqual([
    ['fwlog', 145188],
    ['auditd', 105888],
    ['logsd', 88124],
  ])
}

/** A seed tarball unpacked by the system's tar into a fresh folder. */
async function unpack(archive: string, name: string): Promise<string> {
  const dir = join(work, name)
  await mkdir(dir, { recursive: true })
  execFileSync('tar', ['xzf', join(ROOT, archive), '-C', dir])
  return dir
}

/** The folder id as folder.ts defines it, computed here independently. */
async function folderId(dir: string): Promise<string> {
  const lines: string[] = []
  async function walk(at: string, prefix: string) {
    for (const name of (await readdir(at)).sort()) {
      const full = join(at, name)
      const path = prefix ? `${prefix}/${name}` : name
      const info = await lstat(full)
      if (info.isSymbolicLink()) continue
      if (info.isDirectory()) await walk(full, path)
      else lines.push(`${path}\0${info.size}\0${sha256(await readFile(full))}\n`)
    }
  }
  await walk(dir, '')
  return createHash('sha256').update(lines.sort().join('')).digest('hex')
}

describe.concurrent('memgap diagnose', () => {
  it('reproduces the seed figures from two archives (--format json)', async () => {
    const run = await memgap(['diagnose', SEED_49, SEED_18, '--format', 'json'])
    expect(run.stderr).toBe('')
    expect(run.code).toBe(0)
    const d = Diagnosis.parse(JSON.parse(run.stdout))
    expectSeedFigures(d)
    expect(d.baseline).toEqual({ bundleId: sha256(fixture('seed/sta-49.tar.gz')), host: '10.222.3.49' })
    expect(d.suspect).toEqual({ bundleId: sha256(fixture('seed/sta-18.tar.gz')), host: '10.222.3.18' })
    expect(run.stdout).toMatch(/^\{\n {2}"id"/) // pretty
  })

  it('gives the same figures from folders, skips links, and names a folder by its files', async () => {
    const baseline = await unpack(SEED_49, 'folder-49')
    const suspect = await unpack(SEED_18, 'folder-18')
    const link = join(work, 'link-18')
    execFileSync('cp', ['-r', suspect, link])
    execFileSync('chmod', ['-R', 'u+w', link])
    await symlink('/etc/passwd', join(link, 'passwd.txt'))
    const run = await memgap(['diagnose', baseline, link]) // json is the default
    expect(run.code).toBe(0)
    const d = Diagnosis.parse(JSON.parse(run.stdout))
    expectSeedFigures(d)
    expect(d.warnings).toContainEqual(expect.objectContaining({ code: 'entry_link', file: 'passwd.txt' }))
    expect(d.baseline!.bundleId).toBe(await folderId(baseline))
    expect(d.suspect.bundleId).toBe(await folderId(link))
    expect(d.suspect.bundleId).toBe(await folderId(suspect)) // the link is no file of the bundle
    expect(d.suspect.host).toBe('10.222.3.18')
  })

  // The renderers' layout is theirs to change: what must be there is the engine's summary.
  const firstSentence = async () => (await diagnoseFixtures('seed/sta-49.tar.gz', 'seed/sta-18.tar.gz')).summary.split('. ')[0]!
  const flat = (text: string) => text.replace(/\s+/g, ' ')

  it('renders Markdown with the summary', async () => {
    const run = await memgap(['diagnose', SEED_49, SEED_18, '--format', 'md'])
    expect(run.code).toBe(0)
    expect(run.stdout).toMatch(/^#/)
    expect(flat(run.stdout)).toContain(flat(await firstSentence()))
    expect(run.stdout).toContain('fwlog')
  })

  it('renders plain text with the summary', async () => {
    const run = await memgap(['diagnose', SEED_49, SEED_18, '-f', 'text'])
    expect(run.code).toBe(0)
    expect(flat(run.stdout)).toContain(flat(await firstSentence()))
    expect(run.stdout).toContain('fwlog')
  })

  it('diagnoses one bundle alone', async () => {
    const run = await memgap(['diagnose', SEED_18])
    expect(run.code).toBe(0)
    const d = Diagnosis.parse(JSON.parse(run.stdout))
    expect(d.baseline).toBeNull()
    expect(d.gap).toBeNull()
    expect(d.suspect.host).toBe('10.222.3.18')
    expect(d.warnings).toContainEqual(expect.objectContaining({ code: 'no_baseline' }))
    expect(d.processes.map((p) => p.name)).toContain('fwlog')
  })
})

describe.concurrent('memgap: usage, help and unreadable input', () => {
  // The whole matrix runs in-process in main.test.ts; here, that the code reaches the shell.
  it('exits 2 on a usage error', async () => {
    const run = await memgap(['diagnose', SEED_18, '--format', 'html'])
    expect(run.code).toBe(2)
    expect(run.stdout).toBe('')
    expect(run.stderr.length).toBeGreaterThan(0)
  })

  it('documents commands and exit codes in --help', async () => {
    const help = await memgap(['--help'])
    expect(help.code).toBe(0)
    for (const line of [
      'memgap diagnose <baseline> <suspect>',
      'memgap upload <bundle> --url URL',
      '2  usage error',
      '3  input unreadable',
      '4  upload failed',
      '5  too large',
    ]) {
      expect(help.stdout).toContain(line)
    }
  })

  // Not an archive and corrupt archives: in-process in main.test.ts.
  it('exits 3 for a missing file', async () => {
    const run = await memgap(['diagnose', SEED_49, join(work, 'nothing-here.tgz')])
    expect(run.code).toBe(3)
    expect(run.stderr).toMatch(/nothing-here\.tgz: no such file/)
    expect(run.stdout).toBe('')
  })
})

describe('memgap upload', () => {
  let server: RunningServer

  beforeAll(async () => {
    const { bucket } = await testBucket('cli')
    server = await testServer(bucket, { MEMGAP_API_KEYS: `cli:${KEY}` })
  })
  afterAll(() => server?.close())

  it('posts the archive and prints the summary, its id the SHA-256 of the bytes', async () => {
    const run = await memgap(['upload', SEED_18, '--url', `${server.url}/`, '--token', KEY])
    expect(run.stderr).toMatch(/^uploaded \d+ bytes in [\d.]+ s \([\d.]+ MB\/s\)\n$/) // no TTY: one line
    expect(run.code).toBe(0)
    const summary = BundleSummary.parse(JSON.parse(run.stdout))
    expect(summary.id).toBe(sha256(fixture('seed/sta-18.tar.gz')))
    expect(summary.host).toBe('10.222.3.18')
    expect(summary.format).toBe('tar.gz')
    const stored = await fetch(`${server.url}/v1/bundles/${summary.id}`, { headers: { authorization: `Bearer ${KEY}` } })
    expect(stored.status).toBe(200)
  })

  it('takes the URL and token from MEMGAP_URL and MEMGAP_TOKEN', async () => {
    const run = await memgap(['upload', SEED_49], { MEMGAP_URL: server.url, MEMGAP_TOKEN: KEY })
    expect(run.code).toBe(0)
    expect(BundleSummary.parse(JSON.parse(run.stdout)).id).toBe(sha256(fixture('seed/sta-49.tar.gz')))
  })

  it('exits 4 when the server refuses (no key) or cannot be reached', async () => {
    const closedPort = await new Promise<number>((resolve) => {
      const probe = createServer().listen(0, '127.0.0.1', () => {
        const { port } = probe.address() as { port: number }
        probe.close(() => resolve(port))
      })
    })
    const [refused, down] = await Promise.all([
      memgap(['upload', SEED_18, '--url', server.url]),
      memgap(['upload', SEED_18, '--url', `http://127.0.0.1:${closedPort}`]),
    ])
    expect(refused.code).toBe(4)
    expect(refused.stderr).toMatch(/answered 401: unauthorized/)
    expect(down.code).toBe(4)
    expect(down.stderr).toMatch(/connection refused/)
    expect(refused.stdout + down.stdout).toBe('')
  })

  // Over 100 MiB, --presigned, exit 5: presigned.test.ts.
  it('exits 3 for a missing archive', async () => {
    const missing = await memgap(['upload', join(work, 'gone.tgz'), '--url', server.url])
    expect(missing.code).toBe(3)
    expect(missing.stderr).toMatch(/gone\.tgz: no such file/)
  })
})

describe('memgap diagnose into a pipe that closes early', () => {
  it('ends quietly with exit 0 when the reader is gone before it writes (| true, as | head when it has read enough)', async () => {
    const { execFileSync } = await import('node:child_process')
    const { BIN, ROOT } = await import('./run.ts')
    const script = `"${process.execPath}" "${BIN}" diagnose test/fixtures/seed/sta-49.tar.gz test/fixtures/seed/sta-18.tar.gz --format json 2>/tmp/memgap-epipe.err | true; echo "\${PIPESTATUS[0]}"`
    const status = execFileSync('bash', ['-c', script], { cwd: ROOT, encoding: 'utf8' }).trim()
    const { readFileSync } = await import('node:fs')
    expect(readFileSync('/tmp/memgap-epipe.err', 'utf8')).toBe('')
    expect(status).toBe('0')
  })
})
