import { createApp } from '../app.ts'
import { loadConfig } from '../config.ts'
import type { AppContext } from '../context.ts'
import { AppError } from '../errors.ts'
import { createLog } from '../observe/log.ts'
import { sweep } from '../services/retention.ts'
import { createStorage } from '../storage/s3.ts'

// Cloudflare Workers entry: bindings are the configuration; one context per isolate and env.

const contexts = new WeakMap<object, AppContext>()

/** workerd sends a stream body chunked unless it is a FixedLengthStream; S3 and R2 want a length. */
declare const FixedLengthStream: new (bytes: number) => TransformStream<Uint8Array, Uint8Array>
const fixedLength = (body: ReadableStream<Uint8Array>, bytes: number) => body.pipeThrough(new FixedLengthStream(bytes))

function contextFor(env: unknown): AppContext {
  const bindings = (env ?? {}) as Record<string, unknown>
  let context = contexts.get(bindings)
  if (!context) {
    const config = loadConfig(bindings)
    const storage = createStorage({
      endpoint: config.S3_ENDPOINT,
      region: config.S3_REGION,
      bucket: config.S3_BUCKET,
      forcePathStyle: config.S3_FORCE_PATH_STYLE,
      accessKeyId: config.S3_ACCESS_KEY_ID,
      secretAccessKey: config.S3_SECRET_ACCESS_KEY,
      requestBody: fixedLength,
    })
    // Signed links must point at the public address: the Host header is the client's to write.
    if (config.REPORT_LINK_SECRET && !config.PUBLIC_BASE_URL) {
      throw new AppError(
        500,
        'not_configured',
        'REPORT_LINK_SECRET is set without PUBLIC_BASE_URL: signed report links need the public address they point at',
      )
    }
    const publicBaseUrl = config.PUBLIC_BASE_URL?.replace(/\/+$/, '') ?? null
    // Workers Logs keeps what console.log writes, and reads JSON lines as fields: they are the metrics.
    const log = createLog(config.LOG_LEVEL, (line) => console.log(line))
    context = { config, storage, linkSecret: config.REPORT_LINK_SECRET ?? null, publicBaseUrl, log }
    contexts.set(bindings, context)
  }
  return context
}

const app = createApp(contextFor)

interface ScheduledContext {
  waitUntil(work: Promise<unknown>): void
}

export default {
  fetch: app.fetch,
  /** The Cron Trigger of wrangler.toml: one retention sweep (RETENTION_DAYS) per run. */
  scheduled(_controller: unknown, env: unknown, ctx: ScheduledContext) {
    const { config, storage } = contextFor(env)
    ctx.waitUntil(sweep(storage, config.RETENTION_DAYS).then((done) => console.log(JSON.stringify({ sweep: done }))))
  },
}
