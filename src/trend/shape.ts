import type { LineFit } from '../../schemas/fit.ts'
import type { Restart, TrendShape } from '../../schemas/trend.ts'
import { fitLine, type Point } from './fit.ts'
import {
  MIN_DROP_KIB,
  MIN_GROWTH_KIB,
  MIN_RECENT_SAMPLES,
  MIN_SAMPLES,
  MIN_SAW_DROPS,
  MIN_SPAN_HOURS,
  MIN_TROUGHS,
  PLATEAU_RATIO,
  RESTART_DROP,
  SAW_DROP,
} from './limits.ts'

// What a series of one program (or of the host) looks like, and which line to fit to it:
// - a restart (new PIDs, less memory) breaks the series: only the segment since is fitted;
// - a saw-tooth (a garbage-collected heap) is fitted on its troughs, the floor that leaks;
// - a plateau (the later half grows at a fraction of the whole) is never projected;
// - below the minimums of samples and span: not enough data.

export interface ProgramPoint extends Point {
  pids: number[]
  /** Index of its snapshot in the ordered series. */
  snapshot: number
}

export interface Shaped {
  shape: TrendShape
  why: string
  fit: LineFit | null
  recentRateKibPerHour: number | null
}

const HOUR = 3_600_000

/** Indices at which the program restarted: none of its previous PIDs left, and a drop. */
export function restartsOf(points: ProgramPoint[]): number[] {
  const at: number[] = []
  for (let i = 1; i < points.length; i++) {
    const before = points[i - 1]!
    const after = points[i]!
    const known = before.pids.length > 0 && after.pids.length > 0
    const replaced = known && !after.pids.some((pid) => before.pids.includes(pid))
    if (replaced && after.kib <= before.kib * (1 - RESTART_DROP)) at.push(i)
  }
  return at
}

export function describeRestart(before: ProgramPoint, after: ProgramPoint): Restart {
  return {
    at: new Date(after.t).toISOString(),
    beforeKib: Math.round(before.kib),
    afterKib: Math.round(after.kib),
    pidsBefore: before.pids,
    pidsAfter: after.pids,
  }
}

/** A step down of a GC'd heap: same process, and a fall no sampling noise explains. */
function isDrop(before: ProgramPoint | Point, after: ProgramPoint | Point): boolean {
  return before.kib - after.kib >= Math.max(MIN_DROP_KIB, before.kib * SAW_DROP)
}

/** The lowest sample after each drop (before the heap rises again): the saw-tooth's floor. */
export function troughsOf(points: Point[]): { drops: number; troughs: Point[] } {
  let drops = 0
  const troughs: Point[] = []
  for (let i = 1; i < points.length; i++) {
    if (!isDrop(points[i - 1]!, points[i]!)) continue
    drops++
    let j = i
    while (j + 1 < points.length && points[j + 1]!.kib < points[j]!.kib) j++
    if (troughs.at(-1) !== points[j]) troughs.push(points[j]!)
  }
  return { drops, troughs }
}

/**
 * The shape of one segment (no restart inside) and its line. `sawTooth` is false for the host:
 * MemAvailable falls and rises with everything on the box, not with one heap's collections.
 */
export function shapeOf(points: Point[], options: { sawTooth: boolean }): Shaped {
  const n = points.length
  const span = n > 0 ? (points[n - 1]!.t - points[0]!.t) / HOUR : 0
  if (n < MIN_SAMPLES || span < MIN_SPAN_HOURS) {
    return {
      shape: 'not-enough-data',
      why: `${n} sample${n === 1 ? '' : 's'} over ${hours(span)}; a trend needs ${MIN_SAMPLES} over ${hours(MIN_SPAN_HOURS)} or more`,
      fit: null,
      recentRateKibPerHour: null,
    }
  }
  const saw = options.sawTooth ? troughsOf(points) : { drops: 0, troughs: [] }
  const onFloor = saw.drops >= MIN_SAW_DROPS && saw.troughs.length >= MIN_TROUGHS
  const fitted = onFloor ? saw.troughs : points
  const fit = fitLine(fitted, onFloor ? 'floor' : 'all')
  const recent = recentRate(fitted)
  const change = fit.rateKibPerHour * span
  const sawNote = onFloor
    ? `a saw-tooth (${saw.drops} drops): its ${saw.troughs.length} troughs are fitted`
    : saw.drops >= MIN_SAW_DROPS
      ? `${saw.drops} drops but ${saw.troughs.length} troughs: every sample is fitted`
      : ''
  const rising = fit.rateLowKibPerHour > 0 && change >= MIN_GROWTH_KIB
  const falling = fit.rateHighKibPerHour < 0 && -change >= MIN_GROWTH_KIB
  if (!rising && !falling) {
    return { shape: 'flat', why: join(`no significant change over ${hours(span)}`, sawNote), fit, recentRateKibPerHour: recent }
  }
  if (recent !== null && recent / fit.rateKibPerHour <= PLATEAU_RATIO) {
    return {
      shape: 'plateau',
      why: join(
        `${rising ? 'grew' : 'fell'}, then levelled off: ` +
          (recent / fit.rateKibPerHour > 0
            ? `the later half changes at ${ratio(recent, fit.rateKibPerHour)} of the whole segment's rate`
            : `the later half no longer ${rising ? 'grows' : 'falls'}`),
        sawNote,
      ),
      fit,
      recentRateKibPerHour: recent,
    }
  }
  if (falling) return { shape: 'falling', why: join(`falls steadily over ${hours(span)}`, sawNote), fit, recentRateKibPerHour: recent }
  return {
    shape: onFloor ? 'saw-tooth' : 'growing',
    why: join(`grows steadily over ${hours(span)}`, sawNote),
    fit,
    recentRateKibPerHour: recent,
  }
}

/** The rate of the later half of the span (by time, not by count), or null with too few samples. */
function recentRate(points: Point[]): number | null {
  const middle = (points[0]!.t + points.at(-1)!.t) / 2
  const recent = points.filter((p) => p.t >= middle)
  if (recent.length < MIN_RECENT_SAMPLES || recent.at(-1)!.t === recent[0]!.t) return null
  return fitLine(recent).rateKibPerHour
}

function hours(h: number): string {
  if (h < 1) return `${Math.round(h * 60)} min`
  return `${Math.round(h * 10) / 10} h`
}

const ratio = (part: number, whole: number) => `${Math.round((part / whole) * 100)} %`
const join = (a: string, b: string) => (b ? `${a}; ${b}` : a)
