import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { createServer, type Server } from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Manifest } from '../../schemas/parsers.ts'
import { type Collected, contents, has, inNamespace, listing, member, requirePrerequisites, SCRIPT } from '../helpers/collector.ts'

// What the collector chooses and what it leaves on the box. Four processes in a PID namespace:
// `client.py` holds the most anonymous memory (records in its heap), a thread named like a
// librdkafka broker thread, a log, a config and a statistics file in its folder, and secrets on
// its command line; `mapper.py` has the largest RSS (a file it maps and reads), `reserver.py` the
// largest VSZ (2 GiB reserved, untouched), `sleepy.py` little of anything. Every secret planted
// contains "hunter2": none may reach a text file of a bundle.

const PYTHON = '/usr/bin/python3' // Debian's: the tests need no Python package

const CLIENT = `
import ctypes, sys, threading, time
def broker():
    ctypes.CDLL(None).prctl(15, b'rdk:broker0', 0, 0, 0)  # PR_SET_NAME: this thread's comm
    time.sleep(3600)
threading.Thread(target=broker, daemon=True).start()
log = open('client.log', 'a')
log.write('2026-12-04T10:00:00Z ERROR connect redis://app:hunter2-url@127.0.0.1:6379 failed: Connection refused\\n')
log.write('2026-12-04T10:00:01Z INFO retrying with password=hunter2-log\\n')
log.flush()
heap = [('{"LogType":"waf","n":%d,"pad":"%s"}' % (i, 'x' * 300)).encode() for i in range(80000)]
time.sleep(0.5)
open(sys.argv[1], 'w').write('ready')
time.sleep(3600)
`
const MAPPER = `
import mmap, sys, time
f = open(sys.argv[2], 'rb')
m = mmap.mmap(f.fileno(), 0, prot=mmap.PROT_READ)
total = sum(m[k] for k in range(0, len(m), 4096))  # every page read: resident, file-backed
open(sys.argv[1], 'w').write('ready')
time.sleep(3600)
`
const RESERVER = `
import mmap, sys, time
m = mmap.mmap(-1, 2 << 30)  # reserved, never touched: VSZ, no RSS
open(sys.argv[1], 'w').write('ready')
time.sleep(3600)
`
const SLEEPY = `
import sys, time
hold = bytearray(4 << 20)
open(sys.argv[1], 'w').write('ready')
time.sleep(3600)
`

// Start the four in $WORK/app, wait for them, run "$@" with --pid of the mapper when asked.
const NAMESPACE_SCRIPT = `
cd "$WORK/app"
"$PY" "$WORK/client.py" "$READY.c" --db-password hunter2-opt --password=hunter2-eq --api-token hunter2-tok \
  --url redis://app:hunter2-cred@127.0.0.1:6379 -H "Authorization: Bearer hunter2-auth" &
"$PY" "$WORK/mapper.py" "$READY.m" "$WORK/mapped.bin" & mapper=$!
"$PY" "$WORK/reserver.py" "$READY.r" &
"$PY" "$WORK/sleepy.py" "$READY.s" &
i=0
while [ $i -lt 400 ]; do
  [ -e "$READY.c" ] && [ -e "$READY.m" ] && [ -e "$READY.r" ] && [ -e "$READY.s" ] && break
  sleep 0.05; i=$((i + 1))
done
if [ -n "$PID_OF_MAPPER" ]; then "$@" --pid "$mapper"; else "$@"; fi
`

let work: string
let fluentBit: Server
let fluentBitPort: number
let runs = 0
const storageAnswer = { storage_layer: { chunks: { total_chunks: 3, mem_chunks: 3, fs_chunks: 0, fs_chunks_up: 0, fs_chunks_down: 0 } } }

function collect(shell: string[], args: string[], options: { pidOfMapper?: boolean } = {}): Promise<Collected> {
  const out = join(work, `bundle-${++runs}`)
  const env = {
    WORK: work,
    PY: PYTHON,
    READY: join(work, `ready-${runs}`),
    PID_OF_MAPPER: options.pidOfMapper ? '1' : '',
    MEMGAP_TOKEN: '',
  }
  return inNamespace(
    NAMESPACE_SCRIPT,
    [...shell, SCRIPT, '--out', out, '--kafka-config-dir', join(work, 'none'), ...args],
    env,
    `${out}.tar.gz`,
  )
}

