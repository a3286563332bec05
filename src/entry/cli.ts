import { main } from '../cli/main.ts'

// `memgap`: the engine as a command line, offline (see src/cli/). Launched by bin/memgap.js.
// exitCode, not process.exit(): stdout is flushed before the process ends, even into a pipe.

process.exitCode = await main(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr, env: process.env })
