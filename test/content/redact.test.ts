import { describe, expect, it } from 'vitest'
import { redact } from '../../src/content/redact.ts'

const masked = (text: string): string => redact(text, 10_000).text

describe('redact', () => {
  it('masks IPv4 addresses, keeping the first octet', () => {
    expect(masked('"SrcIP": "10.2.200.75", "DstIP": "192.100.28.177"')).toBe('"SrcIP": "10.x.x.x", "DstIP": "192.x.x.x"')
    expect(masked('client=203.0.113.254:4431')).toBe('client=203.x.x.x:4431')
  })

  it('masks IPv6 and MAC addresses, not times', () => {
    expect(masked('from 2001:db8:85a3::8a2e:370:7334 and fe80::1')).toBe('from x:x:x:x and x:x:x:x')
    expect(masked('2001:0db8:0000:0000:0000:ff00:0042:8329')).toBe('x:x:x:x')
    expect(masked('<dst_mac>52:54:00:0b:e5:61</dst_mac>')).toBe('<dst_mac>xx:xx:xx:xx:xx:xx</dst_mac>')
    expect(masked('"RecordTime": "16:23:18", "Timestamp":"2026-11-27T09:51:28.142Z"')).toBe(
      '"RecordTime": "16:23:18", "Timestamp":"2026-11-27T09:51:28.142Z"',
    )
    expect(masked('std::string')).toBe('std::string')
  })

  it('masks e-mails, long tokens and URL credentials', () => {
    expect(masked('user alice.b+ops@example.com logged in')).toBe('user <email> logged in')
    expect(masked('sessid=7c685630f696e3113576bff27b143c66; lang=en')).toBe('sessid=<hex:32>; lang=en')
    expect(masked('"SessionID": "CJS9z5TaHlv9cs5EGY4"')).toBe('"SessionID": "<token:19>"')
    expect(masked('Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0In0')).toBe('Authorization: Bearer <token:20>.<token:19>')
    expect(masked('https://admin:s3cret@10.0.0.1/x')).toBe('https://<user>:<password>@10.x.x.x/x')
  })

  it('leaves ordinary words, numbers and paths alone', () => {
    const text =
      '"AttackType":"Remote File Inclusion","Tag":"attack-remote-file-inclusion","UserAgent":"python-requests/2.31.0","RuleID":941100,"LogID": 98602998617146'
    expect(masked(text)).toBe(text)
    expect(masked('aaaaaaaaaaaaaaaaaaaa 1598602998617146123')).toBe('aaaaaaaaaaaaaaaaaaaa 1598602998617146123')
  })

  it('cuts to the given length after masking', () => {
    const long = `{"ip":"10.0.0.1","pad":"${'a'.repeat(500)}"}`
    const { text, truncated } = redact(long, 300)
    expect(truncated).toBe(true)
    expect(text).toHaveLength(300)
    expect(text.startsWith('{"ip":"10.x.x.x"')).toBe(true)
    expect(text.endsWith('...')).toBe(true)
    expect(redact('short', 300)).toEqual({ text: 'short', truncated: false })
  })
})
