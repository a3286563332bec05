import type { ProcessMap, ProcessSample } from '../../schemas/bundle.ts'
import type { ProcStatus, Ps, PsRow, SmapsRollup } from '../../schemas/parsers.ts'
import type { Warning } from '../../schemas/warning.ts'

// Merges what several files say about processes into one list. A bundle may hold ps twice
// (ps -eo and ps aux), per-PID status and smaps_rollup, and pmap; each fills what the others lack.

export interface ProcessSources {
  ps: { file: string; ps: Ps }[]
  statuses: (ProcStatus & { file: string })[]
  rollups: (SmapsRollup & { file: string; pid: number | null })[]
  maps: ProcessMap[]
}

// The richest listing is the base; the others only add processes it lacks.
const PS_PREFERENCE: Ps['format'][] = ['procps', 'aux', 'pairs', 'busybox']

export function combineProcesses(sources: ProcessSources): { processes: ProcessSample[]; warnings: Warning[] } {
  const warnings: Warning[] = []
  const listings = [...sources.ps].sort(
    (a, b) => PS_PREFERENCE.indexOf(a.ps.format) - PS_PREFERENCE.indexOf(b.ps.format),
  )
  const processes: ProcessSample[] = []
  const byPid = new Map<number, ProcessSample>()

  const base = listings[0]
  for (const listing of listings) {
    // Rows without PIDs cannot be matched across listings: only the base may contribute them.
    const usable = listing === base ? listing.ps.rows : listing.ps.rows.filter((r) => r.pid !== null)
    for (const row of usable) {
      if (row.pid !== null && byPid.has(row.pid)) {
        const known = byPid.get(row.pid)!
        if (!known.sources.includes(listing.file)) known.sources.push(listing.file)
        known.rssKib ??= row.rssKib
        continue
      }
      const sample = fromPsRow(row, listing.file)
      processes.push(sample)
      if (row.pid !== null) byPid.set(row.pid, sample)
    }
  }

  function forPid(pid: number | null, name: string | null, file: string): ProcessSample | null {
    if (pid !== null) {
      let sample = byPid.get(pid)
      if (!sample) {
        sample = { pid, name: name ?? `pid ${pid}`, exe: name ?? `pid ${pid}`, args: null, rssKib: null, pssKib: null, anonKib: null, sources: [] }
        processes.push(sample)
        byPid.set(pid, sample)
      }
      if (!sample.sources.includes(file)) sample.sources.push(file)
      return sample
    }
    return null
  }

  for (const status of sources.statuses) {
    const sample = forPid(status.pid, status.name, status.file)
    if (!sample) continue
    sample.rssKib ??= status.memory.VmRSS ?? null
    sample.anonKib ??= status.memory.RssAnon ?? null
  }
  for (const rollup of sources.rollups) {
    const sample = forPid(rollup.pid, null, rollup.file)
    if (!sample) {
      warnings.push({ code: 'rollup_without_pid', message: 'smaps_rollup whose path names no PID: not matched to a process', file: rollup.file })
      continue
    }
    sample.pssKib ??= rollup.fields.Pss ?? null
    sample.anonKib ??= rollup.fields.Anonymous ?? null
    sample.rssKib ??= rollup.fields.Rss ?? null
  }
  for (const map of sources.maps) {
    const sample = forPid(map.pid, map.name, map.file)
    if (sample && map.pmap.total && map.pmap.residentMetric === 'rss') sample.rssKib ??= map.pmap.total.resident
  }
  return { processes, warnings }
}

function fromPsRow(row: PsRow, file: string): ProcessSample {
  return { pid: row.pid, name: row.name, exe: row.exe, args: row.args, rssKib: row.rssKib, pssKib: null, anonKib: null, sources: [file] }
}
