import { z } from 'zod'
import { Warning } from './warning.ts'

// What a memory dump holds: the result of src/content/scan.ts (the analysis' step 4).
// Sizes are bytes of the scanned stream; shares are fractions of bytesScanned (0-1).

const int = z.number().int().nonnegative()
const share = z.number().min(0).max(1)
const hex = z.string().regex(/^[0-9a-f]+$/, 'lowercase hex digits, no 0x')

export const DumpFormat = z.enum(['binary', 'hexdump', 'xxd', 'strings'])
export type DumpFormat = z.infer<typeof DumpFormat>

/** Which process and region a dump is, from its file name `<pid or name>-<start>[-<end>].<ext>`. */
export const DumpTarget = z.object({
  pid: z.number().int().nullable(),
  name: z.string().nullable(), // the process name when the file is named by name, not pid
  start: hex, // region start address
  end: hex.nullable(), // region end (exclusive), when named
  sizeBytes: z.number().int().nullable(), // end - start
})
export type DumpTarget = z.infer<typeof DumpTarget>

/** One record as shown to a person: redacted (addresses, tokens, e-mails masked) and short. */
export const RecordExample = z.object({
  text: z.string(),
  offset: int, // where the record starts in the scanned stream
  address: hex.nullable(), // target.start + offset; null when the stream is not memory (strings text)
  bytes: int, // the record's full length
  truncated: z.boolean(), // text is cut short of the record
})
export type RecordExample = z.infer<typeof RecordExample>

export const DiscriminatorValue = z.object({
  value: z.string(),
  count: int, // complete records with this value
  partial: int, // records cut short (by unprintable bytes or the dump's end) with this value
})

/** A field whose few string values tell kinds of records apart (`LogType`: netflow, waf). */
export const Discriminator = z.object({
  field: z.string(),
  named: z.boolean(), // its name says so (type, LogType, event, kind, level...); else by its values
  distinct: int, // distinct values seen (counting stops at a cap)
  values: z.array(DiscriminatorValue), // most frequent first
  otherCount: int, // records whose value is not listed
})
export type Discriminator = z.infer<typeof Discriminator>

/** JSON objects with one set of top-level keys. */
export const JsonCluster = z.object({
  keySignature: z.string(), // the top-level keys, sorted, joined by ','
  keys: z.array(z.string()), // in the order of the first record seen
  count: int, // complete records that parse
  bytes: int, // their bytes
  meanBytes: z.number(),
  share,
  partial: int, // records cut short whose keys fit this cluster (not in count or bytes)
  partialBytes: int,
  complete: z.boolean(), // false: only cut-short records were seen; keys are those before the cut
  discriminators: z.array(Discriminator),
  example: RecordExample.nullable(),
})
export type JsonCluster = z.infer<typeof JsonCluster>

export const TextKind = z.enum(['log', 'syslog', 'statsd', 'xml', 'kv', 'text'])
export type TextKind = z.infer<typeof TextKind>

/** Text records of one shape (digits, hex, quoted strings and addresses replaced by placeholders). */
export const TextCluster = z.object({
  kind: TextKind,
  shape: z.string(),
  count: int,
  bytes: int,
  meanBytes: z.number(),
  share,
  record: z.boolean(), // counted as records: a known kind (log, syslog, statsd, xml, kv) or repeated text
  example: RecordExample.nullable(),
})
export type TextCluster = z.infer<typeof TextCluster>

/** What was folded: clusters past the top N and shapes past the table's cap. */
export const Folded = z.object({ clusters: int, count: int, bytes: int })
export type Folded = z.infer<typeof Folded>

export const DumpScan = z.object({
  format: DumpFormat,
  target: DumpTarget.nullable(),
  bytesScanned: int, // the dump's bytes (decoded for hexdump/xxd, text bytes for strings), elided rows included
  bytesElided: int, // hexdump/xxd `*` rows: counted, never materialised, not records
  printableBytes: int, // bytes in printable ASCII runs of 8 or more
  printableRuns: int,
  bytesInRecords: int, // complete JSON records + text records
  bytesInJsonRecords: int,
  bytesInTextRecords: int,
  bytesInPartialRecords: int, // JSON records cut short: not in bytesInRecords
  bytesFragments: int, // printable text that looks like pieces of JSON (leftovers of freed records)
  bytesOther: int, // bytesScanned - bytesInRecords
  recordShare: share, // bytesInRecords / bytesScanned
  jsonRecords: int,
  partialJsonRecords: int,
  textRecords: int,
  dominantKind: z.enum(['json', 'text', 'none']),
  dominantCluster: z.string().nullable(), // key signature or shape of the biggest cluster
  dominantShare: share,
  json: z.object({ clusters: z.array(JsonCluster), distinctKeySets: int, folded: Folded }),
  text: z.object({ clusters: z.array(TextCluster), distinctShapes: int, folded: Folded }),
  discriminators: z.array(Discriminator), // across all JSON clusters, by field
  warnings: z.array(Warning),
})
export type DumpScan = z.infer<typeof DumpScan>
