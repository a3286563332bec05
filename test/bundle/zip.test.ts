import { createHash } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { ArchiveError, type ArchiveFile, type ArchiveSkip, readArchive } from '../../src/bundle/archive.ts'
import { crc32, readZip } from '../../src/bundle/zip.ts'
import { collect, readAll } from '../helpers/archive.ts'
import { fixture } from '../helpers/fixtures.ts'
import { zip } from '../helpers/zip.ts'

const isSkip = (e: ArchiveFile | ArchiveSkip): e is ArchiveSkip => 'skipped' in e
const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex')

async function expectArchiveError(p: Promise<unknown>, code: string, message?: RegExp): Promise<void> {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  )
  expect(err).toBeInstanceOf(ArchiveError)
  expect((err as ArchiveError).code).toBe(code)
  if (message) expect((err as ArchiveError).message).toMatch(message)
}

/** Deterministic, poorly compressible bytes. */
function noise(n: number, seed = 1): Uint8Array {
  const out = new Uint8Array(n)
  let x = seed
  for (let i = 0; i < n; i++) {
    x = (x * 1103515245 + 12345) >>> 0
    out[i] = x >>> 24
  }
  return out
}

describe('readZip on a zip made by Python zipfile (test/fixtures/zip/small.zip)', () => {
  it('yields stored and deflated members with their bytes; skips the symlink; drops the directory', async () => {
    const got = await collect(readArchive(fixture('zip/small.zip'), 'zip'))
    expect(got.map((e) => ('skipped' in e ? [e.skipped, e.code] : [e.path, e.size, sha(e.bytes)]))).toEqual([
      ['readme.txt', 34, 'c9a96761a479edfa8eb855aad259180bd4f03950d351c763c01f426dae154e0e'],
      ['proc/meminfo', 141, 'daa5df180453dda9f6112244c2a6a128c2b6189477b9f7989759c307cec540c5'],
      ['logs/app.log', 263865, '102b79fb64bdfe24b9d074a9bc488de57c575b4af85940bdcbd5e58b9303d16f'],
      ['current.log', 'entry_link'],
    ])
    const meminfo = got[1]
    expect(meminfo && 'text' in meminfo ? meminfo.text : '').toMatch(/^MemTotal: +24572720 kB\n/)
  })

  it('streams a deflated member in chunks', async () => {
    let chunks = 0
    let max = 0
    for await (const e of readZip(fixture('zip/small.zip'))) {
      if (isSkip(e) || e.path !== 'logs/app.log') continue
      for await (const c of e.body) {
        chunks++
        max = Math.max(max, c.byteLength)
      }
    }
    expect(chunks).toBeGreaterThan(1)
    expect(max).toBeLessThanOrEqual(64 * 1024)
  })
})

