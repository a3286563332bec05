/**
 * Object storage: the only module that imports the AWS SDK. Works with S3, R2, MinIO and the
 * embedded s3rver alike, through the same client.
 *
 * Key layout (version the prefix, never the objects, so a new layout can live beside the old):
 *
 *   v1/tenants/<tenant>/raw/<upload>                   an upload, byte for byte, stored before parsing
 *   v1/tenants/<tenant>/bundles/<sha256>/parsed.json   StoredBundle: what the parsers took out, and its <upload>
 *   v1/tenants/<tenant>/diagnoses/<id>.json            Diagnosis, stored before the API acknowledges it
 *   v1/tenants/<tenant>/diagnoses/<id>.deliveries.json its chat deliveries, written as they end
 *   v1/tenants/<tenant>/incoming/<upload>              a presigned upload, written by the client, until completed
 *   v1/tenants/<tenant>/uploads/<upload>.json          a presigned upload's terms, until completed
 *   v1/tenants/<tenant>/tickets/<system>-<id>.json     what was done for a ticket (Zendesk, Jira, webhook)
 *
 * Indexes (empty objects: the key is the entry; src/services/catalog.ts writes and reads them).
 * <inv> is 9999999999999 minus a time in Unix milliseconds, 13 digits, so that a prefix lists
 * newest first; <ms> is the time itself (oldest first). <host> and <role> are percent-encoded
 * (dots too), lowercased for <host> in a path; an absent one is empty.
 *
 *   v1/tenants/<tenant>/index/bundles/<inv>.<sha256>.<role>.<host>      every bundle, by its time
 *   v1/tenants/<tenant>/index/hosts/<host>/<inv>.<sha256>.<role>.<host>  one host's bundles (history)
 *   v1/tenants/<tenant>/index/received/<ms>.<sha256>                    by upload time: what retention sweeps
 *   v1/tenants/<tenant>/index/diagnoses/<inv>.<id>.<suspect host>.<baseline host>            by creation
 *   v1/tenants/<tenant>/index/bundle-diagnoses/<sha256>/<inv>.<id>.<suspect host>.<baseline host>
 *   v1/tenants/<tenant>/index/host-diagnoses/<host>/<inv>.<id>.<suspect host>.<baseline host>
 *   v1/index/tenants/<tenant>                                          a tenant that stored something
 *
 * (The tenants have an index of their own because s3rver lists `v1/tenants/` by delimiter
 * wrongly: it leaves out names that only have deeper keys.)
 *
 * A bundle's time is the collectedAt of its metadata or manifest, else its upload's. Each entry is
 * its own object, so concurrent uploads and deletes never rewrite a shared list. Entries are
 * written before parsed.json; a delete removes the listing entries, then parsed.json, then the
 * retention entry and raw/ (services/removal.ts): whatever a crash interrupts, the retention
 * entry still leads to what is left. (An upload cut short between its entries and parsed.json
 * leaves entries that name nothing: listed, 404 when read.)
 *
 * <tenant> comes from the API key (`public` on an open server): one tenant never reads another's
 * keys. <upload> is a random UUID. <sha256> is the lowercase hex SHA-256 of the raw bytes: one
 * upload sent twice is one bundle (the second copy is deleted once it is hashed).
 *
 * An upload streamed to the API is written to raw/ as it arrives and stays there: its hash is
 * known only at the end, and moving it to a key named by the hash would be a copy of the whole
 * object before the answer. An upload cut short or refused is not kept (S3 and R2 store nothing
 * of a PUT cut short; a multipart one is aborted), so raw/ holds what parsed.json files name,
 * and nothing else unless storage failed between the two writes. What a client may leave half
 * done, a presigned upload, stays under incoming/ until it is completed, where a lifecycle rule
 * can expire it.
 */
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateBucketCommand,
  CreateMultipartUploadCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  NoSuchKey,
  NotFound,
  PutObjectCommand,
  S3Client,
  UploadPartCommand,
} from '@aws-sdk/client-s3'
import { getSignedUrl } from '@aws-sdk/s3-request-presigner'
import { StorageError } from './storage-error.ts'
import { type ObjectWriter, partWriter, putWriter } from './writers.ts'

export type { ObjectWriter }

const tenantPrefix = (tenant: string) => `v1/tenants/${tenant}`

export const keys = {
  /** The raw bytes of an upload, named when it starts (its hash is known only at the end). */
  raw: (tenant: string, upload: string) => `${tenantPrefix(tenant)}/raw/${upload}`,
  bundleParsed: (tenant: string, id: string) => `${tenantPrefix(tenant)}/bundles/${id}/parsed.json`,
  diagnosis: (tenant: string, id: string) => `${tenantPrefix(tenant)}/diagnoses/${id}.json`,
  deliveries: (tenant: string, id: string) => `${tenantPrefix(tenant)}/diagnoses/${id}.deliveries.json`,
  /** A presigned upload, until it is completed: then written to raw/ from the stream that is hashed, and deleted. */
  incoming: (tenant: string, upload: string) => `${tenantPrefix(tenant)}/incoming/${upload}`,
  /** What a presigned upload was promised (size, multipart id, expiry), until it is completed. */
  upload: (tenant: string, upload: string) => `${tenantPrefix(tenant)}/uploads/${upload}.json`,
  /** Where a tenant's index entries of one kind sit (catalog.ts names the entries). */
  index: (tenant: string, path: string) => `${tenantPrefix(tenant)}/index/${path}`,
  /** One empty object per tenant that stored a bundle: what the retention sweep walks. */
  tenantEntry: (tenant: string) => `v1/index/tenants/${tenant}`,
}

