/** The top clusters of a scan, kept; the rest folded into counts (json.ts and text.ts). */
import type { Folded } from '../../schemas/content.ts'

/**
 * Keeps the first `top` of `sorted`, each made into what `keep` returns; adds every later one to
 * `folded` (a cluster, its count, its bytes).
 */
export function keepTop<T extends { count: number; bytes: number }, R>(
  sorted: Iterable<T>,
  top: number,
  folded: Folded,
  keep: (cluster: T) => R,
): R[] {
  const kept: R[] = []
  for (const cluster of sorted) {
    if (kept.length >= top) {
      folded.clusters++
      folded.count += cluster.count
      folded.bytes += cluster.bytes
      continue
    }
    kept.push(keep(cluster))
  }
  return kept
}
