import { startEmbeddedS3 } from './s3rver.ts'

// The embedded S3 server as a process of its own: `node s3-process.ts <directory> <bucket>`.
// Forked by `npm start` (it answers its endpoint over IPC and exits when its parent goes), or run
// by hand and the bench (it prints `s3 on <endpoint>` and runs until SIGTERM).

const [directory = './.data', bucket = 'memgap'] = process.argv.slice(2)
const s3 = await startEmbeddedS3({ directory, bucket })
const stop = () => void s3.close().finally(() => process.exit(0))
if (process.send) {
  process.send({ endpoint: s3.endpoint })
  process.once('disconnect', stop) // the API process ended, however it ended
} else {
  console.log(`s3 on ${s3.endpoint}`)
}
process.once('SIGTERM', stop)
process.once('SIGINT', stop)
