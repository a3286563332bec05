/**
 * The files a process holds open, as the collector writes them (proc/<pid>/fd.txt, from the
 * /proc/<pid>/fd link targets, cwd and exe first):
 *
 *   FD TARGET
 *   cwd /opt/qcap/mqtt-python
 *   exe /usr/bin/python3.11
 *   1 /tmp/tmp.YMqW5O63i9.log
 *   3 /opt/qcap/mqtt-python/meter-gateway.log
 *   5 socket:[131158]
 *
 * (test/fixtures/queues/mqtt-python, suspect). What it says: which copied logs, configs and
 * statistics are this process's own (it holds them open, or they sit in its working folder).
 */
import type { OpenFiles } from '../../schemas/queues.ts'
import { splitLines } from './common.ts'

const MAX_PATHS = 1000

export function looksLikeOpenFiles(text: string): boolean {
  return /^FD\s+TARGET\s*$/m.test(text.slice(0, 64).split(/\r?\n/)[0] ?? '')
}

export function parseOpenFiles(text: string): Omit<OpenFiles, 'file' | 'pid'> {
  let cwd: string | null = null
  let exe: string | null = null
  const paths: string[] = []
  for (const line of splitLines(text).slice(1)) {
    const m = /^(\S+)\s+(\/.*)$/.exec(line.trim())
    if (!m) continue // sockets, pipes, anon_inode: not files
    if (m[1] === 'cwd') cwd = m[2]!
    else if (m[1] === 'exe') exe = m[2]!
    else if (paths.length < MAX_PATHS) paths.push(m[2]!.replace(/ \(deleted\)$/, ''))
  }
  return { cwd, exe, paths }
}
