import type { LogLevel, LogRecord } from '../../schemas/log.ts'

// The log, runtime-free: an entry in, one line of JSON out, stamped with the time and a level.
// Entries carry what came from outside (attachment names, URLs, methods, ids): JSON escapes the
// C0 controls (newline, ESC), and logLine escapes the few JSON leaves raw that terminals and log
// viewers still act on, so no value can end a line or colour one. The entries write with
// console.log (src/server.ts, src/entry/worker.ts): one line each on both runtimes.

/** A record before the log stamps it. */
export type LogEntry = LogRecord extends infer R ? (R extends LogRecord ? Omit<R, 'time' | 'level'> : never) : never
export type Log = (entry: LogEntry) => void

const RANK: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40, silent: 99 }

// DEL, the C1 controls (0x9b is a one-byte CSI on 8-bit terminals), the Unicode line separators.
const RAW_IN_JSON = /[\u007f-\u009f\u2028\u2029]/g
// The same and the C0 controls (newline, ESC), for text that is not JSON.
const CONTROLS = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g
const escaped = (ch: string) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`

/** One line of JSON, with nothing in it that a terminal or log viewer would act on. */
export function logLine(record: LogRecord): string {
  return JSON.stringify(record).replace(RAW_IN_JSON, escaped)
}

/** Text for a terminal or a plain log: every control character shown as its escape (`\u001b`), so it stays one line. */
export function escapeControls(text: string): string {
  return text.replace(CONTROLS, escaped)
}

/** Failures an operator acts on are errors; what was refused or retried is a warning. */
export function levelOf(entry: LogEntry): Exclude<LogLevel, 'silent'> {
  switch (entry.event) {
    case 'request':
      return entry.status >= 500 ? 'error' : 'info'
    case 'delivery':
      return entry.status === 'delivered' ? 'info' : 'warn'
    case 'ticket':
      return entry.status === 'failed' || (entry.reply !== null && entry.reply !== 'delivered') ? 'warn' : 'info'
    case 'error':
      return 'error'
    default:
      return 'info'
  }
}

/**
 * A log: stamps each entry, hands every record to `observe` (the metrics count all of them,
 * whatever the level), and writes those at `min` or above.
 */
export function createLog(min: LogLevel, write: (line: string) => void, observe?: (record: LogRecord) => void): Log {
  return function log(entry) {
    const level = levelOf(entry)
    const record = { time: new Date().toISOString(), level, ...entry } as LogRecord
    observe?.(record)
    if (RANK[level] >= RANK[min]) write(logLine(record))
  }
}

/** The log of code that was handed none (a scope made by hand, a context that failed to load). */
export const consoleLog: Log = createLog('info', (line) => console.log(line))

/** Where nothing is to be logged (the CLI, tests that build a scope by hand). */
export const noLog: Log = () => {}

/** An error as an entry: the message and stack, whatever was thrown. */
export function errorEntry(requestId: string | null, message: string, error: unknown): LogEntry {
  const detail = error instanceof Error ? error.message : String(error)
  return { event: 'error', requestId, message: `${message}: ${detail}`, stack: error instanceof Error ? (error.stack ?? null) : null }
}

// Short and plain: ids from proxies and clients (UUIDs, ULIDs, W3C trace ids, base64) fit.
const REQUEST_ID = /^[A-Za-z0-9._:/+=@-]{1,128}$/

/** The client's X-Request-Id when it is short and plain, else a new one; either is echoed and logged. */
export function requestIdOf(header: string | undefined): string {
  return header !== undefined && REQUEST_ID.test(header) ? header : crypto.randomUUID()
}
