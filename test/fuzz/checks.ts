// Checks shared by the fuzz properties.
import { knownBadPath } from './known.ts'

/** A broken property (as opposed to an error of the code under test, which may be expected). */
export class Violation extends Error {}

export function fail(what: string): never {
  throw new Violation(what)
}

/** Relative, '/'-separated, no `..`, no empty or `.` segment, no NUL, no drive or root. */
export function checkPath(path: unknown): void {
  if (typeof path !== 'string' || path.length === 0) fail(`path ${JSON.stringify(path)} is not a non-empty string`)
  if (path.includes('\u0000')) fail(`path ${JSON.stringify(path)} holds a NUL`)
  for (const segment of path.split(/[\\/]/)) {
    if (segment === '..') fail(`path ${JSON.stringify(path)} has a '..' segment`)
  }
  for (const segment of path.split('/')) {
    if (segment === '' || segment === '.') fail(`path ${JSON.stringify(path)} is not normalised`)
  }
  if (knownBadPath(path)) return
  if (path.startsWith('/') || path.startsWith('\\')) fail(`path ${JSON.stringify(path)} is absolute`)
  if (/^[A-Za-z]:/.test(path)) fail(`path ${JSON.stringify(path)} has a drive letter`)
}

/** Warning codes are what programs match on: snake_case. */
export function checkCode(code: string): void {
  if (!/^[a-z][a-z0-9_]*$/.test(code)) fail(`warning code ${JSON.stringify(code)} is not snake_case`)
}
