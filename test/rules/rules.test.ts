import { describe, expect, it } from 'vitest'
import { heapGrowth } from '../../src/rules/heap-growth.ts'
import { kernelGrowth } from '../../src/rules/kernel-growth.ts'
import { bundle, context, gap, growth } from './builder.ts'

// Each rule on the smallest input that decides it; the real pairs are in control-pairs.test.ts.

const MiB = 1024
const meminfo = (fields: Record<string, number>) => ({ file: 'proc/meminfo', fields })

describe('kernel-growth', () => {
  it('blames unreclaimable slab, citing SUnreclaim on a MemAvailable basis', () => {
    const findings = kernelGrowth(
      context({
        baseline: bundle({ meminfo: meminfo({ SUnreclaim: 30 * MiB, Slab: 60 * MiB }) }),
        suspect: bundle({ meminfo: meminfo({ SUnreclaim: 280 * MiB, Slab: 400 * MiB }) }),
        gap: gap({ slab: 250 * MiB, anon: 5 * MiB }, 'kernel'),
      }),
      [],
    )
    expect(findings).toHaveLength(1)
    expect(findings[0]).toMatchObject({ kind: 'kernel-growth', process: null, confidence: 0.9 })
    expect(findings[0]!.evidence.map((e) => e.excerpt)).toEqual([`SUnreclaim: ${30 * MiB} kB`, `SUnreclaim: ${280 * MiB} kB`])
  })

  it('cites Slab when MemFree measures the gap, and is less sure beside a user-space gap', () => {
    const findings = kernelGrowth(
      context({
        baseline: bundle({ meminfo: meminfo({ Slab: 60 * MiB }) }),
        suspect: bundle({ meminfo: meminfo({ Slab: 160 * MiB }) }),
        gap: gap({ slab: 100 * MiB, anon: 200 * MiB }, 'user-space', { basis: 'MemFree' }),
      }),
      [],
    )
    expect(findings[0]).toMatchObject({ confidence: 0.6 })
    expect(findings[0]!.evidence[0]!.excerpt).toBe(`Slab: ${60 * MiB} kB`)
  })

  it('says nothing of kernel parts too small to matter, or without a baseline', () => {
    expect(kernelGrowth(context({ gap: gap({ slab: 10 * MiB, anon: 300 * MiB }, 'user-space') }), [])).toEqual([])
    expect(kernelGrowth(context({ baseline: null, gap: gap({ slab: 300 * MiB }, 'kernel') }), [])).toEqual([])
  })
})

describe('heap-growth', () => {
  it('calls a grown process with nothing else known a possible leak, at low confidence', () => {
    const findings = heapGrowth(context({ gap: gap({ anon: 120 * MiB }, 'user-space'), processes: [growth('cached', 110 * MiB)] }), [])
    expect(findings).toHaveLength(1)
    expect(findings[0]).toMatchObject({ kind: 'heap-growth', process: 'cached', confidence: 0.35 })
    expect(findings[0]!.detail).toMatch(/cannot be told from a queue/)
  })

  it('leaves a process a queue finding explained, small growth, and kernel-side gaps alone', () => {
    const processes = [growth('fwlog', 110 * MiB), growth('tiny', 4 * MiB)]
    const queue = {
      kind: 'queue-buildup' as const,
      process: 'fwlog',
      confidence: 0.9,
      title: '',
      detail: '',
      evidence: [],
      recommendation: '',
      configLines: [],
    }
    expect(heapGrowth(context({ gap: gap({ anon: 120 * MiB }, 'user-space'), processes }), [queue])).toEqual([])
    expect(heapGrowth(context({ gap: gap({ shmem: 300 * MiB }, 'shmem'), processes }), [])).toEqual([])
  })
})
