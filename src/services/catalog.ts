import type { StoredBundle } from '../../schemas/bundle.ts'
import type { BundleList, BundleListQuery, DiagnosisList, DiagnosisListQuery } from '../../schemas/catalog.ts'
import type { Diagnosis } from '../../schemas/diagnosis.ts'
import type { Scope } from '../context.ts'
import { keys, type Storage } from '../storage/s3.ts'
import { decodeCursor, encodeCursor } from './cursor.ts'

// The index: one empty object per entry, its key the entry (layout at the top of
// src/storage/s3.ts). Only S3 primitives: PUT, DELETE, and ListObjectsV2 by prefix, whose
// lexical order the keys are made for (inverted times list newest first).

const MAX_MS = 9_999_999_999_999
const inverted = (ms: number) => String(MAX_MS - ms).padStart(13, '0')
const fromInverted = (digits: string) => new Date(MAX_MS - Number(digits)).toISOString()

/** A free-text field as one key segment: percent-encoded, dots too (they separate fields); cut to 128 characters. */
const segment = (text: string | null | undefined) =>
  text ? encodeURIComponent(text.slice(0, 128)).replace(/[.!'()*~]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`) : ''
const unsegment = (text: string | undefined) => {
  try {
    return text ? decodeURIComponent(text) : null
  } catch {
    return null
  }
}
/** Hosts are matched without case (`STA-18` is `sta-18`). */
const hostPath = (host: string) => segment(host.toLowerCase())

function validMs(text: string | null | undefined): number | null {
  const ms = text ? Date.parse(text) : Number.NaN
  return Number.isFinite(ms) && ms >= 0 && ms < MAX_MS ? ms : null
}

/** A bundle's time: collectedAt from its metadata, else its manifest, else when it was uploaded. */
export function bundleTime(b: StoredBundle): number {
  return validMs(b.metadata.collectedAt) ?? validMs(b.manifest?.collectedAt) ?? validMs(b.receivedAt) ?? 0
}

/** Every index key of a stored bundle: its retention entry first, then its listing entries. */
export function bundleEntries(tenant: string, b: StoredBundle): string[] {
  const entry = `${inverted(bundleTime(b))}.${b.id}.${segment(b.role)}.${segment(b.host)}`
  const out = [
    keys.index(tenant, `received/${String(validMs(b.receivedAt) ?? 0).padStart(13, '0')}.${b.id}`),
    keys.index(tenant, `bundles/${entry}`),
  ]
  if (b.host) out.push(keys.index(tenant, `hosts/${hostPath(b.host)}/${entry}`))
  return out
}

/** Every index key of a diagnosis: by creation, by each of its bundles, by each host. */
export function diagnosisEntries(tenant: string, d: Diagnosis): string[] {
  const entry = `${inverted(validMs(d.createdAt) ?? 0)}.${d.id}.${segment(d.suspect.host)}.${segment(d.baseline?.host)}`
  const sides = [d.suspect, ...(d.baseline ? [d.baseline] : [])]
  const hosts = new Set(sides.flatMap((s) => (s.host ? [hostPath(s.host)] : [])))
  return [
    keys.index(tenant, `diagnoses/${entry}`),
    ...sides.map((s) => keys.index(tenant, `bundle-diagnoses/${s.bundleId}/${entry}`)),
    ...[...hosts].map((h) => keys.index(tenant, `host-diagnoses/${h}/${entry}`)),
  ]
}

export async function addEntries(storage: Storage, entries: string[]): Promise<void> {
  await Promise.all([...new Set(entries)].map((key) => storage.put(key, '', 'application/octet-stream')))
}

export async function removeEntries(storage: Storage, entries: string[]): Promise<void> {
  await Promise.all([...new Set(entries)].map((key) => storage.remove(key)))
}

/** Deletes every object under a prefix, a page at a time. */
export async function removePrefix(storage: Storage, prefix: string): Promise<void> {
  for (;;) {
    const page = await storage.list(prefix, { max: 1000 })
    await removeEntries(storage, page.keys)
    if (!page.more || page.keys.length === 0) return
  }
}

// What may follow a prefix in a cursor: an entry name, as written above.
const ENTRY = /^\d{13}[./][\w.%-]{0,400}$/

interface Page {
  prefix: string
  query: string // the listing and its filters, which a cursor is bound to
  after?: string // key suffix to list after (from `until`)
  stopAbove?: string // inverted time past which entries are too old (from `since`)
  limit: number
  cursor?: string
}

/** One page of entry names under a prefix, and the cursor of the next. */
async function page(
  scope: Pick<Scope, 'storage' | 'tenant'>,
  secret: string | null,
  p: Page,
): Promise<{ names: string[]; next: string | null }> {
  const claims = { t: scope.tenant, q: p.query }
  const after = p.cursor ? decodeCursor(secret, p.cursor, claims, ENTRY) : p.after
  const listed = await scope.storage.list(p.prefix, { startAfter: after === undefined ? undefined : p.prefix + after, max: p.limit })
  const names: string[] = []
  for (const key of listed.keys) {
    const name = key.slice(p.prefix.length)
    if (p.stopAbove !== undefined && name.slice(0, 13) > p.stopAbove) return { names, next: null }
    names.push(name)
  }
  const last = names.at(-1)
  return { names, next: listed.more && last ? encodeCursor(secret, { ...claims, a: last }) : null }
}

/** `since` (inclusive) and `until` (exclusive) as bounds on inverted times. */
function timeBounds(since?: string, until?: string): Pick<Page, 'after' | 'stopAbove'> {
  const sinceMs = validMs(since)
  const untilMs = validMs(until)
  return {
    // '/' sorts after '.': every entry of exactly `until` is skipped, it is excluded.
    after: untilMs === null ? undefined : `${inverted(untilMs)}/`,
    stopAbove: sinceMs === null ? undefined : inverted(sinceMs),
  }
}

export async function listBundles(
  scope: Pick<Scope, 'storage' | 'tenant'>,
  secret: string | null,
  q: BundleListQuery,
): Promise<BundleList> {
  const prefix = keys.index(scope.tenant, q.host ? `hosts/${hostPath(q.host)}/` : 'bundles/')
  const query = JSON.stringify(['bundles', q.host?.toLowerCase() ?? null, q.since ?? null, q.until ?? null])
  const { names, next } = await page(scope, secret, { prefix, query, limit: q.limit, cursor: q.cursor, ...timeBounds(q.since, q.until) })
  const items = names.flatMap((name) => {
    const [time, id, role, host, extra] = name.split('.')
    if (!time || !id || extra !== undefined) return [] // not an entry this module wrote
    return [{ id, time: fromInverted(time), host: unsegment(host), role: unsegment(role) }]
  })
  return { items, next }
}

export async function listDiagnoses(
  scope: Pick<Scope, 'storage' | 'tenant'>,
  secret: string | null,
  q: DiagnosisListQuery,
): Promise<DiagnosisList> {
  const path = q.bundle ? `bundle-diagnoses/${q.bundle}/` : q.host ? `host-diagnoses/${hostPath(q.host)}/` : 'diagnoses/'
  const prefix = keys.index(scope.tenant, path)
  const query = JSON.stringify(['diagnoses', q.bundle ?? null, q.host?.toLowerCase() ?? null])
  const { names, next } = await page(scope, secret, { prefix, query, limit: q.limit, cursor: q.cursor })
  const items = names.flatMap((name) => {
    const [time, id, suspectHost, baselineHost, extra] = name.split('.')
    if (!time || !id || extra !== undefined) return []
    return [{ id, createdAt: fromInverted(time), suspectHost: unsegment(suspectHost), baselineHost: unsegment(baselineHost) }]
  })
  return { items, next }
}

/** Up to `max` bundles uploaded before `cutoffMs`, oldest first (what retention deletes). */
export async function bundlesReceivedBefore(
  storage: Storage,
  tenant: string,
  cutoffMs: number,
  max: number,
): Promise<{ id: string; entry: string }[]> {
  const prefix = keys.index(tenant, 'received/')
  const { keys: listed } = await storage.list(prefix, { max })
  return listed.flatMap((key) => {
    const [ms, id] = key.slice(prefix.length).split('.')
    return ms && id && Number(ms) < cutoffMs ? [{ id, entry: key }] : []
  })
}

/** Up to `max` diagnoses created before `cutoffMs`. */
export async function diagnosesCreatedBefore(
  storage: Storage,
  tenant: string,
  cutoffMs: number,
  max: number,
): Promise<{ id: string; entry: string }[]> {
  const prefix = keys.index(tenant, 'diagnoses/')
  const { keys: listed } = await storage.list(prefix, { startAfter: `${prefix}${inverted(cutoffMs)}/`, max })
  return listed.flatMap((key) => {
    const id = key.slice(prefix.length).split('.')[1]
    return id ? [{ id, entry: key }] : []
  })
}
