import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { Ps } from '../../schemas/parsers.ts'
import { identify, looksLikePs, parsePs } from '../../src/parsers/ps.ts'

const sample = (name: string) => readFileSync(new URL(`../fixtures/samples/${name}`, import.meta.url), 'utf8')
const parse = (name: string) => {
  const result = parsePs(sample(name), name)
  Ps.parse(result.data)
  return result
}
const byPid = (ps: Ps, pid: number) => ps.rows.find((row) => row.pid === pid)

describe('parsePs: procps', () => {
  it('reads ps -eo pid,ppid,rss,vsz,comm,args (kafka suspect)', () => {
    const { data, warnings } = parse('kafka-suspect-ps.txt')
    expect(warnings).toEqual([])
    expect(data.format).toBe('procps')
    expect(data.rows).toHaveLength(8)
    expect(byPid(data, 5)).toEqual({
      pid: 5,
      ppid: 1,
      name: 'fwlog',
      exe: '/opt/sta/apps/bin/fwlog',
      args: '/opt/sta/apps/bin/fwlog /opt/sta/apps/gen/producer.py --name fwlog --rate 3000 --waf-ratio 0.4 --outdir /opt/sta/apps/run/kafka-suspect',
      rssKib: 147124,
      vszKib: 389592,
      line: 2,
    })
    // The program in args wins over comm; a relative args keeps comm.
    expect(byPid(data, 1)).toMatchObject({ name: 'run_kafka.sh', exe: '/bin/bash' })
    expect(byPid(data, 4)).toMatchObject({ name: 'sleep', exe: 'sleep', args: 'sleep 86400', rssKib: 1840 })
    expect(byPid(data, 214)).toMatchObject({ ppid: 211, name: 'ps', args: 'ps -eo pid,ppid,rss,vsz,comm,args --sort=-rss' })
  })

  it('reads the same columns from this machine, and kernel threads by their [name]', () => {
    expect(byPid(parse('ps-eo.txt').data, 2)).toMatchObject({ name: 'python3', rssKib: 64796, vszKib: 67784 })
    const { data, warnings } = parse('ps-eo-kthreads.txt')
    expect(warnings).toEqual([])
    expect(data.rows.map((row) => row.name)).toEqual(['kthreadd', 'pool_workqueue_release', 'kworker/0:0H-events_highpri', 'ksoftirqd/0'])
    expect(byPid(data, 2)).toMatchObject({ exe: 'kthreadd', rssKib: 0, ppid: 0 })
  })

  it('cuts comm at its column width, so a comm with spaces stays whole', () => {
    // Layout of procps 4 (comm padded to 15 + 1); the comm value is made up.
    const text = '    PID    PPID   RSS    VSZ COMMAND         COMMAND\n   1234       1  5000   9000 tmux: server    tmux new -s work\n'
    expect(parsePs(text).data.rows[0]).toMatchObject({ pid: 1234, name: 'tmux: server', exe: 'tmux: server', args: 'tmux new -s work' })
  })
})

describe('parsePs: ps aux', () => {
  it('reads ps aux (kafka suspect): COMMAND with spaces, no PPID', () => {
    const { data, warnings } = parse('kafka-suspect-ps-aux.txt')
    expect(warnings).toEqual([])
    expect(data.format).toBe('aux')
    expect(data.rows).toHaveLength(8)
    expect(byPid(data, 5)).toMatchObject({ ppid: null, name: 'fwlog', exe: '/opt/sta/apps/bin/fwlog', rssKib: 147124, vszKib: 389592 })
    expect(byPid(data, 211)!.args).toMatch(/^\/usr\/bin\/python3 .* --drop-caches$/)
  })

  it('reads ps auxwww (the sosreport variant) with a 4000-character command line', () => {
    const { data, warnings } = parse('ps-auxwww.txt')
    expect(warnings).toEqual([])
    expect(data.format).toBe('aux')
    expect(byPid(data, 4)!.args!.length).toBeGreaterThan(4000)
    expect(byPid(data, 4)).toMatchObject({ name: 'sleep', rssKib: 1844 })
    expect(parse('ps-aux-kthreads.txt').data.rows.map((row) => row.name)).toEqual([
      'kthreadd',
      'pool_workqueue_release',
      'kworker/0:0H-events_highpri',
      'ksoftirqd/0',
    ])
  })
})

