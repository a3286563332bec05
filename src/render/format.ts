// Numbers and labels as people read them, the same in every renderer.

import type { Gap, Metric } from '../../schemas/diagnosis.ts'
import type { Evidence, FindingKind } from '../../schemas/findings.ts'
import type { RegionClass } from '../../schemas/regions.ts'

const KIB_PER_MIB = 1024

/** MiB with as many decimals as the size needs: 290, 48.2, 0.7; tiny sizes stay in KiB. */
export function mib(kib: number): string {
  const abs = Math.abs(kib)
  if (abs === 0) return '0 MiB'
  if (abs < 100) return `${round(kib, 0)} KiB`
  const m = kib / KIB_PER_MIB
  if (Math.abs(m) >= 100) return `${count(m)} MiB`
  return `${trimZero(m.toFixed(1))} MiB`
}

/** A change: always signed, so growth and shrinkage read apart. */
export function signedMib(kib: number): string {
  return kib > 0 ? `+${mib(kib)}` : mib(kib)
}

export function bytes(n: number): string {
  const abs = Math.abs(n)
  if (abs < 1024) return `${round(n, 0)} B`
  if (abs < 1024 * 1024) return `${trimZero((n / 1024).toFixed(1))} KiB`
  if (abs < 1024 ** 3) return `${trimZero((n / 1024 ** 2).toFixed(1))} MiB`
  return `${trimZero((n / 1024 ** 3).toFixed(2))} GiB`
}

/** A fraction (0-1) as a percent; small shares keep a decimal so they do not read as zero. */
export function percent(fraction: number): string {
  const p = fraction * 100
  if (p > 0 && p < 0.05) return '<0.1%'
  if (p < 0 && p > -0.05) return '>-0.1%'
  if (p !== 0 && Math.abs(p) < 1) return `${trimZero(p.toFixed(1))}%`
  return `${Math.round(p)}%`
}

export function count(n: number): string {
  return Math.round(n).toLocaleString('en-US')
}

export function plural(n: number, one: string, many = `${one}s`): string {
  return `${count(n)} ${n === 1 ? one : many}`
}

function round(n: number, digits: number): string {
  return trimZero(n.toFixed(digits))
}

function trimZero(s: string): string {
  return s.includes('.') ? s.replace(/\.?0+$/, '') : s
}

// ---- labels ----------------------------------------------------------------

export const VERDICT_LABEL: Record<Gap['verdict'], string> = {
  'user-space': 'user space',
  kernel: 'kernel',
  shmem: 'shared memory',
  'page-cache': 'page cache',
  mixed: 'mixed',
  none: 'no gap',
}

export type GapPart = keyof Gap['breakdown']

export const PART_LABEL: Record<GapPart, string> = {
  anon: 'anonymous (user space)',
  file: 'file cache',
  shmem: 'shmem / tmpfs',
  slab: 'kernel slab',
  kernelStack: 'kernel stacks',
  pageTables: 'page tables',
  hugePages: 'huge pages',
  keptBack: 'cache held back',
  memTotal: 'less RAM',
  other: 'not itemized',
}

/** What the basis counts as available and so leaves out of the gap (MemAvailable only). */
export const RECLAIMABLE_LABEL: Record<'file' | 'slab', string> = {
  file: 'page cache',
  slab: 'reclaimable kernel memory',
}

export const METRIC_LABEL: Record<Metric, string> = { pss: 'PSS', rss: 'RSS', anon: 'anon' }

export const KIND_LABEL: Record<FindingKind, string> = {
  'queue-buildup': 'queue buildup',
  'heap-growth': 'heap growth',
  'kernel-growth': 'kernel growth',
  'oom-kill': 'OOM kill',
  'steady-growth': 'steady growth',
}

export const CLASS_LABEL: Record<RegionClass, string> = {
  arena: 'malloc arena',
  heap: 'heap (brk)',
  'thread-stack': 'thread stack',
  stack: 'stack',
  anon: 'other anon',
  file: 'file',
  shared: 'shared',
}

/** Confidence in words first: a bare 0.35 says little to someone reading a ticket. */
export function confidence(value: number): string {
  return `${confidenceLevel(value)} (${Math.round(value * 100)}%)`
}

export function confidenceLevel(value: number): 'high' | 'medium' | 'low' {
  return value >= 0.8 ? 'high' : value >= 0.5 ? 'medium' : 'low'
}

/** Where a piece of evidence sits: `logs/fwlog.log:12` or `dumps/x.bin @ 10328`. */
export function evidenceLocation(e: Evidence): string {
  if (e.line !== undefined) return `${e.file}:${e.line}`
  if (e.offset !== undefined) return `${e.file} @ offset ${count(e.offset)}`
  return e.file
}

export function shortId(id: string): string {
  return id.length > 12 ? `${id.slice(0, 12)}…` : id
}

/** Cut a label to fit a column, marking the cut. */
export function truncate(value: string, max: number): string {
  const chars = [...value]
  return chars.length <= max ? value : `${chars.slice(0, Math.max(1, max - 1)).join('')}…`
}
