import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { Manifest } from '../../schemas/parsers.ts'
import { looksLikeManifest, parseManifest } from '../../src/parsers/manifest.ts'

const sample = (name: string) => readFileSync(new URL(`../fixtures/samples/${name}`, import.meta.url), 'utf8')

describe('parseManifest', () => {
  it('reads the seed manifest', () => {
    const { data, warnings } = parseManifest(sample('sta-18-manifest.json'), 'manifest.json')
    expect(warnings).toEqual([])
    expect(data).toMatchObject({ host: '10.222.3.18', firmware: 'TS3.0.24.4474', role: 'suspect' })
    expect(data.notes).toMatch(/^Transcribed from the incident write-up/)
  })

  it('reads the kafka manifest', () => {
    const { data, warnings } = parseManifest(sample('kafka-suspect-manifest.json'))
    expect(warnings).toEqual([])
    expect(data).toMatchObject({
      host: 'vm-kafka-suspect',
      role: 'suspect',
      collectedAt: '2026-11-27T09:53:57+00:00',
      kernel: '6.18.44-fc-v669',
    })
  })

  it('keeps what validates, ignores extra keys, drops the rest with a warning', () => {
    const text = JSON.stringify({ host: 5, role: 'suspect', notes: 'x'.repeat(5000), collector: { v: 2 } })
    const { data, warnings } = parseManifest(text, 'manifest.json')
    expect(data).toEqual({ role: 'suspect' })
    expect(Manifest.parse(data)).toEqual(data)
    expect(warnings.map((w) => [w.code, w.file])).toEqual([
      ['manifest_invalid_field', 'manifest.json'],
      ['manifest_invalid_field', 'manifest.json'],
    ])
  })

  it('warns on text that is not a JSON object', () => {
    expect(parseManifest('host=abc', 'm').warnings.map((w) => w.code)).toEqual(['manifest_not_json'])
    expect(parseManifest('[1,2]').warnings.map((w) => w.code)).toEqual(['manifest_not_object'])
    expect(parseManifest('null').data).toEqual({})
    expect(parseManifest('\u0000\u0000{').warnings.map((w) => w.code)).toEqual(['manifest_not_json'])
    expect(parseManifest('['.repeat(200_000)).warnings.map((w) => w.code)).toEqual(['manifest_not_json'])
    expect(parseManifest('\uFEFF{"host":"a"}').data).toEqual({ host: 'a' })
  })
})

describe('looksLikeManifest', () => {
  it('knows a manifest, and not librdkafka statistics', () => {
    expect(looksLikeManifest(sample('sta-18-manifest.json'))).toBe(true)
    expect(looksLikeManifest('{ "name": "fwlog#producer-1", "client_id": "fwlog", "msg_cnt":100000, "host": "x" }')).toBe(false)
    expect(looksLikeManifest('host: x')).toBe(false)
  })
})
