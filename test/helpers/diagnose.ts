import type { ParsedBundle } from '../../schemas/bundle.ts'
import { Diagnosis } from '../../schemas/diagnosis.ts'
import { diagnose } from '../../src/analysis/diagnose.ts'
import { readBundle } from '../../src/bundle/read.ts'
import { parsedFixture } from './bundles.ts'
import { sha256 } from './fixtures.ts'

/** The engine's diagnosis of committed fixture bundles (baseline may be null), schema-checked. */
export async function diagnoseFixtures(baseline: string | null, suspect: string): Promise<Diagnosis> {
  const b = baseline ? await parsedFixture(baseline) : null
  return Diagnosis.parse(diagnose(b, await parsedFixture(suspect), { id: 'test', createdAt: '2026-11-27T00:00:00.000Z' }))
}

/** A bundle made in the test from archive bytes. */
export function parsedBytes(raw: Uint8Array): Promise<ParsedBundle> {
  return readBundle(raw, { id: sha256(raw), bytes: raw.byteLength, receivedAt: '2026-11-27T00:00:00.000Z' })
}

export function diagnoseParsed(baseline: ParsedBundle | null, suspect: ParsedBundle): Diagnosis {
  return Diagnosis.parse(diagnose(baseline, suspect, { id: 'test', createdAt: '2026-11-27T00:00:00.000Z' }))
}
