import { createHash } from 'node:crypto'
import { concatBytes } from '../bytes.ts'
import type { ParsedBundle } from '../../schemas/bundle.ts'
import { gunzip } from '../bundle/gzip.ts'
import { readArchive, sniffArchive, type ArchiveEntry } from '../bundle/archive.ts'
import { ratioGuard } from '../bundle/limits.ts'
import { readEntries } from '../bundle/read.ts'
import { readTar } from '../bundle/tar.ts'
import type { Scope } from '../context.ts'
import { AppError } from '../errors.ts'
import { keys } from '../storage/s3.ts'
import { failIfUnreadable, loadParsed, type UploadMeta } from './bundles.ts'

// Streaming ingest: the request body flows once through a tap that hashes it, counts it against
// MAX_UPLOAD_BYTES and writes it to S3 (one streamed PUT when its length is known, else multipart
// with a few parts in memory: storage/writers.ts), then on through gunzip,
// tar and the parsers. The raw bytes land under incoming/ as they arrive; once the hash is known
// they move to their content address. A .zip needs its directory at the end: it is held whole.
// (node:crypto is Node's, and workerd's under nodejs_compat: Web Crypto cannot hash a stream.)

/** An upload as it arrives: the stream, and its length when the sender said it (Content-Length, a form file's size). */
export interface Upload {
  body: ReadableStream<Uint8Array>
  bytes?: number
}

export async function ingestStream(
  scope: Scope,
  { body, bytes }: Upload,
  meta: UploadMeta & { maxBytes: number },
): Promise<{ bundle: ParsedBundle; created: boolean }> {
  const incoming = keys.incoming(scope.tenant, crypto.randomUUID())
  const writer = scope.storage.openWrite(incoming, 'application/octet-stream', bytes)
  try {
    const bundle = await readFlowing(scope, body, meta, (chunk) => writer.write(chunk))
    await writer.close()
    return await commit(scope, incoming, bundle)
  } catch (error) {
    await writer.abort()
    throw error
  }
}

/** The same for an upload held in memory (ticket attachments): fed to the stream at once. */
export function ingestBundle(scope: Scope, raw: Uint8Array, meta: UploadMeta): Promise<{ bundle: ParsedBundle; created: boolean }> {
  const body = new Blob([raw as Uint8Array<ArrayBuffer>]).stream()
  return ingestStream(scope, { body, bytes: raw.byteLength }, { ...meta, maxBytes: Number.MAX_SAFE_INTEGER })
}

/** The same for bytes already in storage (a presigned upload): read once, hashed and parsed. */
export async function ingestStored(scope: Scope, incoming: string, meta: UploadMeta & { maxBytes: number }) {
  const stored = await scope.storage.get(incoming)
  if (!stored) throw new AppError(404, 'upload_not_found', 'nothing was uploaded to this URL, or it was completed already')
  try {
    const bundle = await readFlowing(scope, stored.body, meta, async () => {})
    return await commit(scope, incoming, bundle)
  } catch (error) {
    // Bytes over the limit are refused for good: they are not kept to fill storage.
    if (error instanceof AppError && error.status === 413) await scope.storage.remove(incoming).catch(() => {})
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
  const tap = new TransformStream<Uint8Array, Uint8Array>({
    async transform(chunk, controller) {
      bytes += chunk.byteLength
      if (bytes > meta.maxBytes) throw new AppError(413, 'upload_too_large', `the upload is over the limit of ${meta.maxBytes} bytes`)
      hash.update(chunk)
      await sink(chunk) // backpressure: the parser waits for storage
      controller.enqueue(chunk)
    },
  })
  const reader = body.pipeThrough(tap).getReader()
  try {
    const head = await readHead(reader, 512)
    const format = sniffArchive(concatBytes(head))
    const stream = replay(head, reader)
    let entries: AsyncIterable<ArchiveEntry> | null = null
    let zipBytes = 0 // a zip is read whole, so its ratio is checked on its known size
    if (format === 'zip') {
      const whole = concatBytes(await collect(stream))
      zipBytes = whole.byteLength
      entries = readArchive(whole, 'zip')
    }
    else if (format === 'tar.gz') entries = readTar((scope.gunzip ?? gunzip)(stream).pipeThrough(ratioGuard(scope.limits.maxCompressionRatio, () => bytes)))
    else if (format) entries = readTar(stream)
    // A streamed total is unknown until the end: its ratio is measured on the stream instead.
    const limits = format === 'zip' ? scope.limits : { ...scope.limits, maxCompressionRatio: Number.POSITIVE_INFINITY }
    const receivedAt = new Date().toISOString()
    const parsed = await readEntries(entries, format ?? 'unknown', { id: '0'.repeat(64), bytes: zipBytes, receivedAt, limits, ...meta })
    // What the parser left (after an archive error, or trailing bytes) is hashed and stored all
    // the same: read on from the tap itself, which the parser's stream no longer pulls from.
    while (!(await reader.read()).done);
    if (bytes === 0) throw new AppError(400, 'empty_body', 'the upload is empty')
    return { ...parsed, id: hash.digest('hex'), bytes }
  } catch (error) {
    await reader.cancel().catch(() => {})
    throw error
  }
}

/** Moves the upload to its content address, unless the same bytes are there already. */
async function commit(scope: Scope, incoming: string, bundle: ParsedBundle): Promise<{ bundle: ParsedBundle; created: boolean }> {
  const { storage, tenant } = scope
  const known = await loadParsed(scope, bundle.id)
  const raw = keys.bundleRaw(tenant, bundle.id)
  if (!known && !(await storage.exists(raw))) await storage.copy(incoming, raw)
  await storage.remove(incoming)
  if (known) return { bundle: failIfUnreadable(known), created: false }
  await storage.putJson(keys.bundleParsed(tenant, bundle.id), bundle)
  return { bundle: failIfUnreadable(bundle), created: true }
}

async function readHead(reader: ReadableStreamDefaultReader<Uint8Array>, want: number): Promise<Uint8Array[]> {
  const head: Uint8Array[] = []
  let held = 0
  while (held < want) {
    const next = await reader.read()
    if (next.done) break
    head.push(next.value)
    held += next.value.byteLength
  }
  return head
}

/** The chunks already read, then the rest of the reader, as one stream read once. */
function replay(head: Uint8Array[], reader: ReadableStreamDefaultReader<Uint8Array>): ReadableStream<Uint8Array> {
  let i = 0
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (i < head.length) return controller.enqueue(head[i++]!)
      const next = await reader.read()
      if (next.done) controller.close()
      else controller.enqueue(next.value)
    },
  }, { highWaterMark: 0 })
}

async function collect(stream: ReadableStream<Uint8Array>): Promise<Uint8Array[]> {
  const chunks: Uint8Array[] = []
  const reader = stream.getReader()
  for (let next = await reader.read(); !next.done; next = await reader.read()) chunks.push(next.value)
  return chunks
}
