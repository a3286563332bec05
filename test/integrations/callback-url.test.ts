import { describe, expect, it } from 'vitest'
import { type CallbackCheckOptions, checkCallbackUrl, classifyName } from '../../src/integrations/callback-url.ts'
import { classifyIP, parseIPv4, parseIPv6 } from '../../src/integrations/ip.ts'
import { resolveWithDns } from '../../src/integrations/resolve-node.ts'

const strict: CallbackCheckOptions = { allowPrivate: false }
const open: CallbackCheckOptions = { allowPrivate: true }

async function reason(url: string, opts = strict): Promise<string> {
  const r = await checkCallbackUrl(url, opts)
  if (r.ok) throw new Error(`${url} was accepted`)
  return r.reason
}

describe('checkCallbackUrl: the three addresses the issue names', () => {
  it('refuses them unless private callbacks are allowed, with a sentence that says why', async () => {
    expect(await reason('http://169.254.169.254/')).toMatch(/must use https.*MEMGAP_ALLOW_PRIVATE_CALLBACKS=true/)
    expect(await reason('https://169.254.169.254/latest/meta-data/')).toMatch(/169\.254\.169\.254 is a cloud metadata service address/)
    expect(await reason('https://10.0.0.1/')).toMatch(/10\.0\.0\.1 is a private-network address \(allowed only with MEMGAP/)
    expect(await reason('https://localhost/')).toMatch(/localhost is a loopback address/)
    expect((await checkCallbackUrl('http://10.0.0.1/', open)).ok).toBe(true)
    expect((await checkCallbackUrl('http://localhost/', open)).ok).toBe(true)
  })

  it('keeps the metadata service refused even when private callbacks are allowed', async () => {
    expect(await reason('http://169.254.169.254/', open)).toMatch(/metadata service address, never allowed/)
  })
})

describe('checkCallbackUrl without private callbacks', () => {
  const refused: Array<[string, RegExp]> = [
    // loopback
    ['https://127.0.0.1/', /loopback/],
    ['https://127.255.255.254/', /loopback/],
    ['https://[::1]/', /loopback/],
    ['https://localhost./', /loopback/],
    ['https://LOCALHOST/', /loopback/],
    ['https://api.localhost/', /loopback/],
    // private, CGNAT, ULA
    ['https://10.255.0.1/', /private-network/],
    ['https://172.16.0.1/', /private-network/],
    ['https://172.31.255.255/', /private-network/],
    ['https://192.168.1.1/', /private-network/],
    ['https://100.64.0.1/', /carrier-grade NAT/],
    ['https://[fc00::1]/', /private-network/],
    ['https://[fd12:3456::1]/', /private-network/],
    // link-local and metadata
    ['https://169.254.1.1/', /link-local/],
    ['https://[fe80::1]/', /link-local/],
    ['https://[fd00:ec2::254]/', /metadata/],
    ['https://100.100.100.200/', /metadata/],
    ['https://metadata.google.internal/computeMetadata/v1/', /metadata/],
    ['https://metadata/', /metadata/],
    ['https://instance-data/', /metadata/],
    // unspecified, multicast, broadcast, reserved
    ['https://0.0.0.0/', /unspecified/],
    ['https://0/', /unspecified/],
    ['https://[::]/', /unspecified/],
    ['https://224.0.0.1/', /multicast/],
    ['https://[ff02::1]/', /multicast/],
    ['https://255.255.255.255/', /broadcast/],
    ['https://240.0.0.1/', /reserved/],
    ['https://[2001:db8::1]/', /reserved/],
    // IPv6 forms that carry an IPv4 address
    ['https://[::ffff:10.0.0.1]/', /::ffff:a00:1 \(which reaches 10\.0\.0\.1\) is a private/],
    ['https://[::ffff:127.0.0.1]/', /reaches 127\.0\.0\.1\) is a loopback/],
    ['https://[::ffff:169.254.169.254]/', /metadata/],
    ['https://[64:ff9b::a00:1]/', /reaches 10\.0\.0\.1/],
    ['https://[2002:a00:1::1]/', /reaches 10\.0\.0\.1/],
    // decimal, hex and octal IPv4 literals (the URL parser normalises them to 127.0.0.1)
    ['http://2130706433/', /https/],
    ['https://2130706433/', /127\.0\.0\.1 is a loopback/],
    ['https://0x7f.1/', /127\.0\.0\.1 is a loopback/],
    ['https://017700000001/', /127\.0\.0\.1 is a loopback/],
    ['https://0x7f000001/', /127\.0\.0\.1 is a loopback/],
    ['https://127.1/', /127\.0\.0\.1 is a loopback/],
    ['https://0177.0.0.1/', /127\.0\.0\.1 is a loopback/],
    ['https://%31%32%37.0.0.1/', /127\.0\.0\.1 is a loopback/],
    ['https://0xa9.0xfe.0xa9.0xfe/', /metadata/],
    // names local by construction
    ['https://intranet/', /private-network/],
    ['https://printer.local/', /private-network/],
    ['https://db.internal/', /private-network/],
    // userinfo and schemes
    ['https://hooks.slack.com@10.0.0.1/', /credentials/],
    ['https://user:pass@example.com/', /credentials/],
    ['https://hooks.slack.com:x@example.com/', /credentials/],
    ['ftp://example.com/', /https, not ftp/],
    ['javascript:alert(1)', /https, not javascript/],
    ['file:///etc/passwd', /https, not file/],
    ['http://example.com/', /must use https/],
    ['hooks.slack.com/services/x', /not a valid absolute URL/],
    ['', /not a valid absolute URL/],
    ['https://999.1.1.1/', /not a valid absolute URL/],
  ]
  it.each(refused)('refuses %s', async (url, why) => {
    expect(await reason(url)).toMatch(why)
  })

  const accepted = [
    'https://hooks.slack.com/services/T000/B000/XXXX',
    'https://open.feishu.cn/open-apis/bot/v2/hook/0c7a-11',
    'https://oapi.dingtalk.com/robot/send?access_token=abc',
    'https://8.8.8.8/',
    'https://[2606:4700:4700::1111]/',
    'https://[::ffff:8.8.8.8]/',
    'https://example.com:8443/x?y=1#z',
    'https://例え.jp/',
  ]
  it.each(accepted)('accepts %s', async (url) => {
    const r = await checkCallbackUrl(url, strict)
    expect(r).toMatchObject({ ok: true })
  })
})

