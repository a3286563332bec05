import { execFileSync, spawn, spawnSync } from 'node:child_process'
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'

// Running collect/memgap-collect.sh for real: in its own PID namespace (unshare, as root), so ps,
// the top processes and the dumps see the handful of processes a test starts, and reading what
// it wrote with tar.

export const SCRIPT = fileURLToPath(new URL('../../collect/memgap-collect.sh', import.meta.url))
export const has = (command: string) => spawnSync('sh', ['-c', `command -v ${command}`]).status === 0
const MISSING = [...['busybox', 'unshare'].filter((command) => !has(command)), ...(process.getuid?.() === 0 ? [] : ['root'])]

/** A beforeAll: the collector tests fail with the reason when busybox, unshare or root are missing. */
export function requirePrerequisites(): void {
  if (MISSING.length > 0) throw new Error(`the collector tests need ${MISSING.join(', ')}: run them through npm test, as root`)
}

export interface Collected {
  code: number | null
  stdout: string
  stderr: string
  archive: string
}

/**
 * `sh -c SCRIPT sh ARGS...` as PID 1 of a new PID namespace with its own /proc. SCRIPT starts the
 * processes to look at and runs "$@" (a shell, the collector and its options); `archive` is
 * where `--out` in ARGS points, plus .tar.gz.
 */
export function inNamespace(script: string, args: string[], env: Record<string, string>, archive: string): Promise<Collected> {
  const argv = ['--pid', '--fork', '--mount-proc', 'sh', '-c', script, 'sh', ...args]
  return new Promise((resolve, reject) => {
    const child = spawn('unshare', argv, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'], timeout: 170_000 })
    let stdout = ''
    let stderr = ''
    child.stdout.setEncoding('utf8').on('data', (c: string) => (stdout += c))
    child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c))
    child.on('error', reject)
    child.on('close', (code) => resolve({ code, stdout, stderr, archive }))
  })
}

/** The archive's member paths, without the leading ./ */
export function listing(archive: string): string[] {
  return execFileSync('tar', ['tzf', archive], { encoding: 'utf8' })
    .split('\n')
    .filter(Boolean)
    .map((p) => p.replace(/^\.\//, ''))
}

/** One member's text. */
export function member(archive: string, path: string): string {
  return execFileSync('tar', ['xzOf', archive, `./${path}`], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 })
}

/** Every member's text, read in one pass (one tar process, not one a member). */
export function contents(archive: string): Map<string, string> {
  const dir = mkdtempSync(join(tmpdir(), 'memgap-bundle-'))
  try {
    execFileSync('tar', ['xzf', archive, '-C', dir])
    const files = readdirSync(dir, { recursive: true, withFileTypes: true }).filter((e) => e.isFile())
    return new Map(files.map((e) => [relative(dir, join(e.parentPath, e.name)), readFileSync(join(e.parentPath, e.name), 'utf8')]))
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}
