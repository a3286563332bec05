// Fixtures for the content tests: real dumps extracted from the committed bundles into a temp dir.
import { execFileSync } from 'node:child_process'
import { createReadStream, existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

const here = (path: string): string => fileURLToPath(new URL(path, import.meta.url))

/** A committed archive, else the shared copy it was taken from. */
export function archive(committed: string, shared: string): string {
  const local = here(`../fixtures/${committed}`)
  return existsSync(local) ? local : shared
}

export const KAFKA_SUSPECT = archive('kafka/suspect.tar.gz', '/work/shared/fixtures/kafka/suspect.tar.gz')
export const KAFKA_BASELINE = archive('kafka/baseline.tar.gz', '/work/shared/fixtures/kafka/baseline.tar.gz')
export const SEED_STA18 = archive('seed/sta-18.tar.gz', '/work/shared/fixtures/seed/sta-18.tar.gz')

/** test/content/fixtures/<name> */
export const contentFixture = (name: string): string => here(`./fixtures/${name}`)

/** Extracts members of a .tar.gz into a fresh temp dir; returns the dir and a cleanup. */
export function extract(archivePath: string, members: string[]): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'memgap-content-'))
  execFileSync('tar', ['xzf', archivePath, '-C', dir, ...members.map((m) => `./${m}`)])
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) }
}

/** A file as a stream of chunks of the given size. */
export function fileChunks(path: string, chunkSize = 64 * 1024): AsyncIterable<Uint8Array> {
  return createReadStream(path, { highWaterMark: chunkSize }) as AsyncIterable<Uint8Array>
}

/** Bytes as a stream of chunks of the given size (copies: nothing shares the caller's buffer). */
export async function* chunksOf(bytes: Uint8Array, chunkSize: number): AsyncGenerator<Uint8Array> {
  for (let at = 0; at < bytes.length; at += chunkSize) yield bytes.slice(at, at + chunkSize)
}

/** A small deterministic PRNG (mulberry32). */
export function prng(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}
