import { z } from 'zod'
import { NotifyType } from './notify.ts'

// The server's log: one JSON object a line (src/observe/log.ts), for people and for metrics. On
// Workers these lines are the metrics (Workers Logs); on Node /metrics counts the same records.

export const LogLevel = z.enum(['debug', 'info', 'warn', 'error', 'silent'])
export type LogLevel = z.infer<typeof LogLevel>

const base = {
  time: z.string(), // ISO 8601, UTC
  level: LogLevel.exclude(['silent']),
}

/** One per HTTP request, written when its answer has been handed over. */
export const RequestLog = z.object({
  ...base,
  event: z.literal('request'),
  requestId: z.string(),
  tenant: z.string().nullable(), // null before a key was checked
  method: z.string(),
  route: z.string().nullable(), // the route's pattern (`/v1/bundles/:id`), null when none matched
  status: z.number().int(),
  problem: z.string().nullable(), // the problem+json `code` of an error answer
  bytesIn: z.number().int().nullable(), // the declared Content-Length; null when chunked
  bytesOut: z.number().int(),
  ms: z.number(),
})
export type RequestLog = z.infer<typeof RequestLog>

/** One per bundle stored and parsed (a new one, or the same bytes again). */
export const IngestLog = z.object({
  ...base,
  event: z.literal('ingest'),
  requestId: z.string().nullable(), // null for work no request waits on (ticket webhooks)
  tenant: z.string(),
  bundleId: z.string(),
  created: z.boolean(),
  bytes: z.number().int(),
  files: z.number().int(),
  warnings: z.number().int(),
  seconds: z.number(),
})
export type IngestLog = z.infer<typeof IngestLog>

/** One per attempt to send a chat callback (`attempt` 0: refused before sending). */
export const DeliveryLog = z.object({
  ...base,
  event: z.literal('delivery'),
  requestId: z.string().nullable(),
  type: NotifyType,
  url: z.string(), // redacted: the URL is the secret of most chat webhooks
  status: z.enum(['delivered', 'retrying', 'failed', 'refused']),
  attempt: z.number().int().nonnegative(),
  httpStatus: z.number().int().nullable(),
  error: z.string().nullable(),
})
export type DeliveryLog = z.infer<typeof DeliveryLog>

/** One per ticket webhook's work, when it ends (it runs after the webhook was answered). */
export const TicketLog = z.object({
  ...base,
  event: z.literal('ticket'),
  requestId: z.string().nullable(),
  system: z.enum(['zendesk', 'jira', 'webhook']),
  ticketId: z.string(),
  status: z.enum(['diagnosed', 'no_bundle', 'failed', 'unchanged']), // unchanged: no new bundle since the last reply
  diagnosisId: z.string().nullable(),
  error: z.string().nullable(), // may quote attachment names: outside input, escaped like every value
  reply: z.string().nullable(), // the reply's outcome (delivered, failed), null when none was sent
  replyAttempts: z.number().int().nullable(),
})
export type TicketLog = z.infer<typeof TicketLog>

/** What failed where nobody else will say it (an unhandled error, a write that could not be made). */
export const ErrorLog = z.object({
  ...base,
  event: z.literal('error'),
  requestId: z.string().nullable(),
  message: z.string(),
  stack: z.string().nullable(),
})
export type ErrorLog = z.infer<typeof ErrorLog>

export const LogRecord = z.discriminatedUnion('event', [RequestLog, IngestLog, DeliveryLog, TicketLog, ErrorLog])
export type LogRecord = z.infer<typeof LogRecord>
