import { startServer } from '../server.ts'

// `npm start`: serve the API on Node until interrupted.

const server = await startServer(process.env)
console.log(`memgap listening on ${server.url}`)
console.log(`storage: ${server.storage}`)
console.log(`auth: ${server.auth}`)

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    void server.close().finally(() => process.exit(0))
  })
}
