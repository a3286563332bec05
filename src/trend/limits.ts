// The minimums and thresholds of the trend, named so that the README and the output can state
// them. Each is a judgement about memory, not a fit to one capture.

/** Fewer samples than this since a restart: "not enough data". Hourly bundles: 6 hours. */
export const MIN_SAMPLES = 6
/** Nor a shorter span (the samples minimum binds first for hourly bundles). */
export const MIN_SPAN_HOURS = 3 / 60
/** Growth over the fitted span below this is flat, however significant the slope. */
export const MIN_GROWTH_KIB = 4 * 1024
/** A restart: none of the program's PIDs remain and its memory fell by at least this share. */
export const RESTART_DROP = 0.2
/** A saw-tooth step down: at least this share of the value (and MIN_DROP_KIB), same PIDs. */
export const SAW_DROP = 0.05
export const MIN_DROP_KIB = 1024
/** Drops needed to call a segment a saw-tooth and fit its troughs rather than every sample. */
export const MIN_SAW_DROPS = 2
/** Troughs needed to fit a saw-tooth's floor; with fewer, every sample is fitted. */
export const MIN_TROUGHS = 3
/**
 * A plateau: the later half of the segment grows at no more than this share of the whole
 * segment's rate (a cache that filled and stays). No exhaustion is projected from it.
 */
export const PLATEAU_RATIO = 0.25
/** Samples the later half needs for the plateau test. */
export const MIN_RECENT_SAMPLES = 3
/** R² at which a steady-growth finding is stated, not hedged. */
export const FIRM_R2 = 0.9
/** Two-sided confidence of the rate bands (Student's t, src/trend/fit.ts). */
export const CONFIDENCE = 0.95
