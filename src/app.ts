import { Hono } from 'hono'
import type { AppContext, AppEnv } from './context.ts'
import { AppError } from './errors.ts'
import { bundles } from './routes/bundles.ts'
import { diagnoses } from './routes/diagnoses.ts'
import { health } from './routes/health.ts'

// The app, runtime-free: entries hand it a way to get the context for their environment.

export function createApp(contextFor: (env: unknown) => AppContext | Promise<AppContext>) {
  const app = new Hono<AppEnv>()

  app.use(async function attachContext(c, next) {
    c.set('ctx', await contextFor(c.env))
    await next()
  })

  app.route('/', health)
  app.route('/', bundles)
  app.route('/', diagnoses)

  app.notFound((c) => problem(new AppError(404, 'not_found', `no route for ${c.req.method} ${c.req.path}`)))

  app.onError((error) => {
    if (error instanceof AppError) return problem(error)
    console.error('unhandled error', error)
    return problem(new AppError(500, 'internal', 'memgap failed on this request; the error is logged'))
  })

  return app
}

function problem(error: AppError): Response {
  const headers: Record<string, string> = { 'content-type': 'application/problem+json' }
  if (error.status === 503) headers['retry-after'] = '5'
  return new Response(JSON.stringify(error.toProblem()), { status: error.status, headers })
}
