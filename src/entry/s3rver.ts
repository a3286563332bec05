import { mkdir } from 'node:fs/promises'
import { resolve } from 'node:path'
import S3rver from 's3rver'
import type { EmbeddedS3 } from './embedded-s3.ts'

// The embedded S3-compatible server: s3rver on a local folder, reached through the same S3
// client as real S3, so the storage path that runs is the real one. The tests start it in their
// own process; `npm start` runs it in a child process (embedded-s3.ts, s3-process.ts).

export async function startEmbeddedS3(options: { directory: string; bucket: string; port?: number }): Promise<EmbeddedS3> {
  const directory = resolve(options.directory)
  await mkdir(directory, { recursive: true })
  const server = new S3rver({
    address: '127.0.0.1',
    port: options.port ?? 0,
    directory,
    silent: true,
    vhostBuckets: false,
    configureBuckets: [{ name: options.bucket }],
  })
  const address = await server.run()
  return { endpoint: `http://127.0.0.1:${address.port}`, directory, close: () => server.close() }
}
