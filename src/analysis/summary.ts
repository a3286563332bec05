import type { Gap, ProcessGrowth } from '../../schemas/diagnosis.ts'
import type { Finding } from '../../schemas/findings.ts'
import { mib, signedMib } from '../render/format.ts'
import { assumedFigures, fillMeasured, hedgedTitle, isSuspicion } from './hedge.ts'

// Two or three plain sentences a support engineer can paste into a ticket.

// Sizes read the same here as in the reports beside them: one formatter (src/render/format.ts).
export { bytes, mib } from '../render/format.ts'

const signed = signedMib

const PART_NAMES: Record<string, string> = {
  anon: 'anonymous memory',
  file: 'file cache',
  shmem: 'shared memory (tmpfs/shm)',
  slab: 'slab',
  kernelStack: 'kernel stacks',
  pageTables: 'page tables',
  hugePages: 'huge pages',
  keptBack: 'cache held back',
  memTotal: 'less RAM',
}

function parts(gap: Gap): string {
  return Object.entries(gap.breakdown)
    .filter(([key, kib]) => key !== 'other' && kib !== undefined && Math.abs(kib) >= 1024)
    .sort((a, b) => Math.abs(b[1]!) - Math.abs(a[1]!))
    .slice(0, 3)
    .map(([key, kib]) => `${PART_NAMES[key]} ${signed(kib!)}`)
    .join(', ')
}

const VERDICT_SENTENCES: Record<Gap['verdict'], string> = {
  'user-space': 'The gap is in user space',
  kernel: 'The gap is on the kernel side, so no process holds it',
  shmem: 'The gap is shared memory (tmpfs or System V segments), not a process heap',
  'page-cache': 'The gap is page cache, which the kernel reclaims under pressure',
  mixed: 'The gap has no single cause',
  none: 'There is no real gap',
}

/** One sentence a finding contributes: its title, and for a queue how full it is and the fix. */
function findingSentence(f: Finding): string {
  // The verdict sentence already names a kernel-side gap: say where to look instead.
  if (f.kind === 'kernel-growth') {
    const caches = f.evidence.flatMap((e) => /^slab cache (\S+):/.exec(e.note ?? '')?.[1] ?? []).slice(0, 2)
    const next = f.recommendation.split('. ')[0]!.replace(/\.$/, '')
    return `${caches.length ? `Slab caches that grew most: ${caches.join(', ')}. ` : ''}Next: ${next}.`
  }
  const q = f.queue
  const title = hedgedTitle(f)
  if (!q && f.client) return clientSentence(f, f.client)
  if (!q) return `${title}.`
  // Only measured figures are stated; assumed ones are named as assumed.
  const measured = fillMeasured(q)
  const full = measured ? `, ${Math.round(q.fill! * 100)}% full` : ''
  const size = measured && q.queuedKib ? ` (${mib(q.queuedKib)}${full})` : full ? ` (${full.slice(2)})` : ''
  const assumed = assumedFigures(q)
  const caveat = assumed.length && !measured ? ` Its size and fill are not measured (assumed: ${assumed.join('; ')}).` : ''
  const fix = isSuspicion(f) ? 'if it is confirmed, cap it with' : 'cap it with'
  return `${title}${size}; ${fix} ${f.configLines.join(' and ')}.${caveat}`
}

/** A queue of another client: what fills the memory and what to change, in one sentence. */
function clientSentence(f: Finding, c: NonNullable<Finding['client']>): string {
  const held = c.queuedMessages !== null ? `${c.queuedMessages} messages${c.queuedKib ? `, ${mib(c.queuedKib)} of payload` : ''}` : null
  const limit = !c.bounded ? 'no limit' : c.fill !== null ? `${Math.round(c.fill * 100)}% full` : null
  const facts = [held, limit].filter(Boolean).join(', ')
  const change = f.configLines.length
    ? `set ${f.configLines.join(' ')}`
    : f.recommendation.split('. ')[0]!.replace(/^./, (x) => x.toLowerCase())
  return `${hedgedTitle(f)}${facts ? ` (${facts})` : ''}; ${change.replace(/\.$/, '')}.`
}

export function writeSummary(
  hosts: { baseline: string; suspect: string },
  gap: Gap | null,
  processes: ProcessGrowth[],
  findings: Finding[],
  paired: boolean,
): string {
  const sentences: string[] = []
  if (!paired) {
    const top = processes.slice(0, 3).map((p) => `${p.name} (${mib(p.suspectKib)})`)
    sentences.push(
      `One bundle from ${hosts.suspect}, with nothing to compare it with${top.length ? `: its largest programs are ${top.join(', ')}` : ''}.`,
    )
  } else if (gap) {
    sentences.push(
      `${hosts.suspect} uses ${mib(Math.abs(gap.kib))} (${Math.abs(gap.kib)} KiB) ${gap.kib >= 0 ? 'more' : 'less'} memory than ${hosts.baseline}, by ${gap.basis}.`,
    )
    const detail = parts(gap)
    sentences.push(`${VERDICT_SENTENCES[gap.verdict]}${detail ? `: ${detail}` : ''}.`)
  } else {
    sentences.push(`The gap between ${hosts.suspect} and ${hosts.baseline} cannot be measured: meminfo is missing on a side.`)
  }
  const blameProcesses = paired && (!gap || gap.verdict === 'user-space' || gap.verdict === 'mixed')
  const grown = processes.filter((p) => p.deltaKib >= 1024).slice(0, 3) // under 1 MiB is noise, not growth
  if (blameProcesses && grown.length) {
    const names = grown.map((p) => `${p.name} (${signed(p.deltaKib)})`)
    const list = names.length > 1 ? `${names.slice(0, -1).join(', ')} and ${names.at(-1)}` : names[0]
    const together = grown.reduce((n, p) => n + p.deltaKib, 0)
    const share = gap && gap.kib > 0 ? `, ${Math.round((together / gap.kib) * 100)}% of the gap together` : ''
    sentences.push(`${list} grew most${share}.`)
  }
  // The reports and chat messages list the findings themselves: no "more below" to count here.
  for (const finding of findings.slice(0, 2)) sentences.push(findingSentence(finding))
  return sentences.join(' ')
}
