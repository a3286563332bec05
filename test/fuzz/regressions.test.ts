// Minimal reproducers of the bugs the fuzzers found, kept as ordinary tests once fixed. A new bug
// found before its fix goes here as `it.fails` (asserting the right behaviour) with an entry in
// test/fuzz/known.ts; the fix turns it into `it` and empties that entry.
import { describe, expect, it } from 'vitest'
import { DumpScan } from '../../schemas/content.ts'
import { Dmesg } from '../../schemas/sources.ts'
import { readArchive } from '../../src/bundle/archive.ts'
import { safePath } from '../../src/bundle/paths.ts'
import { scanDump } from '../../src/content/scan.ts'
import { dumpTarget } from '../../src/content/target.ts'
import { parseDmesg } from '../../src/parsers/dmesg.ts'
import { collect } from '../helpers/archive.ts'
import { tar } from '../helpers/tar.ts'
import { zip } from '../helpers/zip.ts'

const enc = new TextEncoder()
async function* once(bytes: Uint8Array): AsyncGenerator<Uint8Array> {
  yield bytes
}
const hexRow = (offset: string, byte: string) =>
  `${offset}  ${Array(8).fill(byte).join(' ')}  ${Array(8).fill(byte).join(' ')}  |${String.fromCharCode(parseInt(byte, 16)).repeat(16)}|`

describe('fuzz regressions: dmesg', () => {
  // Was: rss (pages) x 4 was not checked against 2^53, as total_vm x 4 was.
  it('a task table rss of 2^51 pages gives a valid report (or a warning), not an unsafe rssKib', () => {
    const text = [
      '[  pid  ]   uid  tgid total_vm      rss pgtables_bytes swapents oom_score_adj name',
      '[      5]     0     5   422358   2251799813685248  2265088        0             0 fwlog',
    ].join('\n')
    const { data } = parseDmesg(text)
    expect(Dmesg.safeParse(data).error?.issues ?? []).toEqual([])
  })
})

describe('fuzz regressions: archive member paths', () => {
  // Was: safePath checked for a drive letter or a root before stripping `./`, so `./C:/x` became `C:/x`.
  it('safePath refuses a drive letter or a root behind ./', () => {
    expect(safePath('./C:/x')).toBeNull()
    expect(safePath('./C:x')).toBeNull()
    expect(safePath('./\\x')).toBeNull()
    expect(safePath('.//\\\\server\\share\\x')).toBeNull()
  })

  it('a tar member named ./C:/Windows/x is skipped as unsafe, not yielded as C:/Windows/x', async () => {
    const entries = await collect(readArchive(tar([{ name: './C:/Windows/x', body: 'x' }]), 'tar'))
    expect(entries).toEqual([expect.objectContaining({ code: 'entry_unsafe_path' })])
  })

  it('a zip member named ./\\\\server\\x is skipped as unsafe', async () => {
    const entries = await collect(readArchive(zip([{ name: './\\\\server\\x', data: 'x' }]), 'zip'))
    expect(entries).toEqual([expect.objectContaining({ code: 'entry_unsafe_path' })])
  })
})

describe('fuzz regressions: dump scanner', () => {
  // Was: the pid of a dump named `<digits>-<start>.bin` was Number(digits), unchecked.
  it('a dump named 99999999999999999999-7f2250000000.bin has a safe pid or none', async () => {
    expect(dumpTarget('dumps/99999999999999999999-7f2250000000.bin')?.pid ?? null).toBeNull()
    const scan = await scanDump(once(new Uint8Array(64)), { path: 'dumps/99999999999999999999-7f2250000000.bin' })
    expect(DumpScan.safeParse(scan).error?.issues ?? []).toEqual([])
  })

  // Found on the committed decode.ts; fixed by the uncommitted decode.ts in the tree (MAX_OFFSET,
  // overlong lines counted as lines): kept as guards.
  it('a forced-format line of 5,000 characters with no newline warns at line 1, not 0', async () => {
    const scan = await scanDump(once(enc.encode('x'.repeat(5000))), { format: 'xxd' })
    expect(DumpScan.safeParse(scan).error?.issues ?? []).toEqual([])
  })

  it('a hexdump row at offset 0x2251799813685248 leaves the sizes safe integers', async () => {
    const text = `${hexRow('00000000', '41')}\n${hexRow('2251799813685248', '42')}\n`
    const scan = await scanDump(once(enc.encode(text)), {})
    expect(scan.format).toBe('hexdump')
    expect(DumpScan.safeParse(scan).error?.issues ?? []).toEqual([])
  })

  it('a hexdump ending in the lone offset ffffffffffffffff leaves the sizes safe integers', async () => {
    const text = `${hexRow('00000000', '41')}\nffffffffffffffff\n`
    const scan = await scanDump(once(enc.encode(text)), {})
    expect(DumpScan.safeParse(scan).error?.issues ?? []).toEqual([])
  })

  it('an overlong line reads the same whether or not a chunk boundary falls inside it', async () => {
    const text = enc.encode(`${hexRow('00000000', '41')}\n${' '.repeat(4100)}${hexRow('00000010', '42')}\n${hexRow('00000020', '43')}\n`)
    const whole = await scanDump(once(text), { format: 'hexdump' })
    async function* split(): AsyncGenerator<Uint8Array> {
      yield text.slice(0, 4200)
      yield text.slice(4200)
    }
    const cut = await scanDump(split(), { format: 'hexdump' })
    expect(cut).toEqual(whole)
  })
})
