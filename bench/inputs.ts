// The benchmark's inputs, made fresh in a temp dir and the same every run (seeded layout, AES-CTR
// keystream for the random bytes):
// - a 64 MiB heap dump of mixed content: glibc-style chunks holding JSON records like the kafka
//   fixture's (netflow and waf, ~1 KiB each), log and config text lines, pointer tables and
//   zeros, and random junk (compressed or encrypted payloads);
// - a ~100 MiB .tar.gz (gzip -6) holding it, a second dump of a mostly random region (a 64 MiB
//   dump cannot compress to 100 MiB by itself), and the kafka suspect's meminfo, ps, pmap,
//   status, smaps_rollup and manifest.
import { execFileSync } from 'node:child_process'
import { createCipheriv } from 'node:crypto'
import { mkdirSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { prng } from '../test/content/helpers.ts'

export const MiB = 1024 * 1024
export const DUMP_PATH = 'dumps/5-7f2250000000-7f2254000000.bin'
const POOL_BYTES = 68 * MiB // the second region: sized so the .tar.gz lands near 100 MiB
const POOL_PATH = `dumps/5-7f2258000000-${(0x7f2258000000 + POOL_BYTES).toString(16)}.bin`
const FIXTURE_FILES = ['./manifest.json', './proc/meminfo', './ps.txt', './pmap/5.txt', './proc/5/status', './proc/5/smaps_rollup']

/** Byte shares of each kind of segment. */
interface Mix {
  records: number
  text: number
  junk: number
  pointers: number
}
export const DUMP_MIX: Mix = { records: 0.4, text: 0.1, junk: 0.4, pointers: 0.1 }
const POOL_MIX: Mix = { records: 0.02, text: 0.02, junk: 0.94, pointers: 0.02 }

class Maker {
  readonly rand: () => number
  private keystream = createCipheriv('aes-128-ctr', Buffer.alloc(16, 7), Buffer.alloc(16, 0))
  records = 0
  constructor(seed: number) {
    this.rand = prng(seed)
  }
  int = (lo: number, hi: number): number => lo + Math.floor(this.rand() * (hi - lo + 1))
  pick = <T>(xs: readonly T[]): T => xs[Math.floor(this.rand() * xs.length)]!
  ip = (): string =>
    `${this.pick([`10.${this.int(0, 255)}.${this.int(0, 255)}`, '192.0.2', '203.0.113', '198.51.100'])}.${this.int(1, 254)}`
  time = (ms: number): string => new Date(Date.UTC(2026, 10, 27, 9, 0, 0) + ms).toISOString()

  junk(n: number): Buffer {
    return this.keystream.update(Buffer.alloc(n))
  }

  netflow(): string {
    const start = this.int(0, 3_000_000)
    const dur = this.int(10, 200_000)
    return JSON.stringify({
      SessionID: 1715100000 + this.int(0, 99999),
      LogType: 'netflow',
      Timestamp: this.time(start + dur),
      DeviceID: `FW-FWLOG-${this.int(1000, 9999)}`,
      VsysID: 1,
      SrcIP: this.ip(),
      SrcPort: this.int(1024, 65535),
      DstIP: this.ip(),
      DstPort: this.pick([22, 53, 80, 443, 3389, 8080]),
      NatSrcIP: '',
      NatSrcPort: 0,
      Protocol: this.pick(['TCP', 'UDP']),
      App: this.pick(['YouTube', 'DNS', 'HTTPS', 'SSH', 'RDP']),
      InIf: `eth${this.int(0, 7)}`,
      OutIf: `eth${this.int(0, 7)}`,
      SrcZone: this.pick(['trust', 'untrust', 'dmz']),
      DstZone: this.pick(['trust', 'untrust', 'dmz']),
      SrcCountry: this.pick(['NL', 'US', 'DE', 'CN']),
      DstCountry: this.pick(['JP', 'FR', 'US']),
      BytesSent: this.int(0, 1e8),
      BytesRecv: this.int(0, 1e8),
      PktsSent: this.int(0, 1e6),
      PktsRecv: this.int(0, 1e6),
      StartTime: this.time(start),
      EndTime: this.time(start + dur),
      DurationMs: dur,
      TcpFlags: this.pick(['SYN,ACK', 'SYN,RST', 'FIN,ACK']),
      Action: this.pick(['allow', 'deny']),
      PolicyID: this.int(1, 300),
      PolicyName: this.pick(['vpn-users', 'default', 'dmz-in']),
      UserName: this.pick(['alice', 'bob', '']),
      CloseReason: this.pick(['tcp-fin', 'tcp-rst', 'aged-out']),
    })
  }

  waf(): string {
    const host = this.pick(['www.example.com', 'api.example.net'])
    const rule = this.pick([941100, 931100, 942100])
    const result =
      `<?xml version="1.0" encoding="UTF-8"?><WafResult version="2.1"><Engine>waf-core 4.8.1</Engine><Rule id="${rule}" phase="2" severity="CRITICAL">` +
      `<Msg>attack detected via libinjection</Msg><Tag>paranoia-level/2</Tag></Rule><Match var="ARGS:id" op="@rx" offset="${this.int(0, 200)}">&lt;script&gt;alert(1)&lt;/script&gt;</Match>` +
      `<Request><Header name="Host">${host}</Header><Header name="Accept">text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8</Header>` +
      `<Header name="Cookie">sessid=${this.junk(16).toString('hex')}; lang=en</Header></Request><Score inbound="${this.int(5, 40)}" threshold="5"/>` +
      `<Transaction id="${this.junk(8).toString('hex')}" client="${this.ip()}" server="${this.ip()}"/></WafResult>`
    return JSON.stringify({
      SessionID: 1715100000 + this.int(0, 99999),
      LogType: 'waf',
      Timestamp: this.time(this.int(0, 3_000_000)),
      DeviceID: `FW-FWLOG-${this.int(1000, 9999)}`,
      SrcIP: this.ip(),
      SrcPort: this.int(1024, 65535),
      DstIP: this.ip(),
      DstPort: this.pick([80, 443]),
      Host: host,
      Method: this.pick(['GET', 'POST', 'PUT']),
      Url: `/search?q=%3Cscript%3E&r=${this.int(0, 999999)}`,
      UserAgent: this.pick(['python-requests/2.31.0', 'curl/8.5.0', 'Mozilla/5.0']),
      AttackType: this.pick(['XSS', 'SQL Injection', 'Remote File Inclusion']),
      RuleID: rule,
      Severity: this.pick(['low', 'medium', 'high']),
      Action: this.pick(['block', 'alert']),
      PolicyName: this.pick(['waf-strict', 'waf-api']),
      Result: result,
    })
  }

  logLine(): string {
    const at = this.time(this.int(0, 3_000_000))
    return this.pick([
      () =>
        `${at} INFO fwlog[5]: producer: delivered ${this.int(1, 5000)} messages to fw.netflow [${this.int(0, 11)}] at offset ${this.int(0, 9e6)}`,
      () =>
        `${at} WARN fwlog[5]: rdkafka: fw.waf [${this.int(0, 11)}]: queue.buffering.max.messages reached, ${this.int(1000, 99999)} messages queued`,
      () => `${at} ERROR fwlog[5]: broker ${this.ip()}:9092 connection refused (after ${this.int(1, 900)} ms in state CONNECT)`,
      () => `bootstrap.servers=${this.ip()}:9092,${this.ip()}:9092`,
      () => `/usr/lib/x86_64-linux-gnu/librdkafka.so.1`,
    ])()
  }
}

/** Fills `out` with segments of the given mix; returns the JSON records written. */
function fill(out: Uint8Array, mix: Mix, m: Maker): number {
  const words = new Uint32Array(out.buffer, out.byteOffset, out.byteLength >>> 2)
  const enc = new TextEncoder()
  let at = 0
  while (at < out.length) {
    const end = Math.min(out.length, at + m.int(8, 56) * 1024)
    const r = m.rand()
    if (r < mix.junk) {
      out.set(m.junk(end - at), at)
    } else if (r < mix.junk + mix.pointers) {
      for (let w = at >>> 2; w + 1 < end >>> 2; w += 2) {
        if (m.rand() < 0.3) continue // zeros
        words[w] = (0x50000000 + m.int(0, 0x7ffffff) * 16) >>> 0
        words[w + 1] = 0x7f22
      }
    } else {
      const text = r < mix.junk + mix.pointers + mix.text
      while (true) {
        const body = enc.encode(
          text ? Array.from({ length: m.int(1, 12) }, () => m.logLine()).join('\n') : m.rand() < 0.6 ? m.netflow() : m.waf(),
        )
        const stale = text || m.rand() < 0.5 ? 0 : m.int(4, 40) // a tail of an older, longer record
        const size = (8 + body.length + 1 + stale + 15) & ~15
        if (at + size > end) break
        new DataView(out.buffer, out.byteOffset + at).setUint32(0, size | 1, true)
        out.set(body, at + 8)
        if (stale) out.set(body.subarray(body.length - stale), at + 9 + body.length)
        if (!text) m.records++
        at += size
      }
    }
    at = end
  }
  return m.records
}

export interface Inputs {
  dir: string
  dumpFile: string
  dump: Uint8Array<ArrayBuffer>
  dumpRecords: number
  bundleFile: string
  bundleBytes: number
  bundleUnpackedBytes: number
}

/** Makes the dump and the bundle under `dir`. */
export function makeInputs(dir: string, fixture: string): Inputs {
  const root = join(dir, 'bundle')
  mkdirSync(join(root, 'dumps'), { recursive: true })
  execFileSync('tar', ['xzf', fixture, '-C', root, ...FIXTURE_FILES])
  const maker = new Maker(6)
  const dump = new Uint8Array(64 * MiB)
  const dumpRecords = fill(dump, DUMP_MIX, maker)
  writeFileSync(join(root, DUMP_PATH), dump)
  const pool = new Uint8Array(POOL_BYTES)
  fill(pool, POOL_MIX, new Maker(7))
  writeFileSync(join(root, POOL_PATH), pool)
  const bundleFile = join(dir, 'bundle.tar.gz')
  const tarFile = join(dir, 'bundle.tar')
  execFileSync('tar', ['--sort=name', '--owner=0', '--group=0', '--mtime=2026-11-27', '-C', root, '-cf', tarFile, '.'])
  const bundleUnpackedBytes = statSync(tarFile).size
  execFileSync('sh', ['-c', 'gzip -6 -n -c "$1" > "$2" && rm "$1"', 'sh', tarFile, bundleFile])
  return {
    dir,
    dumpFile: join(root, DUMP_PATH),
    dump,
    dumpRecords,
    bundleFile,
    bundleBytes: statSync(bundleFile).size,
    bundleUnpackedBytes,
  }
}
