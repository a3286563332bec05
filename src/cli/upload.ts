import { createReadStream } from 'node:fs'
import { stat } from 'node:fs/promises'
import { request as httpRequest, type IncomingMessage } from 'node:http'
import { request as httpsRequest } from 'node:https'
import { CliError, EXIT, inputError, usageError } from './exit.ts'

// `memgap upload <bundle> --url URL [--token T]`: the raw archive to POST URL/v1/bundles, with a
// progress bar on stderr. Bundles over DIRECT_LIMIT need the presigned path (POST /v1/uploads),
// which this version does not speak: it says so and exits with EXIT.tooLarge.

export const DIRECT_LIMIT = 100 * 1024 * 1024

export interface UploadOptions {
  url: string
  token?: string
  /** Where progress goes; a TTY gets a live bar, anything else one final line. */
  progress: NodeJS.WriteStream | { isTTY?: boolean; write(text: string): unknown }
  timeoutMs?: number
}

export interface UploadResult {
  status: number
  body: unknown
}

/** Media type from the file name; the server recognises the content anyway. */
export function contentTypeFor(path: string): string {
  const name = path.toLowerCase()
  if (name.endsWith('.tar.gz') || name.endsWith('.tgz') || name.endsWith('.gz')) return 'application/gzip'
  if (name.endsWith('.tar')) return 'application/x-tar'
  if (name.endsWith('.zip')) return 'application/zip'
  return 'application/octet-stream'
}

/** URL/v1/bundles, keeping any path prefix of URL (a server behind a reverse proxy). */
export function bundlesUrl(base: string): URL {
  let url: URL
  try {
    url = new URL(base)
  } catch {
    throw usageError(`--url ${JSON.stringify(base)} is not a URL (e.g. http://memgap.example:8787)`)
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw usageError(`--url must be http:// or https://, not ${url.protocol}`)
  url.pathname = `${url.pathname.replace(/\/+$/, '')}/v1/bundles`
  url.search = ''
  url.hash = ''
  return url
}

export async function uploadBundle(path: string, options: UploadOptions): Promise<UploadResult> {
  const target = bundlesUrl(options.url)
  let size: number
  try {
    const info = await stat(path)
    if (info.isDirectory()) throw inputError(`${path} is a folder: upload takes an archive (tar czf bundle.tar.gz -C ${path} .)`)
    size = info.size
  } catch (error) {
    if (error instanceof CliError) throw error
    throw inputError(`${path}: ${(error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : String(error)}`)
  }
  if (size === 0) throw inputError(`${path} is empty`)
  if (size > DIRECT_LIMIT) throw tooLarge(path, size)

  const headers: Record<string, string> = {
    'content-type': contentTypeFor(path),
    'content-length': String(size),
    accept: 'application/json, application/problem+json',
  }
  if (options.token) headers.authorization = `Bearer ${options.token}`

  const meter = new Progress(size, options.progress)
  const response = await new Promise<IncomingMessage>((resolve, reject) => {
    const send = target.protocol === 'https:' ? httpsRequest : httpRequest
    const req = send(target, { method: 'POST', headers, timeout: options.timeoutMs ?? 300_000 }, (res) => {
      meter.finish() // an early answer (a refusal) may come before the body is all sent
      resolve(res)
    })
    req.on('finish', () => meter.finish()) // the body is sent; the rate excludes the server's parsing
    req.on('timeout', () => req.destroy(new Error(`no answer from ${target.origin} in time`)))
    req.on('error', (error) => {
      file.destroy()
      reject(new CliError(EXIT.upload, `upload to ${target.href} failed: ${networkMessage(error)}`))
    })
    const file = createReadStream(path, { highWaterMark: 256 * 1024 })
    file.on('data', (chunk) => meter.add(chunk.length))
    file.on('error', (error) => {
      req.destroy()
      reject(inputError(`${path}: ${error.message}`))
    })
    file.pipe(req)
  })

  const text = await readAll(response)
  const status = response.statusCode ?? 0
  let body: unknown = text
  try {
    body = JSON.parse(text)
  } catch {
    // not JSON: kept as text for the message below
  }
  if (status === 413) {
    throw new CliError(EXIT.tooLarge, `the server refused ${path} as too large (413)${detailOf(body)}; use the presigned path, POST /v1/uploads`)
  }
  if (status < 200 || status > 299) {
    const hint = status === 401 ? (options.token ? ' (is the --token right?)' : ' (pass --token or set MEMGAP_TOKEN)') : ''
    throw new CliError(EXIT.upload, `the server answered ${status}${detailOf(body)}${hint}`)
  }
  return { status, body }
}

function tooLarge(path: string, size: number): CliError {
  return new CliError(
    EXIT.tooLarge,
    `${path} is ${mib(size)} MiB, over the ${mib(DIRECT_LIMIT)} MiB of a direct upload: ` +
      'it needs the presigned path (POST /v1/uploads, then PUT to storage), which this memgap does not speak yet',
  )
}

function detailOf(body: unknown): string {
  if (body && typeof body === 'object') {
    const problem = body as { code?: unknown; detail?: unknown }
    const parts = [problem.code, problem.detail].filter((p): p is string => typeof p === 'string')
    if (parts.length) return `: ${parts.join(': ')}`
  }
  if (typeof body === 'string' && body.trim()) return `: ${body.trim().slice(0, 300)}`
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

const mib = (bytes: number) => (bytes / (1024 * 1024)).toFixed(1)

/**
 * One progress line: `[########------------]  12.0/48.0 MB  25%  6.1 MB/s` (MB = 10^6 bytes, as
 * network rates are counted).
 */
export function progressLine(sent: number, total: number, seconds: number, width = 24): string {
  const share = total > 0 ? Math.min(1, sent / total) : 1
  const filled = Math.round(share * width)
  const rate = seconds > 0 ? sent / 1e6 / seconds : 0
  const mb = (bytes: number) => (bytes / 1e6).toFixed(1)
  return `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${mb(sent)}/${mb(total)} MB ${Math.floor(share * 100)
    .toString()
    .padStart(3)}% ${rate.toFixed(1)} MB/s`
}

class Progress {
  private sent = 0
  private readonly started = performance.now()
  private lastDraw = 0
  private finished = false

  constructor(
    private readonly total: number,
    private readonly out: UploadOptions['progress'],
  ) {}

  add(bytes: number): void {
    this.sent += bytes
    if (!this.out.isTTY || this.finished) return
    const now = performance.now()
    if (now - this.lastDraw < 100 && this.sent < this.total) return
    this.lastDraw = now
    this.out.write(`\r${progressLine(this.sent, this.total, (now - this.started) / 1000)}`)
  }

  finish(): void {
    if (this.finished) return
    this.finished = true
    const seconds = (performance.now() - this.started) / 1000
    if (this.out.isTTY) this.out.write(`\r${progressLine(this.sent, this.total, seconds)}\n`)
    else this.out.write(`uploaded ${this.sent} bytes in ${seconds.toFixed(2)} s (${(seconds > 0 ? this.sent / 1e6 / seconds : 0).toFixed(1)} MB/s)\n`)
  }
}
