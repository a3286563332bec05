import { z } from 'zod'
import { BundleSummary } from '../schemas/bundle.ts'
import { BundleList, DiagnosisList } from '../schemas/catalog.ts'
import { Diagnosis, DiagnosisRequest } from '../schemas/diagnosis.ts'
import { DeliveryRecord, Notify } from '../schemas/notify.ts'
import { Problem } from '../schemas/problem.ts'
import { CompleteRequest, UploadRequest, UploadTicket } from '../schemas/uploads.ts'
import { ENGINE_VERSION } from './version.ts'

// OpenAPI 3.1 for /openapi.json, made from the same zod schemas the routes validate with and the
// engine's types come from, so the document cannot drift from the code.

const components = {
  Problem,
  BundleSummary,
  Diagnosis,
  DiagnosisRequest: DiagnosisRequest.extend({ notify: Notify.optional() }),
  DeliveryRecord,
  UploadRequest,
  UploadTicket,
  CompleteRequest,
  BundleList,
  DiagnosisList,
}

function schemaOf(schema: z.ZodType): Record<string, unknown> {
  const { $schema: _ignored, ...json } = z.toJSONSchema(schema, { unrepresentable: 'any' }) as Record<string, unknown>
  return json
}

const ref = (name: keyof typeof components) => ({ $ref: `#/components/schemas/${name}` })
const json = (name: keyof typeof components, description: string) => ({
  description,
  content: { 'application/json': { schema: ref(name) } },
})
const problem = (description: string) => ({ description, content: { 'application/problem+json': { schema: ref('Problem') } } })
const id = (name: string, description: string) => ({ name, in: 'path', required: true, description, schema: { type: 'string' } })
const archive = { type: 'string', format: 'binary' }
const query = (name: string, description: string, schema: Record<string, unknown> = { type: 'string' }) => ({
  name,
  in: 'query',
  required: false,
  description,
  schema,
})
const page = [
  query('limit', 'Items per page (1-100, default 50)', { type: 'integer', minimum: 1, maximum: 100 }),
  query('cursor', 'The `next` of the page before: opaque, for the same tenant and filters (else 400 `cursor_invalid`)'),
]
const deleted = (what: string, code: string) => ({
  204: { description: `Deleted: ${what}` },
  ...errors,
  404: problem(`\`${code}\` (also for another tenant's, and the second time)`),
})

const errors = {
  400: problem('Invalid input: `code` says what, `issues` where'),
  401: problem('Missing or unknown API key (`unauthorized`)'),
  429: problem('Over the rate limit (`rate_limited`); see Retry-After'),
  503: problem('Storage unavailable (`storage_unavailable`); retry after Retry-After'),
}

