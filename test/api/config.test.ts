import { execFileSync, spawnSync } from 'node:child_process'
import { describe, expect, it } from 'vitest'
import { loadConfig } from '../../src/config.ts'
import worker from '../../src/entry/worker.ts'
import { npmStartArgs } from '../helpers/npm-start.ts'

// Key configurations that cannot work are refused when the server starts, with a message that
// names the entry (never the key): not a server that answers 500 behind a 200 /healthz.

const GOOD = 'acme-key-0123456789abcdef'
const BAD: [string, string, RegExp][] = [
  ['the same key for two tenants', `acme:${GOOD},globex:${GOOD}`, /entry 2 \(tenant "globex"\): the key is also tenant "acme"'s/],
  ['a key with whitespace', 'acme:acme key 0123456789abcdef', /entry 1 \(tenant "acme"\): the key holds whitespace/],
  ['a key too short', 'acme:short', /entry 1 \(tenant "acme"\): the key is shorter than 16 characters/],
  ['an entry without a tenant', `:${GOOD}`, /entry 1 is not tenant:key/],
]

describe('MEMGAP_API_KEYS checked at startup', () => {
  it.each(BAD)('refuses %s', (_, keys, message) => {
    expect(() => loadConfig({ MEMGAP_API_KEYS: keys })).toThrow(message)
    try {
      loadConfig({ MEMGAP_API_KEYS: keys })
    } catch (error) {
      expect(String((error as Error).message)).not.toContain('0123456789abcdef')
    }
  })

  it('takes good keys, one per tenant (the same key twice for one tenant is harmless)', () => {
    expect(loadConfig({ MEMGAP_API_KEYS: `acme:${GOOD}\nacme:${GOOD}, globex:globex-key-0123456789abcdef` }).MEMGAP_API_KEYS).toBeTruthy()
  })

  it('npm start exits with one line naming the problem', () => {
    execFileSync('npm', ['run', 'build', '--silent'])
    const run = spawnSync(process.execPath, npmStartArgs(), {
      env: { ...process.env, PORT: '0', MEMGAP_API_KEYS: 'acme:short', AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
      encoding: 'utf8',
      timeout: 30_000,
    })
    expect(run.status).toBe(1)
    expect(run.stderr.trim()).toMatch(
      /^memgap cannot start: configuration is invalid: MEMGAP_API_KEYS: entry 1 \(tenant "acme"\): the key is shorter than 16 characters$/,
    )
    expect(run.stdout).not.toContain('listening')
  }, 60_000)

  it('a Worker answers not_configured on every route, /healthz included', async () => {
    const env = {
      MEMGAP_API_KEYS: 'acme:short',
      S3_ENDPOINT: 'http://127.0.0.1:9',
      REPORT_LINK_SECRET: 'x'.repeat(32),
      PUBLIC_BASE_URL: 'https://memgap.example.com',
    }
    for (const path of ['/healthz', `/v1/bundles/${'0'.repeat(64)}`]) {
      const res = await worker.fetch(new Request(`http://127.0.0.1${path}`), env)
      expect(res.status, path).toBe(500)
      expect(res.headers.get('content-type')).toBe('application/problem+json')
      expect(await res.json()).toMatchObject({ code: 'not_configured', detail: expect.stringMatching(/MEMGAP_API_KEYS: entry 1/) })
    }
  })
})
