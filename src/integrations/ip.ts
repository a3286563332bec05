// IP literal parsing and classification for the callback-URL check. Pure; no runtime imports.

export type AddressClass =
  | 'public'
  | 'loopback'
  | 'private'
  | 'cgnat'
  | 'link-local'
  | 'metadata'
  | 'unspecified'
  | 'multicast'
  | 'broadcast'
  | 'reserved'

export interface Classified {
  class: AddressClass
  address: string // canonical text of the literal
  via?: string // for IPv6 forms that carry an IPv4 address: the IPv4 address reached
}

/**
 * IPv4 in every form the WHATWG URL parser accepts (1 to 4 parts, each decimal, 0x hex or
 * 0-prefixed octal: 2130706433, 0x7f.1, 017700000001). URL parsing already normalises these in
 * http(s) URLs; parsing them here too keeps the check safe if a runtime does not.
 */
export function parseIPv4(host: string): number | null {
  const parts = host.split('.')
  if (parts.length > 1 && parts[parts.length - 1] === '') parts.pop()
  if (parts.length === 0 || parts.length > 4) return null
  const values: number[] = []
  for (const part of parts) {
    let digits = part
    let radix = 10
    if (/^0x/i.test(part)) {
      digits = part.slice(2)
      radix = 16
    } else if (part.length > 1 && part.startsWith('0')) {
      digits = part.slice(1)
      radix = 8
    }
    const re = radix === 16 ? /^[0-9a-f]*$/i : radix === 8 ? /^[0-7]+$/ : /^[0-9]+$/
    if (!re.test(digits)) return null
    values.push(digits === '' ? 0 : parseInt(digits, radix))
  }
  const last = values.pop()!
  if (values.some((v) => v > 255) || last >= 256 ** (4 - values.length)) return null
  return values.reduce((n, v, i) => n + v * 256 ** (3 - i), 0) + last
}

