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
 * (test/fixtures/queues/mqtt-python, suspect; test/fixtures/samples/queues-fd.txt and
 * queues-redis-node-fd.txt). What it says: which copied logs, configs and statistics are this
 * process's own (it holds them open, or they sit in its working folder).
 */
import { FdTable } from '../../schemas/queues.ts'
import type { Warning } from '../../schemas/warning.ts'
import { defineSource } from '../bundle/source.ts'
import { splitLines } from './common.ts'

/** The collector lists at most 1000 descriptors; a hostile file is cut there too. */
const MAX_PATHS = 1000

export function looksLikeOpenFiles(text: string): boolean {
  return /^FD\s+TARGET\s*$/.test(text.slice(0, 64).split(/\r?\n/)[0] ?? '')
}

export function parseOpenFiles(text: string): { data: FdTable; warnings: Warning[] } {
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
  return { data: { cwd, exe, paths }, warnings: [] }
}

/** Only proc/<pid>/ says whose list it is. */
export function pidOfPath(file: string): number | null {
  const pid = /(?:^|\/)proc\/(\d+)\//.exec(file)?.[1]
  return pid ? Number(pid) : null
}

/** This source, as the bundle reader's list (src/bundle/sources.ts) takes it. */
export const openFilesSource = defineSource({
  kind: 'open-files',
  order:
    'strict and first: an exact `FD TARGET` header line, and its `<fd> <path>` rows would pass for `name value` pairs of vmstat and ps',
  loose: false,
  detect: looksLikeOpenFiles,
  parse: parseOpenFiles,
  schema: FdTable,
  field: 'openFiles',
  keep: (data, file) =>
    data.cwd === null && data.exe === null && data.paths.length === 0 ? null : { file, pid: pidOfPath(file), ...data },
})
