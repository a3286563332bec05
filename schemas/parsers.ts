import { z } from 'zod'

// Output of each parser in src/parsers/. Sizes are KiB, as the kernel prints them ("kB").

const kib = z.number().int()

/** /proc/meminfo, whole or partial: field name -> value (kB, or a count for HugePages_*). */
export const Meminfo = z.object({
  fields: z.record(z.string(), z.number().int()),
  lines: z.record(z.string(), z.number().int().positive()).optional(), // field -> its 1-based line, for evidence
})
export type Meminfo = z.infer<typeof Meminfo>

/** One process line of ps. `exe` is the program path when known, else the command name. */
export const PsRow = z.object({
  pid: z.number().int().nullable(),
  ppid: z.number().int().nullable(),
  name: z.string(), // basename of the executable: what instances are matched by
  exe: z.string(),
  args: z.string().nullable(),
  rssKib: kib.nullable(), // null: this ps did not print RSS (busybox)
  vszKib: kib.nullable(),
  line: z.number().int().positive().optional(), // 1-based, for evidence
})
export type PsRow = z.infer<typeof PsRow>

export const PsFormat = z.enum(['procps', 'aux', 'pairs', 'busybox'])
export const Ps = z.object({ format: PsFormat, rows: z.array(PsRow) })
export type Ps = z.infer<typeof Ps>

/** One mapping of `pmap -x`. `size` is the Kbytes column. */
export const PmapRow = z.object({
  address: z.string(), // hex as printed, lowercase, no 0x
  kbytes: kib,
  resident: kib.nullable(), // RSS (procps) or PSS (busybox): see Pmap.residentMetric
  dirty: kib.nullable(),
  swap: kib.nullable(),
  mode: z.string(), // rw--- (procps) or rw-p (busybox)
  mapping: z.string(), // file name, "[ anon ]", "[ stack ]"...
  line: z.number().int().positive().optional(), // 1-based, for evidence
})
export type PmapRow = z.infer<typeof PmapRow>

export const Pmap = z.object({
  pid: z.number().int().nullable(), // from the "PID:   command" line, when printed
  command: z.string().nullable(),
  variant: z.enum(['procps', 'busybox']),
  residentMetric: z.enum(['rss', 'pss']), // busybox prints PSS in column 3
  dirtyIsPrivate: z.boolean(), // busybox counts private dirty pages only
  rows: z.array(PmapRow),
  total: z
    .object({ kbytes: kib, resident: kib.nullable(), dirty: kib.nullable(), line: z.number().int().positive().optional() })
    .nullable(),
})
export type Pmap = z.infer<typeof Pmap>

/** /proc/PID/smaps_rollup: field name -> kB (Rss, Pss, Private_Dirty, Anonymous, Swap...). */
export const SmapsRollup = z.object({
  fields: z.record(z.string(), kib),
  lines: z.record(z.string(), z.number().int().positive()).optional(), // field -> its first line, for evidence
})
export type SmapsRollup = z.infer<typeof SmapsRollup>

/** /proc/PID/status: Name, Pid and the Vm and Rss fields in kB. */
export const ProcStatus = z.object({
  name: z.string().nullable(),
  pid: z.number().int().nullable(),
  ppid: z.number().int().nullable(),
  memory: z.record(z.string(), kib), // VmRSS, RssAnon, RssFile, RssShmem, VmSwap...
  lines: z.record(z.string(), z.number().int().positive()).optional(), // field -> its line, for evidence
})
export type ProcStatus = z.infer<typeof ProcStatus>

/** manifest.json of a bundle: all optional, free notes kept. */
export const Manifest = z.object({
  host: z.string().max(256).optional(),
  role: z.string().max(64).optional(),
  collectedAt: z.string().max(64).optional(),
  firmware: z.string().max(256).optional(),
  kernel: z.string().max(256).optional(),
  notes: z.string().max(4096).optional(),
})
export type Manifest = z.infer<typeof Manifest>
