import { readFileSync } from 'node:fs'
import { parseArgs, type ParseArgsConfig } from 'node:util'
import { ENGINE_VERSION } from '../version.ts'
import { CliError, EXIT, usageError, type ExitCode } from './exit.ts'
import { escapeControls } from '../observe/log.ts'

// `memgap`: commands, options, help and exit codes. The work is in diagnose.ts and upload.ts,
// loaded only by the command that needs it (the engine takes a while to load; --help need not).

const FORMATS = ['json', 'md', 'text'] as const
type Format = (typeof FORMATS)[number]

export interface CliIo {
  stdout: { write(text: string): unknown }
  stderr: NodeJS.WriteStream | { isTTY?: boolean; write(text: string): unknown }
  env: Record<string, string | undefined>
}

export const HELP = `memgap: where did the memory go? Diagnoses memory gaps from diagnostic bundles.

Usage:
  memgap diagnose <baseline> <suspect> [--format json|md|text]
  memgap diagnose <suspect> [--format json|md|text]
  memgap upload <bundle> --url URL [--token TOKEN] [--presigned]
  memgap --help | --version

Commands:
  diagnose   Compare two bundles (a healthy baseline and the suspect) or look at one alone,
             offline: nothing is stored or sent. A bundle is a .tar.gz, .tgz, .tar or .zip
             archive, or a folder; files are recognised by their content.
             --format json (default): the Diagnosis as JSON; md: Markdown; text: plain text.
  upload     Send an archive to the server and print its summary (JSON). Up to 100 MiB it is
             POSTed to URL/v1/bundles; over 100 MiB, or with --presigned, it goes through
             presigned uploads (POST /v1/uploads, then PUT straight to storage, in parts for
             big files, each retried up to 3 times). A server without presigned uploads gets
             the direct POST when the archive is 100 MiB or less. A progress bar goes to
             stderr when it is a terminal.
             --url defaults to $MEMGAP_URL, --token to $MEMGAP_TOKEN (sent as a Bearer token).

Exit codes:
  0  success
  1  unexpected internal error (a bug: please report it)
  2  usage error: unknown command or option, missing or extra arguments, bad --format or --url
  3  input unreadable: missing file or folder, not an archive, corrupt archive
  4  upload failed: server unreachable, or it answered an error
  5  too large for the server (it answered 413)

Examples:
  memgap diagnose healthy.tar.gz broken.tar.gz --format md
  memgap diagnose ./bundle-folder
  memgap upload broken.tar.gz --url http://memgap.internal:8787
`

const COMMAND_HELP: Record<string, string> = {
  diagnose: `Usage: memgap diagnose [<baseline>] <suspect> [--format json|md|text]

Diagnoses the suspect bundle against the baseline (or alone), offline. Bundles are archives
(.tar.gz, .tgz, .tar, .zip) or folders. Output goes to stdout; exit codes as in memgap --help.
`,
  upload: `Usage: memgap upload <bundle> --url URL [--token TOKEN] [--presigned]

Sends the archive and prints the server's summary as JSON. Up to 100 MiB: one POST of the raw
archive to URL/v1/bundles. Over 100 MiB, or with --presigned: POST URL/v1/uploads, PUT the file
to the presigned storage URL(s) it answers (parts retried up to 3 times), then complete it.
A server without /v1/uploads (404) gets the direct POST if the archive is 100 MiB or less;
over that, exit 5, as when the server answers 413 (too large for it).
--url defaults to $MEMGAP_URL and --token to $MEMGAP_TOKEN.
`,
}

export async function main(argv: string[], io: CliIo): Promise<ExitCode> {
  try {
    return await run(argv, io)
  } catch (error) {
    if (error instanceof CliError) {
      // Messages quote file names, archive members and server answers: none may move the cursor or forge a line.
      io.stderr.write(`memgap: ${escapeControls(error.message)}\n`)
      if (error.exitCode === EXIT.usage) io.stderr.write(`Try 'memgap --help'.\n`)
      return error.exitCode
    }
    const frames = error instanceof Error ? (error.stack ?? '').split('\n').filter((line) => /^\s+at /.test(line)) : []
    io.stderr.write(`memgap: internal error: ${escapeControls(error instanceof Error ? error.message : String(error))}\n${frames.map((f) => `${f}\n`).join('')}`)
    return EXIT.internal
  }
}

