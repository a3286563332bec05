import { stat } from 'node:fs/promises'
import { setTimeout as sleep } from 'node:timers/promises'
import { UploadTicket } from '../../schemas/uploads.ts'
import { CliError, EXIT, inputError, usageError } from './exit.ts'
import { type Answer, detailOf, exchange, type FileRange, NetworkError, parseBody } from './http.ts'
import { mib, Progress, type ProgressOutput } from './progress.ts'

// progressLine moved to progress.ts with the bar; still importable from here
export { progressLine } from './progress.ts'

// `memgap upload <bundle> --url URL [--token T] [--presigned]`, with a progress bar on stderr.
// Up to DIRECT_LIMIT: the raw archive is POSTed to URL/v1/bundles. Over it (or with --presigned):
// POST /v1/uploads for a ticket, PUT the file (or each part's byte range) to the presigned URLs,
// then POST the ticket's `complete`. A server without /v1/uploads (404) gets the direct POST when
// the file fits, else exit EXIT.tooLarge.

export const DIRECT_LIMIT = 100 * 1024 * 1024
/** Retries of one PUT on a network error or a 5xx, after 1, 2, 4 × retryDelayMs. */
export const RETRIES = 3

export interface UploadOptions {
  url: string
  token?: string
  /** Where progress goes; a TTY gets a live bar, anything else one final line. */
  progress: ProgressOutput
  timeoutMs?: number
  /** The presigned path even for a small file (--presigned). */
  presigned?: boolean
  /** Files over this many bytes ask for a multipart upload (see partThresholdFrom). */
  partThreshold?: number
  /** The first retry's wait; it doubles on each further one. */
  retryDelayMs?: number
}

export type UploadResult = { status: number; body: unknown }

export type UploadPlan = { kind: 'direct' } | { kind: 'presigned'; multipart: boolean } | { kind: 'too-large' }

/**
 * Which way a file of `size` bytes goes. `serverHasUploads: false` is the answer after a 404 to
 * POST /v1/uploads (an older server): direct when the file fits, else nothing to do.
 */
export function planUpload(
  size: number,
  options: { presigned?: boolean; partThreshold?: number; serverHasUploads?: boolean } = {},
): UploadPlan {
  if (options.serverHasUploads === false) return size <= DIRECT_LIMIT ? { kind: 'direct' } : { kind: 'too-large' }
  const multipart = size > (options.partThreshold ?? DIRECT_LIMIT)
  if (options.presigned || multipart || size > DIRECT_LIMIT) return { kind: 'presigned', multipart }
  return { kind: 'direct' }
}

/**
 * MEMGAP_UPLOAD_PART_THRESHOLD (bytes): files over it are sent in parts (`multipart: true`), so the
 * presigned path with its per-part retries can be had without a 100 MiB file, for tests and slow
 * links. Undocumented in --help; unset means DIRECT_LIMIT.
 */
export function partThresholdFrom(env: Record<string, string | undefined>): number | undefined {
  const raw = env.MEMGAP_UPLOAD_PART_THRESHOLD
  if (raw === undefined || raw === '') return undefined
  if (!/^\d+$/.test(raw)) throw usageError(`MEMGAP_UPLOAD_PART_THRESHOLD must be a number of bytes, not ${JSON.stringify(raw)}`)
  return Number(raw)
}

/** Media type from the file name; the server recognises the content anyway. */
export function contentTypeFor(path: string): string {
  const name = path.toLowerCase()
  if (name.endsWith('.tar.gz') || name.endsWith('.tgz') || name.endsWith('.gz')) return 'application/gzip'
  if (name.endsWith('.tar')) return 'application/x-tar'
  if (name.endsWith('.zip')) return 'application/zip'
  return 'application/octet-stream'
}

