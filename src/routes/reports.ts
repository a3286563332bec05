import { Hono } from 'hono'
import type { Diagnosis } from '../../schemas/diagnosis.ts'
import type { AppEnv } from '../context.ts'
import { AppError } from '../errors.ts'
import { html } from '../render/escape.ts'
import { HTML_CSP } from '../render/index.ts'
import { verifyReportLink } from '../report-links.ts'
import { getDiagnosis } from '../services/diagnoses.ts'
import { withDeletedBundles } from '../services/removal.ts'
import { render } from '../services/reports.ts'

/** A browser that follows a bad link gets a page saying so; programs keep problem+json. */
function errorPage(error: AppError): string {
  return html`<!doctype html><html lang="en"><meta charset="utf-8"><title>memgap: ${error.toProblem().title}</title><body style="font-family:system-ui,sans-serif;max-width:40rem;margin:3rem auto;padding:0 1rem"><h1>This report link does not work</h1><p>${error.detail}.</p><p>Ask whoever sent it for a new link (links expire), or open the diagnosis through the API.</p><p style="color:#666">${error.status} · ${error.code}</p></body></html>`
    .value
}

// GET /r/<token>: the HTML report behind a signed, expiring link. No API key: the link is the key.
export const reports = new Hono<AppEnv>().get('/r/:token', async (c) => {
  const { ctx } = c.var
  const token = c.req.param('token')
  let diagnosis: Diagnosis
  try {
    if (!ctx.linkSecret) throw new AppError(404, 'report_link_invalid', 'report links are not enabled on this server')
    const { tenant, diagnosisId } = await verifyReportLink(ctx.linkSecret, token)
    const scope = { storage: ctx.storage, tenant }
    diagnosis = await withDeletedBundles(scope, await getDiagnosis(scope, diagnosisId)) // 404 once deleted
  } catch (error) {
    if (!(error instanceof AppError) || error.status >= 500 || !c.req.header('accept')?.includes('text/html')) throw error
    return c.body(errorPage(error), error.status as 404, {
      'content-type': 'text/html; charset=utf-8',
      'content-security-policy': HTML_CSP,
      'referrer-policy': 'no-referrer',
    })
  }
  return c.body(render(diagnosis, 'html', `${ctx.publicBaseUrl ?? ''}/r/${token}`), 200, {
    'content-type': 'text/html; charset=utf-8',
    'content-security-policy': HTML_CSP,
    'cache-control': 'private, no-store', // a deleted diagnosis must not live on in a cache
    'referrer-policy': 'no-referrer',
  })
})
