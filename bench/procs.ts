// Processes for the benchmark: the machine it runs on, servers spawned as their own processes,
// and their memory from /proc (VmHWM: peak resident set since the process started).
import { type ChildProcess, execFileSync, spawn } from 'node:child_process'
import { readdirSync, readFileSync } from 'node:fs'
import { loadavg } from 'node:os'
import { npmStartArgs } from '../test/helpers/npm-start.ts'

export interface Machine {
  nproc: number
  cpu: string
  memTotalMiB: number
  node: string
  loadAverage: number[] // 1, 5 and 15 minutes
}

export function machine(): Machine {
  const cpu = /^model name\s*:\s*(.+)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1] ?? 'unknown'
  const memKib = Number(/^MemTotal:\s+(\d+)/m.exec(readFileSync('/proc/meminfo', 'utf8'))?.[1] ?? 0)
  return {
    nproc: Number(execFileSync('nproc', { encoding: 'utf8' }).trim()),
    cpu,
    memTotalMiB: Math.round(memKib / 1024),
    node: process.version,
    loadAverage: loadavg().map((l) => Math.round(l * 100) / 100),
  }
}

/** A field of /proc/<pid>/status in MiB (VmHWM, VmRSS), or null when the process is gone. */
export function statusMiB(pid: number, field: 'VmHWM' | 'VmRSS'): number | null {
  try {
    const kib = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1]
    return kib === undefined ? null : Math.round((Number(kib) / 1024) * 10) / 10
  } catch {
    return null
  }
}

/** CPU seconds (user + system, all threads) a process has used so far, or null when it is gone. */
export function cpuSeconds(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ') // fields from the 3rd on
    return (Number(fields[11]) + Number(fields[12])) / 100 // utime, stime in USER_HZ (100 on Linux)
  } catch {
    return null
  }
}

/** Live descendants of `root` as {pid, comm, args}, from /proc. */
export function descendants(root: number): { pid: number; comm: string; args: string }[] {
  const parent = new Map<number, number>()
  const comm = new Map<number, string>()
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8')
      const close = stat.lastIndexOf(')')
      comm.set(Number(name), stat.slice(stat.indexOf('(') + 1, close))
      parent.set(Number(name), Number(stat.slice(close + 2).split(' ')[1]))
    } catch {} // gone meanwhile
  }
  const found = []
  for (const [pid, name] of comm) {
    for (let up = parent.get(pid); up !== undefined && up > 1; up = parent.get(up)) {
      if (up !== root) continue
      let args = ''
      try {
        args = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ').trim()
      } catch {}
      found.push({ pid, comm: name, args })
      break
    }
  }
  return found
}

export interface Spawned {
  child: ChildProcess
  url: string
  stop(): Promise<void>
}

/** Runs `node --openssl-legacy-provider --import tsx <script>` and waits for `<marker> URL` on its stdout. */
export function spawnTs(script: string, args: string[], env: Record<string, string>, marker: string): Promise<Spawned> {
  return spawnNode(script, ['--openssl-legacy-provider', '--import', 'tsx', script, ...args], env, marker)
}

/** Runs node with `args` (`script` names it in errors) and waits for `<marker> URL` on its stdout. BENCH_NODE_FLAGS adds node flags (e.g. --cpu-prof). */
async function spawnNode(script: string, args: string[], env: Record<string, string>, marker: string): Promise<Spawned> {
  const flags = process.env.BENCH_NODE_FLAGS?.split(' ').filter(Boolean) ?? []
  const child = spawn(process.execPath, [...flags, ...args], {
    env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let out = ''
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${script} did not start in 60 s: ${out}`)), 60_000)
    child.stdout!.on('data', (d) => {
      out += d
      const m = new RegExp(`${marker} (http://\\S+)`).exec(out)
      if (m) {
        clearTimeout(timer)
        resolve(m[1]!)
      }
    })
    child.stderr!.on('data', (d) => (out += d))
    child.once('exit', (code) => {
      clearTimeout(timer)
      reject(new Error(`${script} exited ${code}: ${out}`))
    })
  })
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return
    const exited = new Promise((done) => child.once('exit', done))
    child.kill('SIGTERM')
    const timer = setTimeout(() => child.kill('SIGKILL'), 5000)
    await exited
    clearTimeout(timer)
  }
  return { child, url, stop }
}

/** The Node server as `npm start` runs it (built by `npm run build`; embedded S3 in a child process), on a free port. */
export function startNode(dataDir: string, env: Record<string, string>): Promise<Spawned> {
  return spawnNode('dist/node.mjs', npmStartArgs(), { PORT: '0', HOST: '127.0.0.1', DATA_DIR: dataDir, ...env }, 'listening on')
}

export type Stats = { median: number; min: number; p50: number; p99: number; n: number }

export function stats(xs: number[]): Stats {
  const s = [...xs].sort((a, b) => a - b)
  const at = (p: number) => s[Math.min(s.length - 1, Math.floor(p * s.length))]!
  const median = s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2
  return { median, min: s[0]!, p50: at(0.5), p99: at(0.99), n: s.length }
}
