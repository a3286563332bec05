import { createHash } from 'node:crypto'
import { gzipSync } from 'node:zlib'
import { describe, expect, it } from 'vitest'
import { ArchiveError, type ArchiveFile, type ArchiveSkip, bytesToStream, readArchive } from '../../src/bundle/archive.ts'
import { gunzip } from '../../src/bundle/gzip.ts'
import { readTar } from '../../src/bundle/tar.ts'
import { chunkedStream, collect, readAll } from '../helpers/archive.ts'
import { fixture } from '../helpers/fixtures.ts'
import { longName, pax, type TarEntry, tar, tarGz } from '../helpers/tar.ts'

const isSkip = (e: ArchiveFile | ArchiveSkip): e is ArchiveSkip => 'skipped' in e

/** Regular files of test/fixtures/kafka/suspect.tar.gz, as `tar tvzf` lists them. */
const SUSPECT_FILES: Array<[string, number]> = [
  ['config/auditd.properties', 211],
  ['config/fwlog.properties', 209],
  ['config/logsd.properties', 209],
  ['dumps/5-7f2250000000-7f2254000000.bin', 67108864],
  ['dumps/5-7f2250000000.hexdump.txt', 965126],
  ['dumps/5-7f2268720000-7f2268a86000.bin', 3563520],
  ['dumps/5-7f2268720000.hexdump.txt', 1204390],
  ['kafka-stats/auditd.json', 4075],
  ['kafka-stats/fwlog.json', 4074],
  ['kafka-stats/logsd.json', 3019],
  ['logs/auditd.log', 6937],
  ['logs/fwlog.log', 7638],
  ['logs/logsd.log', 7425],
  ['manifest.json', 517],
  ['pmap/3.txt', 3611],
  ['pmap/5.txt', 11996],
  ['pmap/6.txt', 11996],
  ['pmap/7.txt', 11941],
  ['proc/3/maps', 5623],
  ['proc/3/smaps_rollup', 698],
  ['proc/3/status', 1389],
  ['proc/5/maps', 19654],
  ['proc/5/smaps_rollup', 698],
  ['proc/5/status', 1388],
  ['proc/6/maps', 19654],
  ['proc/6/smaps_rollup', 698],
  ['proc/6/status', 1388],
  ['proc/7/maps', 19605],
  ['proc/7/smaps_rollup', 698],
  ['proc/7/status', 1389],
  ['proc/buddyinfo', 300],
  ['proc/meminfo', 1503],
  ['proc/slabinfo', 25408],
  ['proc/vmstat', 3920],
  ['ps-aux.txt', 1844],
  ['ps.txt', 1685],
]
const BIG = 'dumps/5-7f2250000000-7f2254000000.bin'
/** `tar xzOf suspect.tar.gz ./dumps/5-7f2250000000-7f2254000000.bin | sha256sum` */
const BIG_SHA256 = 'cba386518466fc2b9664e11a6f3411dd0efed32dba70b98e35f1ade6598b0fda'

async function expectArchiveError(p: Promise<unknown>, code: string, message?: RegExp): Promise<void> {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  )
  expect(err).toBeInstanceOf(ArchiveError)
  expect((err as ArchiveError).code).toBe(code)
  if (message) expect((err as ArchiveError).message).toMatch(message)
}

