/**
 * What fills a memory dump, streaming: `scanDump(chunks, {path})` reads a dump of any size in
 * bounded memory (a window of WINDOW bytes plus a carried tail of at most CARRY bytes) and reports
 * its JSON records by key set, its text records by shape, and how much of it is records.
 *
 * The pipeline, per window: printable runs are found on the bytes four at a time (runs.ts); only
 * runs of MIN_TEXT bytes or more are decoded (they are ASCII, so TextDecoder is exact and fast)
 * and searched for `{"` (records.ts, json.ts); the text between records is classified (text.ts).
 * A run that reaches the window's end is carried over whole (up to CARRY bytes) so that records
 * straddling chunk boundaries are still found; a longer one is settled up to MAX_RECORD bytes
 * before its end and the rest carried.
 *
 * Pure: Web APIs only (TextDecoder, typed arrays, BigInt), for Node and workerd alike.
 */
import type { DumpFormat, DumpScan, RecordExample } from '../../schemas/content.ts'
import type { Warning } from '../../schemas/warning.ts'
import { decodeHexText, type HexDecodeStats, sniffDumpFormat } from './decode.ts'
import { mergeDiscriminators } from './fields.ts'
import { JsonRecords, MAX_RECORD } from './json.ts'
import { scanRun } from './records.ts'
import { redact } from './redact.ts'
import { findRuns } from './runs.ts'
import { addressAt, dumpTarget } from './target.ts'
import { MIN_TEXT, TextRecords } from './text.ts'

export { sniffDumpFormat } from './decode.ts'
export { dumpTarget } from './target.ts'

const WINDOW = 256 * 1024
/** An open run up to this long is carried whole; a longer one is settled but for MAX_RECORD. */
const CARRY = 2 * MAX_RECORD
const MIN_RUN = 8
const SNIFF_BYTES = 4096
const TOP = 10
const EXAMPLE_CHARS = 300

export interface ScanOptions {
  /** The input format; sniffed from the content when absent. */
  format?: DumpFormat
  /** The dump's path in the bundle: names the process and region, and the file in warnings. */
  path?: string
}

/** The streaming core: push bytes (and elided stretches) in stream order, then finish(). */
export class DumpScanner {
  private buffer = new Uint8Array(WINDOW + CARRY)
  private words = new Uint32Array(this.buffer.buffer, 0, this.buffer.length >>> 2)
  private fill = 0
  private base = 0 // stream offset of buffer[0]
  private continued = false // buffer[0] continues a run already counted
  private runs: number[] = []
  private decoder = new TextDecoder('utf-8')
  readonly json = new JsonRecords()
  readonly text = new TextRecords()
  bytesScanned = 0
  bytesElided = 0
  printableBytes = 0
  printableRuns = 0

  /** Sets where the stream starts (a hexdump of a region's middle starts past 0). */
  startAt(offset: number): void {
    if (this.bytesScanned === 0 && this.fill === 0) this.base = offset
  }

  push(bytes: Uint8Array): void {
    let from = 0
    this.bytesScanned += bytes.length
    while (from < bytes.length) {
      const room = this.buffer.length - this.fill
      const n = Math.min(room, bytes.length - from)
      this.buffer.set(bytes.subarray(from, from + n), this.fill)
      this.fill += n
      from += n
      if (this.fill === this.buffer.length) this.process(false)
    }
  }

  /** `length` bytes the dump elided (hexdump `*`): scanned, not records; they end any run. */
  elide(length: number): void {
    this.process(true)
    this.bytesScanned += length
    this.bytesElided += length
    this.base += length
  }

  /** `length` bytes absent from the input (hexdump offsets that jump): not scanned; they end any run. */
  skip(length: number): void {
    this.process(true)
    this.base += length
  }

  /** Scans what is buffered. Unless `final`, a run reaching the end is carried to the next window. */
  private process(final: boolean): void {
    const buffer = this.buffer
    const fill = this.fill
    const runs = findRuns(buffer, this.words, fill, MIN_RUN, this.runs)
    let keep = fill
    let continued = false
    for (let r = 0; r < runs.length; r += 2) {
      const start = runs[r]!
      const end = runs[r + 1]!
      const open = !final && end === fill
      if (open && end - start <= CARRY) {
        keep = start
        break
      }
      const head = start === 0 && this.continued
      if (!head) this.printableRuns++
      if (end - start < MIN_TEXT) {
        this.printableBytes += end - start
        continue
      }
      const t = this.decoder.decode(buffer.subarray(start, end))
      const done = scanRun(t, this.base + start, !open, this.json, this.text)
      this.printableBytes += done
      if (open) {
        keep = start + done
        continued = true
      }
    }
    runs.length = 0
    buffer.copyWithin(0, keep, fill)
    this.fill = fill - keep
    this.base += keep
    this.continued = continued
  }

