/**
 * Redaction of record examples before they leave the engine: a diagnosis is pasted into tickets
 * and chats, and a dump holds customers' traffic.
 *
 * - IPv4 addresses keep their first octet: `10.2.200.75` -> `10.x.x.x`
 * - IPv6 addresses -> `x:x:x:x`; MAC addresses -> `xx:xx:xx:xx:xx:xx`
 * - e-mail addresses -> `<email>`
 * - long tokens: hex of 16+ digits, letters and numbers mixed -> `<hex:32>`; other runs of 16+ base64/url-safe characters with
 *   letters and at least two digits (session ids, keys, JWT parts) -> `<token:19>`
 * - URL credentials `//user:password@` -> `//<user>:<password>@`
 *
 * Linear in the text: every pattern can start only where a run of its characters starts (a
 * lookbehind), and what it may scan from there is bounded, so no position is rescanned from
 * every position before it (an e-mail pattern without that took 12 s on 64 KiB of letters).
 */

const IPV4 = /(?<![\d.])(\d{1,3})\.\d{1,3}\.\d{1,3}\.\d{1,3}(?![\d.]*\d)/g
const MAC = /(?<![0-9A-Fa-f:])[0-9A-Fa-f]{2}(?:[:-][0-9A-Fa-f]{2}){5}(?![0-9A-Fa-f:])/g
// IPv6: eight groups, or fewer with `::` (at least one letter or `::` so times do not match)
const IPV6 =
  /(?<![\w:.])(?:(?:[0-9A-Fa-f]{1,4}:){7}[0-9A-Fa-f]{1,4}|(?:[0-9A-Fa-f]{1,4}:){0,6}[0-9A-Fa-f]{0,4}::(?:[0-9A-Fa-f]{1,4}:){0,6}[0-9A-Fa-f]{0,4})(?![\w:])/g
// Labels as far as they go; the callback keeps the address up to its last alphabetic label.
const EMAIL = /(?<![\w.+-])[\w.+-]{1,64}@[\w-]{1,63}(?:\.[\w-]{1,63}){1,8}(?![\w-])/g
const URL_CREDENTIALS = /\/\/[^/\s:@"]{1,256}:[^/\s@"]{1,256}@/g
const HEX_TOKEN = /(?<![0-9A-Za-z])(?:0x)?[0-9A-Fa-f]{16,}(?![0-9A-Za-z])/g
const TOKEN = /(?<![A-Za-z0-9+/_=-])[A-Za-z0-9+/_-]{16,}={0,2}(?![A-Za-z0-9+/_=-])/g

function isToken(s: string): boolean {
  let digits = 0
  let letters = 0
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i)
    if (c >= 0x30 && c <= 0x39) digits++
    else if ((c | 0x20) >= 0x61 && (c | 0x20) <= 0x7a) letters++
  }
  return digits >= 2 && letters >= 2
}

/** `a@b.com.123` -> `<email>.123`: the address ends at its last alphabetic label (a TLD). */
function maskEmail(match: string): string {
  const labels = match.split('.')
  for (let keep = labels.length; keep >= 2; keep--) {
    if (/^[A-Za-z]{2,}$/.test(labels[keep - 1]!) && labels.slice(0, keep).join('.').includes('@')) {
      return ['<email>', ...labels.slice(keep)].join('.')
    }
  }
  return match
}

/** Masks addresses, e-mails and tokens, then cuts to `max` characters (with `...`). */
export function redact(text: string, max = 300): { text: string; truncated: boolean } {
  const masked = text
    .replace(URL_CREDENTIALS, '//<user>:<password>@')
    .replace(EMAIL, maskEmail)
    .replace(MAC, 'xx:xx:xx:xx:xx:xx')
    .replace(IPV6, (m) => (m === '::' || !/[0-9A-Fa-f]/.test(m) ? m : 'x:x:x:x'))
    .replace(IPV4, '$1.x.x.x')
    .replace(HEX_TOKEN, (m) => (/\d/.test(m) && /[a-fA-F]/.test(m.replace(/^0x/, '')) ? `<hex:${m.length}>` : m))
    .replace(TOKEN, (m) => (isToken(m) ? `<token:${m.length}>` : m))
  if (masked.length <= max) return { text: masked, truncated: false }
  return { text: `${masked.slice(0, max - 3)}...`, truncated: true }
}
