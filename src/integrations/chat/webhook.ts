import type { Diagnosis } from '../../../schemas/diagnosis.ts'
import { hmacSha256, toHex } from '../sign.ts'
import type { BuildContext, OutgoingRequest } from '../types.ts'

// Generic webhook: the diagnosis JSON, as GET /v1/diagnoses/{id} returns it, with `reportUrl`
// (the HTML report's link; also in the X-Memgap-Report-Url header).
// X-Memgap-Timestamp: unix seconds. With a secret, X-Memgap-Signature:
// sha256=<hex HMAC-SHA256(secret, timestamp + "." + body)>; a receiver recomputes it over the raw
// body and rejects old timestamps, so a captured request cannot be replayed later.

export async function webhookSignature(secret: string, timestamp: string, body: string): Promise<string> {
  return `sha256=${toHex(await hmacSha256(secret, `${timestamp}.${body}`))}`
}

export async function build(d: Diagnosis, ctx: BuildContext): Promise<OutgoingRequest> {
  const body = JSON.stringify({ ...d, reportUrl: ctx.reportUrl })
  const timestamp = String(Math.floor(ctx.now.getTime() / 1000))
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    'X-Memgap-Event': 'diagnosis',
    'X-Memgap-Report-Url': ctx.reportUrl,
    'X-Memgap-Timestamp': timestamp,
  }
  if (ctx.secret) headers['X-Memgap-Signature'] = await webhookSignature(ctx.secret, timestamp, body)
  return { url: ctx.url, headers, body }
}