describe('readZip', () => {
  it('reads partially then moves on; unread bodies cost nothing', async () => {
    const big = noise(1 << 20)
    const bytes = zip([
      { name: 'big.bin', data: big },
      { name: 'stored.bin', data: big, method: 0 },
      { name: 'after.txt', data: 'after' },
    ])
    const seen: string[] = []
    let partial = 0
    for await (const e of readZip(bytes)) {
      if (isSkip(e)) continue
      seen.push(e.path)
      if (e.path === 'big.bin') {
        for await (const c of e.body) {
          partial += c.byteLength
          break
        }
      }
      if (e.path === 'after.txt') expect(new TextDecoder().decode(await readAll(e.body))).toBe('after')
    }
    expect(seen).toEqual(['big.bin', 'stored.bin', 'after.txt'])
    expect(partial).toBeGreaterThan(0)
    expect(partial).toBeLessThan(big.length)
    // and whole, both methods
    const whole = await collect(readZip(bytes))
    expect(whole.map((e) => ('bytes' in e ? sha(e.bytes) : e.code)).slice(0, 2)).toEqual([sha(big), sha(big)])
  })

  it('refuses encrypted entries as archive_unsupported before yielding anything', async () => {
    const bytes = zip([
      { name: 'plain.txt', data: 'p' },
      { name: 'secret.txt', data: 'xxxx', flags: 0x0801 },
    ])
    const gen = readZip(bytes)
    await expectArchiveError(gen.next(), 'archive_unsupported', /encrypted/)
  })

  it('refuses unknown compression methods as archive_unsupported', async () => {
    await expectArchiveError(collect(readZip(zip([{ name: 'a.bz2', data: 'BZh9', method: 12 }]))), 'archive_unsupported', /method 12/)
    await expectArchiveError(collect(readZip(zip([{ name: 'aes', data: 'xx', method: 99 }]))), 'archive_unsupported')
  })

  it('skips symlinks, devices and unsafe paths, never following anything', async () => {
    const got = await collect(
      readZip(
        zip([
          { name: 'link', data: '/etc/passwd', method: 0, mode: 0o120777 },
          { name: 'fifo', data: '', method: 0, mode: 0o010644 },
          { name: '../../etc/passwd', data: 'x' },
          { name: '/abs/path', data: 'x' },
          { name: 'C:\\Windows\\x', data: 'x' },
          { name: '..\\..\\evil', data: 'x' },
          { name: 'dir/', data: '', method: 0, mode: 0o040755 },
          { name: './dir//ok.txt', data: 'ok', mode: 0o100644 },
        ]),
      ),
    )
    expect(got.map((e) => ('skipped' in e ? [e.skipped, e.code] : [e.path, e.text]))).toEqual([
      ['link', 'entry_link'],
      ['fifo', 'entry_special'],
      ['../../etc/passwd', 'entry_unsafe_path'],
      ['/abs/path', 'entry_unsafe_path'],
      ['C:\\Windows\\x', 'entry_unsafe_path'],
      ['..\\..\\evil', 'entry_unsafe_path'],
      ['dir/ok.txt', 'ok'],
    ])
  })

  it('finds the end record behind a comment, even one holding a fake signature', async () => {
    const comment = `bundle from host A PK\u0005\u0006${'!'.repeat(30)} end`
    const got = await collect(readZip(zip([{ name: 'a.txt', data: 'A' }], { comment })))
    expect(got.map((e) => ('path' in e ? e.path : e.skipped))).toEqual(['a.txt'])
  })

  it('reads zip64 sizes and offsets from the extra field and the zip64 end record', async () => {
    const data = noise(70_000, 7)
    const got = await collect(
      readZip(
        zip(
          [
            { name: 'z1.bin', data, zip64: true },
            { name: 'z2.txt', data: 'second', method: 0, zip64: true },
          ],
          { zip64End: true },
        ),
      ),
    )
    expect(got.map((e) => ('bytes' in e ? [e.path, e.size, sha(e.bytes)] : e))).toEqual([
      ['z1.bin', 70_000, sha(data)],
      ['z2.txt', 6, sha(new TextEncoder().encode('second'))],
    ])
  })

  it('handles data prepended to the archive (self-extractor stub)', async () => {
    const got = await collect(
      readZip(
        zip(
          [
            { name: 'a.txt', data: 'A' },
            { name: 'b.txt', data: 'B' },
          ],
          { prefix: noise(1000) },
        ),
      ),
    )
    expect(got.map((e) => ('text' in e ? e.text : e.code))).toEqual(['A', 'B'])
  })

  it('decodes names: UTF-8 flag, CP437 without it, Info-ZIP Unicode Path extra', async () => {
    const cp437 = new Uint8Array([0x6d, 0x81, 0x6e, 0x2e, 0x74, 0x78, 0x74]) // "m\x81n.txt", 0x81 = 'ü'
    const unicodeName = new TextEncoder().encode('résumé.txt')
    const raw = new Uint8Array([0x72, 0x82, 0x73, 0x2e, 0x74, 0x78, 0x74]) // "r\x82s.txt"
    const upath = new Uint8Array(5 + unicodeName.length)
    new DataView(upath.buffer).setUint8(0, 1)
    new DataView(upath.buffer).setUint32(1, crc32(raw), true)
    upath.set(unicodeName, 5)
    const extra = new Uint8Array(4 + upath.length)
    new DataView(extra.buffer).setUint16(0, 0x7075, true)
    new DataView(extra.buffer).setUint16(2, upath.length, true)
    extra.set(upath, 4)
    const got = await collect(
      readZip(
        zip([
          { name: 'ünïcode.txt', data: '1' },
          { name: '', nameBytes: cp437, flags: 0, data: '2' },
          { name: '', nameBytes: raw, flags: 0, data: '3', extra },
        ]),
      ),
    )
    expect(got.map((e) => ('path' in e ? e.path : e.skipped))).toEqual(['ünïcode.txt', 'mün.txt', 'résumé.txt'])
  })

  it('an empty zip yields nothing', async () => {
    expect(await collect(readZip(zip([])))).toEqual([])
  })

  it('truncated or non-zip data is archive_corrupt', async () => {
    const bytes = fixture('zip/small.zip')
    await expectArchiveError(collect(readZip(bytes.subarray(0, bytes.length - 40))), 'archive_corrupt', /end of central directory/)
    await expectArchiveError(collect(readZip(bytes.subarray(0, 3000))), 'archive_corrupt')
    await expectArchiveError(collect(readZip(new TextEncoder().encode('PK\u0003\u0004 but nothing else'))), 'archive_corrupt')
    // central directory pointing past the data
    const z = zip([{ name: 'a.txt', data: 'hello' }])
    const shifted = z.slice()
    const eocd = shifted.length - 22
    new DataView(shifted.buffer).setUint32(eocd + 16, 1_000_000, true)
    await expectArchiveError(collect(readZip(shifted)), 'archive_corrupt')
  })

  it('corrupt deflate data, a CRC mismatch or a size mismatch is archive_corrupt', async () => {
    const data = noise(50_000, 3)
    const good = zip([{ name: 'a.bin', data }])
    const bad = good.slice()
    for (let i = 100; i < 140; i++) bad[i] = 0xff
    await expectArchiveError(collect(readZip(bad)), 'archive_corrupt')
    await expectArchiveError(collect(readZip(zip([{ name: 'a.bin', data, crc: 1234 }]))), 'archive_corrupt', /CRC/)
    await expectArchiveError(collect(readZip(zip([{ name: 's.bin', data, method: 0, crc: 1234 }]))), 'archive_corrupt', /CRC/)
    await expectArchiveError(collect(readZip(zip([{ name: 'a.bin', data, size: 10 }]))), 'archive_corrupt', /more than/)
    await expectArchiveError(collect(readZip(zip([{ name: 'a.bin', data, size: 60_000 }]))), 'archive_corrupt', /declared/)
  })

  it('crc32 matches the standard check value', () => {
    expect(crc32(new TextEncoder().encode('123456789'))).toBe(0xcbf43926)
    expect(crc32(new Uint8Array(0))).toBe(0)
    const b = noise(1001, 9)
    expect(crc32(b.subarray(500), crc32(b.subarray(0, 500)))).toBe(crc32(b))
  })
})