describe('readTar on the real kafka bundles', () => {
  it('streams every regular file of suspect.tar.gz, the 64 MiB dump in small chunks with the right SHA-256', async () => {
    const seen: Array<[string, number]> = []
    let bigHash = ''
    let bigBytes = 0
    let maxChunk = 0
    let maxBuffer = 0
    let total = 0
    for await (const e of readArchive(fixture('kafka/suspect.tar.gz'), 'tar.gz')) {
      if (isSkip(e)) throw new Error(`unexpected skip ${e.skipped}`)
      seen.push([e.path, e.size])
      let n = 0
      const hash = createHash('sha256')
      for await (const chunk of e.body) {
        n += chunk.byteLength
        maxChunk = Math.max(maxChunk, chunk.byteLength)
        maxBuffer = Math.max(maxBuffer, chunk.buffer.byteLength)
        if (e.path === BIG) hash.update(chunk)
      }
      expect(n, e.path).toBe(e.size)
      total += n
      if (e.path === BIG) {
        bigHash = hash.digest('hex')
        bigBytes = n
      }
    }
    expect(seen).toHaveLength(36) // `tar tzf suspect.tar.gz | grep -v '/$' | wc -l`
    expect(seen).toEqual(SUSPECT_FILES)
    expect(bigBytes).toBe(67108864)
    expect(bigHash).toBe(BIG_SHA256)
    expect(total).toBe(SUSPECT_FILES.reduce((s, [, n]) => s + n, 0))
    // never the whole member, nor views into a big buffer: chunks come from the inflater as-is
    expect(maxChunk).toBeLessThanOrEqual(64 * 1024)
    expect(maxBuffer).toBeLessThanOrEqual(1024 * 1024)
  })

  it('skips unread bodies: reading nothing still lists the whole baseline', async () => {
    const paths: string[] = []
    for await (const e of readArchive(fixture('kafka/baseline.tar.gz'), 'tar.gz')) {
      if (!isSkip(e)) paths.push(e.path)
    }
    expect(paths).toHaveLength(36)
    expect(paths).toContain('dumps/5-7f49e8000000-7f49e82cb000.bin')
    expect(paths).toContain('kafka-stats/fwlog.json')
  })

  it('reading a member partially then moving on works, and the next member is intact', async () => {
    let partial = 0
    let meminfo = ''
    let after: string | undefined
    let sawBig = false
    for await (const e of readArchive(fixture('kafka/suspect.tar.gz'), 'tar.gz')) {
      if (isSkip(e)) continue
      if (e.path === BIG) {
        sawBig = true
        for await (const chunk of e.body) {
          partial += chunk.byteLength
          if (partial > 100_000) break // leave ~64 MB unread
        }
        continue
      }
      if (sawBig && after === undefined) after = e.path
      if (e.path === 'proc/meminfo') meminfo = new TextDecoder().decode(await readAll(e.body))
    }
    expect(partial).toBeGreaterThan(100_000)
    expect(partial).toBeLessThan(1_000_000)
    expect(after).toBe('dumps/5-7f2250000000.hexdump.txt')
    expect(meminfo.split('\n')[0]).toBe('MemTotal:       24684084 kB')
    expect(meminfo).toHaveLength(1503)
  })

  it('a body cannot be read once the archive has moved on', async () => {
    const gen = readArchive(fixture('seed/sta-18.tar.gz'), 'tar.gz')
    const first = (await gen.next()).value as ArchiveFile
    await gen.next()
    await expect(readAll(first.body)).rejects.toThrow(/moved on/)
    await gen.return(undefined)
  })

  it('leaving early cancels the source stream', async () => {
    let cancelled = false
    const reader = bytesToStream(
      tar([
        { name: 'a', body: 'aaa' },
        { name: 'b', body: 'bbb' },
      ]),
      512,
    ).getReader()
    const watched = new ReadableStream<Uint8Array>(
      {
        async pull(c) {
          const r = await reader.read()
          if (r.done) c.close()
          else c.enqueue(r.value)
        },
        cancel() {
          cancelled = true
        },
      },
      { highWaterMark: 0 },
    )
    for await (const e of readTar(watched)) {
      expect(isSkip(e) ? e.skipped : e.path).toBe('a')
      break
    }
    expect(cancelled).toBe(true)
  })
})

