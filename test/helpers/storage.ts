import { inject } from 'vitest'
import { StoredBundle } from '../../schemas/bundle.ts'
import { EMBEDDED_CREDENTIALS } from '../../src/entry/embedded-s3.ts'
import { type RunningServer, startServer } from '../../src/server.ts'
import { nodeRequestBody } from '../../src/storage/node-body.ts'
import { createStorage, keys, type Storage } from '../../src/storage/s3.ts'

/** A fresh bucket on the test S3 server, so test files never see each other's objects. */
export async function testBucket(prefix: string) {
  const bucket = `${prefix}-${Math.random().toString(36).slice(2, 10)}`
  const storage = createStorage({
    endpoint: inject('s3Endpoint'),
    region: 'us-east-1',
    bucket,
    forcePathStyle: true,
    ...EMBEDDED_CREDENTIALS,
    requestBody: nodeRequestBody,
  })
  await storage.ensureBucket()
  return { bucket, storage }
}

/** The Node server on a free port, against the test S3 server. */
export async function testServer(bucket: string, env: Record<string, string> = {}): Promise<RunningServer> {
  return startServer({
    PORT: '0',
    S3_ENDPOINT: inject('s3Endpoint'),
    S3_BUCKET: bucket,
    S3_ACCESS_KEY_ID: EMBEDDED_CREDENTIALS.accessKeyId,
    S3_SECRET_ACCESS_KEY: EMBEDDED_CREDENTIALS.secretAccessKey,
    // Open unless keys are given, and quiet: test/api/logs.test.ts reads the log of a real process.
    ...(env.MEMGAP_API_KEYS ? {} : { MEMGAP_ANONYMOUS: 'true' }),
    LOG_LEVEL: 'silent',
    ...env,
  })
}

/** The vars that point a Worker under `wrangler dev` at the test S3 server, open to anyone (tenant `public`). */
export function workerVars(bucket: string): Record<string, string> {
  return {
    S3_ENDPOINT: inject('s3Endpoint'),
    S3_BUCKET: bucket,
    S3_REGION: 'us-east-1',
    S3_ACCESS_KEY_ID: EMBEDDED_CREDENTIALS.accessKeyId,
    S3_SECRET_ACCESS_KEY: EMBEDDED_CREDENTIALS.secretAccessKey,
    MEMGAP_ANONYMOUS: 'true',
  }
}

/** The raw bytes a stored bundle's parsed.json names, read through the production client; null if none. */
export async function storedRaw(storage: Storage, tenant: string, id: string): Promise<Uint8Array | null> {
  const parsed = await storage.getJson(keys.bundleParsed(tenant, id))
  if (parsed === null) return null
  const raw = await storage.get(keys.raw(tenant, StoredBundle.parse(parsed).upload))
  return raw && new Uint8Array(await new Response(raw.body).arrayBuffer())
}
