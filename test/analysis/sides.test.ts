import { describe, expect, it } from 'vitest'
import { renderMarkdown } from '../../src/render/markdown.ts'
import { renderText } from '../../src/render/text.ts'
import { diagnoseFixtures, diagnoseParsed, parsedBytes } from '../helpers/diagnose.ts'
import { tarGz } from '../helpers/tar.ts'

// Roles and context: a swapped pair is said to be swapped, what the bundles say of themselves is
// shown, and one host before and after is named by time.

describe('the seed pair given the wrong way round', async () => {
  const d = await diagnoseFixtures('seed/sta-18.tar.gz', 'seed/sta-49.tar.gz')

  it('warns that the declared roles are swapped and gives the right order', () => {
    const w = d.warnings.find((x) => x.code === 'roles_swapped')!
    expect(w.message).toContain('the suspect uses less memory')
    expect(w.message).toContain(`{"baseline":"${d.suspect.bundleId}","suspect":"${d.baseline!.bundleId}"}`)
    expect(d.summary).toMatch(/^10\.222\.3\.49 uses 290 MiB \(297016 KiB\) less memory than 10\.222\.3\.18/)
  })

  it("shows each manifest's firmware, role and notes in the diagnosis and the reports", () => {
    expect(d.context!.suspect).toMatchObject({ host: '10.222.3.49', role: 'baseline', firmware: 'TS3.0.24.4474' })
    expect(d.context!.suspect.notes).toMatch(/healthy box/)
    expect(renderMarkdown(d, {})).toMatch(/- suspect: 10\.222\.3\.49, declared baseline, firmware TS3\.0\.24\.4474, notes: /)
    expect(renderText(d, {})).toContain('baseline: 10.222.3.18, declared suspect, firmware TS3.0.24.4474')
  })

  it('says nothing of roles when they are in order', async () => {
    const right = await diagnoseFixtures('seed/sta-49.tar.gz', 'seed/sta-18.tar.gz')
    expect(right.warnings.map((w) => w.code)).not.toContain('roles_swapped')
  })
})

describe('one host before and after', async () => {
  const bundle = (at: string, anon: number) =>
    parsedBytes(
      tarGz([
        { name: 'manifest.json', body: JSON.stringify({ host: 'vm', collectedAt: at, kernel: '6.1.0-13-amd64' }) },
        {
          name: 'meminfo',
          body: `MemTotal: 4000000 kB\nMemFree: 100000 kB\nMemAvailable: ${2000000 - anon} kB\nActive(anon): ${anon} kB\n`,
        },
      ]),
    )
  const d = diagnoseParsed(await bundle('2026-11-27T10:00:00Z', 100000), await bundle('2026-11-27T16:00:00Z', 400000))

  it('names the sides by when they were collected, not "vm … than vm"', () => {
    expect(d.summary).toMatch(/^vm at 2026-11-27T16:00:00Z uses 293 MiB \(300000 KiB\) more memory than vm at 2026-11-27T10:00:00Z/)
    expect(renderMarkdown(d, {})).toContain('## Memory diagnosis: vm at 2026-11-27T16:00:00Z vs vm at 2026-11-27T10:00:00Z')
    expect(d.context!.baseline).toMatchObject({ kernel: '6.1.0-13-amd64', collectedAt: '2026-11-27T10:00:00Z' })
  })
})
