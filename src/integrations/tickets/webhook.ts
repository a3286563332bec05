import { z } from 'zod'
import type { Finding } from '../../../schemas/findings.ts'
import { escapeMarkdown } from '../../render/escape.ts'
import { renderMarkdown } from '../../render/markdown.ts'
import { webhookSignature } from '../chat/webhook.ts'
import type { OutgoingRequest } from '../types.ts'
import { resultNotes, type Skipped, type TicketResult } from './common.ts'

// The generic ticket webhook, pure: its request, and the signed reply POSTed to replyUrl, signed
// like the generic chat webhook: X-Memgap-Timestamp (unix seconds) and
// X-Memgap-Signature: sha256=<hex HMAC-SHA256(secret, timestamp + "." + body)>.

// Letters, digits and a few separators: the id names a storage key and is echoed back.
const TicketId = z.union([
  z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._:@#-]{0,127}$/, 'letters, digits and . _ : @ # - (at most 128)'),
  z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER).transform(String),
])

export const GenericTicket = z.object({
  ticketId: TicketId,
  attachments: z.array(z.object({ url: z.string().min(1).max(2048), filename: z.string().min(1).max(255) })).max(20),
  replyUrl: z.string().min(1).max(2048),
  secret: z.string().min(1).max(512), // signs the reply; never stored
})
export type GenericTicket = z.infer<typeof GenericTicket>

/** The reply's body: what happened, and the diagnosis when there is one. */
export interface GenericReply {
  ticketId: string
  status: TicketResult['kind']
  diagnosisId: string | null
  summary: string
  reportUrl: string | null
  markdown: string
  findings: Finding[]
  error: string | null
  skipped: Skipped[]
}

export function genericReplyBody(ticketId: string, result: TicketResult): GenericReply {
  const notes = resultNotes(result)
  const base = { ticketId, status: result.kind, skipped: result.skipped }
  if (result.kind !== 'diagnosed') {
    const summary = notes.join(' ')
    const error = result.kind === 'failed' ? result.error : null
    return {
      ...base,
      diagnosisId: null,
      summary,
      reportUrl: null,
      markdown: `${notes.map(escapeMarkdown).join('\n\n')}\n`,
      findings: [],
      error,
    }
  }
  const d = result.diagnosis
  const markdown = `${notes.map(escapeMarkdown).join('\n\n')}\n\n${renderMarkdown(d, { reportUrl: result.reportUrl })}`
  return { ...base, diagnosisId: d.id, summary: d.summary, reportUrl: result.reportUrl, markdown, findings: d.findings, error: null }
}

export async function genericReply(
  replyUrl: string,
  secret: string,
  ticketId: string,
  result: TicketResult,
  now: Date,
): Promise<OutgoingRequest> {
  const body = JSON.stringify(genericReplyBody(ticketId, result))
  const timestamp = String(Math.floor(now.getTime() / 1000))
  return {
    url: replyUrl,
    headers: {
      'content-type': 'application/json',
      'X-Memgap-Event': 'ticket.diagnosis',
      'X-Memgap-Timestamp': timestamp,
      'X-Memgap-Signature': await webhookSignature(secret, timestamp, body),
    },
    body,
  }
}
