import { createHash } from 'node:crypto'
import type { ParsedBundle, StoredBundle } from '../../schemas/bundle.ts'
import { type ArchiveEntry, readArchive, sniffArchive } from '../bundle/archive.ts'
import { gunzip } from '../bundle/gzip.ts'
import { ratioGuard } from '../bundle/limits.ts'
import { readEntries } from '../bundle/read.ts'
import { readTar } from '../bundle/tar.ts'
import { concatBytes } from '../bytes.ts'
import type { Scope } from '../context.ts'
import { AppError } from '../errors.ts'
import { keyLock } from '../key-lock.ts'
import { keys } from '../storage/s3.ts'
import { StorageError } from '../storage/storage-error.ts'
import { failIfUnreadable, type Loaded, loadStored, type UploadMeta } from './bundles.ts'
import { fileBundle, refileBundle } from './filing.ts'

// Streaming ingest: the request body is read once; each chunk is hashed, counted against
// MAX_UPLOAD_BYTES and written to S3 (one streamed PUT when its length is known, else multipart
// with a few parts in memory: storage/writers.ts), then goes on through gunzip, tar and the
// parsers. The raw bytes land under raw/<upload> as they arrive and stay there; parsed.json,
// written under the hash once it is known, names the upload (storage/s3.ts). A .zip needs its
// directory at the end: it is held whole.
// (node:crypto is Node's, and workerd's under nodejs_compat: Web Crypto cannot hash a stream.)

/** An upload as it arrives: the stream, and its length when the sender said it (Content-Length, a form file's size). */
export interface Upload {
  body: ReadableStream<Uint8Array>
  bytes?: number
}

type Ingested = { bundle: ParsedBundle; created: boolean }

/** `upload` names the raw/ object: a new UUID, or a presigned upload's own id. */
export async function ingestStream(
  scope: Scope,
  { body, bytes }: Upload,
  meta: UploadMeta & { maxBytes: number },
  upload: string = crypto.randomUUID(),
): Promise<Ingested> {
  const writer = scope.storage.openWrite(keys.raw(scope.tenant, upload), 'application/octet-stream', bytes)
  let bundle: ParsedBundle
  try {
    bundle = await readFlowing(scope, body, meta, (chunk) => writer.write(chunk))
    await writer.close()
  } catch (error) {
    await writer.abort()
    throw error
  }
  return commit(scope, upload, bundle, meta)
}

/** The same for an upload held in memory (ticket attachments): fed to the stream at once. */
export function ingestBundle(scope: Scope, raw: Uint8Array, meta: UploadMeta): Promise<Ingested> {
  const body = new Blob([raw as Uint8Array<ArrayBuffer>]).stream()
  return ingestStream(scope, { body, bytes: raw.byteLength }, { ...meta, maxBytes: Number.MAX_SAFE_INTEGER })
}

/**
 * The same for a presigned upload, in storage under incoming/: read once, hashed, parsed and
 * written to raw/ from that one stream. The URL stays valid after the first PUT: a copy of
 * incoming/ after hashing could copy a second PUT's bytes, under the first one's id.
 */
export async function ingestStored(scope: Scope, upload: string, meta: UploadMeta & { maxBytes: number }): Promise<Ingested> {
  const incoming = keys.incoming(scope.tenant, upload)
  const stored = await scope.storage.get(incoming)
  if (!stored) throw new AppError(404, 'upload_not_found', 'nothing was uploaded to this URL, or it was completed already')
  try {
    const result = await ingestStream(scope, { body: stored.body, bytes: stored.bytes }, meta, upload)
    await scope.storage.remove(incoming)
    return result
  } catch (error) {
    // Refused for good (over the limit, or kept as an unreadable bundle): not kept to fill
    // storage. A storage failure keeps it, for the client to complete again.
    const refused = error instanceof AppError ? error.status < 500 : error instanceof StorageError && error.code !== 'storage_unavailable'
    if (refused) await scope.storage.remove(incoming).catch(() => {})
    throw error
  }
}

/** Hashes, counts and parses a body as it flows, handing every chunk to `sink` on the way. */
async function readFlowing(
  scope: Scope,
  body: ReadableStream<Uint8Array>,
  meta: UploadMeta & { maxBytes: number },
  sink: (chunk: Uint8Array) => Promise<void>,
): Promise<ParsedBundle> {
  const hash = createHash('sha256')
  let bytes = 0
  const reader = body.getReader()

  /** The body's next chunk, counted, hashed and stored (the parser waits for storage); null at the end. */
  async function readChunk(): Promise<Uint8Array | null> {
    const { done, value } = await reader.read()
    if (done) return null
    bytes += value.byteLength
    if (bytes > meta.maxBytes) throw new AppError(413, 'upload_too_large', `the upload is over the limit of ${meta.maxBytes} bytes`)
    hash.update(value)
    await sink(value)
    return value
  }
  // One chunk at a time, in order: the parser's stream (gunzip may still read ahead) and the
  // drain at the end can both ask, and a writer takes one write at a time.
  let turn: Promise<unknown> = Promise.resolve()
  const next = (): Promise<Uint8Array | null> => {
    const chunk = turn.then(readChunk)
    turn = chunk
    return chunk
  }

  try {
    const head = await readHead(next, 512)
    const format = sniffArchive(concatBytes(head))
    const stream = replay(head, next)
    let entries: AsyncIterable<ArchiveEntry> | null = null
    let zipBytes = 0 // a zip is read whole, so its ratio is checked on its known size
    if (format === 'zip') {
      const whole = concatBytes(await collect(stream))
      zipBytes = whole.byteLength
      entries = readArchive(whole, 'zip')
    } else if (format === 'tar.gz')
      entries = readTar((scope.gunzip ?? gunzip)(stream).pipeThrough(ratioGuard(scope.limits.maxCompressionRatio, () => bytes)))
    else if (format) entries = readTar(stream)
    // A streamed total is unknown until the end: its ratio is measured on the stream instead.
    const limits = format === 'zip' ? scope.limits : { ...scope.limits, maxCompressionRatio: Number.POSITIVE_INFINITY }
    const receivedAt = new Date().toISOString()
    const parsed = await readEntries(entries, format ?? 'unknown', { id: '0'.repeat(64), bytes: zipBytes, receivedAt, limits, ...meta })
    // What the parser left (after an archive error, or trailing bytes) is hashed and stored all
    // the same: read on from the body itself, which the parser's stream no longer pulls from.
    while (await next());
    if (bytes === 0) throw new AppError(400, 'empty_body', 'the upload is empty')
    return { ...parsed, id: hash.digest('hex'), bytes }
  } catch (error) {
    await reader.cancel().catch(() => {})
    throw error
  }
}

