import type { FileKind } from '../../schemas/bundle.ts'
import { isPromptLine, splitLines } from '../parsers/common.ts'
import { looksLikeManifest } from '../parsers/manifest.ts'
import { looksLikeMeminfo } from '../parsers/meminfo.ts'
import { looksLikePmap } from '../parsers/pmap.ts'
import { looksLikePs } from '../parsers/ps.ts'
import { looksLikeSmapsRollup, RANGE_LINE } from '../parsers/smaps-rollup.ts'
import { looksLikeStatus } from '../parsers/status.ts'

// What a file of a bundle is, by its content: `head` is its first few KiB decoded as text.
// The path only hints (a dumps/ folder, a .bin name, manifest.json): bundles come from
// collectors, sosreports and hand pastes, and names cannot be trusted to follow one layout.

/**
 * The tests run in this order, and the order matters:
 * 1. binary and hexdump text first: a dump's bytes or its ASCII column may hold anything.
 * 2. files whose first lines are a fixed structure: slabinfo, then smaps_rollup before smaps
 *    (a rollup is a one-block smaps marked `[rollup]`), smaps before maps (each smaps block
 *    opens with a maps line), status and smaps before meminfo (all are `Key: N kB` lists and
 *    share names like AnonHugePages), vmstat before ps (`nr_free_pages 123` has the shape of a
 *    `command rss` pair), pmap before ps (both are tables).
 * 3. a dump named so (`dumps/`, `.strings.txt`): `strings` of a heap holds log lines and JSON.
 * 4. looser kinds last: JSON, properties, kernel log, ps pairs, application logs.
 */
export function classify(path: string, head: string, isText: boolean): FileKind {
  if (!isText) return isContainer(head) && !pathSaysDump(path) ? 'unknown' : 'dump'
  if (basename(path) === 'manifest.json' && head.trimStart().startsWith('{')) return 'manifest'
  const lines = meaningful(head)
  if (lines.length === 0) return 'unknown'
  if (isHexdump(lines)) return 'dump'
  const structured = structuredKind(head, lines)
  if (structured) return structured
  if (pathSaysDump(path)) return 'dump'
  return looseKind(head, lines)
}

function structuredKind(head: string, lines: string[]): FileKind | null {
  if (/^slabinfo - version: \d/.test(lines[0]!) || /Active \/ Total Objects/.test(lines[0]!)) return 'slabinfo'
  if (looksLikeSmapsRollup(head)) return 'smaps_rollup'
  if (isSmaps(lines)) return 'smaps'
  if (share(lines, (line) => RANGE_LINE.test(line)) >= 0.8) return 'maps'
  if (looksLikeStatus(head)) return 'status'
  if (looksLikeMeminfo(head)) return 'meminfo'
  if (isVmstat(lines)) return 'vmstat'
  if (looksLikePmap(head)) return 'pmap'
  if (looksLikePs(head) && !isPairsOnly(lines)) return 'ps'
  return null
}

function looseKind(head: string, lines: string[]): FileKind {
  if (isKafkaStats(head)) return 'kafka-stats'
  if (looksLikeManifest(head)) return 'manifest'
  if (isKafkaConfig(lines)) return 'kafka-config'
  if (isDmesg(head, lines)) return 'dmesg'
  if (looksLikePs(head)) return 'ps' // `command rss` pairs: loose, so after the kernel log
  if (isLog(head, lines)) return 'log'
  return 'unknown'
}

/** Non-blank lines, pasted prompts left out. A head of some KiB may end inside a line: that line is dropped. */
function meaningful(head: string): string[] {
  const lines = splitLines(head)
  if (head.length >= 1024 && lines.length > 1 && !/[\r\n]$/.test(head)) lines.pop()
  return lines.filter((line) => line.trim() && !isPromptLine(line)).slice(0, 40)
}

function share(lines: string[], test: (line: string) => boolean): number {
  return lines.length === 0 ? 0 : lines.filter(test).length / lines.length
}

function basename(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1)
}

/** `dumps/...`, `.bin`, `.core`, `.strings.txt`, or `<pid or name>-<start>-<end>.*` as gdb dumps are named. */
function pathSaysDump(path: string): boolean {
  const name = basename(path).toLowerCase()
  return (
    /(^|\/)dumps?\//i.test(path) ||
    /\.(bin|core|dump|dmp|raw|strings|strings\.txt|hexdump|hexdump\.txt|xxd)$/.test(name) ||
    /^[\w.]+-[0-9a-f]{6,16}-[0-9a-f]{6,16}\./.test(name)
  )
}

/** Archives and images are binary but not memory: gzip, zip, xz, bzip2, PNG, PDF. */
function isContainer(head: string): boolean {
  return /^(\x1f(\x8b|\ufffd)|PK\x03\x04|\ufffd7zXZ|BZh\d|\ufffdPNG|%PDF-)/.test(head)
}

