import { type ChildProcess, spawn } from 'node:child_process'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { type IngestLog, LogRecord, type RequestLog, type TicketLog } from '../../schemas/log.ts'
import { Problem } from '../../schemas/problem.ts'
import { EMBEDDED_CREDENTIALS } from '../../src/entry/embedded-s3.ts'
import { fixture, sha256 } from '../helpers/fixtures.ts'
import { testBucket } from '../helpers/storage.ts'
import { signZendesk, startTicketSystems, type TicketSystems } from '../helpers/tickets.ts'

// The server's log as an operator reads it: the real Node entry in its own process, its stdout
// and stderr read whole. Every request leaves one JSON line with its id; an ingest and a ticket
// leave theirs; and a Zendesk attachment named to forge a log line (issue 12, item 10) cannot.

const HOSTILE_NAME = 'x\nFAKE LOG LINE {"level":"error","event":"request"}\u001b[31m.tar.gz'
const STARTUP = /^(memgap listening on |storage: |auth: )/

let child: ChildProcess
let url: string
let stdout = ''
let stderr = ''
let systems: TicketSystems

beforeAll(async () => {
  systems = await startTicketSystems()
  systems.addFile(HOSTILE_NAME, new TextEncoder().encode('not an archive at all'))
  systems.addZendeskTicket('666', [{ at: '2026-12-01T10:00:00Z', files: [HOSTILE_NAME] }])
  const { bucket } = await testBucket('logs')
  child = spawn(process.execPath, ['--openssl-legacy-provider', '--import', 'tsx', 'src/entry/node.ts'], {
    env: {
      ...process.env,
      ...systems.env,
      PORT: '0',
      S3_ENDPOINT: inject('s3Endpoint'),
      S3_BUCKET: bucket,
      S3_ACCESS_KEY_ID: EMBEDDED_CREDENTIALS.accessKeyId,
      S3_SECRET_ACCESS_KEY: EMBEDDED_CREDENTIALS.secretAccessKey,
      MEMGAP_ANONYMOUS: 'true',
      MEMGAP_ALLOW_PRIVATE_CALLBACKS: 'true',
      LOG_LEVEL: 'info',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  child.stdout!.on('data', (d) => (stdout += d))
  child.stderr!.on('data', (d) => (stderr += d))
  url = await new Promise<string>((resolve, reject) => {
    const timer = setInterval(() => {
      const m = /listening on (http:\/\/\S+)/.exec(stdout)
      if (m) resolve(m[1]!)
    }, 50)
    child.once('exit', (code) => reject(new Error(`server exited ${code}: ${stdout}${stderr}`)))
    setTimeout(() => (clearInterval(timer), reject(new Error(`no server after 60 s: ${stdout}${stderr}`))), 60_000)
  })
})
afterAll(async () => {
  child?.kill('SIGTERM')
  await systems?.close()
})

/** The JSON lines so far, each checked against the schema. */
function records(): LogRecord[] {
  return stdout
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => LogRecord.parse(JSON.parse(line)))
}

async function eventually<T>(find: () => T | undefined): Promise<T> {
  for (let i = 0; i < 300; i++) {
    const found = find()
    if (found !== undefined) return found
    await new Promise((r) => setTimeout(r, 100))
  }
  throw new Error(`not logged within 30 s:\n${stdout}`)
}

describe('the server log', () => {
  it('has one line per request with its id, route pattern, status, problem and bytes', async () => {
    const seed = fixture('seed/sta-18.tar.gz')
    const sent = [
      { id: 'op-health', path: '/healthz', init: {} },
      { id: 'op-upload', path: '/v1/bundles', init: { method: 'POST', body: seed, headers: { 'content-type': 'application/gzip' } } },
      { id: 'op-missing', path: `/v1/bundles/${'0'.repeat(64)}`, init: {} },
      { id: 'op-method', path: '/healthz', init: { method: 'PATCH' } },
      { id: 'op-nowhere', path: '/nowhere', init: {} },
    ]
    const answers = new Map<string, { status: number; bytes: number }>()
    for (const { id, path, init } of sent) {
      const res = await fetch(`${url}${path}`, {
        ...init,
        headers: { ...(init as RequestInit).headers, 'x-request-id': id },
      } as RequestInit)
      expect(res.headers.get('x-request-id')).toBe(id)
      answers.set(id, { status: res.status, bytes: (await res.arrayBuffer()).byteLength })
    }
    const lines = await eventually(() => {
      const found = records().filter((r): r is RequestLog => r.event === 'request' && answers.has(r.requestId))
      return found.length >= sent.length ? found : undefined
    })
    expect(lines.map((l) => l.requestId).sort()).toEqual(sent.map((s) => s.id).sort()) // one each, none twice
    const byId = new Map(lines.map((l) => [l.requestId, l]))
    for (const [id, answer] of answers)
      expect([id, byId.get(id)!.status, byId.get(id)!.bytesOut]).toEqual([id, answer.status, answer.bytes])
    expect(byId.get('op-upload')).toMatchObject({
      method: 'POST',
      route: '/v1/bundles',
      status: 201,
      problem: null,
      tenant: 'public',
      bytesIn: seed.byteLength,
    })
    expect(byId.get('op-missing')).toMatchObject({ route: '/v1/bundles/:id', status: 404, problem: 'bundle_not_found' })
    expect(byId.get('op-method')).toMatchObject({ route: null, status: 405, problem: 'method_not_allowed' })
    expect(byId.get('op-nowhere')).toMatchObject({ route: null, status: 404, problem: 'not_found', tenant: null })

    const ingest = records().find((r): r is IngestLog => r.event === 'ingest' && r.requestId === 'op-upload')
    expect(ingest).toMatchObject({ bundleId: sha256(seed), bytes: seed.byteLength, created: true, tenant: 'public' })
    expect(ingest!.files).toBeGreaterThan(3)
    expect(ingest!.seconds).toBeGreaterThan(0)
  })

  it('carries a forged attachment name escaped: no new line, no ESC, the name still readable', async () => {
    const body = JSON.stringify({ ticket_id: '666' })
    const res = await fetch(`${url}/v1/integrations/zendesk`, {
      method: 'POST',
      body,
      headers: { ...signZendesk(body), 'x-request-id': 'op-zendesk' },
    })
    expect(res.status).toBe(202)
    const ticket = await eventually(() => records().find((r): r is TicketLog => r.event === 'ticket' && r.ticketId === '666'))
    expect(ticket.requestId).toBe('op-zendesk')
    expect(`${ticket.error}`).toContain(HOSTILE_NAME) // the whole name, decoded from the JSON

    const everything = stdout + stderr
    expect(everything).not.toContain('\u001b')
    for (const line of everything.split('\n').filter(Boolean)) {
      expect(line.startsWith('{') || STARTUP.test(line), `a line that is neither JSON nor a startup line: ${line}`).toBe(true)
    }
    expect(stderr).toBe('')
  })

  it('quotes the same id in a problem body as in its line', async () => {
    const res = await fetch(`${url}/v1/diagnoses`, {
      method: 'POST',
      body: '{"suspect":',
      headers: { 'content-type': 'application/json', 'x-request-id': 'op-bad-json' },
    })
    const problem = Problem.parse(await res.json())
    expect(problem.requestId).toBe('op-bad-json')
    const line = await eventually(() => records().find((r): r is RequestLog => r.event === 'request' && r.requestId === 'op-bad-json'))
    expect(line.problem).toBe(problem.code)
  })
})