describe('parsePs: busybox', () => {
  it('default busybox ps has no RSS: rssKib null and a warning, never a guess', () => {
    const { data, warnings } = parse('busybox-ps.txt')
    expect(data.format).toBe('busybox')
    expect(data.rows).toHaveLength(5)
    expect(data.rows.every((row) => row.rssKib === null && row.vszKib === null)).toBe(true)
    expect(warnings).toEqual([{ code: 'ps_no_rss', message: expect.any(String), file: 'busybox-ps.txt', line: 1 }])
    // busybox shows `{comm} args` when they differ: the braces are not part of the command line.
    expect(byPid(data, 1)).toMatchObject({ name: 'run.sh', exe: '/bin/sh', args: '/bin/sh /tmp/cap/run.sh' })
  })

  it('busybox -o with VSZ but no RSS: VSZ read (66m rounded), RSS null', () => {
    const { data, warnings } = parse('busybox-ps-o.txt')
    expect(data.format).toBe('busybox')
    expect(byPid(data, 2)).toMatchObject({ name: 'python3', rssKib: null, vszKib: 66 * 1024 })
    expect(warnings.map((w) => w.code)).toEqual(['ps_no_rss', 'ps_size_rounded'])
  })

  it('busybox -o with RSS: exact kB, and 62m said to be rounded', () => {
    const { data, warnings } = parse('busybox-ps-o-rss.txt')
    expect(data.format).toBe('busybox')
    expect(byPid(data, 3)).toMatchObject({ ppid: 1, name: 'sleep', rssKib: 1572, vszKib: 2920 })
    expect(byPid(data, 2)).toMatchObject({ rssKib: 62 * 1024, vszKib: 66 * 1024 })
    expect(warnings).toEqual([expect.objectContaining({ code: 'ps_size_rounded', line: 3 })])
  })
})

describe('parsePs: smem', () => {
  it('reads smem: the command between User and the sizes, RSS kept', () => {
    const { data, warnings } = parse('smem.txt')
    expect(data.rows.map((row) => [row.pid, row.name, row.rssKib])).toEqual([
      [3, 'sleep', 1684],
      [1, 'smem.sh', 1620],
      [45, 's', 13612],
      [2, '3.11.', 64776],
    ])
    expect(byPid(data, 1)!.args).toBe('/bin/sh /tmp/cap/smem.sh')
    // smem cut `/root/.pyenv/versions/3.11.7/bin/python3` and `/usr/bin/smem` at 27 characters: said, not guessed.
    expect(warnings).toEqual([
      expect.objectContaining({ code: 'ps_command_truncated', line: 4 }),
      expect.objectContaining({ code: 'ps_command_truncated', line: 5 }),
    ])
  })
})

describe('parsePs: command rss pairs', () => {
  it('reads the seed rss.txt: two ad_appd instances', () => {
    const { data, warnings } = parse('sta-18-rss.txt')
    expect(warnings).toEqual([])
    expect(data.format).toBe('pairs')
    expect(data.rows.filter((row) => row.name === 'ad_appd').map((row) => row.rssKib)).toEqual([547356, 526644])
    expect(data.rows.find((row) => row.name === 'logsd')).toEqual({
      pid: null,
      ppid: null,
      name: 'logsd',
      exe: '/home/sharpknife/bin/sharpknife/logsd',
      args: null,
      rssKib: 148628,
      vszKib: null,
      line: 8,
    })
  })

  it('gives the seed figures: fwlog +145188 kB', () => {
    const rss = (name: string, file: string) => parse(file).data.rows.find((row) => row.name === name)!.rssKib!
    expect(rss('fwlog', 'sta-18-rss.txt') - rss('fwlog', 'sta-49-rss.txt')).toBe(145188)
  })

  it('skips a title line quietly and reports lines that are not pairs', () => {
    const { data, warnings } = parsePs('command rss\n/usr/sbin/fwlog 197240\n/usr/sbin/auditd lots\n', 'rss.txt')
    expect(data.rows).toHaveLength(1)
    expect(warnings).toEqual([expect.objectContaining({ code: 'ps_bad_line', file: 'rss.txt', line: 3 })])
  })
})

describe('parsePs: broken input', () => {
  it('keeps the first of a duplicated PID', () => {
    const text = '    PID   RSS COMMAND\n      7   100 /a\n      7   200 /b\n'
    const { data, warnings } = parsePs(text)
    expect(data.rows).toEqual([expect.objectContaining({ pid: 7, rssKib: 100, name: 'a' })])
    expect(warnings.map((w) => [w.code, w.line])).toEqual([['ps_duplicate_pid', 3]])
  })

  it('skips rows with huge numbers, junk and truncation, with a warning each', () => {
    const text = [
      '    PID    PPID   RSS    VSZ COMMAND         COMMAND',
      `      5       1 ${'9'.repeat(25)} 389592 fwlog          /opt/fwlog`,
      '      6       1 12x 100 logsd          /opt/logsd',
      '      7       1',
      '\u0000\u0000\u0001\u0002 \ufffd\ufffd',
      '      8       1   100    200 ok              /opt/ok',
    ].join('\n')
    const { data, warnings } = parsePs(text, 'ps.txt')
    expect(data.rows.map((row) => row.pid)).toEqual([8])
    expect(warnings.map((w) => [w.code, w.line])).toEqual([
      ['ps_value_out_of_range', 2],
      ['ps_bad_row', 3],
      ['ps_truncated_row', 4],
      ['ps_truncated_row', 5],
    ])
    expect(warnings.every((w) => w.file === 'ps.txt')).toBe(true)
  })
})

