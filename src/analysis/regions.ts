import type { ParsedBundle } from '../../schemas/bundle.ts'
import { ANON_CLASSES, type ProcessRegions, type Region, type RegionClass, type RegionSide } from '../../schemas/regions.ts'
import { pmapExcerpt } from '../bundle/cite.ts'
import { arenaHeaps, classifyMappings, type Mapping } from './mappings.ts'

// Step 3 of the method: per program, where its dirty anonymous memory sits on each side, and
// which classes of mapping (malloc arenas, heap, stacks) grew.

const TOP_REGIONS = 5
const CONCENTRATED = 0.6

interface MapSource {
  process: string
  file: string
  pid: number | null
  rows: Mapping[]
  privateOnly: boolean
}

/** Every process map of a bundle, named by program. */
export function mapSources(bundle: ParsedBundle): MapSource[] {
  const nameOfPid = new Map(bundle.processes.filter((p) => p.pid !== null).map((p) => [p.pid!, p.name]))
  return bundle.maps.map((map) => {
    const command = map.pmap.command?.trim().split(/\s+/)[0]?.split('/').pop() || null
    const process = (map.pid !== null ? nameOfPid.get(map.pid) : undefined) ?? map.name ?? command ?? map.file
    const rows = map.pmap.rows.map((r) => ({
      address: r.address,
      kbytes: r.kbytes,
      dirtyKib: r.dirty,
      mode: r.mode,
      mapping: r.mapping,
      line: r.line,
    }))
    return { process, file: map.file, pid: map.pid, rows, privateOnly: map.pmap.dirtyIsPrivate }
  })
}

function isAnonClass(c: RegionClass): boolean {
  return (ANON_CLASSES as readonly string[]).includes(c)
}

function sideOf(sources: MapSource[]): { side: RegionSide; regions: Region[] } | null {
  if (!sources.length) return null
  const byClass: Partial<Record<RegionClass, number>> = {}
  const regions: Region[] = []
  let arenas = 0
  let dirtyAnonKib = 0
  for (const source of sources) {
    const classes = classifyMappings(source.rows)
    source.rows.forEach((row, i) => {
      const cls = classes[i]!
      const dirty = row.dirtyKib ?? 0
      if (!isAnonClass(cls)) return
      byClass[cls] = (byClass[cls] ?? 0) + dirty
      dirtyAnonKib += dirty
      if (cls === 'arena' && dirty > 0) {
        const next = source.rows[i + 1]
        arenas += arenaHeaps(row, next?.mode.startsWith('---') ? next.kbytes : 0)
      }
      if (dirty > 0) {
        const excerpt = pmapExcerpt({ ...row, dirty: row.dirtyKib })
        regions.push({
          address: row.address,
          kbytes: row.kbytes,
          dirtyKib: dirty,
          class: cls,
          mapping: row.mapping,
          excerpt,
          file: source.file,
          ...(row.line ? { line: row.line } : {}),
        })
      }
    })
  }
  const first = sources[0]!
  return { side: { file: first.file, pid: first.pid, dirtyAnonKib, byClass, arenas }, regions }
}

export function compareRegions(baseline: ParsedBundle | null, suspect: ParsedBundle): ProcessRegions[] {
  const before = group(baseline ? mapSources(baseline) : [])
  const after = group(mapSources(suspect))
  const names = new Set([...before.keys(), ...after.keys()])
  const out: ProcessRegions[] = []
  for (const process of names) {
    const b = sideOf(before.get(process) ?? [])
    const s = sideOf(after.get(process) ?? [])
    const deltaByClass: Partial<Record<RegionClass, number>> = {}
    for (const cls of ANON_CLASSES) {
      const delta = (s?.side.byClass[cls] ?? 0) - (b?.side.byClass[cls] ?? 0)
      if (delta !== 0) deltaByClass[cls] = delta
    }
    const delta = b && s ? s.side.dirtyAnonKib - b.side.dirtyAnonKib : null
    const growth = delta ?? s?.side.dirtyAnonKib ?? 0
    const lead = Object.entries(b ? deltaByClass : (s?.side.byClass ?? {})).sort((x, y) => y[1] - x[1])[0]
    const privateOnly = [...(before.get(process) ?? []), ...(after.get(process) ?? [])].every((m) => m.privateOnly)
    out.push({
      process,
      metric: privateOnly ? 'private-dirty' : 'dirty',
      baseline: b?.side ?? null,
      suspect: s?.side ?? null,
      deltaDirtyAnonKib: delta,
      deltaByClass,
      concentratedIn: lead && growth > 0 && lead[1] / growth >= CONCENTRATED ? (lead[0] as RegionClass) : null,
      top: (s?.regions ?? []).sort((x, y) => y.dirtyKib - x.dirtyKib).slice(0, TOP_REGIONS),
    })
  }
  return out.sort((x, y) => (y.deltaDirtyAnonKib ?? y.suspect?.dirtyAnonKib ?? 0) - (x.deltaDirtyAnonKib ?? x.suspect?.dirtyAnonKib ?? 0))
}

function group(sources: MapSource[]): Map<string, MapSource[]> {
  const groups = new Map<string, MapSource[]>()
  for (const source of sources) groups.set(source.process, [...(groups.get(source.process) ?? []), source])
  return groups
}
