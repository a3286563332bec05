import { execFileSync } from 'node:child_process'
import { closeSync, mkdtempSync, openSync, readdirSync, readSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { FileKind } from '../../schemas/bundle.ts'
import { classify, isTextSample } from '../../src/bundle/classify.ts'

// Every file of the real bundles, by content, with the kind a person would give it.

const FIXTURES = fileURLToPath(new URL('../fixtures/', import.meta.url))
const SAMPLES = fileURLToPath(new URL('../fixtures/samples/', import.meta.url))
const HEAD = 4096 // what the bundle reader hands over

/** classify() as the bundle reader calls it: the first 4 KiB, decoded, and whether it is text. */
function kindOf(root: string, path: string, asPath = path): FileKind {
  const fd = openSync(join(root, path), 'r')
  const buffer = Buffer.alloc(HEAD)
  const n = readSync(fd, buffer, 0, HEAD, 0)
  closeSync(fd)
  const head = new Uint8Array(buffer.subarray(0, n))
  return classify(asPath, new TextDecoder().decode(head), isTextSample(head))
}

function files(root: string): string[] {
  return readdirSync(root)
    .flatMap((name) => (statSync(join(root, name)).isDirectory() ? files(join(root, name)).map((f) => `${name}/${f}`) : [name]))
    .sort()
}

const KAFKA_COMMON: Record<string, FileKind> = {
  'config/auditd.properties': 'kafka-config',
  'config/fwlog.properties': 'kafka-config',
  'config/logsd.properties': 'kafka-config',
  'kafka-stats/auditd.json': 'kafka-stats',
  'kafka-stats/fwlog.json': 'kafka-stats',
  'kafka-stats/logsd.json': 'kafka-stats',
  'logs/auditd.log': 'log',
  'logs/fwlog.log': 'log',
  'logs/logsd.log': 'log',
  'manifest.json': 'manifest',
  'pmap/3.txt': 'pmap',
  'pmap/5.txt': 'pmap',
  'pmap/6.txt': 'pmap',
  'pmap/7.txt': 'pmap',
  'proc/3/maps': 'maps',
  'proc/3/smaps_rollup': 'smaps_rollup',
  'proc/3/status': 'status',
  'proc/5/maps': 'maps',
  'proc/5/smaps_rollup': 'smaps_rollup',
  'proc/5/status': 'status',
  'proc/6/maps': 'maps',
  'proc/6/smaps_rollup': 'smaps_rollup',
  'proc/6/status': 'status',
  'proc/7/maps': 'maps',
  'proc/7/smaps_rollup': 'smaps_rollup',
  'proc/7/status': 'status',
  'proc/buddyinfo': 'unknown', // no kind for it: the analysis does not read it
  'proc/meminfo': 'meminfo',
  'proc/slabinfo': 'slabinfo',
  'proc/vmstat': 'vmstat',
  'ps-aux.txt': 'ps',
  'ps.txt': 'ps',
}
const KAFKA: Record<string, Record<string, FileKind>> = {
  suspect: {
    ...KAFKA_COMMON,
    'dumps/5-7f2250000000-7f2254000000.bin': 'dump',
    'dumps/5-7f2250000000.hexdump.txt': 'dump',
    'dumps/5-7f2268720000-7f2268a86000.bin': 'dump',
    'dumps/5-7f2268720000.hexdump.txt': 'dump',
  },
  baseline: {
    ...KAFKA_COMMON,
    'dumps/5-7f49e8000000-7f49e82cb000.bin': 'dump',
    'dumps/5-7f49e8000000.hexdump.txt': 'dump',
    'dumps/5-7f4a01e04000-7f4a0216a000.bin': 'dump',
    'dumps/5-7f4a01e04000.hexdump.txt': 'dump',
  },
}
const SEED: Record<string, Record<string, FileKind>> = {
  'sta-18': {
    'dumps/fwlog-7f21b8000000-7f21bbfff000.strings.txt': 'dump',
    'manifest.json': 'manifest',
    'meminfo.txt': 'meminfo',
    'pmap/fwlog.txt': 'pmap',
    'rss.txt': 'ps',
  },
  'sta-49': { 'manifest.json': 'manifest', 'meminfo.txt': 'meminfo', 'pmap/fwlog.txt': 'pmap', 'rss.txt': 'ps' },
}
const SAMPLE_KINDS: Record<string, FileKind> = {
  'busybox-pmap-x-sleep.txt': 'pmap',
  'busybox-pmap-x.txt': 'pmap',
  'procps-pmap-x.txt': 'pmap',
  'busybox-ps-o-rss.txt': 'ps',
  'busybox-ps-o.txt': 'ps',
  'busybox-ps.txt': 'ps',
  'ps-auxwww.txt': 'ps',
  'ps-eo.txt': 'ps',
  'ps-eo-kthreads.txt': 'ps',
  'ps-aux-kthreads.txt': 'ps',
  'kafka-suspect-ps-aux.txt': 'ps',
  'kafka-suspect-ps.txt': 'ps',
  'sta-18-rss.txt': 'ps',
  'sta-49-rss.txt': 'ps',
  'kafka-suspect-pmap-5.txt': 'pmap',
  'sta-18-pmap-fwlog.txt': 'pmap',
  'sta-49-pmap-fwlog.txt': 'pmap',
  'kafka-suspect-meminfo.txt': 'meminfo',
  'sta-18-meminfo.txt': 'meminfo',
  'sta-49-meminfo.txt': 'meminfo',
  'kafka-suspect-smaps_rollup-5.txt': 'smaps_rollup',
  'smaps_rollup.txt': 'smaps_rollup',
  'smaps.txt': 'smaps',
  'kafka-suspect-status-5.txt': 'status',
  'status.txt': 'status',
  'maps.txt': 'maps',
  'kafka-suspect-manifest.json': 'manifest',
  'sta-18-manifest.json': 'manifest',
  'vmstat-cmd.txt': 'unknown', // the vmstat command's table: nothing the analysis reads (/proc/vmstat is)
  'dmesg-boot.txt': 'dmesg',
  'smem.txt': 'ps',
}

describe('classify: the kafka bundles, every file', () => {
  const dirs: Record<string, string> = {}
  beforeAll(() => {
    for (const side of Object.keys(KAFKA)) {
      dirs[side] = mkdtempSync(join(tmpdir(), `memgap-classify-${side}-`))
      execFileSync('tar', ['xzf', join(FIXTURES, 'kafka', `${side}.tar.gz`), '-C', dirs[side]!])
    }
  })
  afterAll(() => {
    for (const dir of Object.values(dirs)) rmSync(dir, { recursive: true, force: true })
  })

  it.each(Object.keys(KAFKA))('%s', (side) => {
    const root = dirs[side]!
    expect(files(root)).toEqual(Object.keys(KAFKA[side]!).sort())
    const kinds = Object.fromEntries(files(root).map((path) => [path, kindOf(root, path)]))
    expect(kinds).toEqual(KAFKA[side])
  })

  it.each(Object.keys(KAFKA))('%s, by content alone (paths say nothing)', (side) => {
    const root = dirs[side]!
    for (const [path, kind] of Object.entries(KAFKA[side]!)) expect(kindOf(root, path, 'upload/file'), path).toBe(kind)
  })
})

describe('classify: the seed bundles, every file', () => {
  const dirs: Record<string, string> = {}
  beforeAll(() => {
    for (const host of Object.keys(SEED)) {
      dirs[host] = mkdtempSync(join(tmpdir(), `memgap-classify-${host}-`))
      execFileSync('tar', ['xzf', join(FIXTURES, 'seed', `${host}.tar.gz`), '-C', dirs[host]!])
    }
  })
  afterAll(() => {
    for (const dir of Object.values(dirs)) rmSync(dir, { recursive: true, force: true })
  })

  it.each(Object.keys(SEED))('%s', (host) => {
    const root = dirs[host]!
    expect(files(root)).toEqual(Object.keys(SEED[host]!).sort())
    expect(Object.fromEntries(files(root).map((path) => [path, kindOf(root, path)]))).toEqual(SEED[host])
  })
})

describe('classify: the samples of this repository (busybox and procps captures)', () => {
  // Only these files: others in the folder belong to other tests.
  it.each(Object.entries(SAMPLE_KINDS))('%s is %s', (path, kind) => {
    expect(kindOf(SAMPLES, path)).toBe(kind)
  })
})

describe('classify: content decides, the path hints', () => {
  const text = (path: string, head: string) => classify(path, head, true)

  it('calls junk unknown', () => {
    expect(text('x.txt', '')).toBe('unknown')
    expect(text('x.txt', 'hello world\nthis is a note\n')).toBe('unknown')
    expect(text('x.txt', '\u0000\u0001\u0002')).toBe('unknown')
    expect(text('x.txt', 'a=b\nc=d\n')).toBe('unknown') // properties, but no librdkafka key
    expect(text('x.json', '{"a": 1}')).toBe('unknown')
  })

  it('binary: a dump, unless it is an archive or an image outside dumps/', () => {
    expect(classify('upload/file', 'abc\ufffd\u0000\u0000', false)).toBe('dump')
    expect(classify('logs.tar.gz', '\u001f\ufffd\b\u0000', false)).toBe('unknown')
    expect(classify('dumps/5-7f00-7f10.bin', '\u001f\ufffd\b\u0000', false)).toBe('dump')
  })

  it('strings text is a dump only where the path says so', () => {
    const strings = '{ "SessionID": "CJS9z5TaHlv9cs5EGY4", "LogType": "netflow" }.....E.....!.....\n'
    expect(text('dumps/fwlog-7f21b8000000-7f21bbfff000.strings.txt', strings)).toBe('dump')
    expect(text('notes.txt', strings)).toBe('unknown')
  })

  it('xxd text is a dump wherever it is', () => {
    const xxd =
      '00000000: 3000 0050 227f 0000 0000 0000 0000 0000  0..P"...........\n00000010: 0000 0004 0000 0000 0000 0004 0000 0000  ................\n'
    expect(text('upload/file', xxd)).toBe('dump')
  })

  it('a manifest.json is a manifest; librdkafka statistics are not', () => {
    expect(text('b/manifest.json', '{"notes": "x"}')).toBe('manifest')
    expect(text('b/manifest.json', '{ "name": "fwlog#producer-1", "msg_cnt":100000, "msg_max":100000')).toBe('manifest')
    expect(text('stats.json', '{ "name": "fwlog#producer-1", "msg_cnt":100000, "msg_max":100000')).toBe('kafka-stats')
  })

  it('kernel logs: OOM reports in dmesg and in syslog form', () => {
    // Lines in the kernel's format (mm/oom_kill.c), values made up.
    const dmesg =
      '[12345.678901] fwlog invoked oom-killer: gfp_mask=0x140cca(GFP_HIGHUSER_MOVABLE|__GFP_COMP), order=0, oom_score_adj=0\n' +
      '[12345.679002] Out of memory: Killed process 5 (fwlog) total-vm:389592kB, anon-rss:137440kB, file-rss:9684kB, shmem-rss:0kB\n'
    expect(text('dmesg.txt', dmesg)).toBe('dmesg')
    const syslog =
      'Jun  4 17:19:10 box kernel: fwlog invoked oom-killer: gfp_mask=0x201da, order=0, oom_score_adj=0\n' +
      'Jun  4 17:19:10 box kernel: Killed process 5 (fwlog) total-vm:389592kB, anon-rss:137440kB, file-rss:0kB\n'
    expect(text('messages', syslog)).toBe('dmesg')
  })

  it('librdkafka errors in any log make a log', () => {
    const line =
      '%3|1598602998.617|FAIL|rdkafka#producer-1| [thrd:10.0.0.5:9092/bootstrap]: 10.0.0.5:9092/bootstrap: Connect to ipv4#10.0.0.5:9092 failed: Connection refused\n'
    expect(text('app.out', line)).toBe('log')
    expect(text('app.out', 'something went wrong: Message timed out\n')).toBe('log')
  })

  it('/proc/vmstat is vmstat, not ps pairs; slabinfo by its header', () => {
    expect(text('vm', 'nr_free_pages 982239\nnr_zone_inactive_anon 425906\npgfault 100\n')).toBe('vmstat')
    expect(text('s', 'slabinfo - version: 2.1\n# name <active_objs>\n')).toBe('slabinfo')
  })

  it('prompt lines pasted before /proc files do not hide them', () => {
    expect(text('x', '[root@box ~]# cat /proc/slabinfo\nslabinfo - version: 2.1\n')).toBe('slabinfo')
    expect(
      text('x', '$ ps aux\nUSER PID %CPU %MEM VSZ RSS TTY STAT START TIME COMMAND\nroot 1 0.0 0.0 4492 3164 ? S 09:51 0:00 /bin/bash\n'),
    ).toBe('ps')
  })
})
