import type { openApiDocument } from './openapi.ts'

// /docs: the API reference as one self-contained page made from the OpenAPI document (no CDN,
// no script): every operation with its parameters, bodies, answers and a curl line, and the
// schemas as collapsible JSON.

type Doc = ReturnType<typeof openApiDocument>
type Operation = {
  summary: string
  parameters?: { name: string; in: string; description?: string }[]
  requestBody?: { content: Record<string, unknown> }
  responses: Record<string, { description: string }>
  security?: unknown[]
}

const escape = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`)
/** Prose from the document: escaped, and its `code` spans shown as code, not as backticks. */
const prose = (s: string) => escape(s).replace(/`([^`]+)`/g, '<code>$1</code>')

/**
 * A curl line that works as pasted: the key in double quotes (the shell expands $KEY), path
 * parameters as shell variables, and each body as its route takes it: gzip only where a raw
 * archive goes, JSON where JSON goes, files as multipart.
 */
function curlFor(path: string, method: string, op: Operation): string[] {
  const auth = op.security && op.security.length === 0 ? '' : ' -H "authorization: Bearer $KEY"'
  const url = `"$URL${path.replace(/\{(\w+)\}/g, (_, name: string) => `$${name.toUpperCase()}`)}"`
  if (method !== 'post') return [`curl${auth} ${url}`]
  const types = Object.keys(op.requestBody?.content ?? {})
  const lines: string[] = []
  if (types.includes('application/gzip')) lines.push(`curl${auth} -H 'content-type: application/gzip' --data-binary @bundle.tar.gz ${url}`)
  if (types.includes('application/json')) lines.push(`curl${auth} -H 'content-type: application/json' -d @request.json ${url}`)
  if (types.includes('multipart/form-data')) {
    // The form's file fields, from its schema: -F suspect=@suspect.tar.gz -F baseline=@baseline.tar.gz
    const form = (
      op.requestBody?.content['multipart/form-data'] as { schema?: { properties?: Record<string, { format?: string }> } } | undefined
    )?.schema
    const files = Object.entries(form?.properties ?? {})
      .filter(([, p]) => p.format === 'binary')
      .map(([name]) => ` -F ${name}=@${name}.tar.gz`)
    lines.push(`curl${auth}${files.join('')} ${url}`)
  }
  if (!types.length) lines.push(`curl${auth} -X POST ${url}`)
  return lines
}

/** A schema as a reader wants it: its fields, their types, which are required. */
function schemaTable(schema: {
  properties?: Record<string, Record<string, unknown>>
  required?: string[]
  type?: unknown
  enum?: unknown[]
}): string {
  const typeOf = (p: Record<string, unknown>): string => {
    if (typeof p.$ref === 'string') return p.$ref.split('/').pop()!
    if (Array.isArray(p.enum)) return p.enum.map(String).join(' | ')
    if (p.type === 'array' && p.items && typeof p.items === 'object') return `${typeOf(p.items as Record<string, unknown>)}[]`
    if (Array.isArray(p.anyOf)) return p.anyOf.map((x) => typeOf(x as Record<string, unknown>)).join(' | ')
    return Array.isArray(p.type) ? p.type.join(' | ') : String(p.type ?? 'object')
  }
  const rows = Object.entries(schema.properties ?? {}).map(
    ([name, p]) =>
      `<tr><td><code>${escape(name)}</code></td><td>${escape(typeOf(p))}</td><td>${schema.required?.includes(name) ? 'required' : ''}</td></tr>`,
  )
  return rows.length ? `<table>${rows.join('')}</table>` : `<p>${escape(typeOf(schema as Record<string, unknown>))}</p>`
}

const CSS = `:root{color-scheme:light dark;--bg:#f6f7f9;--card:#fff;--fg:#18202a;--muted:#4b5563;--line:#d9dee5;--code:#eef1f4}
@media(prefers-color-scheme:dark){:root{--bg:#11151a;--card:#1a2028;--fg:#e6e9ee;--muted:#a4adba;--line:#2c3440;--code:#222a34}}
*{box-sizing:border-box}body{margin:0;font:15px/1.5 system-ui,sans-serif;background:var(--bg);color:var(--fg)}
main{max-width:960px;margin:0 auto;padding:16px}h1{margin:8px 0}section{background:var(--card);border:1px solid var(--line);border-radius:8px;padding:12px 16px;margin:12px 0}
.m{display:inline-block;min-width:56px;text-align:center;border-radius:4px;padding:0 6px;font:600 13px/22px ui-monospace,monospace;color:#fff}
.get{background:#1d6fb8}.post{background:#16794a}code,pre{font:13px/1.45 ui-monospace,monospace;background:var(--code);border-radius:4px}
code{padding:1px 4px}pre{padding:8px;overflow:auto;white-space:pre}p,li{color:var(--muted)}table{border-collapse:collapse}td{padding:2px 10px 2px 0;vertical-align:top}`

function operation(path: string, method: string, op: Operation): string {
  const params = (op.parameters ?? [])
    .map((p) => `<li><code>${escape(p.name)}</code> (${p.in}) ${prose(p.description ?? '')}</li>`)
    .join('')
  const bodies = Object.keys(op.requestBody?.content ?? {})
    .map((t) => `<code>${escape(t)}</code>`)
    .join(' ')
  const answers = Object.entries(op.responses)
    .map(([code, r]) => `<tr><td><code>${code}</code></td><td>${prose(r.description)}</td></tr>`)
    .join('')
  const curl = curlFor(path, method, op).join('\n')
  return `<section id="${escape(method + path)}"><h3><span class="m ${method}">${method.toUpperCase()}</span> <code>${escape(path)}</code></h3>
<p>${prose(op.summary)}</p>${params ? `<ul>${params}</ul>` : ''}${bodies ? `<p>Body: ${bodies}</p>` : ''}
<table>${answers}</table><pre>${escape(curl)}</pre></section>`
}

export function renderDocs(doc: Doc): string {
  const ops = Object.entries(doc.paths).flatMap(([path, methods]) =>
    Object.entries(methods as Record<string, Operation>).map(([method, op]) => operation(path, method, op)),
  )
  const schemas = Object.entries(doc.components.schemas)
    .map(
      ([name, schema]) =>
        `<details><summary><code>${escape(name)}</code></summary>${schemaTable(schema as Parameters<typeof schemaTable>[0])}</details>`,
    )
    .join('')
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>memgap API ${escape(doc.info.version)}</title><style>${CSS}</style></head><body><main>
<h1>memgap API <small>${escape(doc.info.version)}</small></h1><p>${escape(doc.info.description)}</p>
<p>Errors are <code>application/problem+json</code> with a stable <code>code</code>. Send the API key as <code>Authorization: Bearer</code>. Machine-readable: <a href="/openapi.json">/openapi.json</a>.</p>
${ops.join('\n')}<section><h2>Schemas</h2>${schemas}</section></main></body></html>`
}