describe('identify', () => {
  it('names a process by its program', () => {
    expect(identify('fwlog', '/opt/sta/apps/bin/fwlog /x.py')).toEqual({
      name: 'fwlog',
      exe: '/opt/sta/apps/bin/fwlog',
      args: '/opt/sta/apps/bin/fwlog /x.py',
    })
    expect(identify(null, '[kthreadd]')).toMatchObject({ name: 'kthreadd' })
    expect(identify(null, '-bash')).toMatchObject({ name: 'bash', exe: 'bash' })
    expect(identify('sh', '[sh] <defunct>')).toMatchObject({ name: 'sh' })
  })
})

describe('looksLikePs', () => {
  it('knows every ps shape, and not /proc/vmstat', () => {
    for (const name of [
      'kafka-suspect-ps.txt',
      'kafka-suspect-ps-aux.txt',
      'sta-18-rss.txt',
      'busybox-ps.txt',
      'busybox-ps-o.txt',
      'ps-auxwww.txt',
    ]) {
      expect(looksLikePs(sample(name)), name).toBe(true)
    }
    expect(looksLikePs('nr_free_pages 982239\nnr_zone_inactive_anon 425906\n')).toBe(false)
    expect(looksLikePs(sample('kafka-suspect-meminfo.txt'))).toBe(false)
  })
})

describe('parsePs: pasted prompts', () => {
  it('skips the prompt, keeps a row whose command looks like one', () => {
    const text =
      '[root@box ~]# ps aux\nUSER PID %CPU %MEM VSZ RSS TTY STAT START TIME COMMAND\n' +
      'root 9 0.0 0.0 2000 900 ? S 09:51 0:00 sh -c ps aux > /tmp/ps.txt\nroot@box:~# \n'
    const { data, warnings } = parsePs(text)
    expect(warnings).toEqual([])
    expect(data.rows).toEqual([expect.objectContaining({ pid: 9, name: 'sh', args: 'sh -c ps aux > /tmp/ps.txt' })])
  })
})

describe('program identity: the process, not its interpreter', () => {
  it('names a script, module, jar or main class by what runs, not by python3, java or node', () => {
    expect(identify('python3', '/usr/bin/python3 -u /opt/x/app.py --port 80')).toMatchObject({ name: 'app.py', exe: '/usr/bin/python3' })
    expect(identify(null, 'python3 -m http.server 8000')).toMatchObject({ name: 'http.server' })
    expect(identify('java', '/usr/lib/jvm/bin/java -Xmx1g -cp /opt/lib/* org.acme.Main --x')).toMatchObject({ name: 'org.acme.Main' })
    expect(identify('java', 'java -Dfoo=1 -jar /opt/kafka/kafka-ui.jar')).toMatchObject({ name: 'kafka-ui.jar' })
    expect(identify('node', 'node --max-old-space-size=512 -r dotenv/config server.js')).toMatchObject({ name: 'server.js' })
    expect(identify('run_kafka.sh', '/bin/bash /opt/sta/apps/gen/run_kafka.sh kafka suspect 150')).toMatchObject({ name: 'run_kafka.sh' })
  })

  it('keeps a name the process set for itself, and the interpreter for inline code', () => {
    // prctl(PR_SET_NAME): three daemons running one producer.py are three programs.
    expect(identify('fwlog', '/usr/bin/python3 /opt/gen/producer.py --name fwlog')).toMatchObject({ name: 'fwlog' })
    // comm cut at 15 characters is the script's name, not a name of its own.
    expect(identify('a_very_long_scr', '/usr/bin/python3 /opt/a_very_long_script_name.py')).toMatchObject({
      name: 'a_very_long_script_name.py',
    })
    expect(identify('sh', 'sh -c ps aux > /tmp/x')).toMatchObject({ name: 'sh' })
    expect(identify(null, 'node -e console.log(1)')).toMatchObject({ name: 'node' })
  })

  it('keeps unrelated programs of one interpreter apart and instances of one program together', () => {
    const text = [
      '  PID  PPID   RSS COMMAND',
      '  100     1 40000 /usr/bin/python3 /opt/a/ingest.py',
      '  101     1 50000 /usr/bin/python3 /opt/b/report.py --daily',
      '  102     1 41000 /usr/bin/python3 /opt/a/ingest.py --worker 2',
    ].join('\n')
    const names = parsePs(text).data.rows.map((r) => r.name)
    expect(names).toEqual(['ingest.py', 'report.py', 'ingest.py'])
  })
})
