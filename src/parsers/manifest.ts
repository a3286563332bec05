/**
 * manifest.json of a bundle: optional facts about where and when it was collected.
 *
 * A real sample (seed sta-18, test/fixtures/samples/sta-18-manifest.json):
 *
 *   {"host": "10.222.3.18", "firmware": "TS3.0.24.4474", "role": "suspect", "notes": "Transcribed ..."}
 *
 * Unknown keys are ignored (collectors add their own); a key whose value does not validate is
 * dropped with a warning and the others are kept.
 */
import { Manifest } from '../../schemas/parsers.ts'
import type { Warning } from '../../schemas/warning.ts'
import { defineSource } from '../bundle/source.ts'
import { excerpt, warningList } from './common.ts'

const KEYS = Object.keys(Manifest.shape) as (keyof Manifest)[]

/** A JSON object naming at least one manifest key (and no librdkafka statistics). */
export function looksLikeManifest(text: string): boolean {
  const head = text
    .slice(0, 4096)
    .replace(/^\uFEFF/, '')
    .trimStart()
  if (!head.startsWith('{') || head.includes('"msg_cnt"')) return false
  return KEYS.some((key) => head.includes(`"${key}"`))
}

export function parseManifest(text: string, file?: string): { data: Manifest; warnings: Warning[] } {
  const { warnings, warn } = warningList(file)
  const object = readObject(text, warn)
  const data: Manifest = {}
  if (!object) return { data, warnings }
  for (const key of KEYS) {
    if (!Object.hasOwn(object, key)) continue
    const field = Manifest.shape[key].safeParse(object[key])
    if (field.success && field.data !== undefined) data[key] = field.data
    else warn('manifest_invalid_field', `"${key}" is not valid: ${field.error?.issues[0]?.message ?? 'not a string'}`)
  }
  return { data, warnings }
}

function readObject(text: string, warn: ReturnType<typeof warningList>['warn']): Record<string, unknown> | null {
  let value: unknown
  try {
    value = JSON.parse(text.replace(/^\uFEFF/, ''))
  } catch (error) {
    warn('manifest_not_json', `not JSON: ${excerpt(error instanceof Error ? error.message : String(error))}`)
    return null
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    warn('manifest_not_object', 'the manifest is JSON but not an object')
    return null
  }
  return value as Record<string, unknown>
}

/** This source, as the bundle reader's list (src/bundle/sources.ts) takes it. */
export const manifestSource = defineSource({
  kind: 'manifest',
  order: 'loose, and first of the loose: a file named manifest.json is one whatever JSON it holds (statistics included)',
  loose: true,
  detect: (head, path) =>
    (path.slice(path.lastIndexOf('/') + 1) === 'manifest.json' && head.trimStart().startsWith('{')) || looksLikeManifest(head),
  parse: parseManifest,
  schema: Manifest,
  field: 'manifest',
  keep: (data) => data,
})
