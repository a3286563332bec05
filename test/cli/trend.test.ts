import { execFileSync } from 'node:child_process'
import { mkdir, mkdtemp, readdir, rm, utimes } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Trend } from '../../schemas/trend.ts'
import { main } from '../../src/cli/main.ts'
import { memgap } from './run.ts'

// `memgap trend` on a real captured series (test/fixtures/series/steady): the formats, --floor,
// usage errors, and times from file mtimes when the manifests carry none.

const STEADY = new URL('../fixtures/series/steady/', import.meta.url).pathname

async function cli(args: string[]) {
  let stdout = ''
  let stderr = ''
  const code = await main(args, {
    stdout: { write: (t: string) => (stdout += t) },
    stderr: { isTTY: false, write: (t: string) => (stderr += t) },
    env: {},
  })
  return { code, stdout, stderr }
}

describe('memgap trend', () => {
  let files: string[]
  let dir: string
  beforeAll(async () => {
    files = (await readdir(STEADY)).filter((f) => f.endsWith('.tar.gz')).map((f) => join(STEADY, f))
    dir = await mkdtemp(join(tmpdir(), 'memgap-trend-'))
  })
  afterAll(() => rm(dir, { recursive: true, force: true }))

  it('prints the trend as JSON that the schema accepts, in any order of arguments', async () => {
    const run = await cli(['trend', ...[...files].reverse()])
    expect(run.code).toBe(0)
    const trend = Trend.parse(JSON.parse(run.stdout))
    expect(trend.host).toBe('series-steady')
    expect(trend.series.map((s) => s.at)).toEqual([...trend.series.map((s) => s.at)].sort())
    expect(trend.findings.map((f) => f.process)).toEqual(['leakd'])
    expect(trend.warnings).toEqual([])
  })

  it('renders text and Markdown with the growing program, its rate and the timeline (the real binary)', async () => {
    const text = await memgap(['trend', ...files, '--format', 'text'])
    expect(text.code).toBe(0)
    expect(text.stdout).toMatch(/^Memory trend: series-steady/)
    expect(text.stdout).toMatch(/leakd +growing +[\d,]+ MiB\/h/)
    expect(text.stdout).toMatch(/steady growth, confidence high/)
    expect(text.stdout.split('\n').every((l) => l.length <= 100)).toBe(true)
    const md = await cli(['trend', ...files, '--format', 'md'])
    expect(md.stdout).toMatch(/^## Memory trend: series-steady/)
    expect(md.stdout).toMatch(/\| leakd \| growing \|/)
    expect(md.stdout).toMatch(/### Timeline/)
  })

  it('projects down to --floor MIB', async () => {
    const trend = Trend.parse(JSON.parse((await cli(['trend', ...files, '--floor', '512'])).stdout))
    const leakd = trend.programs.find((p) => p.name === 'leakd')!
    expect(leakd.projection!.floorKib).toBe(512 * 1024)
    expect(trend.limits.floorKib).toBe(512 * 1024)
  })

  it.each([
    [['trend'], /needs the bundles of one host/],
    [['trend', 'a', '--floor=-1'], /--floor must be a size in MiB/],
    [['trend', 'a', '--floor', 'lots'], /--floor must be a size in MiB/],
    [['trend', 'a', '--format', 'html'], /--format must be one of json, md, text/],
  ])('exits 2 for memgap %j', async (args, message) => {
    const run = await cli(args)
    expect(run.code).toBe(2)
    expect(run.stderr).toMatch(message)
  })

  it('documents itself in memgap --help and memgap trend --help', async () => {
    expect((await cli(['--help'])).stdout).toMatch(/memgap trend <bundle>\.\.\. \[--floor MIB\]/)
    const help = await cli(['trend', '--help'])
    expect(help).toMatchObject({ code: 0, stderr: '' })
    expect(help.stdout).toMatch(/^Usage: memgap trend/)
  })

  it('exits 3 for a missing bundle', async () => {
    const run = await cli(['trend', files[0]!, join(dir, 'missing.tar.gz')])
    expect(run.code).toBe(3)
    expect(run.stderr).toMatch(/missing\.tar\.gz: no such file or folder/)
  })

  it('takes file times when the manifests have none, and says so', async () => {
    // Six of the snapshots as folders without manifest.json, their mtimes one hour apart.
    const base = Date.parse('2026-03-01T00:00:00Z')
    const folders: string[] = []
    for (const [i, file] of files.slice(0, 6).entries()) {
      const folder = join(dir, `snap-${i}`)
      await mkdir(folder)
      execFileSync('tar', ['-xzf', file, '-C', folder, '--exclude', './manifest.json'])
      const when = new Date(base + i * 3_600_000)
      await utimes(folder, when, when)
      folders.push(folder)
    }
    const trend = Trend.parse(JSON.parse((await cli(['trend', ...folders])).stdout))
    expect(trend.series.map((s) => [s.at, s.timeSource])).toEqual(
      folders.map((_, i) => [new Date(base + i * 3_600_000).toISOString(), 'file-time']),
    )
    expect(trend.warnings.map((w) => w.code)).toContain('trend_time_from_file')
    // The same growth over hours, not minutes: a rate per hour that much smaller.
    expect(trend.programs.find((p) => p.name === 'leakd')!.shape).toBe('growing')
  })
})
