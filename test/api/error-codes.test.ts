import { describe, expect, it } from 'vitest'
import { ErrorCode, Problem } from '../../schemas/problem.ts'
import { readBundle } from '../../src/bundle/read.ts'
import { tarGz } from '../helpers/tar.ts'

// Issue 13: one union of error codes in schemas/, and warning codes are not error codes (a
// program that matches `file_too_large` must know whether the upload was refused).

describe('error and warning codes', () => {
  it('a problem carries only a code of the union', () => {
    expect(Problem.safeParse({ type: 't', title: 'x', status: 413, detail: 'd', code: 'file_too_large' }).success).toBe(true)
    expect(Problem.safeParse({ type: 't', title: 'x', status: 400, detail: 'd', code: 'made_up' }).success).toBe(false)
  })

  it('a text file too big to parse is a warning whose code is no error code', async () => {
    const big = 'MemTotal:        2048000 kB\nMemFree:          100000 kB\n'.repeat(360_000) // 18 MiB of meminfo
    const raw = tarGz([{ name: 'proc/meminfo', body: big }])
    const bundle = await readBundle(raw, { id: '0'.repeat(64), bytes: raw.byteLength, receivedAt: '2026-12-04T00:00:00.000Z' })
    const warning = bundle.files.find((f) => f.path === 'proc/meminfo')?.warnings[0]
    expect(warning?.message).toMatch(/listed, not parsed/)
    expect(ErrorCode.options).not.toContain(warning!.code)
  })
})
