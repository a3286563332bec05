import { Hono } from 'hono'
import type { AppEnv } from '../context.ts'

export const health = new Hono<AppEnv>().get('/healthz', async (c) => {
  // A storage failure throws a 503 problem from the storage module.
  await c.var.ctx.storage.ping()
  return c.json({ ok: true })
})
