// A byte queue over a ReadableStream: the tar reader's only buffer (Web APIs only).
import { corrupt } from './entries.ts'

/**
 * Reads a byte stream in the sizes the tar format needs while holding at most one source chunk.
 * `readExact` and `readChunk` return views of the source chunk when they can (no copy).
 */
export class ByteQueue {
  #reader: ReadableStreamDefaultReader<Uint8Array>
  #chunk: Uint8Array = new Uint8Array(0)
  #pos = 0
  #eof = false
  /** Bytes consumed so far (for error messages). */
  offset = 0

  constructor(stream: ReadableStream<Uint8Array>) {
    this.#reader = stream.getReader()
  }

  /** Make the current chunk non-empty; false at end of stream. */
  async #fill(): Promise<boolean> {
    while (this.#pos >= this.#chunk.byteLength) {
      if (this.#eof) return false
      const { done, value } = await this.#reader.read()
      if (done) {
        this.#eof = true
        this.#chunk = new Uint8Array(0)
        this.#pos = 0
        return false
      }
      this.#chunk = value
      this.#pos = 0
    }
    return true
  }

  /**
   * Exactly `n` bytes, or null when the stream ends before the first of them.
   * Returns a view when the bytes lie in one chunk, else a copy of `n` bytes.
   * Throws 'archive_corrupt' when the stream ends part-way.
   */
  async readExact(n: number, what: string): Promise<Uint8Array | null> {
    if (!(await this.#fill())) return null
    const avail = this.#chunk.byteLength - this.#pos
    if (avail >= n) {
      const view = this.#chunk.subarray(this.#pos, this.#pos + n)
      this.#pos += n
      this.offset += n
      return view
    }
    const out = new Uint8Array(n)
    let filled = 0
    while (filled < n) {
      if (!(await this.#fill())) {
        throw corrupt(`unexpected end of archive in ${what} (${filled} of ${n} bytes at offset ${this.offset})`)
      }
      const take = Math.min(this.#chunk.byteLength - this.#pos, n - filled)
      out.set(this.#chunk.subarray(this.#pos, this.#pos + take), filled)
      this.#pos += take
      this.offset += take
      filled += take
    }
    return out
  }

  /** Up to `max` bytes as a view of the current chunk; null at end of stream. */
  async readChunk(max: number): Promise<Uint8Array | null> {
    if (!(await this.#fill())) return null
    const take = Math.min(this.#chunk.byteLength - this.#pos, max)
    const view = this.#chunk.subarray(this.#pos, this.#pos + take)
    this.#pos += take
    this.offset += take
    return view
  }

  /** Drop `n` bytes; returns how many were dropped (fewer only at end of stream). */
  async skip(n: number): Promise<number> {
    let left = n
    while (left > 0) {
      if (!(await this.#fill())) break
      const take = Math.min(this.#chunk.byteLength - this.#pos, left)
      this.#pos += take
      left -= take
    }
    this.offset += n - left
    return n - left
  }

  /** Read to the end of the stream, discarding (lets gzip verify its trailer). */
  async drain(): Promise<void> {
    while (await this.#fill()) this.#pos = this.#chunk.byteLength
  }

  async cancel(reason?: unknown): Promise<void> {
    try {
      await this.#reader.cancel(reason)
    } catch {
      // an errored stream rejects cancel(); nothing to do
    }
  }
}
