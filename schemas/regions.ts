import { z } from 'zod'

/** What a mapping is for, as far as its address, size, mode and name tell. */
export const RegionClass = z.enum(['heap', 'arena', 'thread-stack', 'stack', 'anon', 'file', 'shared'])
export type RegionClass = z.infer<typeof RegionClass>

export const ANON_CLASSES = ['heap', 'arena', 'thread-stack', 'stack', 'anon'] as const

/** KiB by class: only anonymous classes carry dirty anonymous memory. */
export const ClassKib = z.partialRecord(RegionClass, z.number().int())

export const RegionSide = z.object({
  file: z.string(),
  pid: z.number().int().nullable(),
  dirtyAnonKib: z.number().int(),
  byClass: ClassKib,
  arenas: z.number().int(), // glibc malloc arenas (64 MiB heaps) with dirty pages
})
export type RegionSide = z.infer<typeof RegionSide>

export const Region = z.object({
  address: z.string(),
  kbytes: z.number().int(),
  dirtyKib: z.number().int(),
  class: RegionClass,
  mapping: z.string(),
  excerpt: z.string(), // the row as a person would find it in the file (see Evidence)
  file: z.string().optional(), // the pmap it is in: a program's instances have one each
  line: z.number().int().positive().optional(),
})
export type Region = z.infer<typeof Region>

/** Step 3 of the method: one program's mappings on both sides. */
export const ProcessRegions = z.object({
  process: z.string(),
  // procps pmap's Dirty counts shared dirty pages too; busybox and smaps' Private_Dirty do not.
  metric: z.enum(['dirty', 'private-dirty']),
  baseline: RegionSide.nullable(),
  suspect: RegionSide.nullable(),
  deltaDirtyAnonKib: z.number().int().nullable(),
  deltaByClass: ClassKib,
  concentratedIn: RegionClass.nullable(), // the class holding most (60 %+) of the growth
  top: z.array(Region), // the suspect's largest dirty anonymous regions
})
export type ProcessRegions = z.infer<typeof ProcessRegions>
