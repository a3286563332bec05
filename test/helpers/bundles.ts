import type { ParsedBundle } from '../../schemas/bundle.ts'
import { readBundle } from '../../src/bundle/read.ts'
import { fixture, sha256 } from './fixtures.ts'

const cache = new Map<string, Promise<ParsedBundle>>()

/** A committed fixture bundle, read by the engine as the API would (no storage). */
export function parsedFixture(path: string): Promise<ParsedBundle> {
  let parsed = cache.get(path)
  if (!parsed) {
    const raw = fixture(path)
    parsed = readBundle(raw, { id: sha256(raw), bytes: raw.byteLength, receivedAt: '2026-11-27T00:00:00.000Z' })
    cache.set(path, parsed)
  }
  return parsed
}
