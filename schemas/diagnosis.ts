import { z } from 'zod'
import { DumpContent, Finding } from './findings.ts'
import { ProcessRegions } from './regions.ts'
import { Warning } from './warning.ts'

export const GapBasis = z.enum(['MemAvailable', 'MemFree', 'Active+Inactive'])
export const Verdict = z.enum(['user-space', 'kernel', 'shmem', 'page-cache', 'mixed', 'none'])

/** KiB by kind of memory, suspect minus baseline; a part is absent when a side lacks its fields. */
export const GapBreakdown = z.object({
  anon: z.number().int().optional(),
  file: z.number().int().optional(),
  shmem: z.number().int().optional(),
  slab: z.number().int().optional(),
  kernelStack: z.number().int().optional(),
  pageTables: z.number().int().optional(),
  hugePages: z.number().int().optional(),
  other: z.number().int(), // the gap less the parts above: what meminfo does not explain
})

export const Gap = z.object({
  basis: GapBasis,
  kib: z.number().int(), // how much more memory the suspect uses; positive when it is worse
  baselineKib: z.number().int(), // the basis figure on each side, as read
  suspectKib: z.number().int(),
  breakdown: GapBreakdown,
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
})
export type Diagnosis = z.infer<typeof Diagnosis>

const BundleId = z.string().regex(/^[0-9a-f]{64}$/, 'a bundle id: 64 lowercase hex digits')

/** POST /v1/diagnoses with JSON: stored bundle ids; without a baseline, the suspect alone. */
export const DiagnosisRequest = z.object({
  baseline: BundleId.optional(),
  suspect: BundleId,
})
