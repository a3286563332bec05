import type { Finding, QueueEstimate } from '../../schemas/findings.ts'

// How sure the words are. A finding under CONFIDENT is a suspicion: its title says "Suspected",
// sentences say "looks like", and a figure memgap assumed (librdkafka's default limits when no
// configuration or statistics gave them, a queue size estimated from the growth) is never shown
// as if it had been measured.

/** Below this confidence a finding is worded as a suspicion (0.6: a queue needs client evidence to pass it). */
export const CONFIDENT = 0.6

const PREFIX = 'Suspected: '

export function isSuspicion(f: Pick<Finding, 'confidence'>): boolean {
  return f.confidence < CONFIDENT
}

/** The title as a person reads it: a suspicion says so. */
export function hedgedTitle(f: Pick<Finding, 'confidence' | 'title'>): string {
  return isSuspicion(f) && !f.title.startsWith(PREFIX) ? `${PREFIX}${f.title}` : f.title
}

/** Which figures of a queue estimate were assumed or estimated rather than read, in words. */
export function assumedFigures(q: QueueEstimate): string[] {
  const out: string[] = []
  // A `default` limit is read when statistics report the limits in effect (they equal the default).
  const read = q.queuedSource === 'statistics'
  const defaults = read ? 0 : [q.maxMessagesSource, q.maxKbytesSource].filter((s) => s === 'default').length
  if (defaults)
    out.push(
      `${q.library}'s default limit${defaults > 1 ? 's' : ''}, as no configuration or statistics gave ${defaults > 1 ? 'them' : 'it'}`,
    )
  if (q.queuedSource === 'estimate') out.push('the queued size, estimated from the growth')
  return out
}

/** The fill and queued size were read (statistics report both the queue and its limits), not assumed. */
export function fillMeasured(q: QueueEstimate): boolean {
  return q.fill !== null && q.queuedSource === 'statistics'
}
