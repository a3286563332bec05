import { AMQPLIB, PIKA } from './amqp.ts'
import { OTEL_BATCH, SENTRY } from './bounded.ts'
import { FLUENT_BIT } from './fluent-bit.ts'
import { FRANZ_GO, KAFKA_GO, SARAMA } from './go-kafka.ts'
import { JAVA_KAFKA } from './java-kafka.ts'
import { LIBRDKAFKA } from './librdkafka.ts'
import { FILEBEAT, LOGSTASH, VECTOR } from './log-shipper.ts'
import { LIBMOSQUITTO, MOSQUITTO_BRIDGE, PAHO_C, PAHO_PYTHON } from './mqtt.ts'
import { NATS_GO, NATS_JS } from './nats.ts'
import { IOREDIS, NODE_REDIS } from './redis.ts'
import { RSYSLOG } from './rsyslog.ts'
import type { ClientSpec } from './types.ts'

// Every messaging client memgap recognises, one module per family. An explicit list: adding a
// client is one entry in its family's module and one name here.
export const CLIENTS: readonly ClientSpec[] = [
  LIBRDKAFKA,
  JAVA_KAFKA,
  SARAMA,
  FRANZ_GO,
  KAFKA_GO,
  RSYSLOG,
  FLUENT_BIT,
  FILEBEAT,
  LOGSTASH,
  VECTOR,
  PAHO_PYTHON,
  PAHO_C,
  LIBMOSQUITTO,
  MOSQUITTO_BRIDGE,
  IOREDIS,
  NODE_REDIS,
  NATS_GO,
  NATS_JS,
  AMQPLIB,
  PIKA,
  OTEL_BATCH,
  SENTRY,
]

export const clientById = (id: string): ClientSpec | undefined => CLIENTS.find((c) => c.id === id)
