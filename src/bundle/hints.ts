// What a path hints about the process a file belongs to. Content decides the kind;
// the path is all that says whose file it is: proc/5/status, pmap/5.txt, pmap/fwlog.txt.

const PID_PATTERNS = [/(?:^|\/)proc\/(\d+)\//, /(?:^|\/)(\d+)(?:\.[a-z]+)?$/i, /(?:^|\/)(\d+)[-_.]/]

export function pidFromPath(path: string): number | null {
  for (const pattern of PID_PATTERNS) {
    const match = pattern.exec(path)
    if (match?.[1]) {
      const pid = Number(match[1])
      if (Number.isSafeInteger(pid) && pid > 0 && pid < 1 << 22) return pid
    }
  }
  return null
}

/** pmap/fwlog.txt -> fwlog; pmap/5.txt -> null (a number is a pid, not a name). */
export function nameFromPath(path: string): string | null {
  const base = path.split('/').pop() ?? ''
  const stem = base.replace(/\.(txt|pmap|out|log)$/i, '')
  if (!stem || /^\d+$/.test(stem) || /^(pmap|smaps|status|maps|smaps_rollup)$/i.test(stem)) return null
  return stem
}
