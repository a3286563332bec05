/**
 * OOM killer reports in dmesg, kern.log, /var/log/messages or `journalctl -k`.
 *
 * The formats are mm/oom_kill.c's (dump_header, dump_task, __oom_kill_process). A 6.1 report
 * (test/fixtures/samples/dmesg-oom-new.txt; written from those format strings, as are
 * dmesg-oom-old.txt, 3.10 in kern.log, and dmesg-oom-split-rss.txt, 6.12 `dmesg -T`):
 *
 *   [ 8312.402113] logsd invoked oom-killer: gfp_mask=0x140cca(GFP_HIGHUSER_MOVABLE|__GFP_COMP), order=0, oom_score_adj=0
 *   [ 8312.402233] [  pid  ]   uid  tgid total_vm      rss pgtables_bytes swapents oom_score_adj name
 *   [ 8312.402245] [      5]     0     5   422358   263660  2265088        0             0 fwlog
 *   [ 8312.402254] oom-kill:constraint=CONSTRAINT_NONE,nodemask=(null),cpuset=/,mems_allowed=0,global_oom,task_memcg=/system.slice/fwlog.service,task=fwlog,pid=5,uid=0
 *   [ 8312.402257] Out of memory: Killed process 5 (fwlog) total-vm:1689432kB, anon-rss:1051184kB, file-rss:3456kB, shmem-rss:0kB, UID:0 pgtables:2212kB oom_score_adj:0
 *
 * Old kernels: `[ pid ] ... rss nr_ptes swapents ...` tables (2.6.32: `[ pid ]   uid  tgid
 * total_vm      rss cpu oom_adj name`). The victim lines, as mm/oom_kill.c's format strings print them:
 *
 *   2.6.32 (__oom_kill_task)  "Killed process %d (%s) vsz:%lukB, anon-rss:%lukB, file-rss:%lukB\n"
 *   2.6.35 to 4.4             "Killed process %d (%s) total-vm:%lukB, anon-rss:%lukB, file-rss:%lukB\n"
 *   vendor 2.6.32/3.10 trees  "Killed process %d, UID %d, (%s) total-vm:%lukB, anon-rss:%lukB, file-rss:%lukB\n"
 *   4.5 to 5.0                "… file-rss:%lukB, shmem-rss:%lukB\n"
 *   5.1+                      "%s: Killed process %d (%s) total-vm:… shmem-rss:%lukB, UID:%u pgtables:%lukB oom_score_adj:%hd\n"
 *
 * 6.x splits the table's rss into rss_anon, rss_file, rss_shmem. Table columns are read from the header.
 * RHEL 6's /var/log/dmesg and kernels built without CONFIG_PRINTK_TIME print no timestamps at all:
 *
 *   bnx2 0000:0b:00.0: irq 86 for MSI/MSI-X
 *   scsi4 : hpsa
 *   hpsa 0000:02:00.0: RAID              device c4b3t0l0 added.
 * Table memory is in pages: KiB assume 4 KiB pages (x86, most arm64 builds; not 16/64 KiB kernels).
 * Other kernel lines are not OOM reports and are skipped without a word.
 */

import type { OomReport, OomTask, OomVictim } from '../../schemas/sources.ts'
import { Dmesg } from '../../schemas/sources.ts'
import type { Warning } from '../../schemas/warning.ts'
import { defineSource } from '../bundle/source.ts'
import { excerpt, readInt, splitLines, warningList } from './common.ts'

type Warn = ReturnType<typeof warningList>['warn']

/** printk caps a record near 1 KiB: longer lines are not the kernel's. */
const MAX_LINE = 4096
const PAGE_KIB = 4
const SYSLOG = [
  /^([A-Z][a-z]{2}\s+\d{1,2}\s+\d\d:\d\d:\d\d)\s+\S+\s+kernel:\s?/, // syslog, kern.log, journalctl -k
  /^(\d{4}-\d\d-\d\d[T ]\d\d:\d\d:\d\d\S*)\s+\S+\s+kernel:\s?/, // journalctl -o short-iso, rsyslog ISO
]
/** `[ 8312.402113]` (uptime) or `[Thu Nov 27 10:02:17 2026]` (dmesg -T); not `[  512]`, a table row. */
const STAMP = /^\[\s*(\d+\.\d+)\]\s?|^\[([^\]]{0,40}\d\d:\d\d:\d\d[^\]]{0,20})\]\s?/
const INVOKED = /^(.+?) invoked oom-killer: (.*)$/
const HEADER = /^\[\s*pid\s*\]\s+(.*\bname)\s*$/
const ROW = /^\[\s*(\d+)\]\s+(.*)$/
const KILLED = /^(?:(.{1,80}?): )?Killed process (\d+)(?:, UID (\d+),)? \((.*)\)(.*)$/
const OOM_HINT = /oom|Killed process|Out of memory/i

/**
 * What only kernel messages say, for logs without timestamps: a PCI address, a SCSI address, the
 * boot banner, or a subsystem's prefix.
 */