describe('readTar on the seed bundles (GNU tar, --sort=name)', () => {
  it('sta-18 holds its five files with the bytes of the source folder', async () => {
    const got = await collect(readArchive(fixture('seed/sta-18.tar.gz'), 'tar.gz'))
    const summary = got.map((e) => ('skipped' in e ? e : [e.path, e.size, createHash('sha256').update(e.bytes).digest('hex')]))
    expect(summary).toEqual([
      ['dumps/fwlog-7f21b8000000-7f21bbfff000.strings.txt', 1422, 'a8151009893410d865e9e62fe6c47a540e848d8384439c83a2b0efdfa0fb83ce'],
      ['manifest.json', 191, '8ba5e2891fb9703c74828af23ba545243fa46363f2a85f5fb41ba091adebe040'],
      ['meminfo.txt', 215, '2dd0e6d7e3a9fa72f5ba4d1d605993422c394d165cb66c2963516e3a6dddb336'],
      ['pmap/fwlog.txt', 1387, '48c9628c3964a2b5e54bbc90e46b40a4d7c37268faf00f105d466d294660b903'],
      ['rss.txt', 218, 'b0ad13f687a217c205ad715a48c529ca9d6cce8791fd6d876ebb7697c7c8db46'],
    ])
  })

  it('sta-49 holds its four files', async () => {
    const got = await collect(readArchive(fixture('seed/sta-49.tar.gz'), 'tar.gz'))
    expect(got.map((e) => ('skipped' in e ? e : [e.path, e.size]))).toEqual([
      ['manifest.json', 189],
      ['meminfo.txt', 215],
      ['pmap/fwlog.txt', 916],
      ['rss.txt', 214],
    ])
    const rss = got.find((e) => 'path' in e && e.path === 'rss.txt')
    expect(rss && 'text' in rss ? rss.text : '').toMatch(/fwlog/)
  })

  it('reads the same from 1-byte, 7-byte and 513-byte source chunks (headers cut across chunks)', async () => {
    const raw = new Uint8Array(await new Response(gunzip(bytesToStream(fixture('seed/sta-18.tar.gz')))).arrayBuffer())
    const reference = await collect(readTar(bytesToStream(raw)))
    for (const size of [1, 7, 513]) {
      expect(await collect(readTar(chunkedStream(raw, size))), `chunk size ${size}`).toEqual(reference)
    }
  })
})

