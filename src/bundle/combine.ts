import type { Cite, ProcessMap, ProcessSample } from '../../schemas/bundle.ts'
import type { ProcStatus, Ps, PsRow, SmapsRollup } from '../../schemas/parsers.ts'
import type { Warning } from '../../schemas/warning.ts'
import { cite, fieldExcerpt, psExcerpt } from './cite.ts'

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
  const listings = [...sources.ps].sort((a, b) => PS_PREFERENCE.indexOf(a.ps.format) - PS_PREFERENCE.indexOf(b.ps.format))
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
        if (known.rssKib === null && row.rssKib !== null) {
          known.rssKib = row.rssKib
          citeAs(known, 'rss', cite(listing.file, row.line, psExcerpt(row)))
        }
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
        sample = {
          pid,
          name: name ?? `pid ${pid}`,
          exe: name ?? `pid ${pid}`,
          args: null,
          rssKib: null,
          pssKib: null,
          anonKib: null,
          sources: [],
        }
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
    take(sample, 'rss', status.memory.VmRSS, status.file, status.lines?.VmRSS, 'VmRSS')
    take(sample, 'anon', status.memory.RssAnon, status.file, status.lines?.RssAnon, 'RssAnon')
  }
  for (const rollup of sources.rollups) {
    const sample = forPid(rollup.pid, null, rollup.file)
    if (!sample) {
      warnings.push({
        code: 'rollup_without_pid',
        message: 'smaps_rollup whose path names no PID: not matched to a process',
        file: rollup.file,
      })
      continue
    }
    take(sample, 'pss', rollup.fields.Pss, rollup.file, rollup.lines?.Pss, 'Pss')
    take(sample, 'anon', rollup.fields.Anonymous, rollup.file, rollup.lines?.Anonymous, 'Anonymous')
    take(sample, 'rss', rollup.fields.Rss, rollup.file, rollup.lines?.Rss, 'Rss')
  }
  for (const map of sources.maps) {
    const sample = forPid(map.pid, map.name, map.file)
    const total = map.pmap.total
    if (sample && total && map.pmap.residentMetric === 'rss' && sample.rssKib === null && total.resident !== null) {
      sample.rssKib = total.resident
      citeAs(sample, 'rss', cite(map.file, total.line, ['total', total.kbytes, total.resident].join(' … ')))
    }
  }
  return { processes, warnings }
}

function fromPsRow(row: PsRow, file: string): ProcessSample {
  const sample: ProcessSample = {
    pid: row.pid,
    ppid: row.ppid,
    name: row.name,
    exe: row.exe,
    args: row.args,
    rssKib: row.rssKib,
    pssKib: null,
    anonKib: null,
    sources: [file],
  }
  if (row.rssKib !== null) citeAs(sample, 'rss', cite(file, row.line, psExcerpt(row)))
  return sample
}

type Figure = 'rss' | 'pss' | 'anon'
const FIELD_OF = { rss: 'rssKib', pss: 'pssKib', anon: 'anonKib' } as const

/** Where a figure was read, kept beside it so that evidence can cite the very line. */
function citeAs(sample: ProcessSample, figure: Figure, where: Cite | undefined): void {
  if (where) sample.cites = { ...sample.cites, [figure]: where }
}

/** A `Key: N kB` figure, unless an earlier source gave it. */
function take(sample: ProcessSample, figure: Figure, kib: number | undefined, file: string, line: number | undefined, key: string): void {
  if (kib === undefined || sample[FIELD_OF[figure]] !== null) return
  sample[FIELD_OF[figure]] = kib
  citeAs(sample, figure, cite(file, line, fieldExcerpt(key, kib)))
}
