import { z } from 'zod'

/** Something missing or odd in an input. Never fatal: the diagnosis goes on without it. */
export const Warning = z.object({
  code: z.string(), // stable, snake_case: what a program matches on
  message: z.string(), // what a person reads
  file: z.string().optional(), // path inside the bundle
  line: z.number().int().positive().optional(), // 1-based
})
export type Warning = z.infer<typeof Warning>

/** What every parser returns: its data, and what it could not read. */
export const parsed = <T extends z.ZodType>(data: T) => z.object({ data, warnings: z.array(Warning) })
