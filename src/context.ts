import type { Config } from '../schemas/config.ts'
import type { KeyRing } from './auth.ts'
import type { UnpackLimits } from './bundle/limits.ts'
import type { Log } from './observe/log.ts'
import type { Metrics } from './observe/metrics.ts'
import type { Storage } from './storage/s3.ts'

/** What every handler needs, built once per process (Node) or per isolate (Workers). */
export interface AppContext {
  config: Config
  storage: Storage
  /** Signs report links; null leaves chat links pointing at the API (which asks for a key). */
  linkSecret: string | null
  /** Where links point (PUBLIC_BASE_URL, no trailing slash; on a loopback Node server its own address); null: links stay relative. */
  publicBaseUrl: string | null
  /** Why POST /v1/uploads is refused (503): its URLs would name a store clients cannot reach. */
  presignRefused?: string
  /** Resolves callback host names to check where they point (Node); Workers cannot reach private networks anyway. */
  resolve?: (host: string) => Promise<string[]>
  /** A faster gunzip than DecompressionStream where the runtime has one (node:zlib on Node). */
  gunzip?: Gunzip
  /** The request body from the runtime's own request (`c.env`), where that saves a copy (Node). */
  requestBody?: (env: unknown) => ReadableStream<Uint8Array> | null
  /** The client's address from the runtime's own connection (Node); Workers read cf-connecting-ip. */
  clientAddress?: (env: unknown) => string | undefined
  /** The structured log (src/observe/log.ts); none where nothing is logged. */
  log?: Log
  /** Counts of the log's records, served at /metrics (Node with METRICS_TOKEN only). */
  metrics?: Metrics
}

/** One tenant's view of storage, with the limits its uploads are read under. */
export interface Scope {
  storage: Storage
  tenant: string
  limits: UnpackLimits
  gunzip?: Gunzip
  /** Mask secrets in parses before they are stored (REDACT; on unless said otherwise). */
  redact?: boolean
  /** Where ingests and deliveries are logged, and the request they belong to. */
  log?: Log
  requestId?: string
}

export type Gunzip = (input: ReadableStream<Uint8Array>) => ReadableStream<Uint8Array>

/** `admit` counts the request against its tenant's rate limit (429 past it): routes that authenticate themselves call it once they have. */
export type AppEnv = { Variables: { ctx: AppContext; scope: Scope; requestId: string; problem: string; admit: () => void } }
export type { KeyRing }
