import { z } from 'zod'
import type { ParsedBundle } from '../../schemas/bundle.ts'
import type { AppContext, Scope } from '../context.ts'
import { AppError } from '../errors.ts'
import { checkCallbackUrl } from '../integrations/callback-url.ts'
import { redactUrl } from '../integrations/notify.ts'
import type { SendOptions, SendResult } from '../integrations/send.ts'
import { send } from '../integrations/send.ts'
import {
  type Attachment,
  byRole,
  isBundleName,
  newest,
  type Skipped,
  type TicketResult,
  type TicketSystem,
  type UsedBundle,
  under,
} from '../integrations/tickets/common.ts'
import { type Fetched, fetchBounded, getJson, post } from '../integrations/tickets/http.ts'
import { issueUrl, JiraIssue, type JiraWebhook, jiraAttachments, jiraComment, jiraSettings } from '../integrations/tickets/jira.ts'
import { type GenericTicket, genericReply } from '../integrations/tickets/webhook.ts'
import {
  commentsUrl,
  nextPage,
  pageAttachments,
  ZendeskComments,
  zendeskComment,
  zendeskSettings,
} from '../integrations/tickets/zendesk.ts'
import { consoleLog, errorEntry } from '../observe/log.ts'
import { createDiagnosis } from './diagnoses.ts'
import { ingestBundle } from './ingest.ts'
import { reportUrl } from './reports.ts'

// A ticket's bundles to a comment: list the attachments, fetch the newest two bundles from the
// ticket system's own host, ingest, diagnose, reply, and keep what happened. Runs after the webhook
// is answered (waitUntil), so it never throws: every outcome is logged and stored at
//
//   v1/tenants/<tenant>/tickets/<system>-<ticket id>.json   TicketRecord of the latest run
//
// (<system>: zendesk, jira or webhook; <tenant>: INTEGRATIONS_TENANT unless the route has a key's).

export const ticketKey = (tenant: string, system: TicketSystem, id: string) =>
  `v1/tenants/${tenant}/tickets/${system}-${encodeURIComponent(id)}.json`

export const TicketRecord = z.object({
  system: z.enum(['zendesk', 'jira', 'webhook']),
  ticketId: z.string(),
  status: z.enum(['pending', 'diagnosed', 'no_bundle', 'failed']),
  inputs: z.array(z.string()), // keys of the bundles seen: the same ones again are not answered twice
  bundles: z.array(z.object({ name: z.string(), role: z.enum(['baseline', 'suspect']), bundleId: z.string() })),
  skipped: z.array(z.object({ name: z.string(), reason: z.string() })),
  diagnosisId: z.string().nullable(),
  error: z.string().nullable(),
  reply: z
    .object({
      status: z.enum(['delivered', 'failed']),
      attempts: z.number(),
      httpStatus: z.number().nullable(),
      lastError: z.string().nullable(),
    })
    .nullable(),
  startedAt: z.string(),
  endedAt: z.string().nullable(),
})
export type TicketRecord = z.infer<typeof TicketRecord>

export async function getTicketRecord(
  scope: Pick<Scope, 'storage' | 'tenant'>,
  system: TicketSystem,
  id: string,
): Promise<TicketRecord | null> {
  const result = TicketRecord.safeParse(await scope.storage.getJson(ticketKey(scope.tenant, system, id)))
  return result.success ? result.data : null
}

// Workers end background work about 30 s after the response: the usual run fits well within that.
const API_TIMEOUT_MS = 10_000
const DOWNLOAD_TIMEOUT_MS = 20_000
const MAX_COMMENT_PAGES = 10
const SEND: SendOptions = { timeoutMs: 10_000, retries: 2, maxDelayMs: 5000 }

interface Job {
  system: TicketSystem
  ticketId: string
  dedupe: boolean // re-fired webhooks (our own comment may re-trigger) must not comment again
  replyWhenNoBundle: boolean
  list(): Promise<{ attachments: Attachment[]; skipped: Skipped[] }>
  refuse(a: Attachment): string | null // why it may not be fetched
  download(a: Attachment): Promise<Fetched>
  reply(result: TicketResult): Promise<SendResult>
}

const message = (e: unknown) => (e instanceof AppError ? e.detail : e instanceof Error ? e.message : String(e))

