/**
 * Which process and region a dump is, from its file name: `dumps/<pid or name>-<start>-<end>.<ext>`.
 *
 *   dumps/5-7f2250000000-7f2254000000.bin         pid 5, 0x7f2250000000..0x7f2254000000
 *   dumps/5-7f2250000000.hexdump.txt              pid 5, from 0x7f2250000000 (no end)
 *   fwlog-7f21b8000000-7f21bbfff000.strings.txt   process fwlog
 */
import type { DumpTarget } from '../../schemas/content.ts'

const NAME = /^(.+?)-(?:0x)?([0-9a-fA-F]{6,16})(?:-(?:0x)?([0-9a-fA-F]{6,16}))?(?:\.[^-]*)?$/

export function dumpTarget(path: string): DumpTarget | null {
  const base = path.split(/[\\/]/).pop() ?? ''
  const match = NAME.exec(base)
  if (!match) return null
  const who = match[1]!
  const start = match[2]!.toLowerCase()
  const end = match[3]?.toLowerCase() ?? null
  let sizeBytes: number | null = null
  if (end !== null) {
    const size = BigInt(`0x${end}`) - BigInt(`0x${start}`)
    if (size <= 0n) return null
    if (size <= BigInt(Number.MAX_SAFE_INTEGER)) sizeBytes = Number(size)
  }
  // A PID is a small number (Linux caps it at 2^22); longer digit runs are names, not PIDs.
  const pid = /^\d{1,9}$/.test(who) ? Number(who) : null
  return { pid, name: pid === null ? who : null, start, end, sizeBytes }
}

/** start + offset, in hex. */
export function addressAt(start: string, offset: number): string {
  return (BigInt(`0x${start}`) + BigInt(offset)).toString(16)
}