const KERNEL_MARK =
  /\b[0-9a-f]{4}:[0-9a-f]{2}:[0-9a-f]{2}\.\d\b|^scsi\d*[ :]|^scsi \d+:\d+:\d+:\d+|^Linux version \d|^(Kernel )?[Cc]ommand line:|BIOS-e820|^(ACPI|PCI|pci|usb|ata\d+|sd \d|EXT[234]-fs|XFS|NET|TCP|IPv6|SELinux|audit|Freeing|Initializing cgroup|Memory|CPU\d*|e1000e?|bnx2x?|ixgbe|igb|virtio\w*|bonding|device-mapper|md|raid\d+)[:( ]/

export function looksLikeDmesg(text: string): boolean {
  const head = text.slice(0, 16384)
  if (/invoked oom-killer|Killed process \d+[ ,]|oom-kill:constraint=/.test(head)) return true
  const lines = splitLines(head)
    .filter((line) => line.trim())
    .slice(0, 40)
  const kernel = lines.filter((line) => /^(<\d>)?\[\s*\d+\.\d+\]/.test(line) || SYSLOG[0]!.test(line)).length
  if (lines.length > 0 && kernel >= lines.length * 0.6) return true
  const marked = lines.filter((line) => KERNEL_MARK.test(line.trim())).length
  return lines.length >= 5 && marked >= lines.length * 0.3
}

export function parseDmesg(text: string, file?: string): { data: Dmesg; warnings: Warning[] } {
  const { warnings, warn } = warningList(file)
  const reports: OomReport[] = []
  let current: OomReport | null = null
  let columns: string[] | null = null // of the task table being read
  const open = (): OomReport => {
    current = { invocation: null, constraint: null, taskMemcg: null, tasks: [], victim: null }
    reports.push(current)
    columns = null
    return current
  }
  // A report that already has its victim is over: what follows belongs to the next one.
  const ongoing = (): OomReport => (current && !current.victim ? current : open())
  splitLines(text).forEach((raw, i) => {
    const n = i + 1
    if (raw.length > MAX_LINE) {
      if (OOM_HINT.test(raw.slice(0, MAX_LINE))) warn('dmesg_line_too_long', `a ${raw.length}-character line: skipped`, n)
      return
    }
    const { time, message } = strip(raw)
    let m: RegExpExecArray | null
    if ((m = INVOKED.exec(message))) {
      open().invocation = readInvocation(m, n, time)
    } else if ((m = HEADER.exec(message))) {
      // The table of the report being read, unless that one has a table or a victim already.
      if (!current || current.tasks.length > 0 || current.victim) open()
      columns = m[1]!.split(/\s+/)
      if (!columns.includes('total_vm') || !columns.includes('rss') || columns.at(-1) !== 'name') {
        warn('dmesg_unknown_task_header', `a task table header not understood: ${excerpt(message)}`, n)
        columns = null
      }
    } else if (columns && current && (m = ROW.exec(message))) {
      const task = readTask(m, columns, n, warn)
      if (task) current.tasks.push(task)
    } else if (message.startsWith('oom-kill:')) {
      const report = ongoing()
      const fields = new Map(
        message
          .slice(9)
          .split(',')
          .map((kv) => [kv.split('=')[0]!, kv.slice(kv.indexOf('=') + 1)]),
      )
      report.constraint = fields.get('constraint') ?? null
      report.taskMemcg = fields.get('task_memcg') ?? null
    } else if ((m = KILLED.exec(message))) {
      const report = ongoing()
      const victim = readVictim(m, n, time, report, warn)
      if (victim) report.victim = victim
      columns = null
    }
  })
  return { data: { reports }, warnings }
}

/** The syslog prefix, a `<6>` level, the printk time: off; the first time found is kept. */
function strip(raw: string): { time: string | null; message: string } {
  let rest = raw.trimEnd()
  let time: string | null = null
  for (const re of SYSLOG) {
    const m = re.exec(rest)
    if (m) {
      time = m[1]!
      rest = rest.slice(m[0].length)
      break
    }
  }
  rest = rest.replace(/^<\d>/, '')
  const stamp = STAMP.exec(rest)
  if (stamp) {
    time ??= (stamp[1] ?? stamp[2])!.trim()
    rest = rest.slice(stamp[0].length)
  }
  return { time, message: rest.trim() }
}

function readInvocation(m: RegExpExecArray, n: number, time: string | null): OomReport['invocation'] {
  const args = m[2]!
  const int = (re: RegExp) => {
    const v = re.exec(args)
    const parsed = v ? readInt(v[1]!) : null
    return typeof parsed === 'number' ? parsed : null
  }
  return {
    line: n,
    time,
    process: m[1]!,
    gfpMask: /gfp_mask=([^,\s]+)/.exec(args)?.[1] ?? null,
    order: int(/\border=(-?\d+)/),
    oomScoreAdj: int(/\boom_score_adj=(-?\d+)/),
  }
}

function readTask(m: RegExpExecArray, columns: string[], n: number, warn: Warn): OomTask | null {
  const pid = readInt(m[1]!)
  const values = new Map<string, number>()
  let rest = m[2]!
  for (const column of columns.slice(0, -1)) {
    const token = /^\s*(-?\d+)(?=\s)/.exec(rest)
    const value = token ? readInt(token[1]!) : 'nan'
    if (typeof value !== 'number' || typeof pid !== 'number') {
      const range = value === 'range' || pid === 'range'
      warn(range ? 'dmesg_value_out_of_range' : 'dmesg_bad_task_row', `a task table row not read: ${excerpt(m[0])}`, n)
      return null
    }
    values.set(column, value)
    rest = rest.slice(token![0].length)
  }
  const name = rest.trim()
  const totalVmPages = values.get('total_vm')!
  const rssPages = values.get('rss')!
  const totalVmKib = totalVmPages * PAGE_KIB
  if (!name || !Number.isSafeInteger(totalVmKib) || !Number.isSafeInteger(rssPages * PAGE_KIB) || totalVmPages < 0 || rssPages < 0) {
    warn('dmesg_bad_task_row', `a task table row not read: ${excerpt(m[0])}`, n)
    return null
  }
  const get = (...keys: string[]) => keys.map((key) => values.get(key)).find((v) => v !== undefined) ?? null
  return {
    line: n,
    pid: pid as number,
    uid: get('uid'),
    tgid: get('tgid'),
    totalVmPages,
    rssPages,
    totalVmKib,
    rssKib: rssPages * PAGE_KIB,
    rssAnonPages: get('rss_anon'),
    rssFilePages: get('rss_file'),
    rssShmemPages: get('rss_shmem'),
    pgtablesBytes: get('pgtables_bytes'),
    nrPtes: get('nr_ptes', 'nr_pgtables'),
    swapents: get('swapents'),
    oomScoreAdj: get('oom_score_adj'),
    name,
  }
}

function readVictim(m: RegExpExecArray, n: number, time: string | null, report: OomReport, warn: Warn): OomVictim | null {
  const fields = new Map<string, number | 'nan' | 'range'>()
  // `total-vm:123kB` (2.6.32: `vsz:`), `UID:0` (5.x+), `Killed process N, UID U, (name)` (vendor trees).
  if (m[3] !== undefined) fields.set('UID', readInt(m[3]))
  for (const f of m[5]!.matchAll(/\b(total-vm|vsz|anon-rss|file-rss|shmem-rss|pgtables|oom_score_adj|UID)[: ](-?\d+)/g)) {
    fields.set(f[1] === 'vsz' ? 'total-vm' : f[1]!, readInt(f[2]!))
  }
  const pid = readInt(m[2]!)
  const all = [pid, ...fields.values()]
  if (all.includes('range')) {
    warn('dmesg_value_out_of_range', `an OOM victim with a number out of range: ${excerpt(m[0])}`, n)
    return null
  }
  const get = (key: string) => {
    const v = fields.get(key)
    return typeof v === 'number' ? v : null
  }
  const totalVmKib = get('total-vm')
  const anonRssKib = get('anon-rss')
  const fileRssKib = get('file-rss')
  if (typeof pid !== 'number' || totalVmKib === null || anonRssKib === null || fileRssKib === null) {
    warn('dmesg_bad_oom_line', `an OOM victim line not understood: ${excerpt(m[0])}`, n)
    return null
  }
  const uid = get('UID')
  const pgtablesKib = get('pgtables')
  const oomScoreAdj = get('oom_score_adj')
  const message = m[1] ?? ''
  return {
    line: n,
    time,
    format: pgtablesKib !== null || oomScoreAdj !== null || (uid !== null && m[3] === undefined) ? 'new' : 'old',
    cgroup: /cgroup/i.test(message) || report.constraint === 'CONSTRAINT_MEMCG',
    pid,
    name: m[4]!,
    totalVmKib,
    anonRssKib,
    fileRssKib,
    shmemRssKib: get('shmem-rss'),
    uid,
    pgtablesKib,
    oomScoreAdj,
  }
}

/** This source, as the bundle reader's list (src/bundle/sources.ts) takes it. */
export const dmesgSource = defineSource({
  kind: 'dmesg',
  order: 'loose: an OOM report anywhere in the head makes a kernel log; before ps and application logs',
  loose: true,
  detect: looksLikeDmesg,
  parse: parseDmesg,
  schema: Dmesg,
  field: 'oom',
  // The latest reports, each with its largest tasks: what the oom-kill rule cites.
  keep: (data, file) => ({ reports: data.reports.slice(-MAX_REPORTS_KEPT).map((r) => ({ ...r, tasks: largestTasks(r.tasks) })), file }),
})

const MAX_REPORTS_KEPT = 64
const MAX_TASKS_KEPT = 32

/** The largest tasks by RSS, in the table's order. */
function largestTasks(tasks: OomTask[]): OomTask[] {
  if (tasks.length <= MAX_TASKS_KEPT) return tasks
  const floor = [...tasks].sort((a, b) => b.rssKib - a.rssKib)[MAX_TASKS_KEPT - 1]!.rssKib
  return tasks.filter((t) => t.rssKib >= floor).slice(0, MAX_TASKS_KEPT)
}
