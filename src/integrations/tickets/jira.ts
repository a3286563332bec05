import { z } from 'zod'
import type { Config } from '../../../schemas/config.ts'
import { oneLine, safeUrl } from '../../render/escape.ts'
import { renderText } from '../../render/text.ts'
import {
  type Attachment,
  basicAuth,
  clipText,
  fromHex,
  hmacMatches,
  parseTime,
  resultNotes,
  type TicketResult,
  trimBase,
} from './common.ts'
import type { TicketRequest } from './http.ts'

// Jira (Cloud, Service Management), pure: the webhook's signature and body, and the internal
// comment. Webhooks with a secret carry X-Hub-Signature: sha256=<hex HMAC-SHA256(secret, body)>.
// The comment goes through POST /rest/servicedeskapi/request/{issueIdOrKey}/comment with
// {body, public: false}: an internal comment, which the platform API cannot make. Jira renders
// `body` as wiki markup, not Markdown, so the report goes in as the plain-text report inside
// {noformat}: shown as it is, and nothing from an uploaded bundle can become markup.

export interface JiraSettings {
  baseUrl: string
  auth: string // Basic email:api_token
  webhookSecret: string
}

export function jiraSettings(config: Config): JiraSettings | null {
  const { JIRA_BASE_URL: baseUrl, JIRA_EMAIL: email, JIRA_API_TOKEN: token, JIRA_WEBHOOK_SECRET: secret } = config
  if (!baseUrl || !email || !token || !secret) return null
  return { baseUrl: trimBase(baseUrl), auth: basicAuth(email, token), webhookSecret: secret }
}

export const JIRA_CONFIG = 'JIRA_BASE_URL, JIRA_EMAIL, JIRA_API_TOKEN and JIRA_WEBHOOK_SECRET'

/** Why the signature does not hold, or null when it does. Jira signs the body alone. */
export async function verifyJira(secret: string, header: string | undefined, body: Uint8Array): Promise<string | null> {
  const match = /^sha256=([0-9a-fA-F]{64})$/.exec(header?.trim() ?? '')
  if (!match) return 'X-Hub-Signature: sha256=<hex> is required'
  return (await hmacMatches(secret, body, fromHex(match[1]!)!)) ? null : 'the signature does not match'
}

/** The events that can bring a bundle; any other is acknowledged and ignored. */
export const JIRA_EVENTS: ReadonlySet<string> = new Set(['jira:issue_created', 'attachment_created'])

export const JiraEvent = z.looseObject({ webhookEvent: z.string().max(200) })

const JiraAttachment = z.looseObject({
  id: z.union([z.string(), z.number()]).transform(String).nullish(),
  filename: z.string(),
  content: z.string(),
  created: z.string().nullish(),
  size: z.number().nullish(),
})
type JiraAttachment = z.infer<typeof JiraAttachment>

const IssueKey = z.string().regex(/^([A-Za-z][A-Za-z0-9_]*-\d{1,12}|\d{1,18})$/, 'an issue key such as SUP-42')

/** The fields memgap reads; `attachment` is absent when the webhook leaves fields out. */
export const JiraWebhook = z.looseObject({
  webhookEvent: z.string(),
  issue: z.looseObject({
    key: IssueKey,
    fields: z.looseObject({ attachment: z.array(JiraAttachment).nullish() }).nullish(),
  }),
})
export type JiraWebhook = z.infer<typeof JiraWebhook>

/** GET /rest/api/2/issue/{key}?fields=attachment, when the webhook did not carry the attachments. */
export const JiraIssue = z.looseObject({ fields: z.looseObject({ attachment: z.array(JiraAttachment).nullish() }) })

export const issueUrl = (s: JiraSettings, key: string) => `${s.baseUrl}/rest/api/2/issue/${encodeURIComponent(key)}?fields=attachment`

export function jiraAttachments(list: readonly JiraAttachment[]): Attachment[] {
  return list.map((a) => ({
    key: `jira:${a.id ?? a.content}`,
    name: a.filename,
    url: a.content,
    created: parseTime(a.created),
    size: a.size ?? null,
  }))
}

/** Wiki markup characters escaped, one line, controls masked: for untrusted text outside {noformat}. */
export function wikiEscape(text: string): string {
  return oneLine(text).replace(/[\\{}[\]*_|!^~+?#@<>-]/g, (c) => `\\${c}`)
}

/** Nothing inside may close the block early. */
const noformatSafe = (text: string) => text.replace(/\{noformat/gi, '{ noformat')

/** Jira refuses comments over 32,767 characters. */
export const MAX_COMMENT_CHARS = 32_000

export function jiraBody(result: TicketResult): string {
  const notes = resultNotes(result).map(wikiEscape)
  if (result.kind !== 'diagnosed') return notes.join('\n\n')
  const url = safeUrl(result.reportUrl)
  const head = [
    'h3. memgap diagnosis',
    ...notes,
    url ? `[Full report with charts|${url.replace(/[|\]\s]/g, encodeURIComponent)}]` : '',
  ].filter((l) => l !== '')
  const text = noformatSafe(renderText(result.diagnosis, { reportUrl: result.reportUrl }).trimEnd())
  const frame = `${head.join('\n\n')}\n\n{noformat}\n\n{noformat}`.length
  const report = clipText(text, MAX_COMMENT_CHARS - frame, '\n... (cut here: the full report is behind the link above)')
  return `${head.join('\n\n')}\n\n{noformat}\n${report}\n{noformat}`
}

/** The internal comment on the request, through the Service Management API. */
export function jiraComment(s: JiraSettings, issueKey: string, result: TicketResult): TicketRequest {
  return {
    method: 'POST',
    url: `${s.baseUrl}/rest/servicedeskapi/request/${encodeURIComponent(issueKey)}/comment`,
    headers: { 'content-type': 'application/json', accept: 'application/json', authorization: s.auth },
    body: JSON.stringify({ body: jiraBody(result), public: false }),
  }
}
