import type { Diagnosis } from '../../schemas/diagnosis.ts'

/** A message ready to POST: what a payload builder returns and send() sends. */
export interface OutgoingRequest {
  url: string
  headers: Record<string, string>
  body: string
}

export interface BuildContext {
  url: string // the target's callback URL, already checked
  reportUrl: string // the HTML report of this diagnosis
  now: Date // signatures carry it; passed in so builders stay pure
  secret?: string
}

export type Builder = (d: Diagnosis, ctx: BuildContext) => Promise<OutgoingRequest>

/**
 * Reads a 2xx answer for a vendor-level error (Feishu `code`, DingTalk/WeCom `errcode`): null when
 * delivered; a string for a permanent failure; `{ error, retry: true }` for a rate limit.
 */
export type CheckResult = string | { error: string; retry: boolean } | null
export type ResponseCheck = (res: Response, text: string) => CheckResult
