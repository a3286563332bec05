import { mkdtemp } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { startServer } from '../../src/server.ts'

// Issue 12 item 19: the embedded S3 listens on 127.0.0.1, so a server listening on every
// interface must not hand out presigned URLs naming it, which no other machine can reach.

async function embeddedServer(host: string) {
  const env = { HOST: host, PORT: '0', DATA_DIR: await mkdtemp(join(tmpdir(), 'memgap-presign-')), MEMGAP_ANONYMOUS: 'true' }
  return startServer(host === '0.0.0.0' ? { ...env, PUBLIC_BASE_URL: 'https://memgap.example.com' } : env)
}

const upload = (url: string) =>
  fetch(`${url.replace('0.0.0.0', '127.0.0.1')}/v1/uploads`, { method: 'POST', body: JSON.stringify({ bytes: 1000 }) })

describe('presigned uploads on the embedded store', () => {
  it('are refused, not handed out, when the server listens beyond loopback', async () => {
    const server = await embeddedServer('0.0.0.0')
    try {
      const res = await upload(server.url)
      expect(res.status).toBe(503)
      const problem = (await res.json()) as { code: string; detail: string }
      expect(problem.code).toBe('not_configured')
      expect(problem.detail).toMatch(/S3_ENDPOINT/)
    } finally {
      await server.close()
    }
  })

  it('are handed out on loopback, where the store is reachable', async () => {
    const server = await embeddedServer('127.0.0.1')
    try {
      const res = await upload(server.url)
      expect(res.status).toBe(201)
      const ticket = (await res.json()) as { put: { url: string } }
      expect(new URL(ticket.put.url).hostname).toBe('127.0.0.1')
    } finally {
      await server.close()
    }
  })
})