describe('readTar on hostile and unusual archives', () => {
  const read = (entries: TarEntry[], opts?: { end?: boolean }) => collect(readArchive(tar(entries, opts), 'tar'))

  it('refuses path traversal and absolute paths, keeps going', async () => {
    const got = await read([
      { name: '../etc/passwd', body: 'root:x:0:0' },
      { name: '/etc/x', body: 'abs' },
      { name: 'a/../../b', body: 'x' },
      { name: 'ok.txt', body: 'fine' },
    ])
    expect(got).toEqual([
      { skipped: '../etc/passwd', code: 'entry_unsafe_path', reason: expect.stringMatching(/unsafe path/) },
      { skipped: '/etc/x', code: 'entry_unsafe_path', reason: expect.any(String) },
      { skipped: 'a/../../b', code: 'entry_unsafe_path', reason: expect.any(String) },
      { path: 'ok.txt', size: 4, text: 'fine', bytes: expect.any(Uint8Array) },
    ])
  })

  it('never follows links; skips devices and fifos; drops directories silently', async () => {
    const got = await read([
      { name: 'dir/', type: '5', mode: 0o755 },
      { name: 'dir/passwd', type: '2', linkname: '/etc/passwd' },
      { name: 'dir/hard', type: '1', linkname: '../../etc/shadow' },
      { name: 'dev/null', type: '3' },
      { name: 'dev/sda', type: '4' },
      { name: 'pipe', type: '6' },
      { name: 'dir/real.txt', body: 'real' },
    ])
    expect(got.map((e) => ('skipped' in e ? [e.skipped, e.code] : [e.path, e.text]))).toEqual([
      ['dir/passwd', 'entry_link'],
      ['dir/hard', 'entry_link'],
      ['dev/null', 'entry_special'],
      ['dev/sda', 'entry_special'],
      ['pipe', 'entry_special'],
      ['dir/real.txt', 'real'],
    ])
    const link = got[0] as ArchiveSkip
    expect(link.reason).toBe('symbolic link to "/etc/passwd", not followed')
  })

  it('reads GNU long names, pax paths and sizes, ustar prefixes, base-256 sizes, v7 headers', async () => {
    const deep = `${'very-long-directory-name/'.repeat(8)}file-with-a-long-name.txt`
    const paxName = `pax/${'ü'.repeat(80)}/meminfo`
    const got = await read([
      ...longName({ name: deep, body: 'gnu long name' }),
      pax({ path: paxName, mtime: '1795737600.5' }),
      { name: 'truncated-name-in-header', body: 'pax path' },
      pax({ comment: 'global, ignored', path: 'global/ignored' }, 'g'),
      { name: 'meminfo.txt', format: 'ustar', prefix: 'proc/1234', body: 'prefixed' },
      { name: 'b256.txt', base256: true, body: 'base-256 size' },
      { name: 'v7.txt', format: 'v7', type: '\0', body: 'old tar' },
      { name: 'v7dir/', format: 'v7', type: '\0' },
      pax({ size: '11' }),
      { name: 'pax-size.txt', size: 999, body: 'hello world' },
      { name: 'contiguous', type: '7', body: 'seven' },
      { name: 'empty', body: '' },
    ])
    expect(got.map((e) => ('skipped' in e ? e : [e.path, e.size, e.text]))).toEqual([
      [deep, 13, 'gnu long name'],
      [paxName, 8, 'pax path'],
      ['proc/1234/meminfo.txt', 8, 'prefixed'],
      ['b256.txt', 13, 'base-256 size'],
      ['v7.txt', 7, 'old tar'],
      ['pax-size.txt', 11, 'hello world'],
      ['contiguous', 5, 'seven'],
      ['empty', 0, ''],
    ])
    expect(deep.length).toBeGreaterThan(100)
  })

  it('normalises ./ prefixes and double slashes', async () => {
    const got = await read([
      { name: './/proc//meminfo', body: 'm' },
      { name: './', type: '5' },
    ])
    expect(got.map((e) => ('path' in e ? e.path : e.skipped))).toEqual(['proc/meminfo'])
  })

  it('a bad header checksum is archive_corrupt', async () => {
    await expectArchiveError(
      read([
        { name: 'a', body: 'x' },
        { name: 'b', body: 'y', badChecksum: true },
      ]),
      'archive_corrupt',
      /checksum/,
    )
  })

  it('a stream ending mid-entry is archive_corrupt, read or skipped', async () => {
    const whole = tar([
      { name: 'big', body: 'z'.repeat(5000) },
      { name: 'next', body: 'n' },
    ])
    const cut = whole.subarray(0, 512 + 3000)
    await expectArchiveError(collect(readArchive(cut, 'tar')), 'archive_corrupt', /unexpected end/)
    // not reading the body: the skip hits the end
    const skipAll = async () => {
      for await (const _ of readArchive(cut, 'tar')) void _
    }
    await expectArchiveError(skipAll(), 'archive_corrupt', /unexpected end/)
    // ending inside a header
    await expectArchiveError(collect(readArchive(whole.subarray(0, 512 + 5120 + 100), 'tar')), 'archive_corrupt')
  })

  it('ending on a block boundary without the two zero blocks is accepted (as GNU tar does)', async () => {
    const got = await read([{ name: 'a', body: 'x' }], { end: false })
    expect(got.map((e) => ('path' in e ? e.path : e.skipped))).toEqual(['a'])
  })

  it('a truncated or corrupt gzip is archive_corrupt', async () => {
    const gz = tarGz([
      { name: 'a', body: 'x'.repeat(100_000) },
      { name: 'b', body: 'y' },
    ])
    await expectArchiveError(collect(readArchive(gz.subarray(0, gz.length - 10), 'tar.gz')), 'archive_corrupt', /gzip/)
    await expectArchiveError(collect(readArchive(gz.subarray(0, 40), 'tar.gz')), 'archive_corrupt')
    const flipped = gz.slice()
    flipped[gz.length - 6] = flipped[gz.length - 6]! ^ 0xff // CRC trailer
    await expectArchiveError(collect(readArchive(flipped, 'tar.gz')), 'archive_corrupt', /gzip/)
    const notGzip = new Uint8Array([0x1f, 0x8b, 0x08, 0x00, 1, 2, 3, 4, 5, 6, 7, 8, 9])
    await expectArchiveError(collect(readArchive(notGzip, 'tar.gz')), 'archive_corrupt')
  })

  it('a truncated real bundle is archive_corrupt', async () => {
    const gz = fixture('seed/sta-18.tar.gz')
    await expectArchiveError(collect(readArchive(gz.subarray(0, gz.length >> 1), 'tar.gz')), 'archive_corrupt')
  })

  it('rejects oversized pax headers and malformed pax records', async () => {
    await expectArchiveError(
      read([
        { name: 'p', type: 'x', body: '5 a\n' },
        { name: 'a', body: '' },
      ]),
      'archive_corrupt',
      /pax/,
    )
    await expectArchiveError(read([{ name: 'p', type: 'x', body: 'x'.repeat(2 << 20) }]), 'archive_corrupt')
  })

  it('gzip of a non-tar is archive_corrupt (not a checksum-verified header)', async () => {
    const gz = new Uint8Array(gzipSync(new TextEncoder().encode('just some text, not a tar\n'.repeat(40))))
    await expectArchiveError(collect(readArchive(gz, 'tar.gz')), 'archive_corrupt', /checksum/)
  })
})