export function openApiDocument(serverUrl?: string) {
  return {
    openapi: '3.1.0',
    info: {
      title: 'memgap',
      version: ENGINE_VERSION,
      description: 'Diagnostic bundles in, memory-gap diagnoses out: how big the gap is, where it sits, what fills it, and the fix.',
    },
    servers: serverUrl ? [{ url: serverUrl }] : [],
    security: [{ bearer: [] }],
    paths: {
      '/healthz': {
        get: { summary: 'Storage answers', security: [], responses: { 200: { description: '`{"ok": true}`' }, 503: errors[503] } },
      },
      '/v1/bundles': {
        get: {
          summary: "The tenant's bundles, newest first (by collectedAt, else upload time), a page at a time",
          parameters: [
            query('host', "Only this host's bundles (case-insensitive)"),
            query('since', 'From this time on (ISO 8601 date or date-time, inclusive)'),
            query('until', 'Before this time (exclusive)'),
            ...page,
          ],
          responses: { 200: json('BundleList', '`items`, and `next` (null on the last page)'), ...errors },
        },
        post: {
          summary: 'Store and parse a bundle (.tar.gz, .tgz, .tar, .zip); its id is the SHA-256 of the bytes',
          requestBody: {
            required: true,
            content: {
              'application/gzip': { schema: archive },
              'application/x-tar': { schema: archive },
              'application/zip': { schema: archive },
              'application/octet-stream': { schema: archive },
              'multipart/form-data': {
                schema: {
                  type: 'object',
                  required: ['bundle'],
                  properties: {
                    bundle: archive,
                    metadata: {
                      type: 'string',
                      description: 'JSON: {host, role, notes, collectedAt}; sent again with the same bytes, merged (newer wins per field)',
                    },
                  },
                },
              },
            },
          },
          responses: {
            201: json('BundleSummary', 'Stored and parsed'),
            200: json('BundleSummary', 'The same bytes were stored before'),
            ...errors,
            413: problem(
              'Over a size limit (`upload_too_large`, refused before a byte is read when Content-Length says so; `unpacked_too_large`, `file_too_large`)',
            ),
            415: problem('Not an archive (`unsupported_media_type`, `archive_unsupported`); the bytes are kept'),
            422: problem('Corrupt or hostile archive (`archive_corrupt`, `too_many_files`, `compression_ratio`); the bytes are kept'),
          },
        },
      },
      '/v1/bundles/{id}': {
        get: {
          summary: 'A bundle summary',
          parameters: [id('id', 'SHA-256 of the bundle')],
          responses: { 200: json('BundleSummary', 'The summary'), 404: problem('`bundle_not_found`') },
        },
        delete: {
          summary: 'Delete a bundle: its raw bytes, its parse and every index entry; its diagnoses stay and say it was deleted',
          parameters: [id('id', 'SHA-256 of the bundle')],
          responses: deleted('nothing of it is left in storage', 'bundle_not_found'),
        },
      },
      '/v1/bundles/{id}/raw': {
        get: {
          summary: 'The exact uploaded bytes',
          parameters: [id('id', 'SHA-256 of the bundle')],
          responses: {
            200: { description: 'The bytes', content: { 'application/octet-stream': { schema: archive } } },
            404: problem('`bundle_not_found`'),
          },
        },
      },
      '/v1/uploads': {
        post: {
          summary: 'Presigned upload for a big bundle: one PUT URL, or part URLs past 100 MiB (or with multipart: true)',
          requestBody: { required: true, content: { 'application/json': { schema: ref('UploadRequest') } } },
          responses: {
            201: json('UploadTicket', 'Where to PUT the bytes, and where to say it is done'),
            ...errors,
            413: problem('`upload_too_large`'),
            503: problem('`not_configured`: the embedded S3 of a server listening beyond loopback'),
          },
        },
      },
      '/v1/uploads/{id}/complete': {
        post: {
          summary: 'Read the uploaded bundle (streamed from storage) and store it by its SHA-256',
          parameters: [id('id', 'Upload id')],
          requestBody: { required: false, content: { 'application/json': { schema: ref('CompleteRequest') } } },
          responses: {
            201: json('BundleSummary', 'Stored and parsed'),
            200: json('BundleSummary', 'The same bytes were stored before'),
            ...errors,
            404: problem('`upload_not_found`'),
          },
        },
      },
      '/v1/diagnoses': {
        get: {
          summary: "The tenant's diagnoses, newest first, a page at a time",
          parameters: [
            query('bundle', 'Only those of this bundle (baseline or suspect)'),
            query('host', 'Only those of this host (either side); not with bundle'),
            ...page,
          ],
          responses: { 200: json('DiagnosisList', '`items`, and `next` (null on the last page)'), ...errors },
        },
        post: {
          summary: 'Diagnose stored bundles (JSON ids) or uploaded files (multipart baseline, suspect); baseline optional',
          requestBody: {
            required: true,
            content: {
              'application/json': { schema: ref('DiagnosisRequest') },
              'multipart/form-data': {
                schema: {
                  type: 'object',
                  required: ['suspect'],
                  properties: {
                    baseline: archive,
                    suspect: archive,
                    notify: { type: 'string', description: 'JSON array of chat targets' },
                  },
                },
              },
            },
          },
          responses: {
            201: json('Diagnosis', 'Stored, then answered'),
            ...errors,
            404: problem('`bundle_not_found`'),
            // Multipart files are ingested first; a bundle given by id that could not be read is refused the same way.
            413: problem(
              'A file over a size limit (`upload_too_large`, `unpacked_too_large`, `file_too_large`); the detail names the field',
            ),
            415: problem('Not JSON or multipart (`unsupported_media_type`), or a file that is no archive (`archive_unsupported`)'),
            422: problem(
              'An unreadable bundle (`archive_corrupt`, `too_many_files`, `compression_ratio`): the detail names the side or field; the bytes are kept',
            ),
          },
        },
      },
      '/v1/diagnoses/{id}': {
        get: {
          summary: 'A diagnosis: JSON, or a report (`format` html, md, text; browsers get HTML)',
          parameters: [
            id('id', 'Diagnosis id'),
            { name: 'format', in: 'query', required: false, schema: { type: 'string', enum: ['json', 'html', 'md', 'text'] } },
          ],
          responses: {
            200: {
              description: 'The diagnosis',
              content: {
                'application/json': { schema: ref('Diagnosis') },
                'text/html': { schema: { type: 'string' } },
                'text/markdown': { schema: { type: 'string' } },
                'text/plain': { schema: { type: 'string' } },
              },
            },
            404: problem('`diagnosis_not_found`'),
          },
        },
        delete: {
          summary: 'Delete a diagnosis and its deliveries; its report links answer 404 from then on',
          parameters: [id('id', 'Diagnosis id')],
          responses: deleted('the diagnosis, its deliveries and index entries', 'diagnosis_not_found'),
        },
      },
      '/v1/diagnoses/{id}/deliveries': {
        get: {
          summary: 'Outcome of its chat callbacks',
          parameters: [id('id', 'Diagnosis id')],
          responses: { 200: json('DeliveryRecord', 'Deliveries; `pending` until all ended'), 404: problem('`diagnosis_not_found`') },
        },
      },
      '/v1/integrations/zendesk': {
        post: {
          summary: 'Zendesk webhook `{ticket_id}`, signed (X-Zendesk-Webhook-Signature); the diagnosis comes back as a private comment',
          security: [],
          responses: {
            202: { description: 'Accepted; work goes on in the background' },
            401: problem('`signature_invalid`'),
            500: problem('`not_configured`'),
          },
        },
      },
      '/v1/integrations/jira': {
        post: {
          summary: 'Jira webhook (issue or attachment created), signed (X-Hub-Signature); the diagnosis comes back as an internal comment',
          security: [],
          responses: { 202: { description: 'Accepted' }, 401: problem('`signature_invalid`'), 500: problem('`not_configured`') },
        },
      },
      '/v1/integrations/webhook': {
        post: {
          summary: 'Generic ticket webhook `{ticketId, attachments, replyUrl, secret}`; answered with a signed POST to replyUrl',
          security: [],
          responses: { 202: { description: 'Accepted' }, 400: problem('`attachment_refused`, `callback_refused`') },
        },
      },
      '/r/{token}': {
        get: {
          summary: 'The HTML report behind a signed, expiring link (no API key)',
          security: [],
          parameters: [id('token', 'Signed link token')],
          responses: { 200: { description: 'HTML report' }, 404: problem('`report_link_invalid`') },
        },
      },
    },
    components: {
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer', description: 'An API key from MEMGAP_API_KEYS' } },
      schemas: Object.fromEntries(Object.entries(components).map(([name, schema]) => [name, schemaOf(schema)])),
    },
  }
}
