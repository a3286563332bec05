import { z } from 'zod'

// A line fitted to memory over time, and when it reaches a floor (src/trend/fit.ts).
// Shared by the trend (schemas/trend.ts) and the steady-growth finding (schemas/findings.ts).

/** A least-squares line through (hours, KiB) points, with its 95 % band on the slope. */
export const LineFit = z.object({
  points: z.enum(['all', 'floor']), // floor: a saw-tooth's troughs (its lower envelope)
  samples: z.number().int(),
  spanHours: z.number(),
  rateKibPerHour: z.number(),
  rateLowKibPerHour: z.number(), // slope - t * standard error (95 %, Student's t)
  rateHighKibPerHour: z.number(),
  interceptKib: z.number(), // the line's value at `from`
  from: z.string(),
  r2: z.number().nullable(), // null when every sample is equal (nothing to explain)
  residualKib: z.number(), // residual standard error: how far samples lie from the line
})
export type LineFit = z.infer<typeof LineFit>

/**
 * When a line reaches a floor: on the fitted rate, and on the band's two bounds. `earliest` (the
 * fast bound) is what to alert on; `latest` is null when the slow bound never gets there.
 */
export const Projection = z.object({
  floorKib: z.number().int(),
  fromKib: z.number().int(), // the MemAvailable it counts down from (the fit's, at the last sample)
  at: z.string(),
  hours: z.number(),
  earliest: z.string(),
  earliestHours: z.number(),
  latest: z.string().nullable(),
  latestHours: z.number().nullable(),
})
export type Projection = z.infer<typeof Projection>
