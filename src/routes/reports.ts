import { Hono } from 'hono'
import type { AppEnv } from '../context.ts'
import { AppError } from '../errors.ts'
import { HTML_CSP } from '../render/index.ts'
import { verifyReportLink } from '../report-links.ts'
import { getDiagnosis } from '../services/diagnoses.ts'
import { withDeletedBundles } from '../services/removal.ts'
import { render } from '../services/reports.ts'

// GET /r/<token>: the HTML report behind a signed, expiring link. No API key: the link is the key.
export const reports = new Hono<AppEnv>().get('/r/:token', async (c) => {
  const { ctx } = c.var
  if (!ctx.linkSecret) throw new AppError(404, 'report_link_invalid', 'report links are not enabled on this server')
  const token = c.req.param('token')
  const { tenant, diagnosisId } = await verifyReportLink(ctx.linkSecret, token)
  const scope = { storage: ctx.storage, tenant }
  const diagnosis = await withDeletedBundles(scope, await getDiagnosis(scope, diagnosisId)) // 404 once deleted
  return c.body(render(diagnosis, 'html', new URL(c.req.url).href), 200, {
    'content-type': 'text/html; charset=utf-8',
    'content-security-policy': HTML_CSP,
    'cache-control': 'private, no-store', // a deleted diagnosis must not live on in a cache
    'referrer-policy': 'no-referrer',
  })
})
