import { type ChildProcess, execFileSync, spawn } from 'node:child_process'
import { mkdtemp, readdir } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { fixture, sha256 } from '../helpers/fixtures.ts'
import { npmStartArgs } from '../helpers/npm-start.ts'

// `npm start` as a user runs it: the built server (dist/node.mjs) with its embedded S3 in a child
// process on DATA_DIR. Uploads land on disk, outlive a restart, and the storage process goes
// when the server goes, however it goes.

function start(dataDir: string): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, npmStartArgs(), {
    env: { ...process.env, PORT: '0', HOST: '127.0.0.1', DATA_DIR: dataDir, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let out = ''
  return new Promise((ready, fail) => {
    child.stdout!.on('data', (d) => {
      out += d
      const url = /listening on (http:\/\/\S+)/.exec(out)?.[1]
      if (url) ready({ child, url })
    })
    child.stderr!.on('data', (d) => (out += d))
    child.once('exit', (code) => fail(new Error(`exited ${code}: ${out}`)))
  })
}

function storageChildOf(pid: number): number | null {
  const line = execFileSync('ps', ['-o', 'pid=,args=', '--ppid', String(pid)], { encoding: 'utf8' })
    .split('\n')
    .find((l) => l.includes('s3-process'))
  return line ? Number(line.trim().split(/\s+/)[0]) : null
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0)
    return true
  } catch {
    return false
  }
}

describe('npm start: the built server with its embedded S3', () => {
  let dataDir: string
  const running: ChildProcess[] = []
  beforeAll(async () => {
    execFileSync('npm', ['run', 'build', '--silent'])
    dataDir = await mkdtemp(join(tmpdir(), 'memgap-start-'))
  }, 60_000)
  afterAll(() => running.forEach((c) => c.kill('SIGKILL')))

  it('stores an upload under DATA_DIR and still has it after a restart', async () => {
    const first = await start(dataDir)
    running.push(first.child)
    const bundle = fixture('seed/sta-18.tar.gz')
    const posted = await fetch(`${first.url}/v1/bundles`, { method: 'POST', headers: { 'content-type': 'application/gzip' }, body: bundle })
    expect(posted.status).toBe(201)
    expect(((await posted.json()) as { id: string }).id).toBe(sha256(bundle))
    expect((await readdir(dataDir, { recursive: true })).some((p) => p.includes(sha256(bundle)))).toBe(true)
    first.child.kill('SIGTERM')
    await new Promise((r) => first.child.once('exit', r))

    const second = await start(dataDir)
    running.push(second.child)
    const raw = await fetch(`${second.url}/v1/bundles/${sha256(bundle)}/raw`)
    expect(sha256(new Uint8Array(await raw.arrayBuffer()))).toBe(sha256(bundle))
  }, 60_000)

  it('takes its storage process with it when killed outright', async () => {
    const server = await start(dataDir)
    running.push(server.child)
    const storage = storageChildOf(server.child.pid!)
    expect(storage).not.toBeNull()
    server.child.kill('SIGKILL')
    const deadline = Date.now() + 5000
    while (alive(storage!) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50))
    expect(alive(storage!)).toBe(false)
  }, 30_000)
})
