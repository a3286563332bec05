import { z } from 'zod'
import { Metric } from './diagnosis.ts'
import { Finding } from './findings.ts'
import { LineFit, Projection } from './fit.ts'
import { Warning } from './warning.ts'

// One host over time: the series of its bundles and the trend fitted to it (src/trend/).
// Rates are KiB per hour whatever the interval between bundles; times are ISO 8601.

export const TrendShape = z.enum(['not-enough-data', 'flat', 'falling', 'growing', 'saw-tooth', 'plateau'])
export type TrendShape = z.infer<typeof TrendShape>

/** A program that came back with new PIDs and less memory: the fit starts after it. */
export const Restart = z.object({
  at: z.string(), // the first snapshot after it
  beforeKib: z.number().int(),
  afterKib: z.number().int(),
  pidsBefore: z.array(z.number().int()),
  pidsAfter: z.array(z.number().int()),
})
export type Restart = z.infer<typeof Restart>

export const ProgramTrend = z.object({
  name: z.string(),
  metric: Metric, // the best metric every snapshot that has the program carries
  samples: z.number().int(), // snapshots it appears in
  pids: z.array(z.number().int()), // its PIDs in the latest snapshot that has it
  latestKib: z.number().int(),
  shape: TrendShape,
  why: z.string(), // the reason for the shape, in words
  restarts: z.array(Restart),
  fit: LineFit.nullable(), // of the segment since the last restart; null below the minimums
  recentRateKibPerHour: z.number().nullable(), // the segment's later half: how a plateau is told
  projection: Projection.nullable(), // its rate alone eating the host's MemAvailable
  shareOfLoss: z.number().nullable(), // its rate over the host's loss rate (or the programs' sum)
})
export type ProgramTrend = z.infer<typeof ProgramTrend>

export const HostTrend = z.object({
  basis: z.enum(['MemAvailable', 'MemFree']),
  shape: TrendShape,
  why: z.string(),
  fit: LineFit.nullable(),
  recentRateKibPerHour: z.number().nullable(),
  projection: Projection.nullable(),
})
export type HostTrend = z.infer<typeof HostTrend>

export const SeriesPoint = z.object({
  at: z.string(),
  timeSource: z.enum(['manifest', 'file-time']),
  bundleId: z.string(),
  memAvailableKib: z.number().int().nullable(),
  memTotalKib: z.number().int().nullable(),
  programs: z.record(z.string(), z.number().int()), // name -> KiB on the program's metric
})
export type SeriesPoint = z.infer<typeof SeriesPoint>

/** The minimums and thresholds the trend was judged with (src/trend/limits.ts). */
export const TrendLimits = z.object({
  minSamples: z.number().int(),
  minSpanHours: z.number(),
  floorKib: z.number().int(),
  confidence: z.number(),
})

export const Trend = z.object({
  host: z.string().nullable(),
  from: z.string().nullable(),
  to: z.string().nullable(),
  series: z.array(SeriesPoint), // oldest first
  memory: HostTrend.nullable(), // the host's MemAvailable; null: no meminfo in the bundles
  programs: z.array(ProgramTrend), // growing first, by rate
  findings: z.array(Finding), // steady-growth
  summary: z.string(),
  limits: TrendLimits,
  warnings: z.array(Warning),
})
export type Trend = z.infer<typeof Trend>
