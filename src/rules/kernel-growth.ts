import type { ParsedBundle } from '../../schemas/bundle.ts'
import type { Gap } from '../../schemas/diagnosis.ts'
import type { Evidence } from '../../schemas/findings.ts'
import { mib } from '../analysis/summary.ts'
import { MATTERS_KIB } from '../analysis/thresholds.ts'
import { fieldExcerpt } from '../bundle/cite.ts'
import type { Rule } from './context.ts'

// The gap is on the kernel side: slab, shared memory (tmpfs, SysV), page tables or kernel stacks.
// No process is blamed for it: these pages belong to no process's RSS.

const PARTS = {
  shmem: { field: 'Shmem', name: 'shared memory (tmpfs, /dev/shm, SysV segments)' },
  slab: { field: 'Slab', name: 'slab (kernel object caches)' }, // SUnreclaim on a MemAvailable basis: see fieldOf
  pageTables: { field: 'PageTables', name: 'page tables' },
  kernelStack: { field: 'KernelStack', name: 'kernel stacks' },
} as const
type Part = keyof typeof PARTS

/** Sure when the verdict itself is kernel-side; less when the kernel part sits beside a user-space one. */
const CONFIDENCE = { verdict: 0.9, part: 0.6 }

const ADVICE: Record<Part, string> = {
  shmem:
    'Find what fills tmpfs: `df -h -t tmpfs` and `du -xsh /dev/shm/* /run/* /tmp/*` where they are tmpfs, and `ipcs -m` for SysV segments ' +
    '(one whose creator died stays until `ipcrm`). Delete or size-limit it (`mount -o remount,size=...`).',
  slab:
    'Read `slabtop -o` or /proc/slabinfo: dentry and inode growth means many files or negative lookups (a process creating or stat-ing ' +
    'paths in a loop); SReclaimable slab is freed under pressure or by `echo 2 > /proc/sys/vm/drop_caches`; SUnreclaim growth is a kernel or driver leak.',
  pageTables: 'Page tables grow with mapped memory times processes: look for many processes mapping large regions, or enable huge pages.',
  kernelStack: 'Kernel stacks grow with threads: count them (`ps -eLf | wc -l`) and find the process spawning them.',
}

export const kernelGrowth: Rule = (context) => {
  const gap = context.gap
  if (!gap || gap.kib < MATTERS_KIB || !context.baseline) return []
  const grown = (Object.keys(PARTS) as Part[])
    .map((part) => [part, gap.breakdown[part] ?? 0] as const)
    .filter(([, kib]) => kib >= MATTERS_KIB && kib >= gap.kib * 0.25)
    .sort((a, b) => b[1] - a[1])
  if (!grown.length) return []
  const [lead] = grown[0]!
  const evidence: Evidence[] = grown.flatMap(([part]) => meminfoEvidence(context.baseline!, context.suspect, fieldOf(part, gap.basis)))
  if (grown.some(([part]) => part === 'slab')) evidence.push(...slabEvidence(context.baseline, context.suspect))
  const names = grown.map(([part, kib]) => `${PARTS[part].name} +${mib(kib)}`).join(', ')
  return [
    {
      kind: 'kernel-growth',
      process: null,
      confidence: gap.verdict === 'kernel' || gap.verdict === 'shmem' ? CONFIDENCE.verdict : CONFIDENCE.part,
      title: `The gap is kernel-side memory: ${names}`,
      detail: `${names} of a ${mib(gap.kib)} gap. This memory is not in any process's RSS, so no process is to blame for it directly.`,
      evidence,
      recommendation: grown.map(([part]) => ADVICE[part]).join(' ') + (lead === 'slab' ? '' : ''),
      configLines: [],
    },
  ]
}

/** The meminfo line a part was read from: the gap's slab part is unreclaimable slab when MemAvailable measures it. */
function fieldOf(part: Part, basis: Gap['basis']): string {
  return part === 'slab' && basis === 'MemAvailable' ? 'SUnreclaim' : PARTS[part].field
}

function meminfoEvidence(baseline: ParsedBundle, suspect: ParsedBundle, field: string): Evidence[] {
  const out: Evidence[] = []
  for (const [side, bundle] of [
    ['baseline', baseline],
    ['suspect', suspect],
  ] as const) {
    const value = bundle.meminfo?.fields[field]
    const line = bundle.meminfo?.lines?.[field]
    if (bundle.meminfo && value !== undefined)
      out.push({ bundle: side, file: bundle.meminfo.file, ...(line ? { line } : {}), excerpt: fieldExcerpt(field, value) })
  }
  return out
}

/** The caches that grew most, from /proc/slabinfo on both sides. */
function slabEvidence(baseline: ParsedBundle, suspect: ParsedBundle): Evidence[] {
  if (!suspect.slabinfo) return []
  const before = new Map((baseline.slabinfo?.caches ?? []).map((c) => [c.name, c.slabsKib ?? c.sizeKib]))
  return suspect.slabinfo.caches
    .map((c) => ({ c, delta: (c.slabsKib ?? c.sizeKib) - (before.get(c.name) ?? 0) }))
    .sort((a, b) => b.delta - a.delta)
    .slice(0, 5)
    .filter(({ delta }) => delta > 1024)
    .map(({ c, delta }) => ({
      bundle: 'suspect' as const,
      file: suspect.slabinfo!.file,
      line: c.line,
      excerpt: [c.name, c.numObjs, c.objSize].join(' … '),
      note: `slab cache ${c.name}: ${c.numObjs} objects of ${c.objSize} B = ${mib(c.slabsKib ?? c.sizeKib)} (+${mib(delta)})`,
    }))
}
