import { spawnSync } from 'node:child_process'
import { chmod, copyFile, mkdtemp } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'

// scripts/test-prereqs.sh, which `npm test` runs before any test: quiet when all is there, and
// where it cannot install (not root), one line that names what to install, and a failure.

const SCRIPT = 'scripts/test-prereqs.sh'

describe('the test prerequisites', () => {
  it('are all here once npm test has started: the script says nothing and passes', () => {
    const run = spawnSync('sh', [SCRIPT], { encoding: 'utf8' })
    expect([run.status, run.stdout, run.stderr]).toEqual([0, '', ''])
  })

  it('name what to install in one line and fail, for a user who cannot install them', async () => {
    // A copy anyone can read, run as nobody, with a browser path that does not exist.
    const dir = await mkdtemp(join(tmpdir(), 'memgap-prereqs-'))
    await chmod(dir, 0o755)
    await copyFile(SCRIPT, join(dir, 'test-prereqs.sh'))
    const run = spawnSync('setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', 'sh', join(dir, 'test-prereqs.sh')], {
      encoding: 'utf8',
      env: { PATH: process.env.PATH, CHROMIUM_PATH: '/nonexistent/chromium' },
    })
    expect(run.status).toBe(1)
    expect(run.stdout).toBe('')
    expect(run.stderr.trimEnd().split('\n')).toEqual([
      'memgap tests need Debian packages that are missing: chromium (as root: apt-get install -y chromium)',
    ])
  })
})
