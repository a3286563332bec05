import { Hono } from 'hono'
import type { AppEnv } from '../context.ts'
import { renderDocs } from '../docs.ts'
import { openApiDocument } from '../openapi.ts'

// The API describing itself: no key needed, nothing stored.
export const meta = new Hono<AppEnv>()
  .get('/openapi.json', (c) => c.json(openApiDocument(c.var.ctx.publicBaseUrl ?? undefined)))
  .get('/docs', (c) =>
    c.html(renderDocs(openApiDocument()), 200, { 'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'" }),
  )