async function run(argv: string[], io: CliIo): Promise<ExitCode> {
  const [command, ...rest] = argv
  switch (command) {
    case undefined:
      io.stderr.write(HELP)
      return EXIT.usage
    case '-h':
    case '--help':
    case 'help':
      if (rest[0] && COMMAND_HELP[rest[0]]) io.stdout.write(COMMAND_HELP[rest[0]]!)
      else io.stdout.write(HELP)
      return EXIT.ok
    case '-V':
    case '--version':
      io.stdout.write(`memgap ${packageVersion()} (engine ${ENGINE_VERSION})\n`)
      return EXIT.ok
    case 'diagnose':
      return diagnoseCommand(rest, io)
    case 'upload':
      return uploadCommand(rest, io)
    default:
      throw usageError(command.startsWith('-') ? `unknown option ${command}` : `unknown command ${JSON.stringify(command)}`)
  }
}

async function diagnoseCommand(args: string[], io: CliIo): Promise<ExitCode> {
  const { values, positionals } = parse(args, {
    format: { type: 'string', short: 'f', default: 'json' },
    help: { type: 'boolean', short: 'h' },
  })
  if (values.help) {
    io.stdout.write(COMMAND_HELP.diagnose!)
    return EXIT.ok
  }
  const format = values.format as string
  if (!(FORMATS as readonly string[]).includes(format)) throw usageError(`--format must be one of ${FORMATS.join(', ')}, not ${JSON.stringify(format)}`)
  if (positionals.length === 0) throw usageError('diagnose needs a bundle: memgap diagnose [<baseline>] <suspect>')
  if (positionals.length > 2) throw usageError(`diagnose takes one or two bundles, not ${positionals.length}`)
  const [baseline, suspect] = positionals.length === 2 ? [positionals[0]!, positionals[1]!] : [null, positionals[0]!]
  const { diagnosePaths, formatDiagnosis } = await import('./diagnose.ts')
  const diagnosis = await diagnosePaths(baseline, suspect)
  io.stdout.write(await formatDiagnosis(diagnosis, format as Format))
  return EXIT.ok
}

async function uploadCommand(args: string[], io: CliIo): Promise<ExitCode> {
  const { values, positionals } = parse(args, {
    url: { type: 'string', short: 'u' },
    token: { type: 'string', short: 't' },
    presigned: { type: 'boolean' },
    help: { type: 'boolean', short: 'h' },
  })
  if (values.help) {
    io.stdout.write(COMMAND_HELP.upload!)
    return EXIT.ok
  }
  if (positionals.length !== 1) throw usageError('upload takes one bundle: memgap upload <bundle> --url URL')
  const url = (values.url as string | undefined) ?? io.env.MEMGAP_URL
  if (!url) throw usageError('upload needs --url URL (or MEMGAP_URL)')
  const token = (values.token as string | undefined) ?? io.env.MEMGAP_TOKEN
  const { partThresholdFrom, uploadBundle } = await import('./upload.ts')
  const options = { presigned: values.presigned === true, partThreshold: partThresholdFrom(io.env) }
  const result = await uploadBundle(positionals[0]!, { url, token: token || undefined, progress: io.stderr, ...options })
  io.stdout.write(typeof result.body === 'string' ? `${result.body}\n` : `${JSON.stringify(result.body, null, 2)}\n`)
  return EXIT.ok
}

function parse(args: string[], options: NonNullable<ParseArgsConfig['options']>) {
  try {
    return parseArgs({ args, options, allowPositionals: true, strict: true })
  } catch (error) {
    throw usageError(error instanceof Error ? error.message.replace(/\. To specify a positional.*$/s, '') : String(error))
  }
}

function packageVersion(): string {
  try {
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version?: string }
    return pkg.version ?? ENGINE_VERSION
  } catch {
    return ENGINE_VERSION
  }
}
