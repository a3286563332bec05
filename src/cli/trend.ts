import { randomUUID } from 'node:crypto'
import { stat } from 'node:fs/promises'
import type { Finding } from '../../schemas/findings.ts'
import type { Trend } from '../../schemas/trend.ts'
import { diagnose } from '../analysis/diagnose.ts'
import { analyseTrend, type Snapshot } from '../trend/trend.ts'
import type { Format } from './diagnose.ts'
import { loadBundle } from './input.ts'

// `memgap trend <bundle…>`: the trend engine offline. Each bundle's time is its manifest's
// collectedAt, else the file's (or folder's) modification time, which the trend warns about.

export async function trendPaths(paths: string[], options: { floorKib?: number } = {}): Promise<Trend> {
  const snapshots: Snapshot[] = []
  for (const path of paths) {
    const bundle = await loadBundle(path)
    const collectedAt = bundle.manifest?.collectedAt
    if (collectedAt && !Number.isNaN(Date.parse(collectedAt))) snapshots.push({ bundle, at: collectedAt, timeSource: 'manifest' })
    else snapshots.push({ bundle, at: (await stat(path)).mtime.toISOString(), timeSource: 'file-time' })
  }
  return analyseTrend(snapshots, { ...options, pairFindings: spanFindings(snapshots) })
}

/**
 * The findings of the first bundle diagnosed against the latest: what a steady growth links to.
 * Not the latest two: an hour's growth hides in the noise of a whole box's MemAvailable (on the
 * captured steady series the last pair's gap was 671 MiB, leakd's 33 MiB under the 5 % a
 * heap-growth finding needs), while the span's 445 MiB is a finding of its own.
 */
function spanFindings(snapshots: Snapshot[]): Finding[] {
  const ordered = [...snapshots].sort((a, b) => Date.parse(a.at) - Date.parse(b.at))
  const first = ordered[0]
  const latest = ordered.at(-1)
  if (!first || !latest || first === latest) return []
  return diagnose(first.bundle, latest.bundle, { id: randomUUID(), createdAt: new Date().toISOString() }).findings
}

export async function formatTrend(trend: Trend, format: Format): Promise<string> {
  switch (format) {
    case 'json':
      return `${JSON.stringify(trend, null, 2)}\n`
    case 'md': {
      const { renderTrendMarkdown } = await import('../render/trend-markdown.ts')
      return renderTrendMarkdown(trend)
    }
    case 'text': {
      const { renderTrendText } = await import('../render/trend-text.ts')
      return renderTrendText(trend)
    }
  }
}
