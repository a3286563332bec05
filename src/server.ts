import { mkdir, readFile, writeFile } from 'node:fs/promises'
import type { AddressInfo } from 'node:net'
import { join } from 'node:path'
import { type HttpBindings, serve } from '@hono/node-server'
import type { Config } from '../schemas/config.ts'
import { createApp } from './app.ts'
import { gunzipNode } from './bundle/gzip-node.ts'
import { loadConfig } from './config.ts'
import type { AppContext } from './context.ts'
import { EMBEDDED_CREDENTIALS, type EmbeddedS3, forkEmbeddedS3 } from './entry/embedded-s3.ts'
import { AppError } from './errors.ts'
import { incomingBody } from './incoming-body.ts'
import { classifyIP } from './integrations/ip.ts'
import { resolveWithDns } from './integrations/resolve-node.ts'
import { createLog } from './observe/log.ts'
import { createMetrics } from './observe/metrics.ts'
import { startSweeper } from './services/retention.ts'
import { nodeRequestBody } from './storage/node-body.ts'
import { createStorage } from './storage/s3.ts'

// The Node server: configuration from the environment, embedded storage when no S3 is named.

export interface RunningServer {
  url: string
  storage: string // where data goes, for the startup lines
  auth: string // who may use it, for the startup lines
  close(): Promise<void>
}

export interface StartOptions {
  /** `npm start`: with no keys and no word either way, serve openly on loopback, and say so. */
  openOnLoopback?: boolean
}

export async function startServer(env: Record<string, string | undefined>, options: StartOptions = {}): Promise<RunningServer> {
  // Anywhere else a server without keys is closed (not_configured) unless MEMGAP_ANONYMOUS=true:
  // one started by a unit file or a container must not come up open by omission.
  const loopback = (env.HOST ?? '127.0.0.1') === 'localhost' || classifyIP(env.HOST ?? '127.0.0.1')?.class === 'loopback'
  const open = options.openOnLoopback === true && loopback && !env.MEMGAP_API_KEYS && env.MEMGAP_ANONYMOUS === undefined
  const config = loadConfig(open ? { ...env, MEMGAP_ANONYMOUS: 'true' } : env)
  // Report links are always signed on Node (a secret is generated): they point at PUBLIC_BASE_URL,
  // never at the request's Host header, which the client writes. Only a loopback server (npm
  // start on a laptop) may go without, its links then naming the address it listens on.
  if (!config.PUBLIC_BASE_URL && !loopback) {
    throw new AppError(
      500,
      'not_configured',
      `HOST is ${config.HOST}, not loopback: set PUBLIC_BASE_URL to the address users reach (report links point there)`,
    )
  }
  let embedded: EmbeddedS3 | null = null
  let credentials = { accessKeyId: config.S3_ACCESS_KEY_ID, secretAccessKey: config.S3_SECRET_ACCESS_KEY }
  let endpoint = config.S3_ENDPOINT
  if (!endpoint) {
    embedded = await forkEmbeddedS3({ directory: config.DATA_DIR, bucket: config.S3_BUCKET })
    endpoint = embedded.endpoint
    credentials = EMBEDDED_CREDENTIALS
  }
  const storage = createStorage({
    endpoint,
    region: config.S3_REGION,
    bucket: config.S3_BUCKET,
    forcePathStyle: embedded ? true : config.S3_FORCE_PATH_STYLE,
    ...credentials,
    requestBody: nodeRequestBody,
  })
  if (embedded) await storage.ensureBucket()
  // One JSON line a record on stdout; /metrics counts them when a token is there to guard it.
  const metrics = config.METRICS_TOKEN ? createMetrics() : undefined
  const context: AppContext = {
    config,
    log: createLog(config.LOG_LEVEL, (line) => console.log(line), metrics?.observe),
    metrics,
    storage,
    linkSecret: await linkSecret(config),
    publicBaseUrl: config.PUBLIC_BASE_URL?.replace(/\/+$/, '') ?? null, // a loopback server's own address once it listens
    resolve: resolveWithDns,
    gunzip: gunzipNode,
    requestBody: (env) => incomingBody((env as HttpBindings).incoming),
    clientAddress: (env) => (env as HttpBindings).incoming.socket.remoteAddress,
    // The embedded store listens on 127.0.0.1 only: a presigned URL naming it would reach only
    // this machine, so a server listening wider refuses presigned uploads instead of handing one out.
    presignRefused:
      embedded && !loopback
        ? `presigned uploads write straight to the embedded S3, which only this machine reaches (${endpoint}): set S3_ENDPOINT to an S3 clients can reach, or POST the bundle to /v1/bundles`
        : undefined,
  }
  const app = createApp(() => context)
  // RETENTION_DAYS: a sweep at start and every hour, stopped with the server.
  const sweeper = config.RETENTION_DAYS ? startSweeper(storage, config.RETENTION_DAYS) : null

  const server = await new Promise<ReturnType<typeof serve>>((resolveServer) => {
    // Node closes an idle keep-alive connection after 5 s, and a client (undici, curl) that sends
    // the next request on it just then sees ECONNRESET, unretried for a streamed body: seen on
    // 19 of 20 concurrent chunked uploads after a first batch. Idle connections stay a minute.
    const serverOptions = { keepAliveTimeout: 65_000 }
    const s = serve({ fetch: app.fetch, port: config.PORT, hostname: config.HOST, serverOptions }, () => resolveServer(s))
  })
  const { port } = server.address() as AddressInfo
  context.publicBaseUrl ??= `http://${config.HOST.includes(':') ? `[${config.HOST}]` : config.HOST}:${port}`
  return {
    url: `http://${config.HOST}:${port}`,
    auth: config.MEMGAP_API_KEYS
      ? 'API keys required (MEMGAP_API_KEYS)'
      : config.MEMGAP_ANONYMOUS
        ? `open to anyone who reaches it (MEMGAP_ANONYMOUS=true${open ? ", npm start's default on loopback without MEMGAP_API_KEYS" : ''}); set MEMGAP_API_KEYS to require keys`
        : 'refusing /v1 requests: set MEMGAP_API_KEYS or MEMGAP_ANONYMOUS=true',
    storage: embedded
      ? `embedded S3 at ${endpoint}, bucket ${config.S3_BUCKET}, files in ${embedded.directory}`
      : `S3 at ${endpoint}, bucket ${config.S3_BUCKET}`,
    async close() {
      await sweeper?.stop()
      await new Promise<void>((done) => server.close(() => done()))
      await embedded?.close()
    },
  }
}

/**
 * REPORT_LINK_SECRET, or one made once and kept in DATA_DIR, so that report links of a
 * self-hosted server outlive its restarts.
 */
async function linkSecret(config: Config): Promise<string> {
  if (config.REPORT_LINK_SECRET) return config.REPORT_LINK_SECRET
  const file = join(config.DATA_DIR, 'report-link-secret')
  try {
    return (await readFile(file, 'utf8')).trim()
  } catch {
    const secret = [...crypto.getRandomValues(new Uint8Array(32))].map((b) => b.toString(16).padStart(2, '0')).join('')
    await mkdir(config.DATA_DIR, { recursive: true })
    await writeFile(file, secret, { mode: 0o600 })
    return secret
  }
}
