import type { NotifyType } from '../../../schemas/notify.ts'
import type { Builder, ResponseCheck } from '../types.ts'
import * as dingtalk from './dingtalk.ts'
import * as feishu from './feishu.ts'
import * as slack from './slack.ts'
import * as teams from './teams.ts'
import * as webhook from './webhook.ts'
import * as wecom from './wecom.ts'

/** One payload builder per target type, and the check of vendors that report errors in a 200. */
export const TARGETS: Record<NotifyType, { build: Builder; check?: ResponseCheck }> = {
  slack,
  teams,
  feishu,
  dingtalk,
  wecom,
  webhook,
}
