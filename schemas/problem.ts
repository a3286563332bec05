import { z } from 'zod'

/** RFC 9457 problem details, as every error leaves the API. `code` is what programs match on. */
export const Problem = z.object({
  type: z.string(),
  title: z.string(),
  status: z.number().int(),
  detail: z.string(),
  code: z.string(),
  requestId: z.string().optional(), // the X-Request-Id sent or made: quote it to find the request's log line
  issues: z.array(z.object({ path: z.array(z.union([z.string(), z.number()])), message: z.string() })).optional(),
})
export type Problem = z.infer<typeof Problem>
