import { describe, expect, it } from 'vitest'
import { redact } from '../../src/content/redact.ts'
import { maskSecrets, maskSecretsDeep } from '../../src/content/secrets.ts'
import { parsedFixture } from '../helpers/bundles.ts'

// Command lines as ps prints them on real systems (procps `ps -eo pid,rss,args`), with secrets planted.
const PS = `    PID   RSS COMMAND
   1412 88120 /usr/bin/python3 /opt/app/worker.py --db-password=hunter2 --queue kafka
   1500 10220 /usr/local/bin/agent --token 9f8e7d6c5b4a --verbose
   1623 40960 curl -s -H 'Authorization: Bearer abc.def.ghi' https://deploy:s3cr3t@repo.example.com/pkg
   1701 30720 java -Dspring.datasource.password=p4ss -jar app.jar
   1802  5120 /usr/sbin/sync https://api.example.com/v1?key=AIzaSyD-1234&user=ops
   1900  2048 env AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE aws s3 ls`

describe('maskSecrets', () => {
  const masked = maskSecrets(PS)

  it('masks passwords, tokens, keys, URL credentials and Authorization values in command lines', () => {
    for (const secret of [
      'hunter2',
      '9f8e7d6c5b4a',
      'abc.def.ghi',
      'deploy',
      's3cr3t',
      'p4ss',
      'AIzaSyD-1234',
      'wJalrXUtnFEMI',
      'AKIAIOSFODNN7EXAMPLE',
    ]) {
      expect(masked).not.toContain(secret)
    }
    expect(masked).toContain('--db-password=<redacted> --queue kafka')
    expect(masked).toContain('--token <redacted> --verbose')
    expect(masked).toContain('https://<redacted>@repo.example.com/pkg')
    expect(masked).toContain('?key=<redacted>&user=ops')
  })

  it('leaves programs, ordinary options and figures as they were', () => {
    expect(masked).toContain('   1412 88120 /usr/bin/python3 /opt/app/worker.py')
    expect(masked).toContain('java -Dspring.datasource.password=<redacted> -jar app.jar')
    const plain =
      'monkey=banana keyboard=us queue.buffering.max.kbytes=30000 --threads 4 http://example.com/a:b Session started 12:30:45 cimpl.<token:28>.so'
    expect(maskSecrets(plain)).toBe(plain)
  })

  it('masks JSON and header forms', () => {
    expect(maskSecrets('{"user":"ops","password": "a b c","n":1}')).toBe('{"user":"ops","password": "<redacted>","n":1}')
    expect(maskSecrets('X-Api-Key: 1234567890abcdef')).toBe('X-Api-Key: <redacted>')
    expect(maskSecrets('sasl.password=secret-value')).toBe('sasl.password=<redacted>')
  })
})

describe('maskSecretsDeep', () => {
  it('masks every string of a parsed value, and whole values under secret keys from the input', () => {
    const parsed = {
      processes: [{ name: 'worker.py', exe: '/opt/app/worker.py --db-password=hunter2' }],
      kafkaConfigs: [{ properties: { 'sasl.password': 'hunter2', 'queue.buffering.max.messages': '38000' } }],
      dumps: [{ keySignature: 'id,token,ts' }],
      counts: { n: 3 },
    }
    const out = maskSecretsDeep(parsed)
    expect(JSON.stringify(out)).not.toContain('hunter2')
    expect(out.kafkaConfigs[0]!.properties['queue.buffering.max.messages']).toBe('38000')
    expect(out.dumps[0]!.keySignature).toBe('id,token,ts') // the schema's own field, not a secret
    expect(out.counts).toEqual({ n: 3 })
  })
})

// Hostile inputs of 1 MiB, each a repeated unit that made some pattern rescan from every position
// before it (quadratic: 64 KiB of letters took 12 s in the e-mail pattern, so 1 MiB would take
// about an hour). Linear, each runs in well under a second here; the bound is 20 s per input.
const UNITS = [
  'a',
  '1',
  '1.',
  'a-',
  'aB1+',
  'a=',
  '//a:',
  '1:',
  'a::',
  'x1.1.1.1',
  '//:',
  'a@b.',
  'b.',
  'key=',
  '--password ',
  'eyJa.',
  '://a',
  '"password":',
  'bearer ',
]

describe('linear redaction', () => {
  it.each(UNITS)('redacts 1 MiB of %j in bounded time', (unit) => {
    const text = unit.repeat(Math.ceil(2 ** 20 / unit.length)).slice(0, 2 ** 20)
    const started = performance.now()
    const example = redact(text, 300)
    const secrets = maskSecrets(text)
    expect(performance.now() - started).toBeLessThan(20_000)
    expect(example.text.length).toBeLessThanOrEqual(300)
    expect(secrets.length).toBeGreaterThan(0)
  })
})

describe('maskSecretsDeep on the real captures', () => {
  // They hold no secrets: masking must change nothing in them (no figure, name or example lost).
  it.each([
    'seed/sta-18.tar.gz',
    'seed/sta-49.tar.gz',
    'kafka/baseline.tar.gz',
    'kafka/suspect.tar.gz',
    'leak/suspect.tar.gz',
    'shmem/suspect.tar.gz',
    'slab/suspect.tar.gz',
  ])('leaves %s as parsed', async (path) => {
    const parsed = await parsedFixture(path)
    expect(maskSecretsDeep(parsed)).toEqual(parsed)
  })
})
