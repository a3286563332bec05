import { fork } from 'node:child_process'
import { resolve } from 'node:path'

// The embedded storage of `npm start`: s3rver (s3rver.ts) in a child process. Its work (hashing
// parts, writing and joining files) then runs on a core of its own instead of the API's event
// loop, and its memory is its own, as a real S3 endpoint's would be. s3rver checks signatures
// against these fixed credentials.

export const EMBEDDED_CREDENTIALS = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' }

export interface EmbeddedS3 {
  endpoint: string
  directory: string
  close(): Promise<void>
}

/** Forks s3-process (the .ts beside this file under tsx, the built .mjs under dist/). */
export function forkEmbeddedS3(options: { directory: string; bucket: string }): Promise<EmbeddedS3> {
  const directory = resolve(options.directory)
  const typescript = import.meta.url.endsWith('.ts')
  const runner = new URL(typescript ? './s3-process.ts' : './s3-process.mjs', import.meta.url)
  // s3rver makes ListObjectsV2 continuation tokens with DES, which OpenSSL 3 keeps in its legacy
  // provider: without it every listing that goes on past one page answers 500.
  const execArgv = [...process.execArgv, '--openssl-legacy-provider']
  if (typescript && !process.execArgv.some((a) => a.includes('tsx'))) execArgv.push('--import', 'tsx')
  const child = fork(runner, [directory, options.bucket], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'], execArgv })
  const close = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return
    const exited = new Promise((done) => child.once('exit', done))
    child.kill('SIGTERM')
    await exited
  }
  return new Promise((ready, fail) => {
    child.once('message', (m: { endpoint: string }) => ready({ endpoint: m.endpoint, directory, close }))
    child.once('exit', (code) => fail(new Error(`the embedded S3 server exited (${code}) before it was ready`)))
    child.once('error', fail)
  })
}
