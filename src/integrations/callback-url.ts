import { type AddressClass, type Classified, classifyIP } from './ip.ts'

// Callback URLs come from whoever calls POST /v1/diagnoses: without this check memgap would POST
// wherever it is told, including the cloud metadata service and the operator's private network.
//
// Policy:
// - https only; http only with allowPrivate (MEMGAP_ALLOW_PRIVATE_CALLBACKS=true, for tests and
//   self-hosted setups whose chat server lives on the LAN).
// - Loopback, private (RFC 1918, fc00::/7), CGNAT and link-local addresses, and names that are
//   local by construction (localhost, single labels, .internal, .local ...): only with allowPrivate.
// - Always refused: metadata addresses and names, unspecified (0.0.0.0, ::), multicast, broadcast
//   and reserved ranges, and user:pass@ before the host (a classic trick to disguise the host).
// - With a resolver, every address the name resolves to must pass too. In Node, pass one built on
//   node:dns (resolve-node.ts). Deployed Workers have none and need none for names: their fetch()
//   leaves from Cloudflare's edge, which has no route to the operator's private networks, loopback
//   or a metadata service. (Under `wrangler dev`, workerd runs on the host: the literal and name
//   checks above still apply there.)
// - Not covered: DNS rebinding between this check and fetch(). send() does not follow redirects,
//   so a public URL cannot bounce the request inward.

export type Resolve = (host: string) => Promise<string[]>

export interface CallbackCheckOptions {
  allowPrivate: boolean
  resolve?: Resolve
}

export type CallbackCheck = { ok: true; url: URL } | { ok: false; reason: string }

const SETTING = 'MEMGAP_ALLOW_PRIVATE_CALLBACKS=true'
const OPENED_BY_SETTING: ReadonlySet<AddressClass> = new Set(['loopback', 'private', 'cgnat', 'link-local'])

const DESCRIBE: Record<Exclude<AddressClass, 'public'>, string> = {
  loopback: 'a loopback address',
  private: 'a private-network address',
  cgnat: 'a carrier-grade NAT (100.64.0.0/10) address',
  'link-local': 'a link-local address',
  metadata: 'a cloud metadata service address',
  unspecified: 'an unspecified address',
  multicast: 'a multicast address',
  broadcast: 'the broadcast address',
  reserved: 'a reserved, non-routable address',
}

const METADATA_NAMES = new Set([
  'metadata',
  'metadata.google.internal',
  'metadata.goog',
  'instance-data',
  'instance-data.ec2.internal',
  'metadata.tencentyun.com',
])

// Suffixes that only ever resolve inside a site: mDNS, cloud-internal zones, home networks.
const LOCAL_SUFFIXES = ['.internal', '.local', '.localdomain', '.home.arpa', '.lan', '.intranet']

const refuse = (reason: string): CallbackCheck => ({ ok: false, reason })

/** Why an address of this class may not be called, or null when it may. */
function verdict(cls: AddressClass, allowPrivate: boolean): string | null {
  if (cls === 'public') return null
  if (OPENED_BY_SETTING.has(cls)) return allowPrivate ? null : `${DESCRIBE[cls]} (allowed only with ${SETTING})`
  return `${DESCRIBE[cls]}, never allowed`
}

function describeLiteral(c: Classified): string {
  return c.via ? `${c.address} (which reaches ${c.via})` : c.address
}

/** The class of a host name by its spelling alone, or null when only DNS can tell. */
export function classifyName(name: string): 'loopback' | 'metadata' | 'private' | null {
  if (name === 'localhost' || name.endsWith('.localhost')) return 'loopback'
  if (METADATA_NAMES.has(name)) return 'metadata'
  if (!name.includes('.')) return 'private' // single labels resolve through the local search domains
  if (LOCAL_SUFFIXES.some((s) => name.endsWith(s))) return 'private'
  return null
}

export async function checkCallbackUrl(raw: string, opts: CallbackCheckOptions): Promise<CallbackCheck> {
  let url: URL
  try {
    url = new URL(raw)
  } catch {
    return refuse('the callback URL is not a valid absolute URL')
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    return refuse(`the callback URL must use https, not ${url.protocol.replace(/:$/, '')}`)
  }
  if (url.protocol === 'http:' && !opts.allowPrivate) {
    return refuse(`the callback URL must use https (plain http is allowed only with ${SETTING})`)
  }
  if (url.username !== '' || url.password !== '') {
    return refuse('the callback URL must not carry credentials (user:password@) before the host')
  }
  // Lower case and punycode come from URL parsing; a trailing dot names the same host.
  const host = url.hostname.replace(/\.+$/, '')
  if (host === '') return refuse('the callback URL has no host')

  const literal = classifyIP(host)
  if (literal) {
    const why = verdict(literal.class, opts.allowPrivate)
    return why ? refuse(`the callback host ${describeLiteral(literal)} is ${why}`) : { ok: true, url }
  }
  if (/^[\d.]+$/.test(host) || /^0x/i.test(host)) return refuse(`the callback host ${host} is a malformed IP address`)

  const byName = classifyName(host)
  if (byName) {
    const why = verdict(byName, opts.allowPrivate)
    if (why) return refuse(`the callback host ${host} is ${why}`)
  }
  if (!opts.resolve) return { ok: true, url }

  let addresses: string[]
  try {
    addresses = await opts.resolve(host)
  } catch (e) {
    return refuse(`the callback host ${host} could not be resolved (${e instanceof Error ? e.message : String(e)})`)
  }
  if (addresses.length === 0) return refuse(`the callback host ${host} resolves to no address`)
  for (const address of addresses) {
    const c = classifyIP(address)
    if (!c) return refuse(`the callback host ${host} resolves to ${address}, which is not an IP address`)
    const why = verdict(c.class, opts.allowPrivate)
    if (why) return refuse(`the callback host ${host} resolves to ${describeLiteral(c)}, ${why}`)
  }
  return { ok: true, url }
}
