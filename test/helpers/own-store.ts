import { mkdtemp, readdir, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { EMBEDDED_CREDENTIALS, type EmbeddedS3 } from '../../src/entry/embedded-s3.ts'
import { startEmbeddedS3 } from '../../src/entry/s3rver.ts'
import { type RunningServer, startServer } from '../../src/server.ts'

/**
 * The Node server on its own embedded store, on a folder of the test's own: what is left on disk
 * is what the store kept (the shared test store is shared by every test file).
 */
export async function serverOnOwnStore(env: Record<string, string> = {}) {
  const directory = await mkdtemp(join(tmpdir(), 'memgap-own-'))
  const s3: EmbeddedS3 = await startEmbeddedS3({ directory, bucket: 'memgap' })
  const server: RunningServer = await startServer({
    PORT: '0',
    S3_ENDPOINT: s3.endpoint,
    S3_ACCESS_KEY_ID: EMBEDDED_CREDENTIALS.accessKeyId,
    S3_SECRET_ACCESS_KEY: EMBEDDED_CREDENTIALS.secretAccessKey,
    MEMGAP_ANONYMOUS: 'true',
    REPORT_LINK_SECRET: 'own-store-link-secret-0123',
    ...env,
  })
  return {
    server,
    directory,
    /** The files of the store, as paths under its folder. */
    async files(): Promise<string[]> {
      const entries = await readdir(directory, { recursive: true, withFileTypes: true })
      return entries.filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name).slice(directory.length))
    },
    async close() {
      await server.close()
      await s3.close()
      await rm(directory, { recursive: true, force: true })
    },
  }
}
