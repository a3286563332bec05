import type { Diagnosis } from '../../schemas/diagnosis.ts'
import type { AppContext } from '../context.ts'
import { renderHtml, renderMarkdown, renderText } from '../render/index.ts'
import { signReportLink } from '../report-links.ts'

// A diagnosis as people read it, and the link chat messages and tickets carry to it.

export type ReportFormat = 'json' | 'html' | 'md' | 'text'

/**
 * PUBLIC_BASE_URL/r/<signed token> when links can be signed, else the API's own HTML URL. Never
 * from the request's Host header, which the client writes: the entries refuse to sign links
 * without a base URL (ctx.publicBaseUrl), and an unsigned link without one stays relative.
 */
export async function reportUrl(ctx: AppContext, tenant: string, id: string): Promise<string> {
  const base = ctx.publicBaseUrl ?? ''
  if (!ctx.linkSecret) return `${base}/v1/diagnoses/${id}?format=html`
  return `${base}/r/${await signReportLink(ctx.linkSecret, tenant, id, ctx.config.REPORT_LINK_TTL_DAYS)}`
}

/** ?format= wins; else a browser (text/html before JSON in Accept) gets HTML; else JSON. */
export function negotiate(format: string | undefined, accept: string | undefined): ReportFormat | null {
  if (format !== undefined) return (['json', 'html', 'md', 'text'] as const).find((f) => f === format) ?? null
  const types = (accept ?? '').split(',').map((t) => t.split(';')[0]!.trim().toLowerCase())
  const html = types.indexOf('text/html')
  const json = types.indexOf('application/json')
  return html >= 0 && (json < 0 || html < json) ? 'html' : 'json'
}

export function render(d: Diagnosis, format: Exclude<ReportFormat, 'json'>, link: string): string {
  if (format === 'html') return renderHtml(d, { reportUrl: link })
  if (format === 'md') return renderMarkdown(d, { reportUrl: link })
  return renderText(d, { reportUrl: link })
}

export const CONTENT_TYPES: Record<Exclude<ReportFormat, 'json'>, string> = {
  html: 'text/html; charset=utf-8',
  md: 'text/markdown; charset=utf-8',
  text: 'text/plain; charset=utf-8',
}