export function formatIPv4(n: number): string {
  return [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.')
}

/** Eight 16-bit groups, or null. Accepts brackets, `::` and a dotted IPv4 tail; refuses zone ids. */
export function parseIPv6(host: string): number[] | null {
  let s = host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host
  if (!s.includes(':') || s.includes('%')) return null
  let tail: number[] = []
  const dotted = /^(.*:)(\d+\.\d+\.\d+\.\d+)$/.exec(s)
  if (dotted) {
    if (!/^(\d{1,3}\.){3}\d{1,3}$/.test(dotted[2]!)) return null
    const v4 = dotted[2]!.split('.').map(Number)
    if (v4.some((b) => b > 255)) return null
    tail = [v4[0]! * 256 + v4[1]!, v4[2]! * 256 + v4[3]!]
    s = dotted[1]!.endsWith('::') ? dotted[1]! : dotted[1]!.slice(0, -1)
  }
  const halves = s.split('::')
  if (halves.length > 2) return null
  const groups = (text: string) => (text === '' ? [] : text.split(':'))
  const head = groups(halves[0]!)
  const rest = halves.length === 2 ? groups(halves[1]!) : []
  if ([...head, ...rest].some((g) => !/^[0-9a-f]{1,4}$/i.test(g))) return null
  const known = head.length + rest.length + tail.length
  if (halves.length === 1 ? known !== 8 : known > 7) return null
  const zeros = new Array<number>(8 - known).fill(0)
  return [...head.map((g) => parseInt(g, 16)), ...zeros, ...rest.map((g) => parseInt(g, 16)), ...tail]
}

export function formatIPv6(h: number[]): string {
  // RFC 5952: the longest run of two or more zero groups becomes ::
  let best = -1
  let bestLen = 1
  for (let i = 0; i < 8; ) {
    let j = i
    while (j < 8 && h[j] === 0) j++
    if (j - i > bestLen) [best, bestLen] = [i, j - i]
    i = j === i ? i + 1 : j
  }
  const hex = h.map((g) => g.toString(16))
  if (best < 0) return hex.join(':')
  return `${hex.slice(0, best).join(':')}::${hex.slice(best + bestLen).join(':')}`
}

const v4 = (a: number, b: number, c: number, d: number) => ((a << 24) | (b << 16) | (c << 8) | d) >>> 0
const inV4 = (n: number, base: number, bits: number) => bits === 0 || n >>> (32 - bits) === base >>> (32 - bits)

// Cloud instance metadata services: never a callback, whatever the settings.
const METADATA_V4 = [v4(169, 254, 169, 254), v4(169, 254, 170, 2), v4(100, 100, 100, 200), v4(192, 0, 0, 192)]

const V4_RANGES: Array<[number, number, AddressClass]> = [
  [v4(0, 0, 0, 0), 8, 'unspecified'], // "this network": connecting to 0.0.0.0 reaches the local host
  [v4(127, 0, 0, 0), 8, 'loopback'],
  [v4(10, 0, 0, 0), 8, 'private'],
  [v4(172, 16, 0, 0), 12, 'private'],
  [v4(192, 168, 0, 0), 16, 'private'],
  [v4(100, 64, 0, 0), 10, 'cgnat'],
  [v4(169, 254, 0, 0), 16, 'link-local'],
  [v4(192, 0, 0, 0), 24, 'reserved'],
  [v4(192, 0, 2, 0), 24, 'reserved'],
  [v4(192, 88, 99, 0), 24, 'reserved'],
  [v4(198, 18, 0, 0), 15, 'reserved'],
  [v4(198, 51, 100, 0), 24, 'reserved'],
  [v4(203, 0, 113, 0), 24, 'reserved'],
  [v4(255, 255, 255, 255), 32, 'broadcast'],
  [v4(224, 0, 0, 0), 4, 'multicast'],
  [v4(240, 0, 0, 0), 4, 'reserved'],
]

export function classifyIPv4(n: number): AddressClass {
  if (METADATA_V4.includes(n)) return 'metadata'
  for (const [base, bits, cls] of V4_RANGES) if (inV4(n, base, bits)) return cls
  return 'public'
}

function classifyGroups(h: number[]): Classified {
  const address = formatIPv6(h)
  const zeroUpTo = (k: number) => h.slice(0, k).every((g) => g === 0)
  const embedded = (hi: number, lo: number): Classified => {
    const n = ((hi << 16) | lo) >>> 0
    return { class: classifyIPv4(n), address, via: formatIPv4(n) }
  }
  if (zeroUpTo(8)) return { class: 'unspecified', address }
  if (zeroUpTo(7) && h[7] === 1) return { class: 'loopback', address }
  if (zeroUpTo(5) && h[5] === 0xffff) return embedded(h[6]!, h[7]!) // IPv4-mapped ::ffff:a.b.c.d
  if (h[0] === 0x64 && h[1] === 0xff9b && h.slice(2, 6).every((g) => g === 0)) return embedded(h[6]!, h[7]!) // NAT64
  if (h[0] === 0x2002) return embedded(h[1]!, h[2]!) // 6to4 carries the IPv4 address in bits 16-47
  if (h[0] === 0xfd00 && h[1] === 0x0ec2 && h.slice(2, 7).every((g) => g === 0) && h[7] === 0x254) {
    return { class: 'metadata', address } // AWS IMDS over IPv6: fd00:ec2::254
  }
  const first = h[0]!
  if ((first & 0xff00) === 0xff00) return { class: 'multicast', address }
  if ((first & 0xffc0) === 0xfe80) return { class: 'link-local', address }
  if ((first & 0xffc0) === 0xfec0) return { class: 'private', address } // deprecated site-local
  if ((first & 0xfe00) === 0xfc00) return { class: 'private', address } // unique local fc00::/7
  if (h[0] === 0x64 && h[1] === 0xff9b && h[2] === 1) return { class: 'private', address } // local-use NAT64
  if (h[0] === 0x2001 && (h[1] === 0 || h[1] === 0x0db8 || (h[1]! & 0xfff0) === 0x0010)) {
    return { class: 'reserved', address } // Teredo, documentation, ORCHID
  }
  // Only 2000::/3 is global unicast; everything else (::/8 compat, 100::/64 discard, ...) is not.
  return { class: (first & 0xe000) === 0x2000 ? 'public' : 'reserved', address }
}

/** The class of an IP literal (bracketed IPv6 or any IPv4 form), or null when `host` is a name. */
export function classifyIP(host: string): Classified | null {
  const n = parseIPv4(host)
  if (n !== null) return { class: classifyIPv4(n), address: formatIPv4(n) }
  const h = parseIPv6(host)
  return h === null ? null : classifyGroups(h)
}
