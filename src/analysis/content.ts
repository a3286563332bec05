import type { ParsedBundle } from '../../schemas/bundle.ts'
import type { DumpContent } from '../../schemas/findings.ts'
import { classifyMappings } from './mappings.ts'
import { mapSources } from './regions.ts'

// Step 4 of the method: each dump tied to its process (by the PID or name in its file name) and
// to the class of the mapping it was taken from.

export function dumpContents(bundle: ParsedBundle, side: DumpContent['bundle']): DumpContent[] {
  const sources = mapSources(bundle)
  return bundle.dumps.map(({ file, scan }) => {
    const target = scan.target
    const byPid = target?.pid != null ? bundle.processes.find((p) => p.pid === target.pid) : undefined
    const process = byPid?.name ?? target?.name ?? null
    const pid = target?.pid ?? byPid?.pid ?? null
    let regionClass: string | null = null
    if (target) {
      const start = BigInt(`0x${target.start}`)
      for (const source of sources.filter((s) => s.process === process || (pid !== null && s.pid === pid))) {
        const classes = classifyMappings(source.rows)
        const i = source.rows.findIndex((r) => {
          const from = BigInt(`0x${r.address}`)
          return start >= from && start < from + BigInt(r.kbytes) * 1024n
        })
        if (i >= 0) regionClass = classes[i] ?? null
      }
    }
    return { bundle: side, file, process, pid, regionClass, scan }
  })
}
