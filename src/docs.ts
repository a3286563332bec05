import type { openApiDocument } from './openapi.ts'

// /docs: the API reference as one self-contained page made from the OpenAPI document (no CDN,
// no script): every operation with its parameters, bodies, answers and a curl line, and the
// schemas as collapsible JSON.

type Doc = ReturnType<typeof openApiDocument>
type Operation = { summary: string; parameters?: { name: string; in: string; description?: string }[]; requestBody?: { content: Record<string, unknown> }; responses: Record<string, { description: string }>; security?: unknown[] }

const escape = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`)

const CSS = `:root{color-scheme:light dark;--bg:#f6f7f9;--card:#fff;--fg:#18202a;--muted:#4b5563;--line:#d9dee5;--code:#eef1f4}
@media(prefers-color-scheme:dark){:root{--bg:#11151a;--card:#1a2028;--fg:#e6e9ee;--muted:#a4adba;--line:#2c3440;--code:#222a34}}
*{box-sizing:border-box}body{margin:0;font:15px/1.5 system-ui,sans-serif;background:var(--bg);color:var(--fg)}
main{max-width:960px;margin:0 auto;padding:16px}h1{margin:8px 0}section{background:var(--card);border:1px solid var(--line);border-radius:8px;padding:12px 16px;margin:12px 0}
.m{display:inline-block;min-width:56px;text-align:center;border-radius:4px;padding:0 6px;font:600 13px/22px ui-monospace,monospace;color:#fff}
.get{background:#1d6fb8}.post{background:#16794a}code,pre{font:13px/1.45 ui-monospace,monospace;background:var(--code);border-radius:4px}
code{padding:1px 4px}pre{padding:8px;overflow:auto;white-space:pre}p,li{color:var(--muted)}table{border-collapse:collapse}td{padding:2px 10px 2px 0;vertical-align:top}`

function operation(path: string, method: string, op: Operation): string {
  const params = (op.parameters ?? []).map((p) => `<li><code>${escape(p.name)}</code> (${p.in}) ${escape(p.description ?? '')}</li>`).join('')
  const bodies = Object.keys(op.requestBody?.content ?? {}).map((t) => `<code>${escape(t)}</code>`).join(' ')
  const answers = Object.entries(op.responses).map(([code, r]) => `<tr><td><code>${code}</code></td><td>${escape(r.description)}</td></tr>`).join('')
  const auth = op.security && op.security.length === 0 ? '' : " -H 'authorization: Bearer $KEY'"
  const curl = method === 'post' ? `curl${auth} -F suspect=@bundle.tar.gz $URL${path}` : `curl${auth} $URL${path}`
  return `<section id="${escape(method + path)}"><h3><span class="m ${method}">${method.toUpperCase()}</span> <code>${escape(path)}</code></h3>
<p>${escape(op.summary)}</p>${params ? `<ul>${params}</ul>` : ''}${bodies ? `<p>Body: ${bodies}</p>` : ''}
<table>${answers}</table><pre>${escape(path.startsWith('/v1/diagnoses') && method === 'post' ? curl : curl.replace(' -F suspect=@bundle.tar.gz', " --data-binary @bundle.tar.gz -H 'content-type: application/gzip'"))}</pre></section>`
}

export function renderDocs(doc: Doc): string {
  const ops = Object.entries(doc.paths).flatMap(([path, methods]) =>
    Object.entries(methods as Record<string, Operation>).map(([method, op]) => operation(path, method, op)),
  )
  const schemas = Object.entries(doc.components.schemas)
    .map(([name, schema]) => `<details><summary><code>${escape(name)}</code></summary><pre>${escape(JSON.stringify(schema, null, 2))}</pre></details>`)
    .join('')
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>memgap API ${escape(doc.info.version)}</title><style>${CSS}</style></head><body><main>
<h1>memgap API <small>${escape(doc.info.version)}</small></h1><p>${escape(doc.info.description)}</p>
<p>Errors are <code>application/problem+json</code> with a stable <code>code</code>. Send the API key as <code>Authorization: Bearer</code>. Machine-readable: <a href="/openapi.json">/openapi.json</a>.</p>
${ops.join('\n')}<section><h2>Schemas</h2>${schemas}</section></main></body></html>`
}
