import { describe, expect, it } from 'vitest'
import type { ParsedBundle } from '../../schemas/bundle.ts'
import type { Diagnosis } from '../../schemas/diagnosis.ts'
import { renderHtml, renderMarkdown } from '../../src/render/index.ts'
import { parsedFixture } from '../helpers/bundles.ts'
import { diagnoseParsed } from '../helpers/diagnose.ts'

// The real queue captures of test/fixtures/queues/ (made with the collector; figures from each
// folder's README): for each pair, a queue-buildup finding on the client's process naming its
// family, its limits and their source, how full it is where the statistics say, the bound, and
// the fix in the client's language; the steady process is never blamed.

async function pair(folder: string): Promise<{ d: Diagnosis; suspect: ParsedBundle }> {
  const suspect = await parsedFixture(`queues/${folder}/suspect.tar.gz`)
  const d = diagnoseParsed(await parsedFixture(`queues/${folder}/baseline.tar.gz`), suspect)
  return { d, suspect }
}

/** The program name memgap gives the process whose command line holds `marker`. */
const programOf = (bundle: ParsedBundle, marker: string) => bundle.processes.find((p) => p.args?.includes(marker))!.name

/** steady.py holds 40 MiB on both sides: named by its script, told apart from any client, never blamed. */
function steadyIsNotBlamed(d: Diagnosis, suspect: ParsedBundle, client: string) {
  const steady = programOf(suspect, 'steady.py')
  expect(steady).toBe('steady.py')
  expect(steady).not.toBe(client)
  expect(d.findings.filter((f) => f.process === steady)).toEqual([])
}

