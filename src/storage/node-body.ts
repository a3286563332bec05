import { Readable } from 'node:stream'
import type { ReadableStream as NodeReadableStream } from 'node:stream/web'

/** A web stream as the SDK's Node HTTP handler sends it: a Readable (it does not read web streams). */
export const nodeRequestBody = (body: ReadableStream<Uint8Array>): Readable => Readable.fromWeb(body as NodeReadableStream<Uint8Array>)
