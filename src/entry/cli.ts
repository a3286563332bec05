import { main } from '../cli/main.ts'

// `memgap`: the engine as a command line, offline (see src/cli/). Launched by bin/memgap.js.
// exitCode, not process.exit(): stdout is flushed before the process ends, even into a pipe.

// A reader that goes away (`memgap diagnose … | head`) ends the output, not the program with a stack.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code !== 'EPIPE') throw error
  process.exit(process.exitCode ?? 0)
})
process.exitCode = await main(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr, env: process.env })
