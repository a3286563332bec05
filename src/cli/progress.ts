/** The upload's progress: a live bar on a TTY, one summary line anywhere else. */

/** The stream the bar goes to (stderr), or a stand-in with `write` and `isTTY`. */
export type ProgressOutput = NodeJS.WriteStream | { isTTY?: boolean; write(text: string): unknown }

/** Bytes in MiB with one decimal, for messages about sizes. */
export const mib = (bytes: number) => (bytes / (1024 * 1024)).toFixed(1)

/**
 * One progress line: `[########------------]  12.0/48.0 MB  25%  6.1 MB/s` (MB = 10^6 bytes, as
 * network rates are counted).
 */
export function progressLine(sent: number, total: number, seconds: number, width = 24): string {
  const share = total > 0 ? Math.min(1, sent / total) : 1
  const filled = Math.round(share * width)
  const rate = seconds > 0 ? sent / 1e6 / seconds : 0
  const mb = (bytes: number) => (bytes / 1e6).toFixed(1)
  const percent = `${Math.floor(share * 100)}`.padStart(3)
  return `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${mb(sent)}/${mb(total)} MB ${percent}% ${rate.toFixed(1)} MB/s`
}

export class Progress {
  private sent = 0
  private readonly started = performance.now()
  private lastDraw = 0
  private finished = false

  constructor(
    private readonly total: number,
    private readonly out: ProgressOutput,
  ) {}

  add(bytes: number): void {
    this.sent += bytes
    if (!this.out.isTTY || this.finished) return
    const now = performance.now()
    if (now - this.lastDraw < 100 && this.sent < this.total) return
    this.lastDraw = now
    this.out.write(`\r${progressLine(this.sent, this.total, (now - this.started) / 1000)}`)
  }

  /** A failure: ends a TTY's bar line so the message starts on its own. */
  interrupt(): void {
    if (this.out.isTTY && !this.finished) this.out.write('\n')
    this.finished = true
  }

  finish(): void {
    if (this.finished) return
    this.finished = true
    const seconds = (performance.now() - this.started) / 1000
    if (this.out.isTTY) this.out.write(`\r${progressLine(this.sent, this.total, seconds)}\n`)
    else
      this.out.write(
        `uploaded ${this.sent} bytes in ${seconds.toFixed(2)} s (${(seconds > 0 ? this.sent / 1e6 / seconds : 0).toFixed(1)} MB/s)\n`,
      )
  }
}
