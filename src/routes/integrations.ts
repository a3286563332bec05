import { type Context, Hono } from 'hono'
import type { z } from 'zod'
import { readUpTo } from '../bytes.ts'
import type { AppEnv } from '../context.ts'
import { AppError, invalidInput, notConfigured } from '../errors.ts'
import { JIRA_CONFIG, JIRA_EVENTS, JiraEvent, JiraWebhook, jiraSettings, verifyJira } from '../integrations/tickets/jira.ts'
import { GenericTicket } from '../integrations/tickets/webhook.ts'
import { verifyZendesk, ZENDESK_CONFIG, ZendeskWebhook, zendeskSettings } from '../integrations/tickets/zendesk.ts'
import { checkGenericTicket, diagnoseGenericTicket, diagnoseJiraIssue, diagnoseZendeskTicket } from '../services/tickets.ts'

// Ticket-system webhooks: check the signature on the raw body, validate, answer 202 at once, and
// diagnose in the background (the vendors give up on slow webhooks). No API key: app.ts exempts
// /v1/integrations/*, and the scope's tenant is INTEGRATIONS_TENANT.

const MAX_WEBHOOK_BYTES = 1024 * 1024 // a Jira issue with all its fields is well below this

async function rawBody(c: Context): Promise<Uint8Array> {
  const tooLarge = new AppError(413, 'webhook_too_large', `the webhook body is over ${MAX_WEBHOOK_BYTES} bytes`)
  if (Number(c.req.header('content-length') ?? 0) > MAX_WEBHOOK_BYTES) throw tooLarge
  const bytes = await readUpTo(c.req.raw.body, MAX_WEBHOOK_BYTES)
  if (!bytes) throw tooLarge
  return bytes
}

function parseJson<S extends z.ZodType>(bytes: Uint8Array, schema: S, what: string): z.output<S> {
  let json: unknown
  try {
    json = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes))
  } catch {
    throw new AppError(400, 'invalid_json', `${what} is not JSON`)
  }
  const result = schema.safeParse(json)
  if (!result.success) throw invalidInput(result.error, what)
  return result.data
}

const integrationOff = (system: string, settings: string) => notConfigured(`the ${system} integration is not configured: set ${settings}`)

/** Background work: Workers keep it alive past the response; Node just lets it run. */
function defer(c: Context, work: Promise<void>): void {
  try {
    c.executionCtx.waitUntil(work)
  } catch {
    void work
  }
}

export const integrations = new Hono<AppEnv>()
  .post('/v1/integrations/zendesk', async (c) => {
    const settings = zendeskSettings(c.var.ctx.config)
    if (!settings) throw integrationOff('Zendesk', ZENDESK_CONFIG)
    const body = await rawBody(c)
    const signature = c.req.header('x-zendesk-webhook-signature')
    const timestamp = c.req.header('x-zendesk-webhook-signature-timestamp')
    const invalid = await verifyZendesk(settings.webhookSecret, signature, timestamp, body, Date.now())
    if (invalid) throw new AppError(401, 'signature_invalid', invalid)
    c.var.admit() // counted once verified: unsigned floods never use up the tenant's requests
    const ticketId = parseJson(body, ZendeskWebhook, 'the Zendesk webhook body')
    defer(c, diagnoseZendeskTicket(c.var.ctx, c.var.scope, ticketId))
    return c.json({ accepted: true, ticketId }, 202)
  })
  .post('/v1/integrations/jira', async (c) => {
    const settings = jiraSettings(c.var.ctx.config)
    if (!settings) throw integrationOff('Jira', JIRA_CONFIG)
    const body = await rawBody(c)
    const invalid = await verifyJira(settings.webhookSecret, c.req.header('x-hub-signature'), body)
    if (invalid) throw new AppError(401, 'signature_invalid', invalid)
    c.var.admit()
    const { webhookEvent } = parseJson(body, JiraEvent, 'the Jira webhook body')
    // Acknowledged, so that Jira does not count it as a failed delivery.
    if (!JIRA_EVENTS.has(webhookEvent)) return c.json({ accepted: false, ignored: webhookEvent }, 200)
    const hook = parseJson(body, JiraWebhook, 'the Jira webhook body')
    defer(c, diagnoseJiraIssue(c.var.ctx, c.var.scope, hook))
    return c.json({ accepted: true, ticketId: hook.issue.key }, 202)
  })
  .post('/v1/integrations/webhook', async (c) => {
    if (!c.var.ctx.config.WEBHOOK_ATTACHMENT_BASE_URL) throw integrationOff('generic ticket webhook', 'WEBHOOK_ATTACHMENT_BASE_URL')
    const ticket = parseJson(await rawBody(c), GenericTicket, 'the ticket webhook body')
    await checkGenericTicket(c.var.ctx, ticket)
    defer(c, diagnoseGenericTicket(c.var.ctx, c.var.scope, ticket))
    return c.json({ accepted: true, ticketId: ticket.ticketId }, 202)
  })
