import { createHash, createHmac, timingSafeEqual } from 'node:crypto'

// SigV4 query-string signatures (presigned URLs), checked the way S3 and R2 check them. s3rver
// checks none (its V4 support "is unimplemented"), so without this the embedded store took a
// PUT of any length to a URL that signs `content-length`, and any expired or forged URL.
// https://docs.aws.amazon.com/AmazonS3/latest/API/sigv4-query-string-auth.html

export interface SignedRequest {
  method: string
  url: string // path and query, as on the request line
  headers: Record<string, string | string[] | undefined>
}

const rfc3986 = (text: string) => encodeURIComponent(text).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)
const hmac = (key: Buffer | string, text: string) => createHmac('sha256', key).update(text).digest()

/** Why a presigned request is refused, or null when its signature, expiry and signed headers hold. */
export function presignedProblem(
  request: SignedRequest,
  secretOf: (accessKeyId: string) => string | undefined,
  now = Date.now(),
): string | null {
  const url = new URL(request.url, 'http://host')
  const query = url.searchParams
  const [accessKeyId, date, region, service, terminal] = (query.get('X-Amz-Credential') ?? '').split('/')
  const amzDate = query.get('X-Amz-Date') ?? ''
  const expires = Number(query.get('X-Amz-Expires'))
  const signedHeaders = query.get('X-Amz-SignedHeaders') ?? ''
  const signature = query.get('X-Amz-Signature') ?? ''
  if (query.get('X-Amz-Algorithm') !== 'AWS4-HMAC-SHA256' || terminal !== 'aws4_request' || !/^\d{8}T\d{6}Z$/.test(amzDate))
    return 'not a SigV4 presigned URL'
  const secret = secretOf(accessKeyId!)
  if (!secret) return 'unknown access key'
  const signedAt = Date.parse(
    `${amzDate.slice(0, 4)}-${amzDate.slice(4, 6)}-${amzDate.slice(6, 8)}T${amzDate.slice(9, 11)}:${amzDate.slice(11, 13)}:${amzDate.slice(13, 15)}Z`,
  )
  if (!(expires > 0) || now > signedAt + expires * 1000) return 'the URL has expired'

  // The canonical request: what the signer hashed, rebuilt from what arrived.
  const path = url.pathname
    .split('/')
    .map((s) => rfc3986(decodeURIComponent(s)))
    .join('/')
  const params = [...query]
    .filter(([name]) => name !== 'X-Amz-Signature')
    .map(([n, v]) => `${rfc3986(n)}=${rfc3986(v)}`)
    .sort()
  const names = signedHeaders.split(';')
  const headerLines = names.map((name) => {
    const value = request.headers[name]
    return `${name}:${(Array.isArray(value) ? value.join(',') : (value ?? '')).trim().replace(/\s+/g, ' ')}\n`
  })
  const payload = query.get('X-Amz-Content-Sha256') ?? 'UNSIGNED-PAYLOAD'
  const canonical = [request.method, path, params.join('&'), headerLines.join(''), signedHeaders, payload].join('\n')
  const scope = `${date}/${region}/${service}/aws4_request`
  const toSign = ['AWS4-HMAC-SHA256', amzDate, scope, createHash('sha256').update(canonical).digest('hex')].join('\n')
  const key = hmac(hmac(hmac(hmac(`AWS4${secret}`, date!), region!), service!), 'aws4_request')
  const expected = hmac(key, toSign)
  const given = Buffer.from(signature, 'hex')
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    return names.includes('content-length')
      ? 'the signature does not match (a body of another length than the URL signs?)'
      : 'the signature does not match'
  }
  return null
}
