import type { Warning } from '../../schemas/warning.ts'

// Small helpers shared by the parsers: line splitting, integer reading, warnings.
// Everything here is total: no input makes it throw.

/** A hostile file could make one warning per line: past this many, one `too_many_warnings` closes the list. */
export const MAX_WARNINGS = 200

/** Lines of a text, LF, CRLF or CR; index i is line i + 1. */
export function splitLines(text: string): string[] {
  return text.split(/\r\n|\n|\r/)
}

/** Collects warnings for one file, capped. */
export function warningList(file: string | undefined) {
  const warnings: Warning[] = []
  const warn = (code: string, message: string, line?: number): void => {
    if (warnings.length > MAX_WARNINGS) return
    const full = warnings.length === MAX_WARNINGS
    const warning: Warning = full
      ? { code: 'too_many_warnings', message: `more than ${MAX_WARNINGS} warnings: the rest are left out` }
      : { code, message }
    if (file !== undefined) warning.file = file
    if (!full && line !== undefined && line >= 1) warning.line = line
    warnings.push(warning)
  }
  return { warnings, warn }
}

/** A line as it may be quoted in a warning: short, without control characters. */
export function excerpt(line: string, max = 60): string {
  const head = line.length > max ? `${line.slice(0, max)}...` : line
  return JSON.stringify(head.replace(/[\u0000-\u001f\u007f-\u009f]/g, '?'))
}

/** A decimal integer, or why it is not one: 'nan' (not digits), 'range' (beyond 2^53). */
export type IntRead = number | 'nan' | 'range'

export function readInt(token: string): IntRead {
  if (!/^[-+]?\d+$/.test(token)) return 'nan'
  const value = Number(token)
  return Number.isSafeInteger(value) ? value : 'range'
}

/** `Key: value` as /proc prints it (meminfo, status, smaps). Keys hold letters, digits, _ and (). */
const FIELD = /^([A-Za-z][\w()]*):(.*)$/

export function splitField(line: string): { key: string; value: string } | null {
  const match = FIELD.exec(line)
  return match ? { key: match[1]!, value: match[2]!.trim() } : null
}

/** `1234 kB` or a bare `1234`: the number and whether it had the kB unit; null when it is neither. */
export function readKib(value: string): { n: IntRead; kB: boolean } | null {
  const match = /^([-+]?\d+)(?:\s+(kB))?$/.exec(value)
  return match ? { n: readInt(match[1]!), kB: match[2] !== undefined } : null
}

/**
 * A shell prompt pasted with the output, as engineers do:
 * `TS3.0.24.4474 ~ # cat /proc/meminfo | grep -i active`, `[root@h ~]# ps aux`, `$ pmap -x 5`.
 * Only a prompt followed by a command that prints files, or a bare prompt, counts: other odd
 * lines must still be reported.
 */
const PROMPT_COMMAND =
  /(^|[\s\]~)])[#$%>]\s*(sudo\s+)?(cat|grep|egrep|fgrep|zgrep|head|tail|less|more|awk|sed|sort|busybox|watch|ps|pmap|free|top|dmesg|vmstat|for|while)\b/
const BARE_PROMPT = /^\S.{0,60}[#$]\s*$/

export function isPromptLine(line: string): boolean {
  return line.length < 4096 && (PROMPT_COMMAND.test(line) || BARE_PROMPT.test(line.trim()))
}

/** Last path component: `/opt/sta/apps/bin/fwlog` -> `fwlog`. */
export function basename(path: string): string {
  const trimmed = path.replace(/\/+$/, '')
  const slash = trimmed.lastIndexOf('/')
  return slash < 0 ? trimmed : trimmed.slice(slash + 1)
}
