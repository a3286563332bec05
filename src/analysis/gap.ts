import type { Gap } from '../../schemas/diagnosis.ts'
import type { Warning } from '../../schemas/warning.ts'

// Step 1 of the method: how much more memory the suspect uses, from /proc/meminfo, and what kind.
// Each side may hold a partial copy (`grep -i active`), so every figure is taken only when both
// sides have the fields it needs.

type Fields = Record<string, number>

/** Below this the two sides are the same machine for our purposes (KiB). */
const NEGLIGIBLE_KIB = 16 * 1024
/** A kind of memory "is" the gap when it makes up this share of all growth. */
const DOMINANT_SHARE = 0.6

function sum(fields: Fields, names: string[]): number | undefined {
  let total = 0
  for (const name of names) {
    const value = fields[name]
    if (value === undefined) return undefined
    total += value
  }
  return total
}

/** suspect minus baseline of the first recipe both sides can compute. */
function delta(base: Fields, suspect: Fields, ...recipes: string[][]): number | undefined {
  for (const names of recipes) {
    const b = sum(base, names)
    const s = sum(suspect, names)
    if (b !== undefined && s !== undefined) return s - b
  }
  return undefined
}

export function measureGap(base: Fields, suspect: Fields, warnings: Warning[]): Gap | null {
  const basis = chooseBasis(base, suspect)
  if (!basis) return null
  const { name, baselineKib, suspectKib, kib } = basis

  const shmem = delta(base, suspect, ['Shmem'])
  // AnonPages excludes tmpfs; the anon LRU lists include it, so take Shmem out when it is known.
  const anonPages = delta(base, suspect, ['AnonPages'])
  const anonLru = delta(base, suspect, ['Active(anon)', 'Inactive(anon)'])
  const anon = anonPages ?? (anonLru === undefined ? undefined : anonLru - (shmem ?? 0))
  if (anonPages === undefined && anonLru !== undefined && shmem === undefined) {
    warnings.push({ code: 'shmem_unknown', message: 'meminfo has no Shmem line: tmpfs pages, if any, are counted as anonymous' })
  }
  // The file LRU lists are page cache proper; Cached also holds tmpfs, so take Shmem out of it.
  const fileLru = delta(base, suspect, ['Active(file)', 'Inactive(file)'])
  const cached = delta(base, suspect, ['Cached', 'Buffers'])
  const file = fileLru ?? (cached === undefined ? undefined : cached - (shmem ?? 0))
  const breakdown: Gap['breakdown'] = {
    anon,
    file,
    shmem,
    slab: delta(base, suspect, ['Slab'], ['SReclaimable', 'SUnreclaim']),
    kernelStack: delta(base, suspect, ['KernelStack']),
    pageTables: delta(base, suspect, ['PageTables']),
    hugePages: hugePagesDelta(base, suspect),
    other: 0,
  }
  const explained = Object.values(breakdown).reduce<number>((n, v) => n + (v ?? 0), 0)
  breakdown.other = kib - explained
  for (const key of Object.keys(breakdown) as (keyof Gap['breakdown'])[]) {
    if (breakdown[key] === undefined) delete breakdown[key]
  }
  return { basis: name, kib, baselineKib, suspectKib, breakdown, verdict: verdictOf(kib, breakdown) }
}

function chooseBasis(base: Fields, suspect: Fields) {
  for (const name of ['MemAvailable', 'MemFree'] as const) {
    const b = base[name]
    const s = suspect[name]
    // Less available memory on the suspect is more used: the gap is baseline minus suspect.
    if (b !== undefined && s !== undefined) return { name, baselineKib: b, suspectKib: s, kib: b - s }
  }
  const b = sum(base, ['Active', 'Inactive'])
  const s = sum(suspect, ['Active', 'Inactive'])
  if (b !== undefined && s !== undefined) return { name: 'Active+Inactive' as const, baselineKib: b, suspectKib: s, kib: s - b }
  return null
}

function hugePagesDelta(base: Fields, suspect: Fields): number | undefined {
  const size = (f: Fields) =>
    f.Hugetlb ?? (f.HugePages_Total !== undefined && f.Hugepagesize !== undefined ? f.HugePages_Total * f.Hugepagesize : undefined)
  const b = size(base)
  const s = size(suspect)
  return b !== undefined && s !== undefined ? s - b : undefined
}

function verdictOf(kib: number, parts: Gap['breakdown']): Gap['verdict'] {
  if (kib < NEGLIGIBLE_KIB) return 'none'
  const grown = (v: number | undefined) => Math.max(0, v ?? 0)
  const kernel = grown(parts.slab) + grown(parts.kernelStack) + grown(parts.pageTables) + grown(parts.hugePages)
  const shares = {
    'user-space': grown(parts.anon),
    shmem: grown(parts.shmem),
    'page-cache': grown(parts.file),
    kernel,
  }
  const total = Object.values(shares).reduce((n, v) => n + v, 0)
  if (total === 0) return 'mixed'
  for (const [verdict, value] of Object.entries(shares)) {
    if (value / total >= DOMINANT_SHARE) return verdict as Gap['verdict']
  }
  return 'mixed'
}
