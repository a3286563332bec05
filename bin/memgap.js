#!/usr/bin/env node
// Launcher of the memgap CLI: registers tsx (resolved from this package's own node_modules, as
// `node --import tsx` would) and runs src/entry/cli.ts in this process.
import 'tsx'

await import(new URL('../src/entry/cli.ts', import.meta.url).href)
