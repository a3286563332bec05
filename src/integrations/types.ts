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

/**
 * The check of robots that answer HTTP 200 with `{errcode, errmsg}` (DingTalk, WeCom): errcode 0
 * is success; the codes in `retryable` are rate limits worth another attempt.
 */
export function errcodeCheck(vendor: string, retryable: readonly number[]): ResponseCheck {
  return function checkErrcode(_res, text) {
    let json: { errcode?: unknown; errmsg?: unknown }
    try {
      json = JSON.parse(text)
    } catch {
      return null
    }
    if (json.errcode === undefined || json.errcode === 0) return null
    const error = `${vendor} errcode ${String(json.errcode)}: ${String(json.errmsg ?? '')}`.trim()
    return retryable.includes(json.errcode as number) ? { error, retry: true } : error
  }
}