describe("rsyslog-c: rsyslog's omfwd action queue while the TCP collector is down", async () => {
  const { d, suspect } = await pair('rsyslog-c')
  const queues = d.findings.filter((f) => f.kind === 'queue-buildup')

  it('finds the queue in rsyslogd, with its configured and default limits and how full impstats says it is', () => {
    expect(queues).toHaveLength(1)
    const [f] = queues
    expect(f!.process).toBe(programOf(suspect, 'rsyslogd'))
    expect(f!.client).toMatchObject({
      family: 'rsyslog',
      bounded: true,
      queuedMessages: 29290,
      fill: 0.293,
      fillSource: 'statistics',
      serverDown: true,
    })
    expect(f!.client!.limits).toEqual([
      { key: 'main_queue queue.size', value: 50000, unit: 'messages', source: 'default', atLimit: 'drop' },
      { key: 'action queue.size', value: 100000, unit: 'messages', source: 'config', atLimit: 'drop' },
    ])
    const stats = f!.evidence.find((e) => e.file === 'stats/var/log/rsyslog-stats.log' && /central queue/.test(e.excerpt))!
    expect(stats.excerpt).toMatch(/size=29290 .*maxqsize=29290/)
    expect(
      f!.evidence.some((e) => e.file === 'logs/var/log/syslog' && /suspended|closed connection|Connection refused/.test(e.excerpt)),
    ).toBe(true)
    expect(f!.configLines.join(' ')).toMatch(/^action\(type="omfwd" … queue\.type="LinkedList" queue\.size="\d+" queue\.discardMark="\d+"/)
  })

  it('says in one sentence what fills the memory and what to change; blames nothing else', () => {
    expect(d.summary).toMatch(
      /rsyslogd: its rsyslog queue is building up while its server is unreachable \(29290 messages, 29% full\); set action\(type="omfwd"/,
    )
    steadyIsNotBlamed(d, suspect, programOf(suspect, 'rsyslogd'))
  })

  it('the healthy side alone has no queue', async () => {
    const alone = diagnoseParsed(null, await parsedFixture('queues/rsyslog-c/baseline.tar.gz'))
    expect(alone.findings.filter((f) => f.kind === 'queue-buildup')).toEqual([])
  })
})

describe('mqtt-python: paho-mqtt QoS 1 publisher while mosquitto is down', async () => {
  const { d, suspect } = await pair('mqtt-python')
  const queues = d.findings.filter((f) => f.kind === 'queue-buildup')

  it("finds paho's unbounded queue (max_queued_messages 0, configured) in the publisher, from its statistics", () => {
    expect(queues).toHaveLength(1)
    const [f] = queues
    const client = programOf(suspect, 'meter-gateway.py')
    expect(f!.process).toBe(client)
    expect(f!.client).toMatchObject({
      family: 'mqtt',
      client: 'paho-mqtt (Python)',
      bounded: false,
      boundKib: null,
      queuedMessages: 21979,
      serverDown: true,
    })
    expect(f!.client!.limits).toEqual([{ key: 'max_queued_messages', value: null, unit: 'messages', source: 'config', atLimit: 'error' }])
    expect(f!.evidence.find((e) => e.file === 'config/opt/qcap/mqtt-python/meter-gateway.ini')!.excerpt).toBe('max_queued_messages = 0')
    expect(f!.evidence.some((e) => e.file === 'logs/opt/qcap/mqtt-python/meter-gateway.log' && /Connection refused/.test(e.excerpt))).toBe(
      true,
    )
    expect(f!.configLines).toEqual([expect.stringMatching(/^client\.max_queued_messages_set\(\d+\)$/)])
    expect(f!.detail).toMatch(/Nothing in effect bounds the queue/)
    steadyIsNotBlamed(d, suspect, client)
  })

  it('says in one sentence what fills the memory and what to change', () => {
    expect(d.summary).toMatch(
      /its paho-mqtt \(Python\) queue is building up while its server is unreachable \(21979 messages, [^)]*no limit\); set client\.max_queued_messages_set\(\d+\)\./,
    )
  })
})

describe('redis-node: ioredis offline queue while Redis is down', async () => {
  const { d, suspect } = await pair('redis-node')
  const queues = d.findings.filter((f) => f.kind === 'queue-buildup')

  it("finds ioredis's offline queue in the publisher: no limit by default, 29720 commands from its statistics", () => {
    expect(queues).toHaveLength(1)
    const [f] = queues
    const client = programOf(suspect, 'order-events.js')
    expect(f!.process).toBe(client)
    expect(f!.client).toMatchObject({ family: 'redis', client: 'ioredis', bounded: false, queuedMessages: 29720, serverDown: true })
    // maxRetriesPerRequest is set in the program's code, which the bundle does not hold: the default is said, as a default.
    expect(f!.client!.limits).toEqual([
      { key: 'offline queue', value: null, unit: 'commands', source: 'default', atLimit: 'block' },
      { key: 'maxRetriesPerRequest', value: 20, unit: 'retries', source: 'default', atLimit: 'error' },
    ])
    expect(f!.client!.missing.join(' ')).toMatch(/ioredis configuration/)
    expect(f!.evidence.some((e) => e.file === 'logs/opt/qcap/redis-node/order-events.log' && /ECONNREFUSED/.test(e.excerpt))).toBe(true)
    expect(f!.configLines).toEqual(['new Redis({ enableOfflineQueue: false, maxRetriesPerRequest: 3 })'])
    steadyIsNotBlamed(d, suspect, client)
  })
})

describe('amqp-node: amqplib publishing past false while RabbitMQ blocks publishers (memory alarm)', async () => {
  const { d, suspect } = await pair('amqp-node')
  const queues = d.findings.filter((f) => f.kind === 'queue-buildup')

  it("finds amqplib's unbounded channel buffer in the publisher, the blocked connection from its log", () => {
    expect(queues).toHaveLength(1)
    const [f] = queues
    const client = programOf(suspect, 'invoice-pub.js')
    expect(f!.process).toBe(client)
    // Its statistics count sends and false returns, not what is queued: no fill is claimed.
    expect(f!.client).toMatchObject({
      family: 'amqp',
      client: 'amqplib (Node)',
      bounded: false,
      boundKib: null,
      queuedMessages: null,
      fill: null,
      fillSource: null,
      serverDown: true,
    })
    expect(f!.client!.limits).toEqual([{ key: 'channel write buffer', value: null, unit: 'messages', source: 'default', atLimit: 'block' }])
    expect(f!.client!.seenIn).toContain('stats/opt/qcap/amqp-node/invoice-pub-stats.json')
    // PSS is compared, and cited where it was read.
    expect(f!.evidence[0]).toMatchObject({ bundle: 'suspect', file: 'proc/256/smaps_rollup', excerpt: 'Pss: 36453 kB' })
    expect(
      f!.evidence.some((e) => e.file === 'logs/opt/qcap/amqp-node/invoice-pub.log' && /connection blocked by the broker/.test(e.excerpt)),
    ).toBe(true)
    expect(f!.detail).toMatch(/channel write buffer=none \(default, no limit\)\. Nothing in effect bounds the queue/)
    expect(f!.configLines).toEqual([
      "if (!channel.publish(exchange, key, body)) await once(channel, 'drain')",
      'const channel = await connection.createConfirmChannel()',
    ])
    expect(d.summary).toMatch(/invoice-pub\.js: its amqplib \(Node\) queue is building up [^.]*\(no limit\); set if \(!channel\.publish/)
    steadyIsNotBlamed(d, suspect, client)
  })

  it('does not blame the broker, which holds less on the suspect side', () => {
    expect(d.findings.filter((f) => f.process === programOf(suspect, 'rabbit boot'))).toEqual([])
  })

  it('the healthy side alone has no queue', async () => {
    const alone = diagnoseParsed(null, await parsedFixture('queues/amqp-node/baseline.tar.gz'))
    expect(alone.findings.filter((f) => f.kind === 'queue-buildup')).toEqual([])
  })
})

describe('nats-node: nats.js drops what is published while it reconnects (measured: no queue)', async () => {
  const { d, suspect } = await pair('nats-node')

  it('has no queue finding and blames no process: the publisher did not grow', () => {
    expect(d.findings.filter((f) => f.kind === 'queue-buildup')).toEqual([])
    expect(d.findings.filter((f) => f.process === programOf(suspect, 'telemetry-pub.js'))).toEqual([])
    steadyIsNotBlamed(d, suspect, programOf(suspect, 'telemetry-pub.js'))
  })
})

describe('control-rsyslog-bounded: rsyslog full at 2000 messages and dropping, next to a program keeping every session', async () => {
  const { d, suspect } = await pair('control-rsyslog-bounded')

  it('calls nothing a queue, and does not blame rsyslogd, whose queue holds 2000 messages and drops the rest', () => {
    expect(d.findings.filter((f) => f.kind === 'queue-buildup')).toEqual([])
    expect(d.findings.filter((f) => f.process === programOf(suspect, 'rsyslogd'))).toEqual([])
    steadyIsNotBlamed(d, suspect, programOf(suspect, 'rsyslogd'))
  })
})

describe("the reports show another client's queue", async () => {
  const { d } = await pair('mqtt-python')

  it('HTML: the client, each limit with its source, the bound', () => {
    const page = renderHtml(d, {})
    expect(page).toContain('<dt>client</dt><dd>paho-mqtt (Python) (mqtt)</dd>')
    expect(page).toContain('<dt>max_queued_messages</dt><dd>no limit (config; errors at the limit)</dd>')
    expect(page).toContain('<dt>bound</dt><dd>unbounded</dd>')
  })

  it('Markdown: what would make it surer (ioredis: its configuration is not in the bundle)', async () => {
    const redis = await pair('redis-node')
    expect(renderMarkdown(redis.d)).toMatch(
      /\*\*Would make this surer\*\*\n\n- the ioredis configuration: without it the defaults are assumed/,
    )
  })
})

describe('control-redis-cache: ioredis connected, its queue empty, while its program caches every event', async () => {
  const { d, suspect } = await pair('control-redis-cache')

  it("calls nothing a queue: the client's statistics show an empty offline queue and no connection failed", () => {
    const client = programOf(suspect, 'order-events.js')
    expect(d.processes.find((p) => p.name === client)!.deltaKib).toBeGreaterThan(16 * 1024)
    expect(d.findings.filter((f) => f.kind === 'queue-buildup')).toEqual([])
    steadyIsNotBlamed(d, suspect, client)
  })
})
