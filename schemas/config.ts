import { z } from 'zod'
import { LogLevel } from './log.ts'

// Configuration from the environment (Node) or bindings (Workers): strings in, typed values out.

const bool = z.enum(['true', 'false', '1', '0', 'yes', 'no']).transform((v) => v === 'true' || v === '1' || v === 'yes')
const bytes = z.coerce.number().int().positive()

/** `30` for every tenant, `acme:90` for one, or both: `30,acme:90,lab:7` (tenants without a number keep data). */
const Retention = z.string().transform((text, ctx) => {
  const policy: { days: number | null; tenants: Record<string, number> } = { days: null, tenants: {} }
  for (const part of text
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean)) {
    const match = /^(?:([a-z0-9][a-z0-9_-]{0,62}):)?([1-9]\d{0,5})$/.exec(part)
    if (!match) {
      ctx.addIssue({ code: 'custom', message: `"${part}" is not <days> or <tenant>:<days>` })
      return z.NEVER
    }
    if (match[1]) policy.tenants[match[1]] = Number(match[2])
    else policy.days = Number(match[2])
  }
  return policy
})
export type Retention = z.output<typeof Retention>

export const TENANT = /^[a-z0-9][a-z0-9_-]{0,62}$/
const MIN_KEY_CHARS = 16

/**
 * MEMGAP_API_KEYS as `tenant:key` pairs (comma or newline separated), and what is wrong with it.
 * A key with whitespace in it can never be presented (Bearer tokens have none), a short one is
 * guessable, and one key for two tenants would hand the second the first's data: all are refused
 * at startup. Problems name the entry and tenant, never the key.
 */
export function apiKeyPairs(text: string | undefined): { pairs: { tenant: string; key: string }[]; problems: string[] } {
  const pairs: { tenant: string; key: string }[] = []
  const problems: string[] = []
  const owner = new Map<string, string>()
  const entries = (text ?? '')
    .split(/[\n,]/)
    .map((p) => p.trim())
    .filter(Boolean)
  for (const [i, entry] of entries.entries()) {
    const at = entry.indexOf(':')
    const tenant = entry.slice(0, at)
    const key = entry.slice(at + 1)
    const where = `entry ${i + 1}${at > 0 ? ` (tenant ${JSON.stringify(tenant)})` : ''}`
    if (at < 1 || !TENANT.test(tenant)) problems.push(`${where} is not tenant:key with a tenant of a-z0-9_-`)
    else if (/\s/.test(key)) problems.push(`${where}: the key holds whitespace, so no request could ever present it`)
    else if (key.length < MIN_KEY_CHARS) problems.push(`${where}: the key is shorter than ${MIN_KEY_CHARS} characters`)
    else if (owner.has(key) && owner.get(key) !== tenant)
      problems.push(`${where}: the key is also tenant ${JSON.stringify(owner.get(key))}'s; each tenant needs its own`)
    else {
      owner.set(key, tenant)
      pairs.push({ tenant, key })
    }
  }
  return { pairs, problems }
}

export const Config = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(8787),
  HOST: z.string().default('127.0.0.1'),
  DATA_DIR: z.string().default('./.data'),
  S3_ENDPOINT: z.url().optional(),
  S3_REGION: z.string().default('us-east-1'),
  S3_BUCKET: z
    .string()
    .regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, 'an S3 bucket name')
    .default('memgap'),
  S3_FORCE_PATH_STYLE: bool.default(true),
  S3_ACCESS_KEY_ID: z.string().optional(),
  S3_SECRET_ACCESS_KEY: z.string().optional(),
  MAX_UPLOAD_BYTES: bytes.default(100 * 1024 * 1024),
  MAX_UNPACKED_BYTES: bytes.default(1024 * 1024 * 1024),
  MAX_FILE_BYTES: bytes.default(512 * 1024 * 1024),
  MAX_FILES: bytes.default(10_000),
  MAX_COMPRESSION_RATIO: z.coerce.number().positive().default(250),
  // Auth: `tenant:key` pairs separated by commas or newlines. With none, only MEMGAP_ANONYMOUS=true serves.
  MEMGAP_API_KEYS: z
    .string()
    .optional()
    .superRefine((text, ctx) => {
      for (const message of apiKeyPairs(text).problems) ctx.addIssue({ code: 'custom', message })
    }),
  MEMGAP_ANONYMOUS: bool.default(false),
  RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(0).default(600), // per key; 0 turns it off
  // Delivery: where reports are linked from chat, and how callbacks may be reached.
  PUBLIC_BASE_URL: z.url().optional(),
  MEMGAP_ALLOW_PRIVATE_CALLBACKS: bool.default(false),
  REPORT_LINK_SECRET: z.string().min(16).optional(),
  REPORT_LINK_TTL_DAYS: z.coerce.number().positive().default(30),
  // Ticket systems: webhooks are verified by their own signatures, not API keys; their bundles
  // and diagnoses go to this tenant.
  INTEGRATIONS_TENANT: z.string().regex(TENANT).default('tickets'),
  ZENDESK_BASE_URL: z.url().optional(), // https://<subdomain>.zendesk.com
  ZENDESK_EMAIL: z.string().optional(),
  ZENDESK_API_TOKEN: z.string().optional(),
  ZENDESK_WEBHOOK_SECRET: z.string().optional(),
  JIRA_BASE_URL: z.url().optional(), // https://<site>.atlassian.net
  JIRA_EMAIL: z.string().optional(),
  JIRA_API_TOKEN: z.string().optional(),
  JIRA_WEBHOOK_SECRET: z.string().optional(),
  WEBHOOK_ATTACHMENT_BASE_URL: z.url().optional(), // where the generic webhook's attachments may come from
  // Data: secrets masked in parses (`off` keeps them as sent); how long bundles and diagnoses live.
  REDACT: z.enum(['on', 'off']).default('on'),
  RETENTION_DAYS: Retention.optional(),
  // Operating: the lowest level of log line written, and the token /metrics asks for (Node; unset: no /metrics).
  LOG_LEVEL: LogLevel.default('info'),
  METRICS_TOKEN: z.string().min(16).optional(),
})
export type Config = z.infer<typeof Config>
