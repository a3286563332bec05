import { startServer } from '../server.ts'

// The Node server until interrupted. Started by `npm start` (npm names its script in the
// environment) it is open on loopback without keys; started any other way it is not.

const server = await startServer(process.env, { openOnLoopback: process.env.npm_lifecycle_event === 'start' })
console.log(`memgap listening on ${server.url}`)
console.log(`storage: ${server.storage}`)
console.log(`auth: ${server.auth}`)

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    void server.close().finally(() => process.exit(0))
  })
}
