import type { Config } from '../schemas/config.ts'
import type { Storage } from './storage/s3.ts'

/** What every handler needs, built once per process (Node) or per isolate (Workers). */
export interface AppContext {
  config: Config
  storage: Storage
}

export type AppEnv = { Variables: { ctx: AppContext } }
