import { z } from 'zod'
import { type BundleMetadata, BundleSummary, type ParsedBundle, StoredBundle } from '../../schemas/bundle.ts'
import { ArchiveErrorCode } from '../../schemas/problem.ts'
import { SOURCES_VERSION } from '../bundle/sources.ts'
import type { Scope } from '../context.ts'
import { answerOf } from '../errors.ts'
import { keys } from '../storage/s3.ts'

// Stored bundles: their summaries, what an unreadable one answers, and whether a stored parse is
// current. A parse by other sources (another SOURCES_VERSION) is parsed anew from its raw bytes on
// its next read (stored.ts) or upload (ingest.ts). Ingest is in ingest.ts.

export type UploadMeta = BundleMetadata

export function summaryOf(parsed: ParsedBundle): BundleSummary {
  return BundleSummary.parse(parsed)
}

/** An archive we could not read is kept, and the client told so with a 422. */
export function failIfUnreadable(bundle: ParsedBundle, side?: 'baseline' | 'suspect'): ParsedBundle {
  if (!bundle.error) return bundle
  const code = ArchiveErrorCode.catch('archive_corrupt').parse(bundle.error.code) // parses stored by older engines
  const which = side ? `the ${side} bundle cannot be read: ` : ''
  throw answerOf(code, `${which}${bundle.error.detail}; the upload is kept as bundle ${bundle.id}`)
}

/** A parsed.json as read: current (this engine's sources wrote it), or stale, to be parsed anew from raw/<upload>. */
export type Loaded = { current: true; bundle: StoredBundle } | { current: false; upload: string; bundle: StoredBundle | null } // null: too old to read at all

const NamesUpload = z.object({ upload: z.uuid() })

export async function loadStored({ storage, tenant }: Pick<Scope, 'storage' | 'tenant'>, id: string): Promise<Loaded | null> {
  const stored = await storage.getJson(keys.bundleParsed(tenant, id))
  if (stored === null) return null
  const result = StoredBundle.safeParse(stored)
  if (result.success) {
    const bundle = result.data
    return bundle.parserVersion === SOURCES_VERSION ? { current: true, bundle } : { current: false, upload: bundle.upload, bundle }
  }
  // Written by an engine whose parsed.json this one cannot read: its raw bytes are still named.
  const named = NamesUpload.safeParse(stored)
  return named.success ? { current: false, upload: named.data.upload, bundle: null } : null
}
