import { AppError } from '../errors.ts'
import { startServer } from '../server.ts'

// The Node server until interrupted. `npm start` passes --open-on-loopback: without keys it is
// then open on loopback; started any other way (a unit file, a container) it is not.

// A configuration that cannot serve (bad keys, no public address for links) is refused here,
// in one line that says what to change, rather than a stack or a server answering 500.
const server = await startServer(process.env, { openOnLoopback: process.argv.includes('--open-on-loopback') }).catch((error: unknown) => {
  if (!(error instanceof AppError)) throw error
  console.error(`memgap cannot start: ${error.detail}`)
  process.exit(1)
})
console.log(`memgap listening on ${server.url}`)
console.log(`storage: ${server.storage}`)
console.log(`auth: ${server.auth}`)

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    void server.close().finally(() => process.exit(0))
  })
}
