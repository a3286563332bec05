/**
 * Records in the text of one printable run: JSON objects where `{"` starts one, text pieces in
 * between (see json.ts and text.ts).
 *
 * A run may hold several records back to back, junk around them (the tails of older records a
 * shorter one overwrote), or a record cut by unprintable bytes (malloc's bookkeeping written over a
 * freed chunk): only complete records that parse are counted as records.
 */
import { valueEnd } from './grammar.ts'
import { type JsonRecords, MAX_RECORD } from './json.ts'
import type { TextRecords } from './text.ts'

const START = /\{[ \t\n\r]*"/g
/** Failed candidates that cost more than LONG_MISS characters each, before a run is given up on. */
const LONG_MISSES = 16
const LONG_MISS = 4096

/**
 * Scans t, the text of a printable run at stream offset `offset`. When `final` is false the run
 * goes on past t's end: only what starts before t.length - MAX_RECORD is settled. Returns how much
 * of t is done (all of it when final); the caller carries the rest over to the next window.
 */
export function scanRun(t: string, offset: number, final: boolean, json: JsonRecords, text: TextRecords): number {
  const settle = final ? t.length : Math.max(0, t.length - MAX_RECORD)
  let pos = 0
  let longMisses = 0
  START.lastIndex = 0
  for (;;) {
    const match = START.exec(t)
    if (match === null) break
    const i = match.index
    if (i >= settle) break
    let end = json.matchTemplate(t, i, offset + i)
    if (end < 0) {
      const limit = Math.min(t.length, i + MAX_RECORD)
      end = valueEnd(t, i, limit)
      if (end < 0 || !json.addParsed(t, i, end, offset + i)) {
        if (end < 0 && limit === t.length && final && json.addPartial(t, i, offset + i)) {
          // cut short at the run's end: the rest of the run is that record
          if (i > pos) text.add(t, pos, i, offset + pos)
          return t.length
        }
        if ((end < 0 ? limit : end) - i > LONG_MISS && ++longMisses >= LONG_MISSES) break
        START.lastIndex = i + 1
        continue
      }
    }
    if (i > pos) text.add(t, pos, i, offset + pos)
    pos = end
    START.lastIndex = end
  }
  const done = final ? t.length : Math.max(pos, settle)
  if (done > pos) text.add(t, pos, done, offset + pos)
  return done
}
