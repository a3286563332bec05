import { z } from 'zod'
import type { Config } from '../../../schemas/config.ts'
import { concatBytes } from '../../bytes.ts'
import { escapeMarkdown, mdUrl, safeUrl } from '../../render/escape.ts'
import { renderMarkdown } from '../../render/markdown.ts'
import {
  type Attachment,
  basicAuth,
  clipText,
  fromBase64,
  hmacMatches,
  parseTime,
  resultNotes,
  type Skipped,
  type TicketResult,
  trimBase,
  utf8,
} from './common.ts'
import type { TicketRequest } from './http.ts'

// Zendesk, pure: the webhook's signature and body, the comments listing, and the private comment.
// API: GET /api/v2/tickets/{id}/comments.json lists comments with their attachments (oldest first,
// next_page or cursor links); a comment is added by PUT /api/v2/tickets/{id}.json with
// {ticket: {comment: {body, public: false}}}. `body` takes Markdown (html_body does not).
// Webhook signature: X-Zendesk-Webhook-Signature = Base64(HMAC-SHA256(secret, timestamp + body)),
// timestamp from X-Zendesk-Webhook-Signature-Timestamp (ISO 8601).

export interface ZendeskSettings {
  baseUrl: string
  auth: string // Basic {email}/token:{api_token}
  webhookSecret: string
}

/** The settings when all four are configured, else null (the route answers 503 not_configured). */
export function zendeskSettings(config: Config): ZendeskSettings | null {
  const { ZENDESK_BASE_URL: baseUrl, ZENDESK_EMAIL: email, ZENDESK_API_TOKEN: token, ZENDESK_WEBHOOK_SECRET: secret } = config
  if (!baseUrl || !email || !token || !secret) return null
  return { baseUrl: trimBase(baseUrl), auth: basicAuth(`${email}/token`, token), webhookSecret: secret }
}

export const ZENDESK_CONFIG = 'ZENDESK_BASE_URL, ZENDESK_EMAIL, ZENDESK_API_TOKEN and ZENDESK_WEBHOOK_SECRET'

/** Replays outside this window are refused; Zendesk signs each delivery afresh. */
export const SIGNATURE_MAX_AGE_MS = 5 * 60_000

function timestampMs(value: string): number | null {
  if (/^\d{10}$/.test(value)) return Number(value) * 1000
  return parseTime(value)
}

/** Why the signature does not hold, or null when it does. */
export async function verifyZendesk(
  secret: string,
  signature: string | undefined,
  timestamp: string | undefined,
  body: Uint8Array,
  nowMs: number,
): Promise<string | null> {
  if (!signature || !timestamp) return 'X-Zendesk-Webhook-Signature and X-Zendesk-Webhook-Signature-Timestamp are required'
  const at = timestampMs(timestamp.trim())
  if (at === null) return 'the signature timestamp is not a date'
  if (Math.abs(nowMs - at) > SIGNATURE_MAX_AGE_MS) return 'the signature timestamp is more than 5 minutes away from now'
  const bytes = fromBase64(signature.trim())
  if (!bytes || !(await hmacMatches(secret, concatBytes([utf8(timestamp), body]), bytes))) return 'the signature does not match'
  return null
}

const TicketId = z.union([z.number().int().positive().max(Number.MAX_SAFE_INTEGER), z.string().regex(/^\d{1,16}$/, 'a ticket number')])

/** {ticket_id} as the trigger's JSON body sends it, or {ticket: {id}}; the id as a string. */
export const ZendeskWebhook = z
  .union([z.looseObject({ ticket_id: TicketId }), z.looseObject({ ticket: z.looseObject({ id: TicketId }) })])
  .transform((v) => String('ticket_id' in v ? v.ticket_id : v.ticket.id))

const Id = z.union([z.number(), z.string()]).transform(String)

const ZendeskAttachment = z.looseObject({
  id: Id,
  file_name: z.string(),
  content_url: z.string(),
  size: z.number().nullish(),
  malware_scan_result: z.string().nullish(),
})

export const ZendeskComments = z.looseObject({
  comments: z.array(z.looseObject({ id: Id, created_at: z.string().nullish(), attachments: z.array(ZendeskAttachment).nullish() })),
  next_page: z.string().nullish(),
  meta: z.looseObject({ has_more: z.boolean().nullish() }).nullish(),
  links: z.looseObject({ next: z.string().nullish() }).nullish(),
})
export type ZendeskComments = z.infer<typeof ZendeskComments>

export const commentsUrl = (s: ZendeskSettings, ticketId: string) => `${s.baseUrl}/api/v2/tickets/${ticketId}/comments.json`

/** The next page's URL (offset or cursor pagination), or null on the last page. */
export function nextPage(page: ZendeskComments): string | null {
  if (page.next_page) return page.next_page
  return page.meta?.has_more && page.links?.next ? page.links.next : null
}

/** Every attachment of a page, each dated by its comment; quarantined files are set aside. */
export function pageAttachments(page: ZendeskComments): { attachments: Attachment[]; skipped: Skipped[] } {
  const attachments: Attachment[] = []
  const skipped: Skipped[] = []
  for (const comment of page.comments) {
    for (const a of comment.attachments ?? []) {
      if (a.malware_scan_result === 'malware_found') {
        skipped.push({ name: a.file_name, reason: 'Zendesk found malware in it' })
        continue
      }
      const created = parseTime(comment.created_at)
      attachments.push({ key: `zendesk:${a.id}`, name: a.file_name, url: a.content_url, created, size: a.size ?? null })
    }
  }
  return { attachments, skipped }
}

/** Zendesk's comment size limit is 64 KB; stay well below it. */
export const MAX_COMMENT_CHARS = 60_000

export function zendeskBody(result: TicketResult): string {
  const notes = resultNotes(result).map(escapeMarkdown).join('\n\n')
  if (result.kind !== 'diagnosed') return notes
  const report = renderMarkdown(result.diagnosis, { reportUrl: result.reportUrl })
  const url = safeUrl(result.reportUrl)
  const tail = `\n\n*The report is cut here: ${url ? `[read all of it](${mdUrl(url)})` : 'see the full report'}.*\n`
  return clipText(`${notes}\n\n${report}`, MAX_COMMENT_CHARS, tail)
}

/** PUT /api/v2/tickets/{id}.json adding a private comment (an internal note). */
export function zendeskComment(s: ZendeskSettings, ticketId: string, result: TicketResult): TicketRequest {
  return {
    method: 'PUT',
    url: `${s.baseUrl}/api/v2/tickets/${ticketId}.json`,
    headers: { 'content-type': 'application/json', accept: 'application/json', authorization: s.auth },
    body: JSON.stringify({ ticket: { comment: { body: zendeskBody(result), public: false } } }),
  }
}
