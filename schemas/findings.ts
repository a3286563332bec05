import { z } from 'zod'
import { DumpScan } from './content.ts'
import { LineFit, Projection } from './fit.ts'
import { QueueClient } from './queues.ts'

// Step 6 of the method: claims, each with its proof and its fix.

/**
 * Where a claim comes from: a file of one bundle, a line or byte offset, and what it says there.
 * `excerpt` is text a reader finds at that place: the line's text (runs of blanks count as one),
 * or pieces of it joined by ` … ` when columns between them are left out; at an `offset` of a dump,
 * the bytes there as the report shows them (redacted). `note` is what memgap reads from it.
 */
export const Evidence = z.object({
  bundle: z.enum(['baseline', 'suspect']),
  file: z.string(),
  line: z.number().int().positive().optional(),
  offset: z.number().int().nonnegative().optional(),
  excerpt: z.string().max(400),
  note: z.string().max(400).optional(),
})
export type Evidence = z.infer<typeof Evidence>

export const FindingKind = z.enum(['queue-buildup', 'heap-growth', 'kernel-growth', 'oom-kill', 'steady-growth'])
export type FindingKind = z.infer<typeof FindingKind>

const LimitSource = z.enum(['config', 'statistics', 'default'])

/** The numbers behind a queue-buildup finding. Bytes unless named KiB. */
export const QueueEstimate = z.object({
  library: z.literal('librdkafka'),
  libraryVersion: z.string().nullable(),
  maxMessages: z.number().int(),
  maxMessagesSource: LimitSource,
  maxKbytes: z.number().int(),
  maxKbytesSource: LimitSource,
  meanMessageBytes: z.number().nullable(),
  meanMessageSource: z.enum(['statistics', 'dump']).nullable(),
  overheadBytes: z.number().int(), // librdkafka's own bookkeeping per queued message
  boundKib: z.number().int().nullable(), // what a full queue holds, payload and overhead
  queuedMessages: z.number().int().nullable(),
  queuedKib: z.number().int().nullable(),
  queuedSource: z.enum(['statistics', 'estimate']).nullable(),
  fill: z.number().nullable(), // 0-1: how full the queue is by the tighter of its two limits
  brokers: z.array(z.object({ name: z.string(), state: z.string().nullable() })),
  brokerDown: z.boolean().nullable(), // null: no statistics or logs say
  ratePerSecond: z.number().nullable(), // messages produced per second, as observed
  missing: z.array(z.string()), // evidence that would make this surer, and is not in the bundles
})
export type QueueEstimate = z.infer<typeof QueueEstimate>

/** The numbers behind a steady-growth finding: a program's memory across snapshots of one host. */
export const SteadyGrowth = z.object({
  fit: LineFit, // of the segment since its last restart; `floor` for a saw-tooth heap
  projection: Projection.nullable(), // its rate alone eating the host's MemAvailable
  restarts: z.number().int(),
  // A diagnosis' finding about the same program (the pair the trend spans), when there is one.
  linked: z.object({ kind: z.enum(['queue-buildup', 'heap-growth']), title: z.string() }).nullable(),
})
export type SteadyGrowth = z.infer<typeof SteadyGrowth>

export const Finding = z.object({
  kind: FindingKind,
  process: z.string().nullable(),
  growth: SteadyGrowth.optional(), // steady-growth: the rate, its fit and the projection
  confidence: z.number().min(0).max(1),
  title: z.string(),
  detail: z.string(),
  evidence: z.array(Evidence),
  recommendation: z.string(),
  configLines: z.array(z.string()), // exact lines to paste, where the fix is configuration
  queue: QueueEstimate.optional(), // librdkafka's own figures
  client: QueueClient.optional(), // queue-buildup: the client family, its limits and the bound
})
export type Finding = z.infer<typeof Finding>

/** A dump of one process's region and what it holds (step 4). */
export const DumpContent = z.object({
  bundle: z.enum(['baseline', 'suspect']),
  file: z.string(),
  process: z.string().nullable(),
  pid: z.number().int().nullable(),
  regionClass: z.string().nullable(), // the class of the mapping the dump starts in, from pmap
  scan: DumpScan,
})
export type DumpContent = z.infer<typeof DumpContent>
