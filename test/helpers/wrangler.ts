import { type ChildProcess, spawn } from 'node:child_process'
import { mkdtemp, rm } from 'node:fs/promises'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

// The Worker as users run it: `wrangler dev` (workerd) on a free port, with the given vars.

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer()
    probe.once('error', reject)
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number }
      probe.close(() => resolve(port))
    })
  })
}

export interface DevWorker {
  url: string
  output: () => string
  stop(): Promise<void>
}

/**
 * `inspectorPort`: where wrangler serves the Worker's V8 inspector (the bench samples its heap there).
 * `testScheduled`: serve `/__scheduled?cron=…`, which runs the Worker's scheduled handler.
 */
export async function startWranglerDev(vars: Record<string, string>, inspectorPort?: number, testScheduled = false): Promise<DevWorker> {
  const port = await freePort()
  const persist = await mkdtemp(join(tmpdir(), 'memgap-wrangler-'))
  const args = ['wrangler', 'dev', '--ip', '127.0.0.1', '--port', String(port), '--persist-to', persist, '--log-level', 'warn']
  if (inspectorPort) args.push('--inspector-port', String(inspectorPort))
  if (testScheduled) args.push('--test-scheduled')
  for (const [key, value] of Object.entries(vars)) args.push('--var', `${key}:${value}`)
  const child: ChildProcess = spawn('npx', args, {
    env: { ...process.env, WRANGLER_SEND_METRICS: 'false', CLOUDFLARE_CF_FETCH_ENABLED: 'false', CI: 'true', NO_COLOR: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true, // its own process group, so workerd goes down with it
  })
  let log = ''
  child.stdout!.on('data', (d) => (log += d))
  child.stderr!.on('data', (d) => (log += d))
  const url = `http://127.0.0.1:${port}`
  const stop = async () => {
    if (child.exitCode === null) {
      try {
        process.kill(-child.pid!, 'SIGTERM')
      } catch {}
      await new Promise((done) => child.once('exit', done))
    }
    await rm(persist, { recursive: true, force: true })
  }

  const deadline = Date.now() + 90_000
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`wrangler dev exited (${child.exitCode}):\n${log}`)
    try {
      const res = await fetch(`${url}/healthz`)
      if (res.status === 200) return { url, output: () => log, stop }
    } catch {}
    await new Promise((r) => setTimeout(r, 300))
  }
  await stop()
  throw new Error(`wrangler dev did not answer /healthz in 90 s:\n${log}`)
}
