/**
 * /proc/slabinfo (version 2.x): one kernel object cache a line.
 *
 * A real sample (kafka suspect, kernel 6.18, test/fixtures/samples/kafka-suspect-slabinfo.txt):
 *
 *   slabinfo - version: 2.1
 *   # name            <active_objs> <num_objs> <objsize> <objperslab> <pagesperslab> : tunables <limit> <batchcount> <sharedfactor> : slabdata <active_slabs> <num_slabs> <sharedavail>
 *   bio-312               12     12    320   12    1 : tunables    0    0    0 : slabdata      1      1      0
 *
 * sizeKib is what the objects take (num_objs x objsize); slabsKib what their slabs take, padding
 * included, assuming 4 KiB pages. `slabtop -o` output (test/fixtures/samples/slabtop-o.txt) is
 * read too: its OBJ SIZE is rounded to 0.01K and it has no pages per slab, so sizeKib is close,
 * not exact, and slabsKib is its CACHE SIZE:
 *
 *     OBJS ACTIVE  USE OBJ SIZE  SLABS OBJ/SLAB CACHE SIZE NAME
 *    86828  86813  99%    1.10K   6202       14     99232K ext4_inode_cache
 */

import type { SlabCache } from '../../schemas/sources.ts'
import { Slabinfo } from '../../schemas/sources.ts'
import type { Warning } from '../../schemas/warning.ts'
import { defineSource, MAX_ROWS_KEPT } from '../bundle/source.ts'
import { excerpt, isPromptLine, readInt, splitLines, warningList } from './common.ts'

const PAGE_KIB = 4
const ROW =
  /^(\S{1,128})\s+(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s+(\d+)(?:\s*:\s*tunables\s+\d+\s+\d+\s+\d+)?(?:\s*:\s*slabdata\s+(\d+)\s+(\d+)\s+(\d+))?$/
/** slabtop: `OBJS ACTIVE  USE OBJ SIZE  SLABS OBJ/SLAB CACHE SIZE NAME`. */
const SLABTOP_ROW = /^(\d+)\s+(\d+)\s+\d+%\s+(\d+(?:\.\d+)?)K\s+(\d+)\s+(\d+)\s+(\d+)K\s+(\S{1,128})$/
const SLABTOP_NOISE = /^(Active \/ Total|Minimum \/ Average|OBJS\s+ACTIVE)/

export function looksLikeSlabinfo(text: string): boolean {
  const first = splitLines(text.slice(0, 4096)).find((line) => line.trim() && !isPromptLine(line.trim())) ?? ''
  return /^slabinfo - version: \d/.test(first.trim()) || /Active \/ Total Objects/.test(first)
}

export function parseSlabinfo(text: string, file?: string): { data: Slabinfo; warnings: Warning[] } {
  const { warnings, warn } = warningList(file)
  const data: Slabinfo = { version: null, caches: [] }
  splitLines(text).forEach((raw, i) => {
    const line = raw.trim()
    const n = i + 1
    if (!line || line.startsWith('#') || isPromptLine(line) || SLABTOP_NOISE.test(line)) return
    const version = /^slabinfo - version: (\S+)$/.exec(line)
    if (version) {
      data.version = version[1]!
      if (!version[1]!.startsWith('2.')) warn('slabinfo_unknown_version', `version ${excerpt(version[1]!)}: read as 2.1`, n)
      return
    }
    const cache = line.length > 1024 ? null : (readRow(line, n) ?? readSlabtopRow(line, n))
    if (cache === null) warn('slabinfo_bad_line', `not a slabinfo line: ${excerpt(line)}`, n)
    else if (cache === 'range') warn('slabinfo_value_out_of_range', `a number out of range: ${excerpt(line)}`, n)
    else data.caches.push(cache)
  })
  if (data.caches.length === 0) warn('slabinfo_no_caches', 'no slab cache found')
  return { data, warnings }
}

function readRow(line: string, n: number): SlabCache | 'range' | null {
  const m = ROW.exec(line)
  if (!m) return null
  const [activeObjs, numObjs, objSize, objPerSlab, pagesPerSlab] = m.slice(2, 7).map((v) => readInt(v!))
  const numSlabs = m[8] === undefined ? null : readInt(m[8])
  const numbers = [activeObjs, numObjs, objSize, objPerSlab, pagesPerSlab, numSlabs]
  if (numbers.some((v) => typeof v !== 'number' && v !== null)) return 'range'
  return cache(m[1]!, n, {
    activeObjs: activeObjs as number,
    numObjs: numObjs as number,
    objSize: objSize as number,
    objPerSlab: objPerSlab as number,
    pagesPerSlab: pagesPerSlab as number,
    numSlabs: numSlabs as number | null,
  })
}

function readSlabtopRow(line: string, n: number): SlabCache | 'range' | null {
  const m = SLABTOP_ROW.exec(line)
  if (!m) return null
  const [numObjs, activeObjs, , numSlabs, objPerSlab, cacheKib] = m.slice(1, 7).map((v) => readInt(v!))
  const objSize = Math.round(Number(m[3]) * 1024)
  const ints = [numObjs, activeObjs, numSlabs, objPerSlab, cacheKib]
  if (ints.some((v) => typeof v !== 'number') || !Number.isSafeInteger(objSize)) return 'range'
  const found = cache(m[7]!, n, {
    activeObjs: activeObjs as number,
    numObjs: numObjs as number,
    objSize,
    objPerSlab: objPerSlab as number,
    pagesPerSlab: null,
    numSlabs: numSlabs as number,
  })
  if (typeof found === 'object') found.slabsKib = cacheKib as number // slabtop's CACHE SIZE
  return found
}

type Counts = Pick<SlabCache, 'activeObjs' | 'numObjs' | 'objSize' | 'objPerSlab' | 'pagesPerSlab' | 'numSlabs'>

function cache(name: string, n: number, c: Counts): SlabCache | 'range' {
  const sizeKib = Math.round((c.numObjs * c.objSize) / 1024)
  const slabsKib = c.numSlabs === null || c.pagesPerSlab === null ? null : c.numSlabs * c.pagesPerSlab * PAGE_KIB
  if (!Number.isSafeInteger(sizeKib) || (slabsKib !== null && !Number.isSafeInteger(slabsKib))) return 'range'
  return { line: n, name, ...c, sizeKib, slabsKib }
}

/** This source, as the bundle reader's list (src/bundle/sources.ts) takes it. */
export const slabinfoSource = defineSource({
  kind: 'slabinfo',
  order: 'first: its header line is fixed, and its `name N N N` rows would pass for looser kinds',
  loose: false,
  detect: looksLikeSlabinfo,
  parse: parseSlabinfo,
  schema: Slabinfo,
  field: 'slabinfo',
  keep: (data, file) => ({ ...data, caches: data.caches.slice(0, MAX_ROWS_KEPT), file }),
})
