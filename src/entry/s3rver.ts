import { createHash, randomUUID } from 'node:crypto'
import { createWriteStream } from 'node:fs'
import { mkdir, rename, rm } from 'node:fs/promises'
import { dirname, join, resolve } from 'node:path'
import { pipeline } from 'node:stream/promises'
import S3rver from 's3rver'
import { EMBEDDED_CREDENTIALS, type EmbeddedS3 } from './embedded-s3.ts'
import { presignedProblem } from './presigned.ts'

// The embedded S3-compatible server: s3rver on a local folder, reached through the same S3
// client as real S3, so the storage path that runs is the real one. The tests start it in their
// own process; `npm start` runs it in a child process (embedded-s3.ts, s3-process.ts).
// Three guards make it refuse and keep what S3 and R2 do (issue 12, items 5 and 7):
// presigned URLs are checked (a PUT of another length than signed is refused), a PUT is
// stored whole or not at all (a client that goes midway leaves nothing; a reader never sees
// half an object), and an aborted multipart upload leaves no parts behind.

export async function startEmbeddedS3(options: { directory: string; bucket: string; port?: number }): Promise<EmbeddedS3> {
  const directory = resolve(options.directory)
  await mkdir(directory, { recursive: true })
  const server = new S3rver({
    address: '127.0.0.1',
    port: options.port ?? 0,
    directory,
    silent: true,
    vhostBuckets: false,
    configureBuckets: [{ name: options.bucket }],
  })
  server.middleware.unshift(async function checkPresigned(ctx, next) {
    if (!ctx.url.includes('X-Amz-Signature=')) return next()
    const secretOf = (id: string) => (id === EMBEDDED_CREDENTIALS.accessKeyId ? EMBEDDED_CREDENTIALS.secretAccessKey : undefined)
    const problem = presignedProblem(ctx, secretOf)
    if (!problem) return next()
    ctx.status = 403
    ctx.type = 'application/xml'
    ctx.set('connection', 'close') // the refused body is not read
    ctx.body = `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${problem.includes('expired') ? 'AccessDenied' : 'SignatureDoesNotMatch'}</Code><Message>${problem}</Message></Error>`
  })
  server.middleware.unshift(async function abortMultipart(ctx, next) {
    // s3rver answers AbortMultipartUpload (a DELETE with uploadId) 204 but keeps the parts.
    const url = new URL(ctx.url, 'http://s3rver')
    const uploadId = url.searchParams.get('uploadId') ?? ''
    const bucket = /^\/([a-z0-9.-]+)\//.exec(url.pathname)?.[1]
    if (ctx.method !== 'DELETE' || !bucket || !/^[0-9a-f]{1,64}$/i.test(uploadId)) return next()
    await rm(join(server.store.getResourcePath(bucket, '', 'uploads'), uploadId), { recursive: true, force: true })
    ctx.status = 204
  })
  storeWholeOrNothing(server.store)
  const address = await server.run()
  return { endpoint: `http://127.0.0.1:${address.port}`, directory, close: () => server.close() }
}

/**
 * s3rver writes a PUT in place as it arrives: a client that closes midway leaves a truncated
 * object (and s3rver waits on it forever), and a GET meanwhile reads half an object. Here the
 * body goes to a file beside it (not listed: its name does not end in s3rver's suffix) and is
 * renamed over the object only once whole.
 */
function storeWholeOrNothing(store: S3rver['store']): void {
  const putWhole = store.putObject.bind(store)
  store.putObject = async function putObject(object) {
    if (Buffer.isBuffer(object.content)) return putWhole(object)
    const path = store.getResourcePath(object.bucket, object.key, 'object')
    const partial = `${path}.partial-${randomUUID()}`
    await mkdir(dirname(path), { recursive: true })
    const md5 = createHash('md5')
    let size = 0
    try {
      await pipeline(
        object.content,
        async function* count(source: AsyncIterable<Buffer>) {
          for await (const chunk of source) {
            md5.update(chunk)
            size += chunk.byteLength
            yield chunk
          }
        },
        createWriteStream(partial),
      )
      await rename(partial, path)
    } catch (error) {
      await rm(partial, { force: true })
      throw error
    }
    const digest = md5.digest('hex')
    await store.putMetadata(object.bucket, object.key, object.metadata, digest)
    return { size, md5: digest }
  }
}
