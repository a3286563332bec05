import { tarGz } from './tar.ts'

/**
 * A bundle of one host whose command lines, config and log carry secrets, as real ones do (procps
 * `ps -eo pid,rss,comm,args`; a librdkafka .properties with SASL; a curl in a script's log).
 * `SECRETS` lists what must never come back from the API.
 */
export const SECRETS = ['hunter2', 'tok-9f8e7d6c5b4a3210', 'u:p@', 'pa55word', 'Zm9vOmJhcg==']

export function secretBundle(host: string, collectedAt: string, extra = ''): Uint8Array<ArrayBuffer> {
  // Notes as an engineer pastes them: the command they ran, secrets and all (kept in the parse).
  const notes = `restarted: /opt/app/worker.py --db-password=hunter2 --token tok-9f8e7d6c5b4a3210; pushed to https://u:p@collector.example.com with -H 'Authorization: Basic Zm9vOmJhcg==' ${extra}`
  const manifest = JSON.stringify({ host, role: 'suspect', collectedAt, notes })
  const meminfo =
    'MemTotal:        2048000 kB\nMemFree:          100000 kB\nMemAvailable:     500000 kB\nActive(anon):     900000 kB\nInactive(anon):    10000 kB\n'
  const ps = [
    '    PID   RSS COMMAND         COMMAND',
    '   1412 88120 worker.py       /usr/bin/python3 /opt/app/worker.py --db-password=hunter2 --token tok-9f8e7d6c5b4a3210',
    '   1500 40960 fwlog           /usr/sbin/fwlog --sink https://u:p@collector.example.com/in',
    `   1623 10240 curl            curl -H Authorization:\u0020Basic\u0020Zm9vOmJhcg== https://api.example.com ${extra}`,
  ].join('\n')
  const kafka = 'bootstrap.servers=broker:9092\nsasl.username=ops\nsasl.password=pa55word\nqueue.buffering.max.messages=38000\n'
  return new Uint8Array(
    tarGz([
      { name: 'manifest.json', body: manifest },
      { name: 'proc/meminfo', body: meminfo },
      { name: 'ps.txt', body: `${ps}\n` },
      { name: 'config/fwlog.properties', body: kafka },
    ]),
  )
}