async function diagnoseBundles(ctx: AppContext, scope: Scope, job: Job, chosen: Attachment[], skipped: Skipped[]): Promise<TicketResult> {
  const max = ctx.config.MAX_UPLOAD_BYTES
  const declared = chosen.find((a) => a.size !== null && a.size > max)
  if (declared)
    return { kind: 'failed', error: `${declared.name} is ${declared.size} bytes, over the upload limit of ${max} bytes`, skipped }
  const fetched = await Promise.all(chosen.map((a) => job.download(a)))
  const bundles: Array<{ a: Attachment; bundle: ParsedBundle; role: string | null }> = []
  for (const [i, a] of chosen.entries()) {
    const got = fetched[i]!
    if (!got.ok) return { kind: 'failed', error: `${a.name} could not be fetched: ${got.error}`, skipped }
    try {
      const { bundle } = await ingestBundle(scope, got.bytes, {}) // roles come from the manifests
      bundles.push({ a, bundle, role: bundle.role })
    } catch (e) {
      return { kind: 'failed', error: `${a.name}: ${message(e)}`, skipped }
    }
  }
  const [older, newer] = bundles
  const pair = newer && older && older.bundle.id !== newer.bundle.id ? byRole(older, newer) : null
  const suspect = pair?.suspect ?? bundles.at(-1)!
  const d = await createDiagnosis(scope, pair?.baseline.bundle.id, suspect.bundle.id)
  const used: UsedBundle[] = pair
    ? [
        { name: pair.baseline.a.name, role: 'baseline', bundleId: pair.baseline.bundle.id },
        { name: pair.suspect.a.name, role: 'suspect', bundleId: pair.suspect.bundle.id },
      ]
    : [{ name: suspect.a.name, role: 'suspect', bundleId: suspect.bundle.id }]
  return { kind: 'diagnosed', diagnosis: d, reportUrl: await reportUrl(ctx, scope.tenant, d.id), used, skipped }
}

async function runTicket(ctx: AppContext, scope: Scope, job: Job): Promise<void> {
  const key = ticketKey(scope.tenant, job.system, job.ticketId)
  const log = scope.log ?? consoleLog
  const ended = { event: 'ticket', requestId: scope.requestId ?? null, system: job.system, ticketId: job.ticketId } as const
  const record: TicketRecord = {
    system: job.system,
    ticketId: job.ticketId,
    status: 'pending',
    inputs: [],
    bundles: [],
    skipped: [],
    diagnosisId: null,
    error: null,
    reply: null,
    startedAt: new Date().toISOString(),
    endedAt: null,
  }
  try {
    let result: TicketResult
    try {
      const listed = await job.list()
      const bundles = listed.attachments.filter((a) => isBundleName(a.name))
      record.inputs = bundles.map((a) => a.key).sort()
      // Unreadable (say, mid-write by a concurrent run) counts as none: answering twice beats never.
      const previous = job.dedupe ? await getTicketRecord(scope, job.system, job.ticketId).catch(() => null) : null
      if (previous?.reply?.status === 'delivered' && previous.inputs.join('\n') === record.inputs.join('\n')) {
        log({ ...ended, status: 'unchanged', diagnosisId: null, error: null, reply: null, replyAttempts: null })
        return
      }
      await scope.storage.putJson(key, record)
      const skipped = [...listed.skipped]
      const allowed = bundles.filter((a) => {
        const why = job.refuse(a)
        if (why) skipped.push({ name: a.name, reason: why })
        return !why
      })
      const chosen = newest(allowed, 2)
      result = chosen.length ? await diagnoseBundles(ctx, scope, job, chosen, skipped) : { kind: 'no_bundle', skipped }
    } catch (e) {
      result = { kind: 'failed', error: message(e), skipped: [] }
    }
    record.status = result.kind
    record.skipped = result.skipped
    if (result.kind === 'failed') record.error = result.error
    if (result.kind === 'diagnosed') {
      record.diagnosisId = result.diagnosis.id
      record.bundles = result.used
    }
    if (result.kind !== 'no_bundle' || job.replyWhenNoBundle) {
      const { status, attempts, httpStatus, lastError } = await job.reply(result)
      record.reply = { status, attempts, httpStatus, lastError }
    }
    record.endedAt = new Date().toISOString()
    await scope.storage.putJson(key, record)
    log({
      ...ended,
      status: result.kind,
      diagnosisId: record.diagnosisId,
      error: record.error ?? record.reply?.lastError ?? null,
      reply: record.reply?.status ?? null,
      replyAttempts: record.reply?.attempts ?? null,
    })
  } catch (e) {
    log(errorEntry(scope.requestId ?? null, `${job.system} ticket ${job.ticketId} could not be processed`, e))
  }
}

/** Redirects away from the ticket system (to its CDN) must pass the callback-URL check. */
function offOrigin(ctx: AppContext) {
  return async (url: URL) => {
    const checked = await checkCallbackUrl(url.href, { allowPrivate: ctx.config.MEMGAP_ALLOW_PRIVATE_CALLBACKS, resolve: ctx.resolve })
    return checked.ok ? null : checked.reason
  }
}

const notUnder = (base: string, setting: string) => `not under ${setting} (${new URL(base).origin}), so it was not fetched`

