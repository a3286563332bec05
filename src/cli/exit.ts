// Exit codes of `memgap`, kept few and stable so scripts can branch on them. Listed in --help.

export const EXIT = {
  ok: 0,
  /** An unexpected failure inside memgap (a bug): Node's own code for an uncaught error. */
  internal: 1,
  /** Bad command line: unknown command or option, missing or extra arguments, bad --format/--url. */
  usage: 2,
  /** An input could not be read: missing file, not an archive, a corrupt archive. */
  input: 3,
  /** The upload failed: the server could not be reached or answered an error. */
  upload: 4,
  /** The server (or storage) refused the bundle as too large: it answered 413. */
  tooLarge: 5,
} as const

export type ExitCode = (typeof EXIT)[keyof typeof EXIT]

/** A failure with the exit code it maps to; the message goes to stderr as `memgap: <message>`. */
export class CliError extends Error {
  constructor(
    readonly exitCode: ExitCode,
    message: string,
  ) {
    super(message)
    this.name = 'CliError'
  }
}

export const usageError = (message: string) => new CliError(EXIT.usage, message)
export const inputError = (message: string) => new CliError(EXIT.input, message)
