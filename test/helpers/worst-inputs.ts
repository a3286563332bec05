import type { TextKind } from '../../src/bundle/source.ts'

// The worst input of every source for what a parse keeps and costs (issue 12 item 1): `lines`
// lines of the shape that makes the most rows, fields or bytes, recognised as that source. Used
// by test/bundle/amplification.test.ts and printed per KiB by `npm run bench`.

const range = (n: number) => Array.from({ length: n }, (_, i) => i)
const hex = (i: number) => (0x400000 + i * 0x1000).toString(16).padStart(8, '0')

export const WORST: Record<TextKind, (lines: number) => string> = {
  // ~60 fields are real; a hostile file names thousands.
  meminfo: (n) =>
    `MemTotal: 24683748 kB\nMemFree: 1 kB\n${range(n)
      .map((i) => `Field${i}: ${i} kB`)
      .join('\n')}\n`,
  // repeated PIDs with long arguments (`ps -ww`)
  ps: (n) =>
    `  PID  PPID   RSS    VSZ COMMAND COMMAND\n${range(n)
      .map(() => `    1     0  1000   2000 x /usr/bin/x ${'--flag=value '.repeat(10)}`)
      .join('\n')}\n`,
  pmap: (n) =>
    `5:   /usr/bin/x\nAddress           Kbytes     RSS   Dirty Mode  Mapping\n${range(n)
      .map((i) => `0000${hex(i)}       4       4       4 rw---   [ anon ]`)
      .join('\n')}\n`,
  // the report's attack: 121k mappings of one file; distinct files make more rows
  smaps: (n) =>
    `${range(Math.ceil(n / 3))
      .map((i) => `${hex(i)}-${hex(i + 1)} r-xp 00000000 08:02 173521 /usr/lib/x${i % 1000}.so\nSize: 328 kB\nRss: 100 kB`)
      .join('\n')}\n`,
  smaps_rollup: (n) =>
    `00400000-7ffff000 ---p 00000000 00:00 0 [rollup]\nRss: 100 kB\n${range(n)
      .map((i) => `Field${i}: ${i} kB`)
      .join('\n')}\n`,
  status: (n) =>
    `Name:\tx\nPid:\t5\nVmRSS:\t100 kB\n${range(n)
      .map((i) => `Vm${i}:\t${i} kB`)
      .join('\n')}\n`,
  maps: (n) =>
    `${range(n)
      .map((i) => `${hex(i)}-${hex(i + 1)} r-xp 00000000 08:02 173521 /usr/lib/x${i}.so`)
      .join('\n')}\n`,
  slabinfo: (n) =>
    `slabinfo - version: 2.1\n# name <active_objs> <num_objs> <objsize> <objperslab> <pagesperslab> : tunables <limit> <batchcount> <sharedfactor> : slabdata <active_slabs> <num_slabs> <sharedavail>\n${range(
      n,
    )
      .map((i) => `cache${i} 100 100 192 21 1 : tunables 0 0 0 : slabdata 5 5 0`)
      .join('\n')}\n`,
  vmstat: (n) =>
    `nr_free_pages 1\npgfault 2\noom_kill 1\n${range(n)
      .map((i) => `counter_${i} ${i}`)
      .join('\n')}\n`,
  // OOM reports back to back, each with a task table
  dmesg: (n) =>
    `${range(Math.ceil(n / 52))
      .map((r) =>
        [
          `[ ${r}.000001] x invoked oom-killer: gfp_mask=0x140cca(GFP_HIGHUSER_MOVABLE|__GFP_COMP), order=0, oom_score_adj=0`,
          `[ ${r}.000002] [  pid  ]   uid  tgid total_vm      rss pgtables_bytes swapents oom_score_adj name`,
          ...range(50).map(
            (t) =>
              `[ ${r}.000003] [${String(t + 1).padStart(7)}]     0 ${t + 1}   100000    ${1000 + t}   400000        0             0 task${t}`,
          ),
          `[ ${r}.000004] Out of memory: Killed process ${r + 1} (x) total-vm:400000kB, anon-rss:100000kB, file-rss:0kB, shmem-rss:0kB, UID:0 pgtables:800kB oom_score_adj:0`,
        ].join('\n'),
      )
      .join('\n')}\n`,
  // the report's `x=1` lines, and distinct keys beside a librdkafka one
  'kafka-config': (n) =>
    `bootstrap.servers=127.0.0.1:9092\n${range(n)
      .map((i) => (i % 2 ? 'x=1' : `key.${i}=${i}`))
      .join('\n')}\n`,
  'kafka-stats': (n) =>
    `${range(Math.ceil(n / 100))
      .map(() =>
        JSON.stringify({
          name: 'x#producer-1',
          msg_cnt: 1,
          msg_max: 100000,
          topics: Object.fromEntries(range(100).map((t) => [`t${t}`, { topic: `t${t}`, partitions: { 0: { msgq_cnt: 1 } } }])),
        }),
      )
      .join('\n')}\n`,
  log: (n) =>
    `${range(n)
      .map(
        (i) =>
          `2026-11-27T09:51:${String(i % 60).padStart(2, '0')}.441 fwlog[5]: %3|1598602998.617|FAIL|rdkafka#producer-1| 127.0.0.1:9092/bootstrap: Connect to ipv4#127.0.0.1:9092 failed: Connection refused`,
      )
      .join('\n')}\n`,
  manifest: (n) => JSON.stringify({ host: 'x', role: 'suspect', notes: 'n'.repeat(n * 40), extra: range(n).map(String) }),
  // a descriptor per line, each a long path; past 1000 they are dropped
  'open-files': (n) =>
    `FD TARGET\ncwd /opt/x\nexe /usr/bin/x\n${range(n)
      .map((i) => `${i} /var/log/${'x'.repeat(200)}/${i}.log`)
      .join('\n')}\n`,
}