export function diagnoseZendeskTicket(ctx: AppContext, scope: Scope, ticketId: string): Promise<void> {
  const s = zendeskSettings(ctx.config)!
  const auth = { origin: new URL(s.baseUrl).origin, headers: { authorization: s.auth } }
  return runTicket(ctx, scope, {
    system: 'zendesk',
    ticketId,
    dedupe: true,
    replyWhenNoBundle: true,
    async list() {
      // Newest first, so the two newest bundles are usually on the first page.
      let url: string | null = `${commentsUrl(s, ticketId)}?sort_order=desc`
      const attachments: Attachment[] = []
      const skipped: Skipped[] = []
      for (let page = 0; url && page < MAX_COMMENT_PAGES; page++) {
        if (!under(url, s.baseUrl)) throw new Error('the comments listing points away from ZENDESK_BASE_URL')
        const got: ZendeskComments = await getJson(url, ZendeskComments, { ...auth, timeoutMs: API_TIMEOUT_MS })
        const found = pageAttachments(got)
        attachments.push(...found.attachments)
        skipped.push(...found.skipped)
        if (attachments.filter((a) => isBundleName(a.name) && under(a.url, s.baseUrl)).length >= 2) break
        url = nextPage(got)
      }
      return { attachments, skipped }
    },
    refuse: (a) => (under(a.url, s.baseUrl) ? null : notUnder(s.baseUrl, 'ZENDESK_BASE_URL')),
    download: (a) =>
      fetchBounded(a.url, { ...auth, maxBytes: ctx.config.MAX_UPLOAD_BYTES, timeoutMs: DOWNLOAD_TIMEOUT_MS, offOrigin: offOrigin(ctx) }),
    reply: (result) => post(zendeskComment(s, ticketId, result), SEND),
  })
}

export function diagnoseJiraIssue(ctx: AppContext, scope: Scope, hook: JiraWebhook): Promise<void> {
  const s = jiraSettings(ctx.config)!
  const auth = { origin: new URL(s.baseUrl).origin, headers: { authorization: s.auth } }
  const key = hook.issue.key
  return runTicket(ctx, scope, {
    // No comment on an issue without a bundle: every new issue in the webhook's scope fires, and
    // attachment_created follows when a bundle arrives.
    system: 'jira',
    ticketId: key,
    dedupe: true,
    replyWhenNoBundle: false,
    async list() {
      const listed =
        hook.issue.fields?.attachment ??
        (await getJson(issueUrl(s, key), JiraIssue, { ...auth, timeoutMs: API_TIMEOUT_MS })).fields.attachment
      return { attachments: jiraAttachments(listed ?? []), skipped: [] }
    },
    refuse: (a) => (under(a.url, s.baseUrl) ? null : notUnder(s.baseUrl, 'JIRA_BASE_URL')),
    download: (a) =>
      fetchBounded(a.url, { ...auth, maxBytes: ctx.config.MAX_UPLOAD_BYTES, timeoutMs: DOWNLOAD_TIMEOUT_MS, offOrigin: offOrigin(ctx) }),
    reply: (result) => post(jiraComment(s, key, result), SEND),
  })
}

/** Before answering 202: attachments only from WEBHOOK_ATTACHMENT_BASE_URL, a reply URL that passes. */
export async function checkGenericTicket(ctx: AppContext, ticket: GenericTicket): Promise<void> {
  const base = ctx.config.WEBHOOK_ATTACHMENT_BASE_URL!
  const refused = ticket.attachments.findIndex((a) => !under(a.url, base))
  if (refused >= 0) {
    throw new AppError(
      400,
      'attachment_refused',
      `attachments[${refused}]: ${notUnder(base, 'WEBHOOK_ATTACHMENT_BASE_URL').replace(/, so.*$/, '')}`,
    )
  }
  const checked = await checkCallbackUrl(ticket.replyUrl, { allowPrivate: ctx.config.MEMGAP_ALLOW_PRIVATE_CALLBACKS, resolve: ctx.resolve })
  if (!checked.ok) throw new AppError(400, 'callback_refused', `replyUrl: ${checked.reason}`)
}

export function diagnoseGenericTicket(ctx: AppContext, scope: Scope, ticket: GenericTicket): Promise<void> {
  const base = ctx.config.WEBHOOK_ATTACHMENT_BASE_URL!
  return runTicket(ctx, scope, {
    system: 'webhook',
    ticketId: ticket.ticketId,
    dedupe: false,
    replyWhenNoBundle: true,
    list: async () => ({
      attachments: ticket.attachments.map((a) => ({ key: redactUrl(a.url), name: a.filename, url: a.url, created: null, size: null })),
      skipped: [],
    }),
    refuse: (a) => (under(a.url, base) ? null : notUnder(base, 'WEBHOOK_ATTACHMENT_BASE_URL')),
    download: (a) =>
      fetchBounded(a.url, { origin: new URL(base).origin, maxBytes: ctx.config.MAX_UPLOAD_BYTES, timeoutMs: DOWNLOAD_TIMEOUT_MS }),
    async reply(result) {
      // Checked again at send time: names can be re-pointed between the request and now.
      const checked = await checkCallbackUrl(ticket.replyUrl, {
        allowPrivate: ctx.config.MEMGAP_ALLOW_PRIVATE_CALLBACKS,
        resolve: ctx.resolve,
      })
      if (!checked.ok) return { status: 'failed', attempts: 0, httpStatus: null, lastError: checked.reason }
      return send(await genericReply(checked.url.href, ticket.secret, ticket.ticketId, result, new Date()), SEND)
    },
  })
}
