import { z } from 'zod'

// The messaging clients that buffer outgoing messages in memory (src/queues/), what a bundle
// showed of them (src/parsers/client-lines.ts), and what a queue-buildup finding says of one.

/** A family of clients: one module each in src/queues/. `unknown`: a queue whose client was not seen. */
export const QueueFamily = z.enum([
  'librdkafka',
  'java-kafka',
  'go-kafka',
  'rsyslog',
  'fluent-bit',
  'log-shipper',
  'mqtt',
  'redis',
  'nats',
  'amqp',
  'bounded',
  'unknown',
])
export type QueueFamily = z.infer<typeof QueueFamily>

/** What one line of a text file says about a client. */
export const ClientLineKind = z.enum([
  'seen', // the client's module, library, jar or thread name
  'down', // the server cannot be reached
  'full', // the queue reached its limit (blocked, dropped or refused)
  'config', // a setting of one of its limits
  'stats', // a counter of its queue (rsyslog impstats, Fluent Bit storage)
])
export type ClientLineKind = z.infer<typeof ClientLineKind>

export const ClientLine = z.object({
  client: z.string(), // a ClientSpec id of src/queues/
  kind: ClientLineKind,
  line: z.number().int().positive(),
  excerpt: z.string().max(400),
  process: z.string().nullable(), // `name[pid]:` of a syslog line, when printed
  pid: z.number().int().nullable(),
  key: z.string().nullable(), // config: the setting; stats: the queue's name, or `bytes` when it counts bytes
  value: z.number().nullable(), // config: the limit as set (bytes for sizes); stats: messages (or bytes) queued
  max: z.number().nullable(), // stats: the most the queue held (maxqsize)
})
export type ClientLine = z.infer<typeof ClientLine>

/** Where a file's client lines came from, and how many of each kind there were (lines are capped). */
export const ClientLines = z.object({
  file: z.string(),
  pid: z.number().int().nullable(),
  lines: z.array(ClientLine),
  counts: z.record(z.string(), z.number().int()), // `<client> <kind>` -> lines seen
})
export type ClientLines = z.infer<typeof ClientLines>

const LimitSource = z.enum(['config', 'statistics', 'default'])

/** One limit of a client's queue, as in effect. `value` null: no limit (unbounded). */
export const QueueLimit = z.object({
  key: z.string(), // the setting's own name: buffer.memory, max_queued_messages, queue.size
  value: z.number().nullable(),
  unit: z.enum(['messages', 'bytes', 'events', 'commands', 'retries']),
  source: LimitSource,
  atLimit: z.enum(['block', 'drop', 'error', 'pause']), // what the client does when it is reached
})
export type QueueLimit = z.infer<typeof QueueLimit>

/** The client a queue-buildup finding is about: its family, its limits and how full it is. */
export const QueueClient = z.object({
  family: QueueFamily,
  client: z.string().nullable(), // ioredis, paho-mqtt (Python), rsyslog action queue...; null when unknown
  seenIn: z.array(z.string()), // files that showed the client (its library, module, threads, log or config)
  limits: z.array(QueueLimit),
  bounded: z.boolean(), // false: nothing in effect stops the queue growing
  boundKib: z.number().int().nullable(), // what a full queue holds, when a limit and a message size say
  queuedMessages: z.number().int().nullable(),
  queuedKib: z.number().int().nullable(),
  fill: z.number().nullable(), // 0-1 of its tightest limit, where the evidence says
  fillSource: z.enum(['statistics', 'log', 'estimate']).nullable(),
  serverDown: z.boolean().nullable(), // null: nothing in the bundle says
  missing: z.array(z.string()), // evidence that would make this surer
})
export type QueueClient = z.infer<typeof QueueClient>

/** proc/<pid>/fd.txt: the working folder, the program and the files a process holds open. */
export const FdTable = z.object({
  cwd: z.string().nullable(),
  exe: z.string().nullable(),
  paths: z.array(z.string()),
})
export type FdTable = z.infer<typeof FdTable>

/** One fd.txt as the parsed bundle keeps it: whose (the PID of its proc/<pid>/ path) and where. */
export const OpenFiles = FdTable.extend({
  file: z.string(),
  pid: z.number().int().nullable(),
})
export type OpenFiles = z.infer<typeof OpenFiles>
