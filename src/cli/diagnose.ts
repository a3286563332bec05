import { randomUUID } from 'node:crypto'
import type { Diagnosis } from '../../schemas/diagnosis.ts'
import { diagnose } from '../analysis/diagnose.ts'
import { maskSecretsDeep } from '../content/secrets.ts'
import { loadBundle } from './input.ts'

// `memgap diagnose [<baseline>] <suspect>`: the engine offline, no storage and no HTTP.

export type Format = 'json' | 'md' | 'text'

export async function diagnosePaths(baselinePath: string | null, suspectPath: string): Promise<Diagnosis> {
  // One after the other: a 64 MiB dump in each is scanned streaming, but the archives are held whole.
  // Secrets are masked as the server masks them at ingest: the output goes into tickets too.
  const mask = process.env.REDACT === 'off' ? <T>(b: T) => b : maskSecretsDeep
  const baseline = baselinePath === null ? null : mask(await loadBundle(baselinePath))
  const suspect = mask(await loadBundle(suspectPath))
  return diagnose(baseline, suspect, { id: randomUUID(), createdAt: new Date().toISOString() })
}

/** The diagnosis as the chosen format; the renderers are loaded only when asked for. */
export async function formatDiagnosis(diagnosis: Diagnosis, format: Format): Promise<string> {
  switch (format) {
    case 'json':
      return `${JSON.stringify(diagnosis, null, 2)}\n`
    case 'md': {
      const { renderMarkdown } = await import('../render/markdown.ts')
      return withNewline(renderMarkdown(diagnosis, {}))
    }
    case 'text': {
      const { renderText } = await import('../render/text.ts')
      return withNewline(renderText(diagnosis, {}))
    }
  }
}

const withNewline = (text: string) => (text.endsWith('\n') ? text : `${text}\n`)
