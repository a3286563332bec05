import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { BundleSummary, StoredBundle } from '../../schemas/bundle.ts'
import { SOURCES_VERSION } from '../../src/bundle/sources.ts'
import type { RunningServer } from '../../src/server.ts'
import { keys, type Storage } from '../../src/storage/s3.ts'
import { fixture, sha256 } from '../helpers/fixtures.ts'
import { storedRaw, testBucket, testServer } from '../helpers/storage.ts'

// Stored parses follow the engine (issue 13 §2): a parsed.json written by an older source
// registry is parsed anew from the raw bytes when next read or uploaded, once, and stored again.
// Against the real S3 server, through the Node server and the production client.

const bytes = fixture('gap/tmpfs/suspect.tar.gz')
const id = sha256(bytes)

/** What a registry before versions (1) wrote: no parserVersion, no vmstat, and here no processes. */
function olderParse(current: StoredBundle): Record<string, unknown> {
  const { parserVersion: _version, vmstat: _vmstat, ...rest } = current
  return { ...rest, processes: [] }
}

describe('stored parses of another registry version', () => {
  let server: RunningServer
  let storage: Storage
  const parsedKey = keys.bundleParsed('public', id)
  const stored = async () => StoredBundle.parse(await storage.getJson(parsedKey))
  const upload = () => fetch(`${server.url}/v1/bundles`, { method: 'POST', headers: { 'content-type': 'application/gzip' }, body: bytes })

  beforeAll(async () => {
    const made = await testBucket('reparse')
    storage = made.storage
    server = await testServer(made.bucket)
    expect((await upload()).status).toBe(201)
  })
  afterAll(() => server?.close())

  it('records the registry version in parsed.json', async () => {
    const now = await stored()
    expect(now.parserVersion).toBe(SOURCES_VERSION)
    expect(now.vmstat?.counters.oom_kill).toBe(0)
  })

  it('re-parses an older parse from the raw bytes on the next read, once', async () => {
    const first = await stored()
    await storage.putJson(parsedKey, olderParse(first))
    expect((await stored()).parserVersion).toBe(1)

    const res = await fetch(`${server.url}/v1/bundles/${id}`)
    expect(res.status).toBe(200)
    expect(BundleSummary.parse(await res.json()).id).toBe(id)
    const renewed = await stored()
    expect(renewed).toMatchObject({ parserVersion: SOURCES_VERSION, upload: first.upload, receivedAt: first.receivedAt })
    expect(renewed.processes).toEqual(first.processes)
    expect(renewed.vmstat).toEqual(first.vmstat)
    expect(sha256((await storedRaw(storage, 'public', id))!)).toBe(id)

    // Once: a current parse is not parsed again (a marker written into it survives the next read).
    await storage.putJson(parsedKey, { ...renewed, host: 'marker' })
    const again = await fetch(`${server.url}/v1/bundles/${id}`)
    expect(BundleSummary.parse(await again.json()).host).toBe('marker')
  })

  it('re-parses a parsed.json too old to read at all, as long as it names its raw bytes', async () => {
    const first = await stored()
    await storage.putJson(parsedKey, { upload: first.upload, files: 'a shape no registry reads' })
    const res = await fetch(`${server.url}/v1/bundles/${id}`)
    expect(res.status).toBe(200)
    expect((await stored()).parserVersion).toBe(SOURCES_VERSION)
  })

  it('replaces an older parse when the same bytes are uploaded again, keeping the first raw copy', async () => {
    const first = await stored()
    await storage.putJson(parsedKey, olderParse(first))
    const res = await upload()
    expect(res.status).toBe(200) // stored before: not a new bundle
    const renewed = await stored()
    expect(renewed).toMatchObject({ parserVersion: SOURCES_VERSION, upload: first.upload })
    expect(renewed.processes.length).toBeGreaterThan(0)
  })

  it('diagnoses from the renewed parse', async () => {
    await storage.putJson(parsedKey, olderParse(await stored()))
    const res = await fetch(`${server.url}/v1/diagnoses`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ suspect: id }),
    })
    expect(res.status).toBe(201)
    const d = (await res.json()) as { processes: unknown[] }
    expect(d.processes.length).toBeGreaterThan(0)
  })
})
