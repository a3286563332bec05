import { startServer } from '../server.ts'

// The Node server until interrupted. `npm start` passes --open-on-loopback: without keys it is
// then open on loopback; started any other way (a unit file, a container) it is not.

const server = await startServer(process.env, { openOnLoopback: process.argv.includes('--open-on-loopback') })
console.log(`memgap listening on ${server.url}`)
console.log(`storage: ${server.storage}`)
console.log(`auth: ${server.auth}`)

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    void server.close().finally(() => process.exit(0))
  })
}
