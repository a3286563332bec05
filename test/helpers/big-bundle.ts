import { randomBytes } from 'node:crypto'
import { tarGz } from './tar.ts'

/** A fresh bundle of about 6 MiB (a random dump does not compress): more than one 5 MiB part. */
export function bigBundle(): Uint8Array<ArrayBuffer> {
  const meminfo = 'MemTotal:        2048000 kB\nMemFree:          100000 kB\nMemAvailable:     500000 kB\n'
  const dump = new Uint8Array(randomBytes(6 * 1024 * 1024))
  return new Uint8Array(
    tarGz([
      { name: 'proc/meminfo', body: meminfo },
      { name: 'dumps/7-7f0000000000-7f0000600000.bin', body: dump },
    ]),
  )
}
