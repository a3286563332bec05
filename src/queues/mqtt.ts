import { type ClientSpec, FIX_BUDGET_BYTES, messagesFor } from './types.ts'

/**
 * MQTT publishers: Eclipse Paho for Python and C, libmosquitto, and mosquitto's own bridges.
 * Queued PUBLISH packets (QoS 1/2) wait in the client's memory until the broker acknowledges them.
 *
 * - paho-mqtt (Python): `Client.max_queued_messages_set(n)`; client.py starts with
 *   `self._max_queued_messages = 0` and publish() refuses only `if self._max_queued_messages > 0
 *   and len(self._out_messages) >= self._max_queued_messages` (rc MQTT_ERR_QUEUE_SIZE): unbounded
 *   by default, for QoS 1 and 2 (checked in paho.mqtt.python 1.6 and 2.x client.py). Shows as
 *   `paho/mqtt/client.py` in open files or tracebacks, its debug log `Sending PUBLISH (d0, q1, …`.
 * - Paho C (libpaho-mqtt3as.so): MQTTAsync_createOptions.sendWhileDisconnected 0 and
 *   maxBufferedMessages 100 by default (janus-gateway#2286 quoting Paho's defaults; not checked in
 *   MQTTAsync.h here): while disconnected it refuses, or buffers at most 100.
 * - libmosquitto: mosquitto_max_inflight_messages_set caps messages in flight (20); messages
 *   beyond are queued with no limit we could find in mosquitto.h (unverified).
 * - mosquitto bridge: `max_queued_messages` 1000 by default per client, 0 = no maximum,
 *   `max_queued_bytes` 0 = no maximum (mosquitto.conf(5), 2.x; 100 messages in 1.x); over the
 *   limit messages are dropped. Server down: `Connecting bridge b1 (127.0.0.1:1884)`, `Error
 *   creating bridge: Connection refused.`
 */
export const PAHO_PYTHON: ClientSpec = {
  id: 'paho-python',
  family: 'mqtt',
  name: 'paho-mqtt (Python)',
  seen: { text: /paho[/.]mqtt|paho-mqtt|Sending PUBLISH \(d\d, q\d/ },
  down: /\[Errno 111\] Connection refused|ConnectionRefusedError|MQTT_ERR_NO_CONN|Unexpected (?:MQTT )?disconnect/,
  full: /MQTT_ERR_QUEUE_SIZE/,
  limits: [
    {
      key: 'max_queued_messages',
      unit: 'messages',
      default: null,
      zeroIsUnbounded: true,
      atLimit: 'error',
      config: /max_queued_messages(?:_set\(\s*|\s*[=:]\s*)(\d+)/,
    },
  ],
  // An application's own statistics of paho's queue (len(client._out_messages)).
  stats: [/"out_messages":\s*(?<queued>\d+)/],
  fix: (mean) => [`client.max_queued_messages_set(${messagesFor(FIX_BUDGET_BYTES, mean, 10000)})`],
  advice: 'publish() then returns MQTT_ERR_QUEUE_SIZE: count those and drop or spill the message.',
}

export const PAHO_C: ClientSpec = {
  id: 'paho-c',
  family: 'mqtt',
  name: 'Eclipse Paho C',
  seen: { library: /libpaho-mqtt3[ac]s?\.so/ },
  down: /MQTTASYNC_DISCONNECTED|MQTTAsync_connect.*(?:failed|refused)/,
  limits: [{ key: 'maxBufferedMessages', unit: 'messages', default: 100, zeroIsUnbounded: false, atLimit: 'error' }],
  boundedByDesign: true,
  fix: (mean) => [
    `create_opts.maxBufferedMessages = ${messagesFor(FIX_BUDGET_BYTES, mean, 1000)};`,
    'create_opts.deleteOldestMessages = 1;',
  ],
  advice: 'Paho C buffers at most maxBufferedMessages while disconnected.',
}

export const LIBMOSQUITTO: ClientSpec = {
  id: 'libmosquitto',
  family: 'mqtt',
  name: 'libmosquitto',
  seen: { library: /libmosquitto\.so/ },
  down: /MOSQ_ERR_NO_CONN|MOSQ_ERR_CONN_REFUSED|mosquitto_connect.*(?:refused|failed)/,
  limits: [
    { key: 'queued messages (beyond max_inflight_messages)', unit: 'messages', default: null, zeroIsUnbounded: true, atLimit: 'block' },
  ],
  fix: () => [
    'mosquitto_int_option(mosq, MOSQ_OPT_SEND_MAXIMUM, 20);',
    '/* count messages not yet acknowledged (on_publish) and stop publishing past a bound */',
  ],
  advice: 'libmosquitto keeps every QoS 1/2 message until acknowledged: bound what the application publishes while disconnected.',
}

export const MOSQUITTO_BRIDGE: ClientSpec = {
  id: 'mosquitto-bridge',
  family: 'mqtt',
  name: 'mosquitto bridge',
  seen: { text: /Connecting bridge|Error creating bridge|^\s*connection\s+\S+\s*$/, program: /^mosquitto$/ },
  down: /Error creating bridge: Connection refused|Connecting bridge \S+ \(\S+\)|Bridge \S+ (?:disconnected|connection lost)/,
  full: /Outgoing messages are being dropped for client/,
  limits: [
    {
      key: 'max_queued_messages',
      unit: 'messages',
      default: 1000,
      zeroIsUnbounded: true,
      atLimit: 'drop',
      config: /^\s*max_queued_messages\s+(\d+)/,
    },
    {
      key: 'max_queued_bytes',
      unit: 'bytes',
      default: null,
      zeroIsUnbounded: true,
      atLimit: 'drop',
      config: /^\s*max_queued_bytes\s+(\d+)/,
    },
  ],
  fix: () => ['max_queued_messages 1000', `max_queued_bytes ${FIX_BUDGET_BYTES}`],
  advice: 'Over these mosquitto drops messages for the bridge instead of holding them.',
}
