import { gzipSync } from 'node:zlib'
import { describe, expect, it } from 'vitest'
import { ArchiveError, type ArchiveFormat, isArchiveSkip, readArchive, sniffArchive } from '../../src/bundle/archive.ts'
import { collect } from '../helpers/archive.ts'
import { fixture } from '../helpers/fixtures.ts'
import { tar, tarGz } from '../helpers/tar.ts'
import { zip } from '../helpers/zip.ts'

const enc = new TextEncoder()

describe('sniffArchive', () => {
  it('recognises the committed fixtures by content', () => {
    expect(sniffArchive(fixture('kafka/suspect.tar.gz').subarray(0, 512))).toBe('tar.gz')
    expect(sniffArchive(fixture('kafka/baseline.tar.gz').subarray(0, 512))).toBe('tar.gz')
    expect(sniffArchive(fixture('seed/sta-18.tar.gz').subarray(0, 512))).toBe('tar.gz')
    expect(sniffArchive(fixture('zip/small.zip').subarray(0, 512))).toBe('zip')
  })

  it('recognises GNU, POSIX ustar and old v7 tar headers, and an empty zip', () => {
    expect(sniffArchive(tar([{ name: 'a', body: 'x' }]))).toBe('tar') // "ustar  \0"
    expect(sniffArchive(tar([{ name: 'a', body: 'x', format: 'ustar' }]))).toBe('tar') // "ustar\0" "00"
    expect(sniffArchive(tar([{ name: 'a', body: 'x', format: 'v7' }]))).toBe('tar') // checksum only
    expect(sniffArchive(zip([]))).toBe('zip') // "PK\5\6"
  })

  it('says null for anything else', () => {
    expect(sniffArchive(new Uint8Array(0))).toBeNull()
    expect(sniffArchive(new Uint8Array([0x1f]))).toBeNull()
    expect(sniffArchive(new Uint8Array(512))).toBeNull() // a zero block is not a header
    expect(sniffArchive(enc.encode('MemTotal:       24572720 kB\n'.repeat(40)))).toBeNull()
    expect(sniffArchive(enc.encode('{"msg_cnt": 100000}'))).toBeNull()
    expect(sniffArchive(tar([{ name: 'a', body: 'x', format: 'v7', badChecksum: true }]))).toBeNull()
    expect(sniffArchive(enc.encode('BZh91AY&SY'))).toBeNull()
  })
})

describe('readArchive', () => {
  const members = [
    { name: 'proc/meminfo', body: 'MemTotal: 1 kB\n' },
    { name: 'ps.txt', body: '  PID  RSS COMMAND\n    1  100 init\n' },
  ]
  const expected = [
    { path: 'proc/meminfo', size: 15, text: 'MemTotal: 1 kB\n' },
    { path: 'ps.txt', size: 35, text: '  PID  RSS COMMAND\n    1  100 init\n' },
  ]
  const cases: Array<[ArchiveFormat, Uint8Array]> = [
    ['tar', tar(members)],
    ['tar.gz', tarGz(members)],
    ['zip', zip(members.map((m) => ({ name: m.name, data: m.body })))],
  ]

  it.each(cases)('reads the same files from %s', async (format, bytes) => {
    expect(sniffArchive(bytes)).toBe(format)
    const got = await collect(readArchive(bytes, format))
    expect(got.map((e) => ('text' in e ? { path: e.path, size: e.size, text: e.text } : e))).toEqual(expected)
  })

  it('reads the real seed and kafka bundles through sniff + readArchive', async () => {
    for (const [name, count] of [
      ['seed/sta-18.tar.gz', 5],
      ['seed/sta-49.tar.gz', 4],
      ['kafka/baseline.tar.gz', 36],
    ] as const) {
      const bytes = fixture(name)
      const format = sniffArchive(bytes.subarray(0, 512))
      expect(format).toBe('tar.gz')
      let files = 0
      for await (const e of readArchive(bytes, format!)) if (!isArchiveSkip(e)) files++
      expect(files, name).toBe(count)
    }
  })

  it('reports failures as ArchiveError with a code', async () => {
    const err = await collect(readArchive(gzipSync(enc.encode('not a tar')).subarray(0, 10), 'tar.gz')).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(ArchiveError)
    expect(err).toBeInstanceOf(Error)
    expect((err as ArchiveError).name).toBe('ArchiveError')
    expect((err as ArchiveError).code).toBe('archive_corrupt')
    const unsupported = await collect(readArchive(zip([{ name: 'x', data: 'x', flags: 1 }]), 'zip')).catch((e: unknown) => e)
    expect((unsupported as ArchiveError).code).toBe('archive_unsupported')
  })
})