describe('checkCallbackUrl with private callbacks allowed', () => {
  it.each([
    'http://127.0.0.1:1234/x',
    'http://localhost/',
    'http://[::1]:80/',
    'https://192.168.0.10/',
    'http://100.64.1.1/',
    'http://printer.local/',
    'https://[::ffff:10.0.0.1]/',
  ])('accepts %s', async (url) => expect((await checkCallbackUrl(url, open)).ok).toBe(true))
  it.each([
    'http://169.254.169.254/',
    'http://metadata.google.internal/',
    'http://0.0.0.0/',
    'http://224.0.0.1/',
    'http://u:p@127.0.0.1/',
    'ftp://127.0.0.1/',
  ])('still refuses %s', async (url) => expect((await checkCallbackUrl(url, open)).ok).toBe(false))
})

describe('checkCallbackUrl with a resolver', () => {
  const table: Record<string, string[]> = {
    'hooks.example.com': ['93.184.216.34', '2606:2800:220:1::1'],
    'rebind.example.com': ['93.184.216.34', '10.0.0.5'],
    'v6.example.com': ['::1'],
    '127.0.0.1.nip.io': ['127.0.0.1'],
    'meta.example.com': ['169.254.169.254'],
    'empty.example.com': [],
  }
  const resolve = async (host: string) => {
    const found = table[host]
    if (!found) throw new Error(`getaddrinfo ENOTFOUND ${host}`)
    return found
  }
  it('accepts a name whose every address is public', async () => {
    expect((await checkCallbackUrl('https://hooks.example.com/x', { ...strict, resolve })).ok).toBe(true)
  })
  it('refuses a name with any private, loopback or metadata address', async () => {
    expect(await reason('https://rebind.example.com/', { ...strict, resolve })).toMatch(
      /resolves to 10\.0\.0\.5, a private-network address/,
    )
    expect(await reason('https://v6.example.com/', { ...strict, resolve })).toMatch(/resolves to ::1, a loopback/)
    expect(await reason('https://127.0.0.1.nip.io/', { ...strict, resolve })).toMatch(/loopback/)
    expect(await reason('https://meta.example.com/', { ...open, resolve })).toMatch(/metadata/)
  })
  it('refuses names that do not resolve', async () => {
    expect(await reason('https://empty.example.com/', { ...strict, resolve })).toMatch(/resolves to no address/)
    expect(await reason('https://nowhere.example.com/', { ...strict, resolve })).toMatch(/could not be resolved.*ENOTFOUND/)
  })
  it('lets private answers through when allowed', async () => {
    expect((await checkCallbackUrl('https://rebind.example.com/', { ...open, resolve })).ok).toBe(true)
  })
  it('resolves with node:dns in Node (localhost from /etc/hosts)', async () => {
    const addresses = await resolveWithDns('localhost')
    expect(addresses.length).toBeGreaterThan(0)
    for (const a of addresses) expect(classifyIP(a)?.class).toBe('loopback')
  })
})

