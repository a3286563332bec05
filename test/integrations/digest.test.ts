import { describe, expect, it } from 'vitest'
import { digest } from '../../src/integrations/chat/digest.ts'
import { diagnoseFixtures } from '../helpers/diagnose.ts'

// What every chat message says, as a reader of the channel checks it.

describe('chat digest', async () => {
  const d = await diagnoseFixtures('seed/sta-49.tar.gz', 'seed/sta-18.tar.gz')

  it('lists the programs that grew most first, whatever order it was given, under 1 MiB left out', () => {
    const shuffled = { ...d, processes: [...d.processes].reverse() }
    const names = digest(shuffled, 'https://memgap.example/r/x').processes.map((p) => p.name)
    expect(names).toEqual(['fwlog', 'auditd', 'logsd'])
  })

  it('does not promise "more findings below" in a summary whose findings are all listed', () => {
    const g = digest(d, 'https://memgap.example/r/x')
    expect(g.findings).toHaveLength(3)
    expect(g.moreFindings).toBe(0)
    expect(g.summary).not.toMatch(/more finding/)
  })
})
