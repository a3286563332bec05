// The embedded S3 server on its own, for the Worker under wrangler dev during `npm run bench`:
//   node --openssl-legacy-provider --import tsx bench/s3.ts <directory>
// Prints `s3 on <endpoint>` and serves bucket `memgap` until terminated.
import { startEmbeddedS3 } from '../src/entry/embedded-s3.ts'

const s3 = await startEmbeddedS3({ directory: process.argv[2] ?? './.data-bench-s3', bucket: 'memgap' })
console.log(`s3 on ${s3.endpoint}`)
process.once('SIGTERM', () => {
  s3.close().finally(() => process.exit(0))
})
