import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { bigBundle } from '../helpers/big-bundle.ts'
import { fixture, sha256 } from '../helpers/fixtures.ts'
import { serverOnOwnStore } from '../helpers/own-store.ts'

// Issue 12, item 6: the same bytes uploaded 20 times at once are one bundle: one 201, the rest
// 200, one raw copy in storage, and no request failing on the way.

const AT_ONCE = 20

describe('concurrent uploads of the same bytes', () => {
  let own: Awaited<ReturnType<typeof serverOnOwnStore>>
  beforeAll(async () => {
    own = await serverOnOwnStore()
  })
  afterAll(() => own?.close())

  it.each([
    ['the seed bundle, with a Content-Length', () => fixture('seed/sta-18.tar.gz'), false],
    ['a 6 MiB bundle, chunked (multipart to storage)', () => bigBundle(), true],
  ])('%s: one 201, the rest 200, one raw copy', async (_, make, chunked) => {
    const bytes = make()
    const results = await Promise.all(
      Array.from({ length: AT_ONCE }, async () => {
        const body = chunked ? new Blob([bytes]).stream() : bytes
        const res = await fetch(`${own.server.url}/v1/bundles`, {
          method: 'POST',
          headers: { 'content-type': 'application/gzip' },
          body,
          duplex: 'half',
        } as RequestInit)
        return { status: res.status, text: await res.text() }
      }),
    )
    const statuses = results.map((r) => r.status).sort()
    expect(statuses, results.find((r) => r.status >= 300)?.text).toEqual([...Array(AT_ONCE - 1).fill(200), 201])
    for (const r of results) expect(JSON.parse(r.text).id).toBe(sha256(bytes))
    const raw = (await own.files()).filter((f) => f.includes('/raw/') && f.endsWith('._S3rver_object'))
    const records = (await own.files()).filter((f) => f.includes(`/bundles/${sha256(bytes)}/`) && f.endsWith('._S3rver_object'))
    expect(records).toHaveLength(1) // parsed.json
    // Listed once, whoever won (index entries are objects of their own, named by the hash).
    const listed = (await (await fetch(`${own.server.url}/v1/bundles`)).json()) as { items: { id: string }[] }
    expect(listed.items.filter((b) => b.id === sha256(bytes))).toHaveLength(1)
    expect(raw.length).toBe(new Set(raw).size)
    const res = await fetch(`${own.server.url}/v1/bundles/${sha256(bytes)}/raw`)
    expect(sha256(new Uint8Array(await res.arrayBuffer()))).toBe(sha256(bytes))
  })

  it('leaves one raw object per bundle', async () => {
    const raw = (await own.files()).filter((f) => f.includes('/raw/') && f.endsWith('._S3rver_object'))
    expect(raw).toHaveLength(2)
  })
})