  finish(format: DumpFormat, path: string | undefined, warnings: Warning[]): DumpScan {
    this.process(true)
    const target = path !== undefined ? dumpTarget(path) : null
    const bytesScanned = this.bytesScanned
    const example = (raw: { text: string; offset: number; bytes: number }): RecordExample => {
      const { text, truncated } = redact(raw.text, EXAMPLE_CHARS)
      return {
        text,
        offset: raw.offset,
        address: target !== null && format !== 'strings' ? addressAt(target.start, raw.offset) : null,
        bytes: raw.bytes,
        truncated: truncated || raw.text.length < raw.bytes,
      }
    }
    const json = this.json.finish(bytesScanned, TOP, example)
    const text = this.text.finish(bytesScanned, TOP, example)
    const textTotals = this.text.totals()
    const bytesInJsonRecords = this.json.bytes
    const bytesInRecords = bytesInJsonRecords + textTotals.bytes
    if (this.text.overflowed) {
      warnings.push(
        withFile(
          {
            code: 'dump_many_shapes',
            message: 'more distinct shapes of log, syslog, statsd, XML or key=value records than the table holds: the rest are folded',
          },
          path,
        ),
      )
    }
    if (bytesScanned === 0) warnings.push(withFile({ code: 'dump_empty', message: 'the dump is empty' }, path))

    const biggestJson = json.clusters.find((c) => c.count > 0)
    const biggestText = text.clusters.find((c) => c.record)
    let dominantKind: DumpScan['dominantKind'] = 'none'
    let dominantCluster: string | null = null
    let dominantBytes = 0
    if (biggestJson && biggestJson.bytes >= (biggestText?.bytes ?? 0)) {
      dominantKind = 'json'
      dominantCluster = biggestJson.keySignature
      dominantBytes = biggestJson.bytes
    } else if (biggestText) {
      dominantKind = 'text'
      dominantCluster = biggestText.shape
      dominantBytes = biggestText.bytes
    }
    const share = (n: number): number => (bytesScanned > 0 ? Math.min(1, n / bytesScanned) : 0)
    return {
      format,
      target,
      bytesScanned,
      bytesElided: this.bytesElided,
      printableBytes: this.printableBytes,
      printableRuns: this.printableRuns,
      bytesInRecords,
      bytesInJsonRecords,
      bytesInTextRecords: textTotals.bytes,
      bytesInPartialRecords: this.json.partialBytes,
      bytesFragments: this.text.fragments.bytes,
      bytesOther: bytesScanned - bytesInRecords,
      recordShare: share(bytesInRecords),
      jsonRecords: this.json.records,
      partialJsonRecords: this.json.partialRecords,
      textRecords: textTotals.count,
      dominantKind,
      dominantCluster,
      dominantShare: share(dominantBytes),
      json,
      text,
      discriminators: mergeDiscriminators(json.clusters),
      warnings,
    }
  }
}

function withFile(warning: Warning, path: string | undefined): Warning {
  return path !== undefined ? { ...warning, file: path } : warning
}

/** The first chunks, up to `bytes`, and an iterable that replays them before the rest. */
async function peek(chunks: AsyncIterable<Uint8Array>, bytes: number): Promise<{ head: Uint8Array; all: AsyncIterable<Uint8Array> }> {
  const iterator = chunks[Symbol.asyncIterator]()
  const first: Uint8Array[] = []
  let length = 0
  let done = false
  while (length < bytes) {
    const next = await iterator.next()
    if (next.done) {
      done = true
      break
    }
    first.push(next.value)
    length += next.value.length
  }
  const head = new Uint8Array(Math.min(length, bytes))
  let at = 0
  for (const chunk of first) {
    if (at >= head.length) break
    const part = chunk.subarray(0, head.length - at)
    head.set(part, at)
    at += part.length
  }
  async function* all(): AsyncGenerator<Uint8Array> {
    yield* first
    if (done) return
    for (;;) {
      const next = await iterator.next()
      if (next.done) return
      yield next.value
    }
  }
  return { head, all: all() }
}

/**
 * Scans a dump given as a stream of chunks (any sizes). The format is `options.format`, else
 * sniffed from the content (a `.bin` name keeps text-like memory binary).
 */
export async function scanDump(chunks: AsyncIterable<Uint8Array>, options: ScanOptions = {}): Promise<DumpScan> {
  const { head, all } = await peek(chunks, SNIFF_BYTES)
  let format = options.format ?? sniffDumpFormat(head)
  if (options.format === undefined && format === 'strings' && /\.bin$/i.test(options.path ?? '')) format = 'binary'
  const scanner = new DumpScanner()
  const warnings: Warning[] = []
  if (format === 'hexdump' || format === 'xxd') {
    const stats: HexDecodeStats = { lines: 0, badLines: 0, firstBadLine: null, backwards: 0, jumps: 0 }
    let first = true
    for await (const piece of decodeHexText(all, format, stats)) {
      if (first) scanner.startAt(piece.offset)
      first = false
      if (piece.kind === 'bytes') scanner.push(piece.bytes)
      else if (piece.kind === 'elided') scanner.elide(piece.length)
      else scanner.skip(piece.length)
    }
    if (stats.badLines > 0) {
      const warning: Warning = withFile(
        { code: 'dump_hex_bad_lines', message: `${stats.badLines} of ${stats.lines} lines are not ${format} rows: skipped` },
        options.path,
      )
      if (stats.firstBadLine !== null) warning.line = stats.firstBadLine
      warnings.push(warning)
    }
    if (stats.jumps > 0) {
      warnings.push(
        withFile(
          {
            code: 'dump_hex_offsets_jump',
            message: `${stats.jumps} times the offsets jump ahead with no \`*\`: the bytes between are missing, not scanned`,
          },
          options.path,
        ),
      )
    }
    if (stats.backwards > 0) {
      warnings.push(
        withFile({ code: 'dump_hex_offsets_backwards', message: `${stats.backwards} rows go back in offset: skipped` }, options.path),
      )
    }
  } else {
    for await (const chunk of all) scanner.push(chunk)
    if (format === 'strings') {
      warnings.push(
        withFile(
          {
            code: 'dump_strings_text',
            message: 'a strings listing: sizes and offsets are of the text, not of the memory it was taken from',
          },
          options.path,
        ),
      )
    }
  }
  return scanner.finish(format, options.path, warnings)
}
