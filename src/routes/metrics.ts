import { Hono } from 'hono'
import { sameSecret } from '../auth.ts'
import type { AppEnv } from '../context.ts'
import { AppError } from '../errors.ts'

// GET /metrics: Prometheus text, for the Node server with METRICS_TOKEN set, behind that token
// (not an API key: a scraper is not a tenant). Without the token, or on Workers (no counts kept;
// the JSON log lines are the metrics there), it is not there.
export const metrics = new Hono<AppEnv>().get('/metrics', async (c) => {
  const { config, metrics } = c.var.ctx
  if (!metrics || !config.METRICS_TOKEN) throw new AppError(404, 'not_found', 'no route for GET /metrics: set METRICS_TOKEN (Node only)')
  const presented = /^Bearer\s+(\S+)\s*$/i.exec(c.req.header('authorization') ?? '')?.[1]
  if (!presented || !(await sameSecret(presented, config.METRICS_TOKEN))) {
    throw new AppError(401, 'unauthorized', 'send METRICS_TOKEN as Authorization: Bearer <token>')
  }
  return c.text(metrics.render(), 200, { 'content-type': 'text/plain; version=0.0.4; charset=utf-8' })
})
