import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { TestProject } from 'vitest/node'
import { forkEmbeddedS3 } from '../../src/entry/embedded-s3.ts'

// Starts the same S3-compatible server that `npm start` embeds, on a free port, for every test,
// in a process of its own as `npm start` runs it (with the OpenSSL legacy provider its paged
// listings need: embedded-s3.ts).

declare module 'vitest' {
  export interface ProvidedContext {
    s3Endpoint: string
  }
}

export default async function setup(project: TestProject) {
  const directory = await mkdtemp(join(tmpdir(), 'memgap-s3-'))
  const s3 = await forkEmbeddedS3({ directory, bucket: 'memgap' })
  project.provide('s3Endpoint', s3.endpoint)
  return async () => {
    await s3.close()
    await rm(directory, { recursive: true, force: true })
  }
}
