import { connect } from 'node:net'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { bigBundle } from '../helpers/big-bundle.ts'
import { serverOnOwnStore } from '../helpers/own-store.ts'

// Issue 12, item 5: a client that closes mid-body leaves nothing in storage (no partial raw/
// object, no multipart upload) and one log line. The embedded store runs on a folder of this
// test's own, so what is left on disk is what the store kept.

/** Sends the head and `sendBytes` of a POST of `total` bytes, then drops the connection. */
function abandon(url: string, sendBytes: number, body: Uint8Array, chunked: boolean): Promise<void> {
  const { hostname, port } = new URL(url)
  return new Promise((done, fail) => {
    const socket = connect(Number(port), hostname, () => {
      const length = chunked ? 'transfer-encoding: chunked' : `content-length: ${body.byteLength}`
      socket.write(`POST /v1/bundles HTTP/1.1\r\nhost: ${hostname}:${port}\r\ncontent-type: application/gzip\r\n${length}\r\n\r\n`)
      for (let at = 0; at < sendBytes; at += 64 * 1024) {
        const piece = body.subarray(at, Math.min(sendBytes, at + 64 * 1024))
        socket.write(chunked ? Buffer.concat([Buffer.from(`${piece.byteLength.toString(16)}\r\n`), piece, Buffer.from('\r\n')]) : piece)
      }
      // Let the server take it in and start storing, then go.
      setTimeout(() => {
        socket.destroy()
        done()
      }, 500)
    })
    socket.on('error', fail)
  })
}

describe('an upload abandoned midway', () => {
  let own: Awaited<ReturnType<typeof serverOnOwnStore>>
  beforeAll(async () => {
    own = await serverOnOwnStore()
  })
  afterAll(() => own?.close())

  it.each([
    ['with a Content-Length (one streamed PUT)', false],
    ['chunked (a multipart upload, one part stored)', true],
  ])('%s leaves no object and one log line', async (_, chunked) => {
    const before = await own.files()
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {})
    const error = vi.spyOn(console, 'error').mockImplementation(() => {})
    try {
      const body = bigBundle()
      await abandon(own.server.url, 5.5 * 1024 * 1024, body, chunked)
      const deadline = Date.now() + 10_000
      while (warn.mock.calls.length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50))
      await new Promise((r) => setTimeout(r, 300)) // the store's own cleanup after the abort
      const left = (await own.files()).filter((f) => !before.includes(f))
      expect(left).toEqual([])
      expect(error).not.toHaveBeenCalled()
      expect(warn.mock.calls.map((c) => c.join(' '))).toEqual([
        'POST /v1/bundles: the client closed the connection before the body ended; nothing was stored',
      ])
    } finally {
      warn.mockRestore()
      error.mockRestore()
    }
  })
})