/** URL + path (`/v1/...`), keeping any path prefix of URL (a server behind a reverse proxy). */
export function apiUrl(base: string, path: string): URL {
  let url: URL
  try {
    url = new URL(base)
  } catch {
    throw usageError(`--url ${JSON.stringify(base)} is not a URL (e.g. http://memgap.example:8787)`)
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw usageError(`--url must be http:// or https://, not ${url.protocol}`)
  if (/^https?:\/\//.test(path)) {
    if (new URL(path).origin === url.origin) return new URL(path)
    throw new CliError(EXIT.upload, `the server sent ${path}, on another origin than ${url.origin}: not followed with the token`)
  }
  url.pathname = `${url.pathname.replace(/\/+$/, '')}${path}`
  url.search = ''
  url.hash = ''
  return url
}

export const bundlesUrl = (base: string): URL => apiUrl(base, '/v1/bundles')

export async function uploadBundle(path: string, options: UploadOptions): Promise<UploadResult> {
  bundlesUrl(options.url) // a bad --url is a usage error before the file is looked at
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

  const plan = planUpload(size, options)
  if (plan.kind === 'direct') return directUpload(path, size, options, '; try --presigned (presigned uploads may take more)')
  const result = await presignedUpload(path, size, plan.kind === 'presigned' && plan.multipart, options)
  if (result) return result
  if (planUpload(size, { serverHasUploads: false }).kind === 'too-large') {
    const why = `over the ${mib(DIRECT_LIMIT)} MiB of a direct upload, and the server has no presigned uploads`
    throw new CliError(EXIT.tooLarge, `${path} is ${mib(size)} MiB, ${why} (it answered 404 to POST /v1/uploads: an older memgap?)`)
  }
  options.progress.write('memgap: the server has no presigned uploads (404 to POST /v1/uploads): posting the archive directly\n')
  return directUpload(path, size, options, '')
}

const apiHeaders = ({ token }: UploadOptions): Record<string, string> => ({
  accept: 'application/json, application/problem+json',
  ...(token ? { authorization: `Bearer ${token}` } : {}),
})

async function directUpload(path: string, size: number, options: UploadOptions, hint413: string): Promise<UploadResult> {
  const target = bundlesUrl(options.url)
  const headers = { ...apiHeaders(options), 'content-type': contentTypeFor(path), 'content-length': String(size) }
  const meter = new Progress(size, options.progress)
  // finish on the request's end (the rate excludes the server's parsing) or on an early answer (a refusal)
  const answer = await exchange(target, 'POST', headers, { path, start: 0, end: size - 1 }, options, {
    onBytes: (n) => meter.add(n),
    sent: () => meter.finish(),
  })
  return checkApi(answer, options, path, hint413)
}

/** The presigned path; null when the server has no /v1/uploads (it answered 404). */
async function presignedUpload(path: string, size: number, multipart: boolean, options: UploadOptions): Promise<UploadResult | null> {
  const opening = await api(
    apiUrl(options.url, '/v1/uploads'),
    JSON.stringify({ bytes: size, ...(multipart ? { multipart } : {}) }),
    options,
  )
  if (opening.status === 404) return null
  const parsed = UploadTicket.safeParse(checkApi(opening, options, path).body)
  if (!parsed.success) throw new CliError(EXIT.upload, 'the server answered POST /v1/uploads with something other than an upload ticket')
  const ticket = parsed.data

  const meter = new Progress(size, options.progress)
  const completion = await putAll(path, size, ticket, meter, options).catch((error: unknown) => {
    meter.interrupt()
    throw error
  })
  meter.finish()
  return checkApi(await api(apiUrl(options.url, ticket.complete), completion, options), options, path)
}

/** The file to storage as the ticket says; the body of the completion (empty after a single PUT). */
async function putAll(path: string, size: number, ticket: UploadTicket, meter: Progress, options: UploadOptions): Promise<string> {
  if (ticket.put) {
    await putWithRetries(new URL(ticket.put.url), { path, start: 0, end: size - 1 }, 'the upload', meter, options)
    return ''
  }
  const parts = [...(ticket.parts ?? [])].sort((a, b) => a.partNumber - b.partNumber)
  if (parts.reduce((n, p) => n + p.bytes, 0) !== size || parts.some((p) => p.bytes <= 0)) {
    throw new CliError(EXIT.upload, `the server's upload ticket has parts that do not add up to the ${size} bytes of ${path}`)
  }
  const etags: { partNumber: number; etag: string }[] = []
  let start = 0
  for (const part of parts) {
    const label = `part ${part.partNumber} of ${parts.length}`
    const answer = await putWithRetries(new URL(part.url), { path, start, end: start + part.bytes - 1 }, label, meter, options)
    const etag = answer.headers.etag
    if (typeof etag !== 'string' || !etag) throw new CliError(EXIT.upload, `storage answered ${label} without an ETag`)
    etags.push({ partNumber: part.partNumber, etag })
    start += part.bytes
  }
  return JSON.stringify({ parts: etags })
}

/** A memgap API call with a JSON body (possibly empty). */
const api = (target: URL, body: string, options: UploadOptions): Promise<Answer> =>
  exchange(
    target,
    'POST',
    { ...apiHeaders(options), 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)) },
    body,
    options,
  )

/** A memgap answer: the parsed body when 2xx, else the CliError its status maps to. */
function checkApi(answer: Answer, options: UploadOptions, path: string, hint413 = ''): UploadResult {
  const body = parseBody(answer.text)
  if (answer.status === 413) throw new CliError(EXIT.tooLarge, `the server refused ${path} as too large (413)${detailOf(body)}${hint413}`)
  if (answer.status < 200 || answer.status > 299) {
    const hint = answer.status === 401 ? (options.token ? ' (is the --token right?)' : ' (pass --token or set MEMGAP_TOKEN)') : ''
    throw new CliError(EXIT.upload, `the server answered ${answer.status}${detailOf(body)}${hint}`)
  }
  return { status: answer.status, body }
}

/** One PUT of a byte range to a presigned URL (no auth header), retried on network errors and 5xx. */
async function putWithRetries(target: URL, range: FileRange, label: string, meter: Progress, options: UploadOptions): Promise<Answer> {
  const headers = { 'content-length': String(range.end - range.start + 1) }
  for (let attempt = 0; ; attempt++) {
    let counted = 0
    let failure: string
    try {
      const onBytes = (n: number) => {
        counted += n
        meter.add(n)
      }
      const answer = await exchange(target, 'PUT', headers, range, options, { onBytes })
      if (answer.status >= 200 && answer.status <= 299) return answer
      const detail = detailOf(parseBody(answer.text))
      if (answer.status === 413) throw new CliError(EXIT.tooLarge, `storage refused ${label} as too large (413)${detail}`)
      if (answer.status < 500) throw new CliError(EXIT.upload, `storage refused ${label}: ${answer.status}${detail}`)
      failure = `storage answered ${answer.status}${detail}`
    } catch (error) {
      if (!(error instanceof NetworkError)) throw error
      failure = error.reason
    }
    meter.add(-counted) // that attempt's bytes are sent again
    if (attempt >= RETRIES) throw new CliError(EXIT.upload, `${label} failed ${RETRIES + 1} times, last: ${failure}`)
    const wait = (options.retryDelayMs ?? 1000) * 2 ** attempt
    options.progress.write(
      `${options.progress.isTTY ? '\n' : ''}memgap: ${label}: ${failure}; retry ${attempt + 1} of ${RETRIES} in ${(wait / 1000).toFixed(1)} s\n`,
    )
    await sleep(wait)
  }
}
