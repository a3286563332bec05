import type { Diagnosis } from '../../../schemas/diagnosis.ts'
import { toBase64 } from '../sign.ts'

// What the three ticket integrations share, pure: which attachments are bundles, which two to
// diagnose and in which roles, where attachments may come from, signatures, and what the reply says.

export type TicketSystem = 'zendesk' | 'jira' | 'webhook'

/** An attachment as a ticket system lists it. */
export interface Attachment {
  key: string // stable identity ("zendesk:123"), to tell a re-fired webhook from new bundles
  name: string
  url: string
  created: number | null // epoch ms; null keeps the listing's order
  size: number | null // as the vendor declares it; the download counts bytes anyway
}

export interface Skipped {
  name: string
  reason: string
}

export interface UsedBundle {
  name: string
  role: 'baseline' | 'suspect'
  bundleId: string
}

/** What came of a ticket: each system turns it into its own comment or reply. */
export type TicketResult =
  | { kind: 'diagnosed'; diagnosis: Diagnosis; reportUrl: string; used: UsedBundle[]; skipped: Skipped[] }
  | { kind: 'no_bundle'; skipped: Skipped[] }
  | { kind: 'failed'; error: string; skipped: Skipped[] }

const BUNDLE_NAME = /\.(tar\.gz|tgz|tar|zip)$/i

export const isBundleName = (name: string): boolean => BUNDLE_NAME.test(name.trim())

/** Vendors print times with "+0000"; Date.parse wants "+00:00". NaN and absent give null. */
export function parseTime(value: string | null | undefined): number | null {
  if (!value) return null
  const ms = Date.parse(value.trim().replace(/([+-]\d\d)(\d\d)$/, '$1:$2'))
  return Number.isNaN(ms) ? null : ms
}

/** The newest `n` attachments, oldest first; ties and unknown times keep the listing's order. */
export function newest(list: readonly Attachment[], n = 2): Attachment[] {
  const indexed = list.map((a, i) => ({ a, i, t: a.created ?? Number.NEGATIVE_INFINITY }))
  indexed.sort((x, y) => (x.t === y.t ? x.i - y.i : x.t < y.t ? -1 : 1))
  return indexed.slice(-n).map((x) => x.a)
}

/**
 * Older = baseline, newer = suspect, unless a manifest says otherwise: the pair is swapped when
 * the older one calls itself the suspect or the newer one the baseline (and the other does not).
 */
export function byRole<T extends { role: string | null }>(older: T, newer: T): { baseline: T; suspect: T } {
  const says = (b: T, role: string) => b.role?.trim().toLowerCase() === role
  const swap = (says(older, 'suspect') && !says(newer, 'suspect')) || (says(newer, 'baseline') && !says(older, 'baseline'))
  return swap ? { baseline: newer, suspect: older } : { baseline: older, suspect: newer }
}

/**
 * The URL when it lies under `base` (same scheme, host and port, and within its path), else
 * null. Attachments are fetched only from the ticket system's own host: a URL from a webhook
 * body or a comment must not make memgap fetch (with the vendor's credentials) anywhere else.
 */
export function under(raw: string, base: string): URL | null {
  let url: URL
  try {
    url = new URL(raw)
  } catch {
    return null
  }
  const b = new URL(base)
  if (url.username !== '' || url.password !== '' || url.origin !== b.origin) return null
  const prefix = b.pathname.endsWith('/') ? b.pathname : `${b.pathname}/`
  return url.pathname.startsWith(prefix) || url.pathname === b.pathname ? url : null
}

/** `base` without trailing slashes, for `${base}/api/...`. */
export const trimBase = (base: string): string => base.replace(/\/+$/, '')

const encoder = new TextEncoder()

export function basicAuth(user: string, password: string): string {
  return `Basic ${toBase64(encoder.encode(`${user}:${password}`))}`
}

/** HMAC-SHA256 check in constant time (crypto.subtle.verify), over the raw bytes as received. */
export async function hmacMatches(secret: string, message: Uint8Array, signature: Uint8Array): Promise<boolean> {
  const key = await crypto.subtle.importKey('raw', encoder.encode(secret), { name: 'HMAC', hash: 'SHA-256' }, false, ['verify'])
  return crypto.subtle.verify('HMAC', key, signature as Uint8Array<ArrayBuffer>, message as Uint8Array<ArrayBuffer>)
}

export const utf8 = (text: string): Uint8Array => encoder.encode(text)

export function fromBase64(text: string): Uint8Array | null {
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(text)) return null
  try {
    return Uint8Array.from(atob(text), (c) => c.charCodeAt(0))
  } catch {
    return null
  }
}

export function fromHex(text: string): Uint8Array | null {
  if (!/^([0-9a-fA-F]{2})+$/.test(text)) return null
  return Uint8Array.from(text.match(/../g)!, (h) => parseInt(h, 16))
}

/** Cuts `text` to `max` characters at a line end, ending with `tail`. */
export function clipText(text: string, max: number, tail: string): string {
  if (text.length <= max) return text
  const room = Math.max(0, max - tail.length)
  const cut = text.lastIndexOf('\n', room)
  return `${text.slice(0, cut > room / 2 ? cut : room)}${tail}`
}

function named(used: UsedBundle[]): string {
  if (used.length === 1) return `${used[0]!.name} alone (one bundle: nothing to compare it with)`
  const base = used.find((u) => u.role === 'baseline')!
  const suspect = used.find((u) => u.role === 'suspect')!
  return `${base.name} (baseline) and ${suspect.name} (suspect)`
}

/**
 * What memgap says about the ticket, in plain sentences (raw text: each system escapes it its own
 * way). File names come from the ticket and are untrusted.
 */
export function resultNotes(result: TicketResult): string[] {
  const notes: string[] = []
  if (result.kind === 'diagnosed') notes.push(`memgap diagnosed ${named(result.used)}.`)
  if (result.kind === 'no_bundle') {
    notes.push(
      'memgap found no diagnostic bundle (.tar.gz, .tgz, .tar or .zip) attached to this ticket, so there is nothing to diagnose yet.',
    )
  }
  if (result.kind === 'failed') notes.push(`memgap could not diagnose the bundles of this ticket: ${result.error}`)
  for (const s of result.skipped) notes.push(`Skipped ${s.name}: ${s.reason}.`)
  return notes
}