/** S3's smallest part: a streamed write holds three such buffers (part-writer.ts), reused. */
const PART_BYTES = 5 * 1024 * 1024

export interface StorageOptions {
  endpoint?: string
  region: string
  bucket: string
  forcePathStyle: boolean
  accessKeyId?: string
  secretAccessKey?: string
  /**
   * What the runtime's HTTP client sends a streamed body of known length as (Node's wants a
   * Readable). Without it, streamed writes are multipart whatever their length.
   */
  requestBody?: (body: ReadableStream<Uint8Array>, bytes: number) => unknown
}

export interface StoredObject {
  body: ReadableStream<Uint8Array>
  bytes: number
  contentType: string | null
}

export type Storage = ReturnType<typeof createStorage>

/**
 * Silent: every SDK failure reaches `call` below and is answered from there. (Left to itself
 * the SDK prints a console warning for each streamed PUT that fails, such as an upload abandoned
 * midway; given a logger, it logs every expected miss, such as a HEAD of a new key.)
 */
const quietLogger = { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} }

export function createStorage(options: StorageOptions) {
  const client = new S3Client({
    region: options.region,
    endpoint: options.endpoint,
    forcePathStyle: options.forcePathStyle,
    credentials:
      options.accessKeyId && options.secretAccessKey
        ? { accessKeyId: options.accessKeyId, secretAccessKey: options.secretAccessKey }
        : undefined,
    // Default checksums send streamed bodies aws-chunked, which some S3-compatible servers
    // store framing and all; only send or check checksums when an operation requires them.
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
    maxAttempts: 3,
    logger: quietLogger,
  })
  const Bucket = options.bucket

  /** Runs one SDK call; a failure becomes a StorageError (storage_unavailable, unless the call said otherwise). */
  async function call<T>(what: string, run: () => Promise<T>): Promise<T> {
    try {
      return await run()
    } catch (error) {
      if (error instanceof StorageError) throw error
      const reason = error instanceof Error ? error.message : String(error)
      throw new StorageError('storage_unavailable', `storage did not ${what}: ${reason}`)
    }
  }

  function isMissing(error: unknown): boolean {
    if (error instanceof NoSuchKey || error instanceof NotFound) return true
    const status = (error as { $metadata?: { httpStatusCode?: number } })?.$metadata?.httpStatusCode
    return status === 404
  }

  return {
    bucket: Bucket,

    /** Throws unless the bucket answers. */
    async ping(): Promise<void> {
      await call('answer', () => client.send(new HeadBucketCommand({ Bucket })))
    },

    async exists(key: string): Promise<boolean> {
      return call('answer a HEAD', async () => {
        try {
          await client.send(new HeadObjectCommand({ Bucket, Key: key }))
          return true
        } catch (error) {
          if (isMissing(error)) return false
          throw error
        }
      })
    },

    async put(key: string, body: Uint8Array | string, contentType: string): Promise<void> {
      const bytes = typeof body === 'string' ? new TextEncoder().encode(body) : body
      await call('store the object', () =>
        client.send(new PutObjectCommand({ Bucket, Key: key, Body: bytes, ContentType: contentType, ContentLength: bytes.byteLength })),
      )
    },

    /** The object as a stream, or null when there is none. */
    async get(key: string): Promise<StoredObject | null> {
      return call('return the object', async () => {
        try {
          const out = await client.send(new GetObjectCommand({ Bucket, Key: key }))
          if (!out.Body) return null
          return {
            body: out.Body.transformToWebStream() as ReadableStream<Uint8Array>,
            bytes: out.ContentLength ?? 0,
            contentType: out.ContentType ?? null,
          }
        } catch (error) {
          if (isMissing(error)) return null
          throw error
        }
      })
    },

    async getJson(key: string): Promise<unknown | null> {
      return call('return the object', async () => {
        try {
          const out = await client.send(new GetObjectCommand({ Bucket, Key: key }))
          const text = out.Body ? await out.Body.transformToString() : ''
          return JSON.parse(text) as unknown
        } catch (error) {
          if (isMissing(error)) return null
          throw error
        }
      })
    },

    async putJson(key: string, value: unknown): Promise<void> {
      await this.put(key, JSON.stringify(value), 'application/json')
    },

    /**
     * Writes the object only if there is none (`If-None-Match: *`, honoured by S3 and R2): false
     * when one was there first. s3rver ignores the condition; the embedded path relies on the
     * caller's in-process lock instead.
     */
    async putJsonOnce(key: string, value: unknown): Promise<boolean> {
      const Body = new TextEncoder().encode(JSON.stringify(value))
      return call('store the object', async () => {
        try {
          await client.send(
            new PutObjectCommand({
              Bucket,
              Key: key,
              Body,
              ContentType: 'application/json',
              ContentLength: Body.byteLength,
              IfNoneMatch: '*',
            }),
          )
          return true
        } catch (error) {
          // 412: the object exists; 409: another conditional write of it is under way.
          const status = (error as { $metadata?: { httpStatusCode?: number } })?.$metadata?.httpStatusCode
          if (status === 412 || status === 409) return false
          throw error
        }
      })
    },

    /** Writes an object as it streams: one PUT when its length is known, else multipart (writers.ts). */
    openWrite(key: string, contentType: string, bytes?: number): ObjectWriter {
      if (bytes !== undefined && options.requestBody) {
        return putWriter(async (body, abortSignal) => {
          const Body = options.requestBody!(body, bytes) as ReadableStream
          await call('store the object', () =>
            client.send(new PutObjectCommand({ Bucket, Key: key, Body, ContentLength: bytes, ContentType: contentType }), { abortSignal }),
          )
        }, bytes)
      }
      return partWriter(
        {
          start: async () =>
            (
              await call('start an upload', () =>
                client.send(new CreateMultipartUploadCommand({ Bucket, Key: key, ContentType: contentType })),
              )
            ).UploadId!,
          part: async (UploadId, PartNumber, Body) =>
            (
              await call('store a part', () =>
                client.send(new UploadPartCommand({ Bucket, Key: key, UploadId, PartNumber, Body, ContentLength: Body.byteLength })),
              )
            ).ETag,
          complete: async (UploadId, Parts) => {
            await call('complete an upload', () =>
              client.send(new CompleteMultipartUploadCommand({ Bucket, Key: key, UploadId, MultipartUpload: { Parts } })),
            )
          },
          abort: async (UploadId) => {
            await client.send(new AbortMultipartUploadCommand({ Bucket, Key: key, UploadId }))
          },
          put: (body) => this.put(key, body, contentType),
        },
        PART_BYTES,
      )
    },

    /**
     * Up to `max` keys under `prefix`, in key order, after `startAfter`; `more` when the listing
     * went on. With `delimiter`, the next level of names instead (`prefixes`).
     */
    async list(prefix: string, opts: { startAfter?: string; max?: number; delimiter?: string } = {}) {
      const out = await call('list objects', () =>
        client.send(
          new ListObjectsV2Command({
            Bucket,
            Prefix: prefix,
            StartAfter: opts.startAfter,
            MaxKeys: opts.max ?? 1000,
            Delimiter: opts.delimiter,
          }),
        ),
      )
      return {
        keys: (out.Contents ?? []).flatMap((o) => (o.Key ? [o.Key] : [])),
        prefixes: (out.CommonPrefixes ?? []).flatMap((p) => (p.Prefix ? [p.Prefix] : [])),
        more: out.IsTruncated === true,
      }
    },

    async remove(key: string): Promise<void> {
      await call('delete the object', () => client.send(new DeleteObjectCommand({ Bucket, Key: key })))
    },

    /** A URL the client PUTs exactly `bytes` to itself (the length is signed), valid for `seconds`. */
    async presignPut(key: string, bytes: number, seconds: number): Promise<string> {
      return getSignedUrl(client, new PutObjectCommand({ Bucket, Key: key, ContentLength: bytes }), { expiresIn: seconds })
    },

    /** A multipart upload the client fills through presigned part URLs. */
    async startMultipart(key: string): Promise<string> {
      const out = await call('start an upload', () => client.send(new CreateMultipartUploadCommand({ Bucket, Key: key })))
      return out.UploadId!
    },

    async presignPart(key: string, uploadId: string, partNumber: number, bytes: number, seconds: number): Promise<string> {
      const command = new UploadPartCommand({ Bucket, Key: key, UploadId: uploadId, PartNumber: partNumber, ContentLength: bytes })
      return getSignedUrl(client, command, { expiresIn: seconds })
    },

    async completeMultipart(key: string, uploadId: string, parts: { partNumber: number; etag: string }[]): Promise<void> {
      const Parts = parts.map((p) => ({ PartNumber: p.partNumber, ETag: p.etag }))
      await call('complete an upload', async () => {
        try {
          return await client.send(new CompleteMultipartUploadCommand({ Bucket, Key: key, UploadId: uploadId, MultipartUpload: { Parts } }))
        } catch (error) {
          // Wrong ETags or part numbers are the client's to fix, not a storage outage.
          const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode
          if (status === 400 || status === 404)
            throw new StorageError('invalid_parts', `storage refused the parts: ${(error as Error).message}`)
          throw error
        }
      })
    },

    /** Creates the bucket if missing: for the embedded server and tests, not for production. */
    async ensureBucket(): Promise<void> {
      await call('create the bucket', async () => {
        try {
          await client.send(new HeadBucketCommand({ Bucket }))
        } catch {
          await client.send(new CreateBucketCommand({ Bucket }))
        }
      })
    },
  }
}
