import { z } from 'zod'
import { DumpContent, Finding } from './findings.ts'
import { ProcessRegions } from './regions.ts'
import { Warning } from './warning.ts'

export const GapBasis = z.enum(['MemAvailable', 'MemFree', 'Active+Inactive'])
export const Verdict = z.enum(['user-space', 'kernel', 'shmem', 'page-cache', 'mixed', 'none'])

/**
 * The parts of the gap: KiB by kind of memory the basis does not count as free or available,
 * suspect minus baseline; they add up to the gap. A part is absent when a side lacks its fields
 * or the basis does not count it (src/analysis/gap.ts says what each basis counts).
 */
export const GapBreakdown = z.object({
  anon: z.number().int().optional(),
  file: z.number().int().optional(), // page cache: MemFree and Active+Inactive only
  shmem: z.number().int().optional(),
  slab: z.number().int().optional(), // MemAvailable: SUnreclaim only; MemFree: all slab
  kernelStack: z.number().int().optional(),
  pageTables: z.number().int().optional(),
  hugePages: z.number().int().optional(),
  keptBack: z.number().int().optional(), // MemAvailable: the share of cache and reclaimable slab it holds back
  memTotal: z.number().int().optional(), // RAM the suspect lacks (baseline MemTotal - suspect MemTotal)
  other: z.number().int(), // the gap less the parts above: what meminfo does not itemize
})

/** MemAvailable only: what grew that the kernel counts as available, so no part of the gap. */
export const GapReclaimable = z.object({
  kib: z.number().int(), // file + slab
  file: z.number().int().optional(), // page cache (the file LRU lists)
  slab: z.number().int().optional(), // KReclaimable (reclaimable slab and other reclaimable kernel memory)
})

export const Gap = z.object({
  basis: GapBasis,
  kib: z.number().int(), // how much more memory the suspect uses; positive when it is worse
  baselineKib: z.number().int(), // the basis figure on each side, as read
  suspectKib: z.number().int(),
  breakdown: GapBreakdown,
  reclaimable: GapReclaimable.nullable().default(null), // apart from the gap; null unless the basis is MemAvailable
  verdict: Verdict,
})
export type Gap = z.infer<typeof Gap>

export const Metric = z.enum(['pss', 'rss', 'anon'])
export type Metric = z.infer<typeof Metric>

/** One program on both sides, its instances summed. */
export const ProcessGrowth = z.object({
  name: z.string(),
  exe: z.string(),
  presence: z.enum(['both', 'baseline-only', 'suspect-only']),
  instances: z.object({ baseline: z.number().int(), suspect: z.number().int() }),
  baselineKib: z.number().int(),
  suspectKib: z.number().int(),
  deltaKib: z.number().int(),
  metric: Metric,
  shareOfGap: z.number().nullable(), // deltaKib / gap.kib; null without a positive gap
})
export type ProcessGrowth = z.infer<typeof ProcessGrowth>

export const BundleRef = z.object({
  bundleId: z.string(),
  host: z.string().nullable(),
  // Set when the diagnosis is read after the bundle was deleted: the figures stay, the bytes are gone.
  deleted: z.boolean().optional(),
})

/** What a bundle says about where and when it was taken: its manifest, and the upload's metadata over it. */
export const BundleContext = z.object({
  host: z.string().nullable(),
  role: z.string().nullable(),
  collectedAt: z.string().nullable(),
  firmware: z.string().nullable(),
  kernel: z.string().nullable(),
  notes: z.string().nullable(),
})
export type BundleContext = z.infer<typeof BundleContext>

export const Diagnosis = z.object({
  id: z.string(),
  createdAt: z.string(),
  engineVersion: z.string(),
  baseline: BundleRef.nullable(), // null: one bundle alone, nothing to compare with
  suspect: BundleRef,
  gap: Gap.nullable(),
  processes: z.array(ProcessGrowth),
  regions: z.array(ProcessRegions),
  content: z.array(DumpContent),
  findings: z.array(Finding), // strongest first
  summary: z.string(),
  warnings: z.array(Warning),
  // Optional: diagnoses stored before it was added still read.
  context: z.object({ baseline: BundleContext.nullable(), suspect: BundleContext }).optional(),
})
export type Diagnosis = z.infer<typeof Diagnosis>

const BundleId = z.string().regex(/^[0-9a-f]{64}$/, 'a bundle id: 64 lowercase hex digits')

/** POST /v1/diagnoses with JSON: stored bundle ids; without a baseline, the suspect alone. */
export const DiagnosisRequest = z.object({
  baseline: BundleId.optional(),
  suspect: BundleId,
})
