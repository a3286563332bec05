import { z } from 'zod'

// Chat callbacks: where a diagnosis is pushed (`notify` of POST /v1/diagnoses) and what came of it.

export const NotifyType = z.enum(['slack', 'teams', 'feishu', 'dingtalk', 'wecom', 'webhook'])
export type NotifyType = z.infer<typeof NotifyType>

/** One callback. The URL is attacker-controlled input: src/integrations/callback-url.ts judges it. */
export const NotifyTarget = z.object({
  type: NotifyType,
  url: z.string().min(1).max(2048),
  // Signing secret (feishu, dingtalk, webhook); never stored nor echoed back.
  secret: z.string().min(1).max(512).optional(),
})
export type NotifyTarget = z.infer<typeof NotifyTarget>

export const Notify = z.array(NotifyTarget).max(10)
export type Notify = z.infer<typeof Notify>

export const DeliveryStatus = z.enum(['delivered', 'failed', 'refused'])

/** The outcome of one callback, stored with the diagnosis (GET /v1/diagnoses/{id}/deliveries). */
export const Delivery = z.object({
  type: NotifyType,
  url: z.string(), // secret query parameters and token-like path segments redacted
  status: DeliveryStatus,
  attempts: z.number().int().nonnegative(), // 0 when refused
  httpStatus: z.number().int().nullable(), // of the last attempt; null when it got no answer
  lastError: z.string().nullable(), // the refusal reason when refused
  deliveredAt: z.string().nullable(),
})
export type Delivery = z.infer<typeof Delivery>

/** What is stored beside a diagnosis: its deliveries, `pending` until every one has ended. */
export const DeliveryRecord = z.object({
  diagnosisId: z.string(),
  pending: z.boolean(),
  deliveries: z.array(Delivery),
})
export type DeliveryRecord = z.infer<typeof DeliveryRecord>
