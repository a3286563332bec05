// Bugs the fuzzers found that are not fixed yet. Each has a minimal reproducer in
// test/fuzz/regressions.test.ts (an `it.fails` test: green while the bug is there, red once it is
// fixed). While a bug is listed here, the properties tolerate exactly its symptom, so the suite
// stays green and the fuzzers keep looking for other bugs.
//
// When you fix one: delete its entry here, and turn its `it.fails` in regressions.test.ts into `it`.
import type { z } from 'zod'

interface KnownBug {
  /** what is wrong, where */
  bug: string
  /** a zod issue this bug produces (`path` joined with '.'; `parent` is the object holding the bad value) */
  issue?: (path: string, issue: z.core.$ZodIssue, parent: unknown) => boolean
  /** an archive member path this bug lets through */
  path?: (path: string) => boolean
}

export const KNOWN_BUGS: KnownBug[] = []

/** Parses with `schema`; throws on any issue no known bug explains. */
export function validate(schema: z.ZodType, value: unknown, what: string): void {
  const result = schema.safeParse(value)
  if (result.success) return
  const unknown = result.error.issues.filter((issue) => {
    const path = issue.path.map(String).join('.')
    const parent = issue.path.slice(0, -1).reduce<unknown>((o, key) => (o as Record<PropertyKey, unknown> | undefined)?.[key], value)
    return !KNOWN_BUGS.some((known) => known.issue?.(path, issue, parent))
  })
  if (unknown.length > 0) {
    throw new Error(`${what} does not validate:\n${JSON.stringify(unknown, null, 2).slice(0, 4000)}`)
  }
}

export function knownBadPath(path: string): boolean {
  return KNOWN_BUGS.some((known) => known.path?.(path))
}