describe('IP literal parsing, independent of URL normalisation', () => {
  it('reads every WHATWG IPv4 spelling', () => {
    for (const s of [
      '127.0.0.1',
      '2130706433',
      '0x7f.1',
      '017700000001',
      '0x7f000001',
      '127.1',
      '0177.0.0.1',
      '0x7F.0.0.1',
      '127.0.0.1.',
    ]) {
      expect(parseIPv4(s), s).toBe(0x7f000001)
    }
    for (const s of ['example.com', '1.2.3.4.5', '256.1.1.1', '08.1.1.1', '1.2.3.0xg', 'a.1', '']) expect(parseIPv4(s), s).toBeNull()
    expect(classifyIP('0x7f.1')).toEqual({ class: 'loopback', address: '127.0.0.1' })
    expect(classifyIP('0xa9fea9fe')?.class).toBe('metadata')
  })
  it('reads IPv6 with :: and dotted tails, refusing zone ids', () => {
    expect(parseIPv6('[::1]')).toEqual([0, 0, 0, 0, 0, 0, 0, 1])
    expect(parseIPv6('::ffff:10.0.0.1')).toEqual([0, 0, 0, 0, 0, 0xffff, 0x0a00, 1])
    expect(parseIPv6('2001:db8::')).toEqual([0x2001, 0xdb8, 0, 0, 0, 0, 0, 0])
    expect(parseIPv6('1:2:3:4:5:6:7:8')).toEqual([1, 2, 3, 4, 5, 6, 7, 8])
    for (const s of ['fe80::1%eth0', '1::2::3', '1:2:3:4:5:6:7:8:9', '::g', 'example.com', '::1.2.3.256'])
      expect(parseIPv6(s), s).toBeNull()
    expect(classifyIP('::ffff:a9fe:a9fe')).toEqual({ class: 'metadata', address: '::ffff:a9fe:a9fe', via: '169.254.169.254' })
  })
  it('classifies names by their spelling', () => {
    expect(classifyName('localhost')).toBe('loopback')
    expect(classifyName('x.localhost')).toBe('loopback')
    expect(classifyName('metadata.google.internal')).toBe('metadata')
    expect(classifyName('nas')).toBe('private')
    expect(classifyName('router.home.arpa')).toBe('private')
    expect(classifyName('hooks.slack.com')).toBeNull()
  })
})