/** pid -> the program's script (the cmdline.txt argument after the interpreter) for every detailed process. */
function programs(archive: string): Map<number, string> {
  const found = new Map<number, string>()
  for (const path of listing(archive)) {
    const m = /^proc\/(\d+)\/cmdline\.txt$/.exec(path)
    if (m) found.set(Number(m[1]), member(archive, path).split('\n').slice(0, 2).join(' '))
  }
  return found
}

function dumpedPid(archive: string): number {
  const dumps = listing(archive).filter((f) => f.startsWith('dumps/') && f.endsWith('.bin'))
  expect(dumps).toHaveLength(1)
  return Number(/^dumps\/(\d+)-/.exec(dumps[0]!)![1])
}

describe('memgap-collect.sh: which processes, masking, client evidence', () => {
  let byDefault: Collected
  let byName: Collected
  let byPid: Collected
  let unknownName: Collected

  beforeAll(async () => {
    requirePrerequisites()
    work = await mkdtemp(join(tmpdir(), 'memgap-evidence-'))
    const app = join(work, 'app')
    await mkdir(join(work, 'var'), { recursive: true })
    await mkdir(app)
    await Promise.all([
      writeFile(join(work, 'client.py'), CLIENT),
      writeFile(join(work, 'mapper.py'), MAPPER),
      writeFile(join(work, 'reserver.py'), RESERVER),
      writeFile(join(work, 'sleepy.py'), SLEEPY),
      writeFile(join(work, 'mapped.bin'), Buffer.alloc(64 << 20, 7)),
      writeFile(
        join(app, 'client.properties'),
        'bootstrap.servers=127.0.0.1:9092\nsasl.password=hunter2-conf\nqueue.buffering.max.messages=100000\n',
      ),
      // librdkafka statistics as an app appends them: one JSON object a line, the last is the newest.
      writeFile(
        join(app, 'client-stats.json'),
        ['{"name":"c#producer-1","msg_cnt":10,"msg_max":100000}', '{"name":"c#producer-1","msg_cnt":20,"msg_max":100000}', ''].join('\n'),
      ),
      // A config naming a statistics file outside the process's folder, as rsyslog's impstats does.
      writeFile(join(app, 'forward.conf'), `module(load="impstats" log.file="${work}/var/rsyslog-stats.log")\nauth_token hunter2-line\n`),
      writeFile(join(app, 'queue.stats'), Buffer.from('\x00\x01binary stats\x00', 'latin1')), // binary: never copied
      writeFile(
        join(work, 'var/rsyslog-stats.log'),
        'Dec  4 10:00:00 fw rsyslogd-pstats: central queue: origin=core.queue size=4100 enqueued=4100 full=0 discarded.full=0 discarded.nf=0 maxqsize=4100\n',
      ),
    ])
    // A stand-in for a local Fluent Bit's HTTP server: the collector asks it what the config says.
    fluentBit = createServer((req, res) => {
      res.setHeader('content-type', 'application/json')
      res.end(req.url === '/api/v1/storage' ? JSON.stringify(storageAnswer) : '{}')
    })
    fluentBitPort = await new Promise<number>((resolve) =>
      fluentBit.listen(0, '127.0.0.1', () => resolve((fluentBit.address() as { port: number }).port)),
    )
    await writeFile(
      join(app, 'fluent-bit.conf'),
      `[SERVICE]\n    HTTP_Server  On\n    HTTP_Port    ${fluentBitPort}\n    HTTP_Passwd  hunter2-fb\n`,
    )

    ;[byDefault, byName, byPid, unknownName] = await Promise.all([
      collect(['busybox', 'sh'], ['--top', '50', '--dumps', '1', '--dump-max-mb', '1']),
      collect(has('dash') ? ['dash'] : ['busybox', 'sh'], ['--top', '1', '--process', 'sleepy', '--dumps', '1', '--dump-max-mb', '1']),
      collect(['busybox', 'sh'], ['--top', '1', '--dumps', '1', '--dump-max-mb', '1'], { pidOfMapper: true }),
      collect(['busybox', 'sh'], ['--top', '1', '--process', 'no-such-program']),
    ])
  }, 180_000)

  afterAll(async () => {
    await new Promise((resolve) => fluentBit?.close(resolve))
    if (work) await rm(work, { recursive: true, force: true })
  })

  it('dumps the process with the most anonymous memory, not the largest RSS or VSZ', () => {
    expect(byDefault.stderr).toBe('')
    expect(byDefault.code).toBe(0)
    const detailed = programs(byDefault.archive)
    expect(detailed.get(dumpedPid(byDefault.archive))).toContain('client.py')
    // The mapper's RSS is the largest: it is detailed (top 50), just not chosen.
    const ps = member(byDefault.archive, 'ps.txt').split('\n').slice(1).filter(Boolean)
    expect(ps[0]).toContain('mapper.py')
  })

  it('never details its own process tree (its shell, ps, cat, awk)', () => {
    const detailed = [...programs(byDefault.archive).values()]
    expect(detailed.length).toBeGreaterThanOrEqual(5) // sh (namespace init) + the four
    for (const program of detailed) expect(program).not.toMatch(/memgap-collect\.sh|^(ps|cat|awk|sort|tr|ls|timeout) /)
  })

  it('--process NAME and --pid N choose the process to detail and dump', () => {
    expect(byName.code).toBe(0)
    expect(programs(byName.archive).get(dumpedPid(byName.archive))).toContain('sleepy.py')
    expect(byPid.code).toBe(0)
    expect(programs(byPid.archive).get(dumpedPid(byPid.archive))).toContain('mapper.py')
    expect(unknownName.code).toBe(0)
    expect(Manifest.parse(JSON.parse(member(unknownName.archive, 'manifest.json'))).notes).toContain(
      '--process no-such-program: no such process',
    )
  })

  it('masks every planted secret in every text file, under busybox sh and dash', () => {
    for (const run of [byDefault, byName]) {
      const texts = [...contents(run.archive)].filter(([path]) => !path.startsWith('dumps/'))
      expect(texts.length).toBeGreaterThan(10)
      expect(texts.filter(([, text]) => text.includes('hunter2')).map(([path]) => path)).toEqual([])
    }
    const pid = [...programs(byDefault.archive)].find(([, p]) => p.includes('client.py'))![0]
    expect(member(byDefault.archive, `proc/${pid}/cmdline.txt`).split('\n')).toEqual([
      PYTHON,
      `${work}/client.py`,
      `${work}/ready-1.c`,
      '--db-password',
      '<masked>',
      '--password=<masked>',
      '--api-token',
      '<masked>',
      '--url',
      'redis://app:<masked>@127.0.0.1:6379',
      '-H',
      'Authorization: Bearer <masked>',
      '',
    ])
  })

  it("writes the client's threads, open files, config, statistics and log", () => {
    const archive = byDefault.archive
    const pid = [...programs(archive)].find(([, p]) => p.includes('client.py'))![0]
    const threads = member(archive, `proc/${pid}/threads.txt`).split('\n')
    expect(threads[0]).toBe('TID NAME')
    expect(threads).toContain(`${pid} python3`)
    expect(threads.some((t) => /^\d+ rdk:broker0$/.test(t))).toBe(true)
    const fds = member(archive, `proc/${pid}/fd.txt`).split('\n')
    expect(fds.slice(0, 2)).toEqual(['FD TARGET', `cwd ${work}/app`])
    expect(fds).toContain(`3 ${work}/app/client.log`)

    const app = `${work}/app`
    expect(member(archive, `config${app}/client.properties`)).toBe(
      'bootstrap.servers=127.0.0.1:9092\nsasl.password=<masked>\nqueue.buffering.max.messages=100000\n',
    )
    expect(member(archive, `stats${app}/client-stats.json`)).toBe('{"name":"c#producer-1","msg_cnt":20,"msg_max":100000}\n')
    expect(member(archive, `logs${app}/client.log`)).toContain('redis://app:<masked>@127.0.0.1:6379 failed: Connection refused')
    expect(member(archive, `stats${work}/var/rsyslog-stats.log`)).toContain('origin=core.queue size=4100')
    expect(member(archive, `config${app}/forward.conf`)).toContain('auth_token <masked>')
    expect(JSON.parse(member(archive, `http/fluent-bit-${fluentBitPort}-storage.json`))).toEqual(storageAnswer)
    expect(listing(archive).filter((f) => f.includes('queue.stats'))).toEqual([])
  })
})
