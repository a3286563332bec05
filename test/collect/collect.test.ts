import { execFileSync, spawn, spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { ParsedBundle } from '../../schemas/bundle.ts'
import { BundleSummary } from '../../schemas/bundle.ts'
import { Manifest } from '../../schemas/parsers.ts'
import { readBundle } from '../../src/bundle/read.ts'
import type { RunningServer } from '../../src/server.ts'
import { sha256 } from '../helpers/fixtures.ts'
import { testBucket, testServer } from '../helpers/storage.ts'

// collect/memgap-collect.sh for real, as root, in its own PID namespace (so ps, top-N and the
// dump see a handful of processes): under busybox sh with procps and gdb, under bash uploading
// to a local memgap, and under busybox sh with nothing but busybox on PATH (no procps, pmap, gdb
// or curl). The namespace holds one target: a node process whose largest dirty anonymous
// region is full of JSON log records, as a producer queue would be.

const SCRIPT = fileURLToPath(new URL('../../collect/memgap-collect.sh', import.meta.url))
const KEY = 'collector-key-0123456789abcdef'
const has = (command: string) => spawnSync('sh', ['-c', `command -v ${command}`]).status === 0
// npm test installs busybox and unshare first (scripts/test-prereqs.sh): one still missing, or a
// run without root (the PID namespace needs it), fails every test here with the reason, never skips.
const MISSING = [...['busybox', 'unshare'].filter((command) => !has(command)), ...(process.getuid?.() === 0 ? [] : ['root'])]
beforeAll(() => {
  if (MISSING.length > 0) throw new Error(`the collector tests need ${MISSING.join(', ')}: run them through npm test, as root`)
})

const TARGET = `
const rec = (i) => JSON.stringify({ LogType: i % 3 ? 'netflow' : 'waf', SrcIP: '10.0.0.' + (i % 250), DstPort: 443, Bytes: i * 7, Session: 'sess-' + i }) + '\\n'
const queue = Buffer.allocUnsafeSlow(24 * 1024 * 1024) // one anonymous mapping, every page dirty
let at = 0
for (let i = 0; at < queue.length - 200; i++) at += queue.write(rec(i), at)
require('fs').writeFileSync(process.argv[2], 'ready')
setInterval(() => queue[0]++, 1000)
`

// sh -c: start the target, wait for it, run the collector (PATH swapped for it alone), stop.
const NAMESPACE_SCRIPT = `
"$NODE" "$TARGET" "$READY" &
i=0
while [ ! -e "$READY" ] && [ $i -lt 200 ]; do sleep 0.05; i=$((i + 1)); done
[ -n "$COLLECT_PATH" ] && PATH=$COLLECT_PATH
"$@"
rc=$?
kill $! 2>/dev/null
exit $rc
`

interface Collected {
  code: number | null
  stdout: string
  stderr: string
  archive: string
}

let work: string
let configDir: string
let targetFile: string
let runs = 0

/** One collector run: `shell collect.sh --out <new path> args...` inside a fresh PID namespace. */
function collect(shell: string[], args: string[], options: { path?: string } = {}): Promise<Collected> {
  const n = ++runs
  const out = join(work, `bundle-${n}`)
  const env = {
    ...process.env,
    NODE: process.execPath,
    TARGET: targetFile,
    READY: join(work, `ready-${n}`),
    COLLECT_PATH: options.path ?? '',
    MEMGAP_TOKEN: '',
  }
  const argv = ['--pid', '--fork', '--mount-proc', 'sh', '-c', NAMESPACE_SCRIPT, 'sh', ...shell, SCRIPT, '--out', out, ...args]
  return new Promise((resolve, reject) => {
    const child = spawn('unshare', argv, { env, stdio: ['ignore', 'pipe', 'pipe'], timeout: 60_000 })
    let stdout = ''
    let stderr = ''
    child.stdout.setEncoding('utf8').on('data', (c: string) => (stdout += c))
    child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c))
    child.on('error', reject)
    child.on('close', (code) => resolve({ code, stdout, stderr, archive: `${out}.tar.gz` }))
  })
}