/**
 * Records the bundle under its hash, naming the upload its raw bytes are in, unless the same
 * bytes were recorded before: then this copy is deleted. The same bytes sent many times at once
 * are one bundle, recorded by the first to get here: the lock orders this process's uploads,
 * the conditional write everyone's.
 */
async function commit(scope: Scope, upload: string, bundle: ParsedBundle, meta: UploadMeta): Promise<Ingested> {
  const { storage, tenant } = scope
  const raw = keys.raw(tenant, upload)
  const { maxBytes: _limit, ...metadata } = meta as UploadMeta & { maxBytes?: number }
  const dropOurs = async (known: Loaded): Promise<Ingested> => {
    await storage.remove(raw)
    logIngest(scope, bundle, false)
    if (known.current) return { bundle: failIfUnreadable(await refileBundle(scope, known.bundle, metadata)), created: false }
    // Parsed by older sources: this parse of the same bytes replaces it, the first raw copy stays.
    const was = known.bundle
    const renewed = await fileBundle(
      scope,
      { ...bundle, receivedAt: was?.receivedAt ?? bundle.receivedAt },
      known.upload,
      { ...was?.metadata, ...metadata },
      { replace: true },
    )
    return { bundle: failIfUnreadable(renewed!), created: false }
  }
  return oneCommitAtATime(`${tenant}/${bundle.id}`, async () => {
    const known = await loadStored(scope, bundle.id)
    if (known) return dropOurs(known)
    const stored = await fileBundle(scope, bundle, upload, metadata)
    if (stored) {
      logIngest(scope, bundle, true)
      return { bundle: failIfUnreadable(stored), created: true }
    }
    const first = await loadStored(scope, bundle.id)
    if (!first) throw new StorageError('storage_unavailable', 'another upload of these bytes is being recorded; try again')
    return dropOurs(first)
  })
}

const oneCommitAtATime = keyLock()

/**
 * A stored bundle parsed anew from its raw bytes, and stored again: its parse was written by
 * other sources (another SOURCES_VERSION). Null when the raw bytes are gone or are not the
 * bundle's any more (their hash is not its id): the old parse then stands.
 */
export async function reparseStored(scope: Scope, id: string, upload: string, was: StoredBundle | null): Promise<StoredBundle | null> {
  const raw = await scope.storage.get(keys.raw(scope.tenant, upload))
  if (!raw) return null
  const meta = { host: was?.host ?? undefined, role: was?.role ?? undefined, maxBytes: Number.MAX_SAFE_INTEGER }
  const bundle = await readFlowing(scope, raw.body, meta, async () => {})
  if (bundle.id !== id) return null
  return fileBundle(scope, { ...bundle, receivedAt: was?.receivedAt ?? bundle.receivedAt }, upload, was?.metadata ?? {}, { replace: true })
}

/** The ingest's log line, timed from its first bytes (receivedAt) to its record in storage. */
function logIngest(scope: Scope, bundle: ParsedBundle, created: boolean): void {
  scope.log?.({
    event: 'ingest',
    requestId: scope.requestId ?? null,
    tenant: scope.tenant,
    bundleId: bundle.id,
    created,
    bytes: bundle.bytes,
    files: bundle.files.length,
    warnings: bundle.warnings.length,
    seconds: (Date.now() - Date.parse(bundle.receivedAt)) / 1000,
  })
}

async function readHead(next: () => Promise<Uint8Array | null>, want: number): Promise<Uint8Array[]> {
  const head: Uint8Array[] = []
  for (let held = 0, chunk: Uint8Array | null; held < want && (chunk = await next()); held += chunk.byteLength) head.push(chunk)
  return head
}

/** The chunks already read, then the rest of the body, as one stream read once. */
function replay(head: Uint8Array[], next: () => Promise<Uint8Array | null>): ReadableStream<Uint8Array> {
  let i = 0
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        const chunk = i < head.length ? head[i++]! : await next()
        if (chunk) controller.enqueue(chunk)
        else controller.close()
      },
    },
    { highWaterMark: 0 },
  )
}

async function collect(stream: ReadableStream<Uint8Array>): Promise<Uint8Array[]> {
  const chunks: Uint8Array[] = []
  const reader = stream.getReader()
  for (let next = await reader.read(); !next.done; next = await reader.read()) chunks.push(next.value)
  return chunks
}
