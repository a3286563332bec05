/**
 * The CLI's HTTP exchanges: one request with a string or a file range for body, streamed from
 * disk, and the reading of what came back (JSON or text, problem+json and S3 error details).
 */
import { createReadStream, type ReadStream } from 'node:fs'
import { request as httpRequest, type IncomingHttpHeaders, type IncomingMessage } from 'node:http'
import { request as httpsRequest } from 'node:https'
import { CliError, EXIT, inputError } from './exit.ts'

/** Bytes start..end of a file, end inclusive as createReadStream counts. */
export type FileRange = { path: string; start: number; end: number }
export type Answer = { status: number; headers: IncomingHttpHeaders; text: string }
type Hooks = { onBytes?: (n: number) => void; sent?: () => void }

/** The connection failed or timed out: EXIT.upload, and worth a retry for a PUT. */
export class NetworkError extends CliError {
  constructor(
    method: string,
    target: URL,
    readonly reason: string,
  ) {
    super(EXIT.upload, `${method} ${target.protocol}//${target.host}${target.pathname} failed: ${reason}`)
  }
}

/**
 * One HTTP exchange: the body is a string or a byte range of a file, streamed from disk. `sent` is
 * called when the body is all sent or the answer came early, whichever is first.
 */
export function exchange(
  target: URL,
  method: string,
  headers: Record<string, string>,
  body: string | FileRange,
  options: { timeoutMs?: number },
  hooks: Hooks = {},
): Promise<Answer> {
  const { onBytes, sent } = hooks
  return new Promise((resolve, reject) => {
    let file: ReadStream | undefined
    const send = target.protocol === 'https:' ? httpsRequest : httpRequest
    const req = send(target, { method, headers, timeout: options.timeoutMs ?? 300_000 }, (res) => {
      sent?.()
      readAll(res).then(
        (text) => {
          file?.destroy() // an early answer: the rest is not wanted
          resolve({ status: res.statusCode ?? 0, headers: res.headers, text })
        },
        (error: NodeJS.ErrnoException) => reject(new NetworkError(method, target, networkMessage(error))),
      )
    })
    req.on('finish', () => sent?.())
    req.on('timeout', () => req.destroy(new Error(`no answer from ${target.origin} in time`)))
    req.on('error', (error) => {
      file?.destroy()
      reject(new NetworkError(method, target, networkMessage(error)))
    })
    if (typeof body === 'string') {
      req.end(body)
      return
    }
    file = createReadStream(body.path, { start: body.start, end: body.end, highWaterMark: 256 * 1024 })
    file.on('data', (chunk) => onBytes?.(chunk.length))
    file.on('error', (error) => {
      req.destroy()
      reject(inputError(`${body.path}: ${error.message}`))
    })
    file.pipe(req)
  })
}

export function parseBody(text: string): unknown {
  try {
    return JSON.parse(text)
  } catch {
    return text // not JSON: kept as text for messages
  }
}

export function detailOf(body: unknown): string {
  if (body && typeof body === 'object') {
    const problem = body as { code?: unknown; detail?: unknown }
    const parts = [problem.code, problem.detail].filter((p): p is string => typeof p === 'string')
    if (parts.length) return `: ${parts.join(': ')}`
  }
  if (typeof body === 'string') {
    const xml = [/<Code>([^<]*)<\/Code>/.exec(body)?.[1], /<Message>([^<]*)<\/Message>/.exec(body)?.[1]].filter(Boolean) // S3's errors
    if (xml.length) return `: ${xml.join(': ')}`
    if (body.trim()) return `: ${body.trim().slice(0, 300)}`
  }
  return ''
}

function networkMessage(error: NodeJS.ErrnoException): string {
  if (error.code === 'ECONNREFUSED') return 'connection refused (is the server running?)'
  if (error.code === 'ENOTFOUND') return 'host not found'
  return error.code ? `${error.code}: ${error.message}` : error.message
}

async function readAll(response: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = []
  for await (const chunk of response) chunks.push(chunk as Buffer)
  return Buffer.concat(chunks).toString('utf8')
}
