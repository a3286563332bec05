import { z } from 'zod'
import { DumpScan } from './content.ts'
import { Manifest, Meminfo, Pmap, ProcStatus, SmapsRollup } from './parsers.ts'
import { ClientLines, OpenFiles } from './queues.ts'
import { Dmesg, KafkaConfig, KafkaLog, KafkaStatsSample, MapsRow, Slabinfo, SmapsRow, Vmstat } from './sources.ts'
import { Warning } from './warning.ts'

/** What a file in a bundle is, recognised by its content (the path only hints). */
export const FileKind = z.enum([
  'meminfo',
  'ps',
  'pmap',
  'smaps',
  'smaps_rollup',
  'status',
  'maps',
  'slabinfo',
  'vmstat',
  'dmesg',
  'kafka-config',
  'kafka-stats',
  'log',
  'dump',
  'manifest',
  'open-files',
  'unknown',
])
export type FileKind = z.infer<typeof FileKind>

export const FileSummary = z.object({
  path: z.string(),
  kind: FileKind,
  bytes: z.number().int().nonnegative(),
  warnings: z.array(Warning),
})
export type FileSummary = z.infer<typeof FileSummary>

/** Where one figure of a process was read: file, line and the text there (see Evidence). */
export const Cite = z.object({ file: z.string(), line: z.number().int().positive(), excerpt: z.string().max(400) })
export type Cite = z.infer<typeof Cite>

/** One running process as the bundle saw it, merged from ps, status, smaps_rollup and pmap. */
export const ProcessSample = z.object({
  pid: z.number().int().nullable(),
  ppid: z.number().int().nullable().optional(), // from ps, when it printed PPID
  name: z.string(),
  exe: z.string(),
  args: z.string().nullable().default(null), // the command line, when ps printed it
  rssKib: z.number().int().nullable(),
  pssKib: z.number().int().nullable(),
  anonKib: z.number().int().nullable(),
  sources: z.array(z.string()), // files that said something about it
  cites: z.object({ rss: Cite.optional(), pss: Cite.optional(), anon: Cite.optional() }).optional(), // where each figure was read
})
export type ProcessSample = z.infer<typeof ProcessSample>

/** A pmap of one process, kept for the region analysis. */
export const ProcessMap = z.object({
  file: z.string(),
  pid: z.number().int().nullable(),
  name: z.string().nullable(),
  pmap: Pmap,
})
export type ProcessMap = z.infer<typeof ProcessMap>

/** The summary the API answers for a bundle. `error` is set when the archive could not be read. */
export const BundleSummary = z.object({
  id: z.string().regex(/^[0-9a-f]{64}$/),
  bytes: z.number().int().nonnegative(),
  receivedAt: z.string(),
  host: z.string().nullable(),
  role: z.string().nullable(),
  format: z.enum(['tar.gz', 'tar', 'zip', 'folder', 'unknown']),
  files: z.array(FileSummary),
  warnings: z.array(Warning),
  error: z.object({ code: z.string(), detail: z.string() }).nullable(),
})
export type BundleSummary = z.infer<typeof BundleSummary>

/** Everything the engine took from a bundle: stored as parsed.json beside the raw bytes. */
export const ParsedBundle = BundleSummary.extend({
  manifest: Manifest.nullable(),
  meminfo: Meminfo.extend({ file: z.string() }).nullable(),
  processes: z.array(ProcessSample),
  maps: z.array(ProcessMap),
  rollups: z.array(SmapsRollup.extend({ file: z.string(), pid: z.number().int().nullable() })),
  statuses: z.array(ProcStatus.extend({ file: z.string() })),
  // Evidence sources of the analysis (regions, content, queue, kernel, OOM).
  procMaps: z.array(z.object({ file: z.string(), pid: z.number().int().nullable(), rows: z.array(MapsRow) })).default([]),
  smaps: z.array(z.object({ file: z.string(), pid: z.number().int().nullable(), rows: z.array(SmapsRow) })).default([]),
  kafkaConfigs: z.array(KafkaConfig.extend({ file: z.string() })).default([]),
  // Statistics files keep their first and latest sample: enough to see whether anything moved.
  kafkaStats: z
    .array(z.object({ file: z.string(), samples: z.number().int(), first: KafkaStatsSample, latest: KafkaStatsSample }))
    .default([]),
  kafkaLogs: z.array(KafkaLog.extend({ file: z.string() })).default([]),
  oom: z.array(Dmesg.extend({ file: z.string() })).default([]),
  slabinfo: Slabinfo.extend({ file: z.string() }).nullable().default(null),
  dumps: z.array(z.object({ file: z.string(), scan: DumpScan })).default([]),
  // /proc/vmstat's memory-pressure counters (src/parsers/vmstat.ts PRESSURE_COUNTERS), since boot.
  vmstat: z.object({ file: z.string(), counters: Vmstat.shape.counters }).nullable().default(null),
  // Lines of any text file that name a messaging client, its limits, its queue or its server's absence.
  clientLines: z.array(ClientLines).default([]),
  // proc/<pid>/fd.txt: whose copied logs and configs they are (src/parsers/open-files.ts).
  openFiles: z.array(OpenFiles).default([]),
})
export type ParsedBundle = z.infer<typeof ParsedBundle>

/**
 * What the uploader said of a bundle (multipart `metadata`): beats the manifest. The same bytes
 * sent again with new metadata are one bundle whose metadata is merged, the newer per field.
 */
export const BundleMetadata = z.object({
  host: z.string().max(256).optional(),
  role: z.string().max(64).optional(),
  notes: z.string().max(4096).optional(),
  collectedAt: z.iso.datetime({ offset: true }).optional(),
})
export type BundleMetadata = z.infer<typeof BundleMetadata>

/**
 * parsed.json as stored: the parsed bundle and the upload whose raw bytes it was parsed from
 * (`raw/<upload>`: the bytes stay where they were written, they are not moved to the hash).
 */
export const StoredBundle = ParsedBundle.extend({
  upload: z.uuid(),
  metadata: BundleMetadata.default({}),
  // The version of the source registry that parsed it (SOURCES_VERSION, src/bundle/sources.ts);
  // 1: written before versions were recorded. Another version is parsed anew from raw/<upload>.
  parserVersion: z.number().int().positive().default(1),
})
export type StoredBundle = z.infer<typeof StoredBundle>
