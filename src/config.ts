import { Config } from '../schemas/config.ts'
import { notConfigured } from './errors.ts'

/**
 * Reads configuration once from a flat string map (process.env or Worker bindings).
 * Unknown keys are ignored; empty strings count as unset, as shells and dashboards leave them.
 */
export function loadConfig(env: Record<string, unknown>): Config {
  const strings: Record<string, string> = {}
  for (const [key, value] of Object.entries(env)) {
    if (typeof value === 'string' && value !== '') strings[key] = value
  }
  const result = Config.safeParse(strings)
  if (!result.success) {
    const lines = result.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`)
    throw notConfigured(`configuration is invalid: ${lines.join('; ')}`)
  }
  return result.data
}