function listing(archive: string): string[] {
  return execFileSync('tar', ['tzf', archive], { encoding: 'utf8' }).split('\n').filter(Boolean).map((p) => p.replace(/^\.\//, ''))
}

function member(archive: string, path: string): string {
  return execFileSync('tar', ['xzOf', archive, `./${path}`], { encoding: 'utf8' })
}

async function parse(archive: string): Promise<ParsedBundle> {
  const raw = new Uint8Array(await readFile(archive))
  return readBundle(raw, { id: sha256(raw), bytes: raw.byteLength, receivedAt: new Date().toISOString() })
}

/** The one dump of a bundle: dumps/<pid>-<start>-<end>.bin. */
function dumpOf(files: string[]) {
  const dumps = files.filter((f) => f.startsWith('dumps/') && f.endsWith('.bin'))
  expect(dumps).toHaveLength(1)
  const match = /^dumps\/(\d+)-([0-9a-f]+)-([0-9a-f]+)\.bin$/.exec(dumps[0]!)
  expect(match).not.toBeNull()
  return { path: dumps[0]!, pid: Number(match![1]), start: BigInt(`0x${match![2]}`), end: BigInt(`0x${match![3]}`) }
}

describe('memgap-collect.sh: options and syntax', () => {
  const run = (...args: string[]) => spawnSync('busybox', ['sh', SCRIPT, ...args], { encoding: 'utf8' })

  it('answers --help with 0 and bad options with 2', () => {
    const help = run('--help')
    expect(help.status).toBe(0)
    expect(help.stdout).toContain('--kafka-config-dir')
    for (const args of [['--top', 'x'], ['--role', 'boss'], ['--bogus'], ['--dumps'], ['--url', 'ftp://x'], ['--dump-max-mb=0']]) {
      const bad = run(...args)
      expect([args, bad.status]).toEqual([args, 2])
      expect(bad.stderr).toMatch(/memgap-collect\.sh: /)
    }
  })

  it('parses under busybox sh, bash and dash (and checkbashisms, when installed)', () => {
    const shells = [['busybox', 'sh'], ['bash', '--posix'], ...(has('dash') ? [['dash']] : [])]
    for (const shell of shells) {
      const check = spawnSync(shell[0]!, [...shell.slice(1), '-n', SCRIPT], { encoding: 'utf8' })
      expect([shell.join(' '), check.status, check.stderr]).toEqual([shell.join(' '), 0, ''])
    }
    if (has('checkbashisms')) {
      const check = spawnSync('checkbashisms', ['--posix', SCRIPT], { encoding: 'utf8' })
      expect(check.stderr + check.stdout).toBe('')
    }
  })
})

describe('memgap-collect.sh on this machine (root, PID namespace)', () => {
  let server: RunningServer
  let procps: Collected
  let uploaded: Collected
  let busyboxOnly: Collected
  let uploadDown: Collected

  beforeAll(async () => {
    work = await mkdtemp(join(tmpdir(), 'memgap-collect-'))
    targetFile = join(work, 'target.cjs')
    await writeFile(targetFile, TARGET)
    configDir = join(work, 'etc')
    await mkdir(join(configDir, 'fwlog'), { recursive: true })
    await writeFile(
      join(configDir, 'fwlog/producer.properties'),
      'bootstrap.servers=127.0.0.1:19092\nsasl.password=hunter2-secret\nqueue.buffering.max.messages=100000\n',
    )
    await writeFile(join(configDir, 'fwlog/other.properties'), 'log.level=info\n') // no bootstrap.servers
    // A folder of nothing but busybox applets: no procps, pmap, gdb or curl.
    const bin = join(work, 'busybox-bin')
    await mkdir(bin)
    const applets = execFileSync('busybox', ['--list'], { encoding: 'utf8' }).split('\n').filter(Boolean)
    await Promise.all(applets.map((applet) => symlink('/usr/bin/busybox', join(bin, applet))))

    const { bucket } = await testBucket('collect')
    server = await testServer(bucket, { MEMGAP_API_KEYS: `collector:${KEY}` })
    const closedPort = await new Promise<number>((resolve) => {
      const probe = createServer().listen(0, '127.0.0.1', () => {
        const { port } = probe.address() as { port: number }
        probe.close(() => resolve(port))
      })
    })

    const common = ['--kafka-config-dir', configDir, '--top', '5']
    ;[procps, uploaded, busyboxOnly, uploadDown] = await Promise.all([
      collect(['busybox', 'sh'], [...common, '--role', 'suspect', '--host', 'edge "7"\\a', '--notes', 'line one\n\tline "two"', '--dumps', '1', '--dump-max-mb', '2']),
      collect(['bash'], [...common, '--role', 'baseline', '--host', 'edge-8', '--url', server.url, '--token', KEY]),
      collect(['/usr/bin/busybox', 'sh'], [...common, '--dumps', '1', '--dump-max-mb', '1'], { path: bin }),
      collect(['busybox', 'sh'], ['--top', '1', '--kafka-config-dir', configDir, '--url', `http://127.0.0.1:${closedPort}`]),
    ])
  }, 90_000)

  afterAll(async () => {
    await server?.close()
    if (work) await rm(work, { recursive: true, force: true })
  })

  it('busybox sh with procps and gdb: the tidy layout, a capped dump, a bundle memgap reads', async () => {
    expect(procps.stderr).toBe('')
    expect(procps.code).toBe(0)
    expect(procps.stdout.trim()).toBe(procps.archive)
    const files = listing(procps.archive)
    for (const f of ['manifest.json', 'collect.log', 'proc/meminfo', 'proc/vmstat', 'proc/buddyinfo', 'proc/slabinfo', 'ps.txt', 'dmesg.txt', 'config/producer.properties']) {
      expect(files).toContain(f)
    }
    expect(files).not.toContain('config/other.properties')
    expect(files).not.toContain('ps-status.txt') // procps ps has exact RSS

    const dump = dumpOf(files)
    for (const f of [`pmap/${dump.pid}.txt`, `proc/${dump.pid}/smaps_rollup`, `proc/${dump.pid}/status`, `proc/${dump.pid}/maps`]) expect(files).toContain(f)
    expect(dump.end - dump.start).toBe(2n * 1024n * 1024n) // --dump-max-mb 2 of a 24 MiB region
    expect(member(procps.archive, 'ps.txt').split('\n')[0]).toMatch(/PID\s+PPID\s+RSS\s+VSZ COMMAND\s+COMMAND/)
    expect(member(procps.archive, 'config/producer.properties')).toBe(
      'bootstrap.servers=127.0.0.1:19092\nsasl.password=<redacted>\nqueue.buffering.max.messages=100000\n',
    )

    const manifest = Manifest.parse(JSON.parse(member(procps.archive, 'manifest.json')))
    expect(manifest).toMatchObject({ host: 'edge "7"\\a', role: 'suspect', notes: 'line one\n\tline "two"' })
    expect(manifest.kernel).toBe(execFileSync('uname', ['-r'], { encoding: 'utf8' }).trim())
    expect(manifest.collectedAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/)

    const bundle = await parse(procps.archive)
    expect(bundle.error).toBeNull()
    expect(bundle.meminfo?.file).toBe('proc/meminfo')
    expect(bundle.processes.length).toBeGreaterThan(0)
    expect(bundle.processes.find((p) => p.pid === dump.pid)).toMatchObject({ name: 'node' })
    expect(bundle.maps.map((m) => m.file)).toContain(`pmap/${dump.pid}.txt`)
    expect(bundle.kafkaConfigs).toHaveLength(1)
    expect(bundle.slabinfo).not.toBeNull()
    expect(bundle.host).toBe('edge "7"\\a')
    const scan = bundle.dumps[0]!.scan
    expect(scan.jsonRecords).toBeGreaterThan(10_000)
    expect(scan.discriminators.map((d) => d.field)).toContain('LogType')
    expect(bundle.warnings.filter((w) => w.code !== 'meminfo_duplicate')).toEqual([])
  })

  it('bash: uploads to memgap with --url and --token and prints the 201 summary', async () => {
    expect(uploaded.code).toBe(0)
    expect(uploaded.stderr).toBe(`bundle: ${uploaded.archive}\n`)
    const summary = BundleSummary.parse(JSON.parse(uploaded.stdout))
    const raw = new Uint8Array(await readFile(uploaded.archive))
    expect(summary).toMatchObject({ id: sha256(raw), bytes: raw.byteLength, host: 'edge-8', role: 'baseline', format: 'tar.gz', error: null })
    const kinds = new Set(summary.files.map((f) => f.kind))
    for (const kind of ['meminfo', 'ps', 'pmap', 'smaps_rollup', 'status', 'maps', 'vmstat', 'slabinfo', 'manifest', 'kafka-config']) expect(kinds).toContain(kind)
    // 201 the first time: the same bytes again are a 200 with the same summary.
    const again = await fetch(`${server.url}/v1/bundles`, {
      method: 'POST',
      headers: { 'content-type': 'application/gzip', authorization: `Bearer ${KEY}` },
      body: raw,
    })
    expect(again.status).toBe(200)
    expect((await again.json()).id).toBe(summary.id)
    expect(listing(uploaded.archive).some((f) => f.startsWith('dumps/'))).toBe(false) // no --dumps
  })

  it('busybox alone (no procps, pmap, gdb, curl): says what is missing and still gives a readable bundle', async () => {
    expect(busyboxOnly.code).toBe(0)
    const files = listing(busyboxOnly.archive)
    expect(files).toEqual(expect.arrayContaining(['ps.txt', 'ps-status.txt', 'proc/meminfo', 'manifest.json', 'config/producer.properties']))
    expect(files.some((f) => f.startsWith('pmap/'))).toBe(false)
    const dump = dumpOf(files)
    expect(dump.end - dump.start).toBe(1024n * 1024n)
    expect(files).toContain(`proc/${dump.pid}/smaps_rollup`)

    const manifest = Manifest.parse(JSON.parse(member(busyboxOnly.archive, 'manifest.json')))
    expect(manifest.notes).toMatch(/busybox ps/)
    expect(manifest.notes).toMatch(/no pmap command/)
    expect(member(busyboxOnly.archive, 'collect.log')).toMatch(/no gdb, reading \/proc\/\d+\/mem/)

    const bundle = await parse(busyboxOnly.archive)
    expect(bundle.error).toBeNull()
    expect(bundle.meminfo).not.toBeNull()
    const node = bundle.processes.find((p) => p.pid === dump.pid)
    expect(node?.rssKib).toBeGreaterThan(24 * 1024) // exact, from /proc/<pid>/status
    expect(bundle.dumps[0]!.scan.jsonRecords).toBeGreaterThan(5_000)
  })

  it('exits 4 when the upload fails, keeping the bundle', () => {
    expect(uploadDown.code).toBe(4)
    expect(uploadDown.stderr).toMatch(/upload to http:\/\/127\.0\.0\.1:\d+\/v1\/bundles failed; the bundle is /)
    expect(existsSync(uploadDown.archive)).toBe(true)
  })
})
