declare module 's3rver' {
  import type { IncomingMessage } from 'node:http'
  import type { AddressInfo } from 'node:net'

  interface S3rverOptions {
    address?: string
    port?: number
    directory?: string
    silent?: boolean
    vhostBuckets?: boolean
    resetOnClose?: boolean
    configureBuckets?: { name: string }[]
  }
  /** The parts of Koa's context that memgap's guards use. */
  interface KoaContext {
    method: string
    url: string
    headers: Record<string, string | string[] | undefined>
    status: number
    type: string
    body: unknown
    set(name: string, value: string): void
  }
  /** An object as s3rver's store takes it: content is the request itself for a PUT. */
  interface StoreObject {
    bucket: string
    key: string
    content: IncomingMessage | Buffer
    metadata: Record<string, string>
  }
  interface FilesystemStore {
    getResourcePath(bucket: string, key: string, resource: string): string
    putObject(object: StoreObject): Promise<{ size: number; md5: string }>
    putMetadata(bucket: string, key: string, metadata: Record<string, string>, md5: string): Promise<void>
  }
  export default class S3rver {
    constructor(options: S3rverOptions)
    /** Koa's middleware list: composed when the server starts listening. */
    middleware: ((ctx: KoaContext, next: () => Promise<void>) => Promise<void>)[]
    store: FilesystemStore
    run(): Promise<AddressInfo>
    close(): Promise<void>
  }
}
