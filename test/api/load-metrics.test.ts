import { spawnSync } from 'node:child_process'
import { describe, expect, it } from 'vitest'

// `npm run load` against its own server, then that server's /metrics: every answer the load
// script saw is counted there under the same status, no more and no fewer.

describe('/metrics under npm run load', () => {
  it('counts what the load sent, by status', () => {
    const run = spawnSync(process.execPath, ['--import', 'tsx', 'bench/load.ts'], {
      env: { ...process.env, LOAD_REQUESTS: '160', LOAD_CONCURRENCY: '8' },
      encoding: 'utf8',
      timeout: 240_000,
    })
    const line = (label: string) => new RegExp(`^${label}\\s+(.+)$`, 'm').exec(run.stdout)?.[1]
    const byStatus = (text: string | undefined): Record<number, number> =>
      Object.fromEntries((text ?? '').split(', ').map((pair) => pair.split(': ').map(Number)))
    const sent = byStatus(line('statuses'))
    const counted = byStatus(line('/metrics'))
    expect(counted).toEqual(sent)
    // Only the answers the load's mix asks for: stored, stored before, refused; never a 500.
    expect(Object.keys(sent).map(Number).sort()).toEqual([200, 201, 400, 404, 413, 415, 422].filter((s) => s in sent))
    expect(Object.values(sent).reduce((a, b) => a + b, 0)).toBe(160)
    expect(sent[201]).toBeGreaterThan(0)
    expect(sent[413]).toBeGreaterThan(0)
    expect(run.status, run.stderr).toBe(0)
  }, 300_000)
})
