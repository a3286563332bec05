import type { Evidence, Finding } from '../../schemas/findings.ts'
import { mib } from '../analysis/summary.ts'
import { candidates, growthEvidence, type Rule, regionEvidence } from './context.ts'
import { notTheCauseNote } from './queue-clients.ts'

// A process grew and nothing says it holds messages: a plain leak or an unbounded cache.
// Never called a queue; never raised for a gap the kernel holds.

const WHERE: Record<string, string> = {
  arena: 'glibc malloc arenas (allocations from threads other than the main one)',
  heap: 'the main heap (brk)',
  'thread-stack': 'thread stacks (more threads, or deeper stacks)',
  anon: 'anonymous mappings (large malloc blocks are mmap-ed on their own)',
  stack: 'the main stack',
}

/** How sure a leak is, by what the bundle shows of it (named like queue-buildup's weights). */
const CONFIDENCE = {
  dumpWithoutRecords: 0.7, // its regions grew, and a dump of them holds no messages
  regionsOnly: 0.55, // its regions grew; nothing was dumped
  growthOnly: 0.35, // only its size grew: a leak cannot be told from a queue
}

export const heapGrowth: Rule = (context, earlier) => {
  if (context.gap && ['kernel', 'shmem', 'page-cache', 'none'].includes(context.gap.verdict)) return []
  const queued = new Set(earlier.filter((f) => f.kind === 'queue-buildup').map((f) => f.process))
  return candidates(context)
    .filter((p) => !queued.has(p.name) && context.baseline !== null)
    .map((p): Finding => {
      const regions = context.regions.find((r) => r.process === p.name)
      const dumps = context.content.filter((c) => c.bundle === 'suspect' && c.process === p.name)
      const evidence: Evidence[] = growthEvidence(p, context)
      if (regions?.suspect) {
        evidence.push(
          ...regionEvidence(
            regions,
            `dirty anonymous ${regions.baseline?.dirtyAnonKib ?? '?'} -> ${regions.suspect.dirtyAnonKib} KiB; the largest regions`,
          ),
        )
      }
      for (const d of dumps.slice(0, 1)) {
        // A claim about the whole dump: no place in it to cite.
        evidence.push({
          bundle: 'suspect',
          file: d.file,
          excerpt: '',
          note: `${Math.round(d.scan.recordShare * 100)}% readable records in ${mib(Math.round(d.scan.bytesScanned / 1024))}: not a buffer of messages`,
        })
      }
      const where = regions?.concentratedIn ? WHERE[regions.concentratedIn] : null
      return {
        kind: 'heap-growth',
        process: p.name,
        confidence: regions?.suspect ? (dumps.length ? CONFIDENCE.dumpWithoutRecords : CONFIDENCE.regionsOnly) : CONFIDENCE.growthOnly,
        title: `${p.name} grew by ${mib(p.deltaKib)} with no sign of a message queue`,
        detail:
          `${p.name} uses ${mib(p.deltaKib)} more (${p.metric}) than on the baseline` +
          (where ? `, mostly in ${where}.` : '.') +
          (regions?.suspect
            ? ` No messaging client, queue statistics or serialized records explain it: a leak or an unbounded cache is likely.`
            : ` The bundle has no pmap or dump of ${p.name}, so a leak cannot be told from a queue: collect \`pmap -x\` and a dump of its largest region.`) +
          notTheCauseNote(context, p),
        evidence,
        recommendation:
          `Take two snapshots of ${p.name} (pmap -x and /proc/PID/smaps_rollup) an hour apart to confirm steady growth, then profile its ` +
          `allocations (heaptrack, valgrind --tool=massif, or jemalloc/tcmalloc heap profiles) and bound any cache it keeps. ` +
          (regions?.concentratedIn === 'arena' ? `MALLOC_ARENA_MAX=2 limits arena fragmentation but not a leak. ` : '') +
          `Restarting it frees the memory until the cause is fixed.`,
        configLines: [],
      }
    })
}
