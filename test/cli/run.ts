import { spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'

/** The project folder: the CLI runs from here, as `npx memgap` would. */
export const ROOT = fileURLToPath(new URL('../../', import.meta.url))
export const BIN = fileURLToPath(new URL('../../bin/memgap.js', import.meta.url))

export interface Run {
  code: number | null
  stdout: string
  stderr: string
}

/** The real CLI in a child process: node bin/memgap.js ARGS. */
export function memgap(args: string[], env: Record<string, string> = {}, timeoutMs = 60_000): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      cwd: ROOT,
      env: { ...process.env, MEMGAP_URL: '', MEMGAP_TOKEN: '', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: timeoutMs,
    })
    let stdout = ''
    let stderr = ''
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk))
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk))
    child.on('error', reject)
    child.on('close', (code) => resolve({ code, stdout, stderr }))
  })
}
