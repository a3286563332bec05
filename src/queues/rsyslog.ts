import { type ClientSpec, FIX_BUDGET_BYTES, messagesFor } from './types.ts'

/**
 * rsyslog: its main message queue and the action queues of its outputs (omfwd to a remote
 * syslog, omelasticsearch, omkafka...).
 *
 * Shows as the rsyslogd process, its plugins in the mappings (`/usr/lib/x86_64-linux-gnu/rsyslog/
 * lmnet.so`), its own log lines (`rsyslogd: …`, `[origin software="rsyslogd" …]`) and impstats
 * counters, one line per queue:
 *
 *   rsyslogd-pstats: main Q: origin=core.queue size=0 enqueued=1012 full=0 discarded.full=0 discarded.nf=0 maxqsize=18
 *   rsyslogd-pstats: action-1-builtin:omfwd queue: origin=core.queue size=6283 enqueued=… full=0 … maxqsize=6283
 *
 * (or the same as JSON with `"origin": "core.queue"`). `size` is messages queued now, `maxqsize`
 * the most so far, `full` how often it was full, `discarded.*` what it dropped.
 *
 * Limits, checked in the rsyslog docs (configuration/global/options/rsconf1_mainmsgqueuesize,
 * rainerscript/queue_parameters): the main queue holds `queue.size` messages, "Default: 50000
 * (v8.30.0) - may change" (10000 in RHEL 6/7's rsyslog 5-7); an action has no queue of its own
 * unless `queue.type` is set (Direct: a failing action holds up the main queue); a LinkedList
 * action queue's default size "depends on queue type and rsyslog version" (1000 in v8 docs'
 * parameter table: used here as the default for a configured action queue). At the limit the
 * sender blocks for queue.timeoutEnqueue (2000 ms), then the message is discarded; from
 * queue.discardMark on, messages of queue.discardSeverity and less important are dropped. The docs'
 * rule of thumb: about 1 KiB of memory per queued message ("512 bytes should be a good bet").
 * Server down: `action 'action-1-builtin:omfwd' suspended (module 'builtin:omfwd')`, `cannot
 * connect to 127.0.0.1:10514: Connection refused`.
 */
export const RSYSLOG: ClientSpec = {
  id: 'rsyslog',
  family: 'rsyslog',
  name: 'rsyslog',
  seen: {
    library: /\/rsyslog\/\w+\.so/,
    text: /\[origin software="rsyslogd"|rsyslogd-pstats:|origin=core\.queue|"origin":\s*"core\.queue"/,
    program: /^rsyslogd$/,
  },
  down: /action '[^']*' suspended|cannot connect to \S+: Connection refused|remote server at \S+ seems to have closed connection|omfwd: .*error/,
  full: /queue (?:nearly )?full|discarded (?:severity|message)/i,
  stats: [
    // The name starts after a space or the line's start: tried at word starts only, so linear.
    /(?:^|\s)(?<name>(?:[\w.[\]-]|:(?! ))+(?: (?:[\w.[\]-]|:(?! ))+)?): origin=core\.queue size=(?<queued>\d+)\b.*?maxqsize=(?<max>\d+)/,
    /"name":\s*"(?<name>[^"]*)",\s*"origin":\s*"core\.queue",\s*"size":\s*(?<queued>\d+).*?"maxqsize":\s*(?<max>\d+)/,
  ],
  limits: [
    {
      key: 'main_queue queue.size',
      unit: 'messages',
      default: 50000,
      zeroIsUnbounded: false,
      atLimit: 'drop',
      config: /^\s*(?:main_queue\s*\(.*?queue\.size\s*=\s*"?|\$MainMsgQueueSize\s+)(\d+)/i,
    },
    {
      key: 'action queue.size',
      unit: 'messages',
      default: 1000,
      zeroIsUnbounded: false,
      atLimit: 'drop',
      config: /^(?!\s*main_queue)(?:.*?\bqueue\.size\s*=\s*"?|\s*\$ActionQueueSize\s+)(\d+)/i,
    },
  ],
  boundIsSum: true,
  fix: (mean) => {
    const size = messagesFor(FIX_BUDGET_BYTES, mean ?? 1024, 20000)
    return [
      `action(type="omfwd" … queue.type="LinkedList" queue.size="${size}" queue.discardMark="${Math.round(size * 0.9)}" queue.discardSeverity="6"`,
      `  queue.filename="fwd_q" queue.maxDiskSpace="1g" queue.saveOnShutdown="on" action.resumeRetryCount="-1")`,
    ]
  },
  advice:
    'Give the forwarding action its own bounded, disk-assisted queue so an unreachable server neither grows memory nor holds up local logging.',
}