/** `hexdump -C` (`00000000  30 00 ...  |0..P|`) or `xxd` (`00000000: 3000 0050 ...`) lines, `*` for repeats. */
function isHexdump(lines: string[]): boolean {
  const hex = (line: string) =>
    /^[0-9a-f]{7,16} {1,2}(?:[0-9a-f]{2} {1,2}){2,}/i.test(line) ||
    /^[0-9a-f]{7,16}: (?:[0-9a-f]{4} ?){2,}/i.test(line) ||
    line === '*'
  return share(lines, hex) >= 0.6
}

/** A maps line, then `Size:` fields: each mapping's block. */
function isSmaps(lines: string[]): boolean {
  return RANGE_LINE.test(lines[0]!) && lines.slice(1, 4).some((line) => /^Size:\s+\d+ kB$/.test(line.trim()))
}

/** /proc/vmstat (`nr_free_pages 982239`), or the vmstat command's header. */
function isVmstat(lines: string[]): boolean {
  if (lines.slice(0, 3).some((line) => /^procs\s+-+memory/.test(line) || /^\s*r\s+b\s+swpd\s+free/.test(line))) return true
  if (lines.some((line) => /^\s*\d+ K total memory$/.test(line))) return true // vmstat -s
  const counters = share(lines, (line) => /^[a-z][a-z0-9_]*\s+-?\d+$/.test(line.trim()))
  return counters >= 0.8 && lines.some((line) => /^(nr_free_pages|pgpgin|pgfault|nr_dirty|pswpin|nr_inactive_anon) /.test(line))
}

/** ps pairs are loose: a file of `word number` lines waits until the stronger loose kinds are tried. */
function isPairsOnly(lines: string[]): boolean {
  return share(lines, (line) => /^\S+\s+\d+$/.test(line.trim())) >= 0.8
}

function isKafkaStats(head: string): boolean {
  const text = head.trimStart()
  return text.startsWith('{') && /"msg_cnt"\s*:/.test(text) && /"(msg_max|msg_size_max|brokers|txmsgs)"\s*:/.test(text)
}

/** librdkafka keys: bootstrap.servers and the producer queue settings are what the analysis reads. */
const KAFKA_KEY =
  /^(bootstrap\.servers|metadata\.broker\.list|queue\.buffering\.[\w.]+|linger\.ms|batch\.num\.messages|batch\.size|message\.timeout\.ms|delivery\.timeout\.ms|statistics\.interval\.ms|compression\.(codec|type)|request\.required\.acks|message\.send\.max\.retries|client\.id|enable\.idempotence|security\.protocol|topic\.metadata\.[\w.]+)$/

function isKafkaConfig(lines: string[]): boolean {
  const settings = lines.filter((line) => !/^\s*[#!;]/.test(line))
  const pairs = settings.map((line) => /^\s*([\w.-]+)\s*[=:]/.exec(line)?.[1] ?? null)
  const known = pairs.some((key) => key !== null && KAFKA_KEY.test(key))
  return known && pairs.filter(Boolean).length >= settings.length * 0.8
}

const OOM = /invoked oom-killer|Out of memory: Kill(ed)? process|oom-kill:constraint=|Memory cgroup out of memory|oom_reaper: reaped process/

/** `[  123.456] ...` (dmesg), `<6>[...]` (kmsg), `... kernel: ...` (syslog, journalctl -k), or OOM reports. */
function isDmesg(head: string, lines: string[]): boolean {
  const kernel = share(lines, (line) => /^(<\d+>)?\[\s*\d+\.\d+\]/.test(line) || /^\w{3} [ \d]\d \d\d:\d\d:\d\d \S+ kernel: /.test(line))
  return kernel >= 0.6 || (OOM.test(head) && share(lines, (line) => / kernel: |^\[\s*\d+\.\d+\]/.test(line)) >= 0.3)
}

const KAFKA_ERROR = /Connection refused|brokers are down|all brokers down|_ALL_BROKERS_DOWN|Queue full|QUEUE_FULL|Message timed out|_MSG_TIMED_OUT|rdkafka/i
/** A timestamp or a level word at the start: ISO, syslog, `[date]`, epoch, librdkafka's `%7|1598...|`. */
const LOG_LINE =
  /^(\[?\d{4}-\d\d-\d\d[ T]\d\d:\d\d|\w{3} [ \d]\d \d\d:\d\d:\d\d|\[?\d{10}(\.\d+)?\]?\s|%\d\|\d+\.\d+\||\[?(TRACE|DEBUG|INFO|NOTICE|WARN|WARNING|ERROR|ERR|FATAL|CRIT)\b)/

function isLog(head: string, lines: string[]): boolean {
  return KAFKA_ERROR.test(head) || share(lines, (line) => LOG_LINE.test(line)) >= 0.5
}

/** Text is what has no NUL byte and few control characters (the same test as the bundle reader's). */
export function isTextSample(bytes: Uint8Array): boolean {
  if (bytes.includes(0)) return false
  let control = 0
  for (const byte of bytes) if (byte < 9 || (byte > 13 && byte < 32) || byte === 127) control++
  return control <= bytes.byteLength / 100
}
