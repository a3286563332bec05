// How the bench measures: wall and CPU time of shell anchors, alternating pairs, and POSTs of a
// bundle (curl for the big one, as users send it; fetch for the many small ones).
import { spawn, spawnSync } from 'node:child_process'
import { openSync } from 'node:fs'

const DEV_NULL = openSync('/dev/null', 'w')

/** Wall time of a shell command, output to /dev/null. */
export function timeShell(script: string, ...args: string[]): number {
  const t0 = performance.now()
  const run = spawnSync('sh', ['-c', script, 'sh', ...args], { stdio: ['ignore', DEV_NULL, 'pipe'] })
  if (run.status !== 0) throw new Error(`${script} failed: ${run.stderr}`)
  return performance.now() - t0
}

/** CPU seconds a shell pipeline's processes used (`times`, children's line), output to /dev/null. */
export function shellCpu(script: string, ...args: string[]): number {
  const run = spawnSync('sh', ['-c', `{ ${script}; } >/dev/null; times`, 'sh', ...args], { encoding: 'utf8' })
  const children =
    run.stdout
      .trim()
      .split('\n')
      .at(-1)!
      .match(/(\d+)m([\d.]+)s/g) ?? []
  return children.reduce((sum, t) => sum + Number(/(\d+)m/.exec(t)![1]) * 60 + Number(/m([\d.]+)s/.exec(t)![1]), 0)
}

/** Times `a` and `b` alternately, `runs` times each, after one warm-up of each. */
export async function sideBySide(
  runs: number,
  a: () => Promise<unknown> | unknown,
  b: () => Promise<unknown> | unknown,
  warmUp = true,
): Promise<[number[], number[]]> {
  if (warmUp) {
    await a()
    await b()
  }
  const [ta, tb]: [number[], number[]] = [[], []]
  for (let i = 0; i < runs; i++) {
    for (const [f, into] of [
      [a, ta],
      [b, tb],
    ] as const) {
      const t0 = performance.now()
      await f()
      into.push(performance.now() - t0)
    }
  }
  return [ta, tb]
}

export type Post = { status: number; ms: number; dumps: number; error?: string }

/** A POST's outcome from its answer: dumps the stored bundle holds, or why it was not a 201. */
function outcome(status: number, ms: number, text: string): Post {
  const dumps =
    status >= 200 && status < 300 ? (JSON.parse(text) as { files: { kind: string }[] }).files.filter((f) => f.kind === 'dump').length : 0
  return { status, ms, dumps, ...(status === 201 ? {} : { error: text.slice(0, 300) }) }
}

/** POSTs a file with curl, as users and the collector send bundles (it streams the file, with its length). */
export function curlBundle(url: string, file: string, timeoutMs: number): Promise<Post> {
  const t0 = performance.now()
  const curl = spawn('curl', [
    '-sS',
    '--max-time',
    String(timeoutMs / 1000),
    '-T',
    file,
    '-X',
    'POST',
    '-H',
    'content-type: application/gzip',
    '-w',
    '\n%{http_code}',
    `${url}/v1/bundles`,
  ])
  let out = ''
  let err = ''
  curl.stdout.on('data', (d) => (out += d))
  curl.stderr.on('data', (d) => (err += d))
  return new Promise((done) => {
    curl.once('close', () => {
      const ms = performance.now() - t0
      const cut = out.lastIndexOf('\n')
      const status = Number(out.slice(cut + 1)) || 0
      done(outcome(status, ms, out.slice(0, cut) || err))
    })
  })
}

export async function postBundle(url: string, body: Uint8Array<ArrayBuffer>, timeoutMs: number): Promise<Post> {
  const t0 = performance.now()
  try {
    const res = await fetch(`${url}/v1/bundles`, {
      method: 'POST',
      body,
      headers: { 'content-type': 'application/gzip' },
      signal: AbortSignal.timeout(timeoutMs),
    })
    const text = await res.text()
    return outcome(res.status, performance.now() - t0, text)
  } catch (error) {
    return { status: 0, ms: performance.now() - t0, dumps: 0, error: String((error as Error).cause ?? error) }
  }
}
