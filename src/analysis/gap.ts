import type { Gap } from '../../schemas/diagnosis.ts'
import type { Warning } from '../../schemas/warning.ts'
import { MATTERS_KIB } from './thresholds.ts'

// Step 1 of the method: how much more memory the suspect uses, from /proc/meminfo, and what kind.
// Each side may hold a partial copy (`grep -i active`), so every figure is taken only when both
// sides have the fields it needs.
//
// The gap is measured on a basis, and its parts are what that basis does not count as free or
// available, so that they add up to it:
// - MemAvailable is the kernel's estimate (mm/show_mem.c `si_mem_available`, 6.x):
//     free - totalreserve + fileLRU - min(fileLRU / 2, wmark_low) + KReclaimable - min(KReclaimable / 2, wmark_low)
//   The page cache (file LRU) and reclaimable kernel memory count as available: they are
//   `reclaimable`, reported apart, and never part of the gap. The gap's parts are anonymous
//   memory, shmem/tmpfs (on the anon LRU, so not counted), unreclaimable slab, kernel stacks,
//   page tables, huge pages, RAM the suspect lacks, and `keptBack`: the share of cache and
//   reclaimable slab the estimate holds back (its min() terms, plus the reserves). wmark_low is not
//   in meminfo, so keptBack is read from the estimate itself: MemFree + fileLRU + KReclaimable -
//   MemAvailable on each side (the reserves are equal on machines of equal RAM).
// - MemFree counts only free pages: every kind of used memory is a part, page cache included.
// - Active+Inactive counts the LRU lists: anonymous (tmpfs included) and file pages; slab, stacks
//   and page tables are on no list, so they are no part of it.
// `other` is what the parts leave: memory meminfo does not itemize (vmalloc, per-cpu lists,
// drivers), small on real pairs.

type Fields = Record<string, number>
type Parts = Gap['breakdown']

/** A kind of memory "is" the gap when it makes up this share of the gap's grown parts. */
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
  const d = (...recipes: string[][]) => delta(base, suspect, ...recipes)

  const shmem = d(['Shmem'])
  // AnonPages excludes tmpfs; the anon LRU lists include it, so take Shmem out when it is known.
  const anonLru = d(['Active(anon)', 'Inactive(anon)'])
  const anon = d(['AnonPages']) ?? (anonLru === undefined ? undefined : anonLru - (shmem ?? 0))
  if (d(['AnonPages']) === undefined && anonLru !== undefined && shmem === undefined) {
    warnings.push({ code: 'shmem_unknown', message: 'meminfo has no Shmem line: tmpfs pages, if any, are counted as anonymous' })
  }
  // The file LRU lists are page cache proper; Cached also holds tmpfs, so take Shmem out of it.
  const cached = d(['Cached', 'Buffers'])
  const file = d(['Active(file)', 'Inactive(file)']) ?? (cached === undefined ? undefined : cached - (shmem ?? 0))
  const kernel = { kernelStack: d(['KernelStack']), pageTables: d(['PageTables']), hugePages: hugePagesDelta(base, suspect) }
  const lessRam = base.MemTotal !== undefined && suspect.MemTotal !== undefined ? base.MemTotal - suspect.MemTotal : undefined

  let parts: Parts
  let reclaimable: Gap['reclaimable'] = null
  if (name === 'MemAvailable') {
    const kReclaimable = d(['KReclaimable'], ['SReclaimable'])
    parts = { anon, shmem, slab: d(['SUnreclaim']), ...kernel, keptBack: keptBackDelta(base, suspect), memTotal: lessRam, other: 0 }
    if (file !== undefined || kReclaimable !== undefined) {
      reclaimable = { kib: (file ?? 0) + (kReclaimable ?? 0), file, slab: kReclaimable }
    }
  } else if (name === 'MemFree') {
    parts = { anon, shmem, file, slab: d(['Slab'], ['SReclaimable', 'SUnreclaim']), ...kernel, memTotal: lessRam, other: 0 }
  } else {
    parts = { anon, shmem, file, other: 0 }
  }
  const explained = Object.values(parts).reduce<number>((n, v) => n + (v ?? 0), 0)
  parts.other = kib - explained
  for (const key of Object.keys(parts) as (keyof Parts)[]) {
    if (parts[key] === undefined) delete parts[key]
  }
  return { basis: name, kib, baselineKib, suspectKib, breakdown: parts, reclaimable, verdict: verdictOf(kib, parts) }
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

/** What si_mem_available holds back of cache and reclaimable slab (and the reserves), suspect minus baseline. */
function keptBackDelta(base: Fields, suspect: Fields): number | undefined {
  const held = (f: Fields) => {
    const parts = [f.MemFree, f['Active(file)'], f['Inactive(file)'], f.KReclaimable ?? f.SReclaimable, f.MemAvailable]
    if (parts.some((v) => v === undefined)) return undefined
    const [free, active, inactive, reclaimable, available] = parts as number[]
    return free! + active! + inactive! + reclaimable! - available!
  }
  const b = held(base)
  const s = held(suspect)
  return b !== undefined && s !== undefined ? s - b : undefined
}

function hugePagesDelta(base: Fields, suspect: Fields): number | undefined {
  const size = (f: Fields) =>
    f.Hugetlb ?? (f.HugePages_Total !== undefined && f.Hugepagesize !== undefined ? f.HugePages_Total * f.Hugepagesize : undefined)
  const b = size(base)
  const s = size(suspect)
  return b !== undefined && s !== undefined ? s - b : undefined
}

/**
 * From the gap's own parts: what the basis counts as available (`reclaimable`) never decides it.
 * keptBack, memTotal and other name no kind of memory a reader could act on, so they do not vote.
 */
function verdictOf(kib: number, parts: Parts): Gap['verdict'] {
  if (kib < MATTERS_KIB) return 'none'
  const grown = (v: number | undefined) => Math.max(0, v ?? 0)
  const shares = {
    'user-space': grown(parts.anon),
    shmem: grown(parts.shmem),
    'page-cache': grown(parts.file),
    kernel: grown(parts.slab) + grown(parts.kernelStack) + grown(parts.pageTables) + grown(parts.hugePages),
  }
  const total = Object.values(shares).reduce((n, v) => n + v, 0)
  if (total === 0) return 'mixed'
  for (const [verdict, value] of Object.entries(shares)) {
    if (value / total >= DOMINANT_SHARE) return verdict as Gap['verdict']
  }
  return 'mixed'
}
