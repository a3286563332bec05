import { z } from 'zod'

// Listings: GET /v1/bundles and GET /v1/diagnoses, newest first, a page at a time. `cursor` is
// the opaque `next` of the page before, good only for the same tenant and filters.

const When = z.union([z.iso.date(), z.iso.datetime({ offset: true })])
const Limit = z.coerce.number().int().min(1).max(100).default(50)
const Cursor = z.string().min(1).max(1024)
const Host = z.string().min(1).max(256)

export const BundleListQuery = z.object({
  host: Host.optional(),
  since: When.optional(), // inclusive
  until: When.optional(), // exclusive
  limit: Limit,
  cursor: Cursor.optional(),
})
export type BundleListQuery = z.infer<typeof BundleListQuery>

export const BundleListItem = z.object({
  id: z.string(),
  time: z.string(), // collectedAt of its metadata or manifest, else when it was uploaded
  host: z.string().nullable(),
  role: z.string().nullable(),
})
export type BundleListItem = z.infer<typeof BundleListItem>

export const BundleList = z.object({ items: z.array(BundleListItem), next: z.string().nullable() })
export type BundleList = z.infer<typeof BundleList>

export const DiagnosisListQuery = z
  .object({
    bundle: z
      .string()
      .regex(/^[0-9a-f]{64}$/, 'a bundle id: 64 lowercase hex digits')
      .optional(),
    host: Host.optional(),
    limit: Limit,
    cursor: Cursor.optional(),
  })
  .refine((q) => !(q.bundle && q.host), { message: 'filter by bundle or by host, not both', path: ['host'] })
export type DiagnosisListQuery = z.infer<typeof DiagnosisListQuery>

export const DiagnosisListItem = z.object({
  id: z.string(),
  createdAt: z.string(),
  suspectHost: z.string().nullable(),
  baselineHost: z.string().nullable(),
})
export type DiagnosisListItem = z.infer<typeof DiagnosisListItem>

export const DiagnosisList = z.object({ items: z.array(DiagnosisListItem), next: z.string().nullable() })
export type DiagnosisList = z.infer<typeof DiagnosisList>
