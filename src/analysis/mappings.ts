import type { RegionClass } from '../../schemas/regions.ts'

// Classifies mappings the way one reads a pmap by eye. Rules, in order:
// - a name in brackets the kernel gives ([heap], [stack]) or a file name says it;
// - a shared mode (`s` in the flags) or a SysV/tmpfs name is shared memory;
// - glibc's malloc arenas are 64 MiB heaps aligned to 64 MiB (HEAP_MAX_SIZE on 64-bit): an `rw`
//   part at an aligned address, the rest reserved `---` (adjacent heaps may merge into one row);
// - a thread stack is an `rw` anonymous mapping right after a small `---` guard page;
// - anonymous memory low in the address space (below the mmap area) is the brk heap, which
//   procps prints as `[ anon ]`.

export interface Mapping {
  address: string // hex
  kbytes: number
  dirtyKib: number | null
  mode: string // rw--- (procps), rw-p / rw-s (busybox, maps)
  mapping: string // '[ anon ]', '[heap]', '' (maps), '/usr/lib/libc.so.6', 'libc.so.6'
  line?: number // in its pmap, for evidence
}

const ARENA_ALIGN = 64n * 1024n * 1024n
const ARENA_KIB = 64 * 1024
const MMAP_FLOOR = 0x10000000000n // 1 TiB: x86-64 and arm64 mmap areas start far above the brk heap

const isAnonName = (name: string) => name === '' || name === '[ anon ]' || name === '[anon]' || name.startsWith('[anon:')
const isReserved = (m: Mapping) => m.mode.startsWith('---')

function address(m: Mapping): bigint {
  try {
    return BigInt(`0x${m.address}`)
  } catch {
    return 0n
  }
}

export function isShared(m: Mapping): boolean {
  return /^...s/.test(m.mode) || /^\/(dev\/shm|SYSV|memfd:)|^SYSV|\[ shmid=|^\[ shmem/.test(m.mapping)
}

/** One class per mapping, in order; `rows` must be in address order as pmap prints them. */
export function classifyMappings(rows: Mapping[]): RegionClass[] {
  return rows.map((row, i) => {
    const name = row.mapping.trim()
    if (name === '[heap]') return 'heap'
    if (name === '[stack]' || name === '[ stack ]') return 'stack'
    if (isShared(row)) return 'shared'
    if (!isAnonName(name)) return name.startsWith('[') ? 'anon' : 'file'
    if (isReserved(row)) return 'anon'
    const start = address(row)
    const next = rows[i + 1]
    const tail = next && isAnonName(next.mapping.trim()) && isReserved(next) ? next.kbytes : 0
    if (start % ARENA_ALIGN === 0n && start >= MMAP_FLOOR && (row.kbytes + tail) % ARENA_KIB === 0) return 'arena'
    if (start % ARENA_ALIGN === 0n && start >= MMAP_FLOOR && row.kbytes <= ARENA_KIB && tail > 0) return 'arena'
    const prev = rows[i - 1]
    if (prev && isAnonName(prev.mapping.trim()) && isReserved(prev) && prev.kbytes <= 64) return 'thread-stack'
    if (start < MMAP_FLOOR) return 'heap'
    return 'anon'
  })
}

/** How many 64 MiB heaps an arena row spans (adjacent heaps merge in pmap). */
export function arenaHeaps(row: Mapping, tailKib: number): number {
  return Math.max(1, Math.round((row.kbytes + tailKib) / ARENA_KIB))
}
