import { describe, expect, it } from 'vitest'
import type { ProcessSample } from '../../schemas/bundle.ts'
import { captureProcesses, compareProcesses } from '../../src/analysis/processes.ts'
import { combineProcesses } from '../../src/bundle/combine.ts'
import { parsePs } from '../../src/parsers/ps.ts'

// Step 2 as a user checks it: the capture's own processes are not growth; instances of one
// program are summed, unrelated programs kept apart.

const samples = (text: string): ProcessSample[] =>
  combineProcesses({ ps: [{ file: 'ps.txt', ps: parsePs(text).data }], statuses: [], rollups: [], maps: [] }).processes

const BASELINE = samples(`  PID  PPID   RSS COMMAND
    1     0  4000 /sbin/init
  200     1  9000 /usr/sbin/sshd -D
  210   200  5000 -bash
  400     1 40000 /usr/bin/python3 /opt/a/ingest.py
  401     1 30000 /usr/bin/python3 /opt/b/report.py
`)
// The suspect was taken by a collector run from an ssh session: it, its subshell, its cat and ps.
const SUSPECT = samples(`  PID  PPID   RSS COMMAND
    1     0  4000 /sbin/init
  200     1  9000 /usr/sbin/sshd -D
  210   200  5000 -bash
  300   210  3000 sh /tmp/memgap-collect.sh --role suspect
  301   300  1000 cat /proc/meminfo
  302   300  2500 sh /tmp/memgap-collect.sh --role suspect
  303   302  3500 ps -eo pid,ppid,rss,args
  400     1 90000 /usr/bin/python3 /opt/a/ingest.py
  401     1 31000 /usr/bin/python3 /opt/b/report.py
`)

describe('compareProcesses', () => {
  it('recognises the capture: the ps, what ran it and what that started; not the shell it ran from', () => {
    const own = [...captureProcesses(SUSPECT)].map((s) => s.pid).sort()
    expect(own).toEqual([300, 301, 302, 303])
    expect(captureProcesses(BASELINE).size).toBe(0)
  })

  it('ranks no capture process as growth, and keeps two python scripts apart', () => {
    const rows = compareProcesses(BASELINE, SUSPECT, 62000)
    expect(rows.map((r) => r.name)).toEqual(['ingest.py', 'report.py', 'bash', 'init', 'sshd'])
    expect(rows[0]).toMatchObject({ name: 'ingest.py', exe: '/usr/bin/python3', deltaKib: 50000, instances: { baseline: 1, suspect: 1 } })
    expect(rows.some((r) => r.presence !== 'both')).toBe(false)
  })
})
