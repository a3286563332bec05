import type { ClientSpec } from './types.ts'

/**
 * Redis clients for Node.js: ioredis and node-redis. While the connection is down, commands wait
 * in an offline queue in the V8 heap: the queued PUBLISH/SET commands and their arguments.
 *
 * - ioredis: `enableOfflineQueue: true` by default and the offline queue has no length limit;
 *   each command is rejected after `maxRetriesPerRequest` reconnection attempts, 20 by default
 *   (`MaxRetriesPerRequestError: Reached the max retries per request limit (which is 20)`), or
 *   never with `maxRetriesPerRequest: null`. So by default the queue holds about 20 reconnection
 *   attempts' worth of commands (about 9 s with the default retryStrategy, measured by others),
 *   with null it grows until the server returns. Without an error listener it prints
 *   `[ioredis] Unhandled error event: Error: connect ECONNREFUSED 127.0.0.1:6379`.
 * - node-redis (v4+): `commandsQueueMaxLength` unset = no limit; `disableOfflineQueue` false; at
 *   a set limit commands fail with `The queue is full`.
 * Checked: the ioredis API docs list MaxRetriesPerRequestError, and its message "(which is 20)" is
 * what a default client prints (seen in many projects' logs); enableOfflineQueue's default true in
 * node_redis's README option table (`enable_offline_queue | true`), the same in ioredis's docs.
 * node-redis's commandsQueueMaxLength: seen only as an option projects set, its default (unset) not
 * checked at its source. Shows as node_modules/ioredis or @redis/client paths (open files,
 * stack traces, heap strings) and the lines above.
 */
export const IOREDIS: ClientSpec = {
  id: 'ioredis',
  family: 'redis',
  name: 'ioredis',
  seen: { text: /node_modules\/ioredis\/|\[ioredis\]|\bioredis@\d|"client":\s*"ioredis"/ },
  down: /\[ioredis\] Unhandled error event: .*(?:ECONNREFUSED|ETIMEDOUT|ENOTFOUND|EHOSTUNREACH)|connect ECONNREFUSED \S+:6379/,
  full: /MaxRetriesPerRequestError|Reached the max retries per request limit/,
  // An application's statistics of ioredis's own queue (redis.offlineQueue.length).
  stats: [/"offlineQueue":\s*(?<queued>\d+)/],
  limits: [
    { key: 'offline queue', unit: 'commands', default: null, zeroIsUnbounded: true, atLimit: 'block' },
    {
      key: 'maxRetriesPerRequest',
      unit: 'retries',
      default: 20,
      zeroIsUnbounded: false,
      atLimit: 'error',
      config: /maxRetriesPerRequest["']?\s*[:=]\s*(null|\d+)/,
    },
  ],
  fix: () => ['new Redis({ enableOfflineQueue: false, maxRetriesPerRequest: 3 })'],
  advice: 'With the offline queue off, a command fails at once while Redis is down: count it and drop or spill it in the application.',
}

export const NODE_REDIS: ClientSpec = {
  id: 'node-redis',
  family: 'redis',
  name: 'node-redis',
  seen: { text: /node_modules\/@redis\/client\/|@redis\/client@\d/ },
  down: /connect ECONNREFUSED \S+:6379|SocketClosedUnexpectedlyError|Socket closed unexpectedly/,
  full: /The queue is full/,
  limits: [
    {
      key: 'commandsQueueMaxLength',
      unit: 'commands',
      default: null,
      zeroIsUnbounded: true,
      atLimit: 'error',
      config: /commandsQueueMaxLength["']?\s*[:=]\s*(\d+)/,
    },
  ],
  fix: () => ['createClient({ commandsQueueMaxLength: 10000, disableOfflineQueue: true })'],
  advice: 'Commands then fail while Redis is down instead of waiting in memory.',
}
