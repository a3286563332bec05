import type { FileKind, ParsedBundle, ProcessMap } from '../../schemas/bundle.ts'
import type { Manifest, Meminfo } from '../../schemas/parsers.ts'
import type { Warning } from '../../schemas/warning.ts'
import { parseClientLines } from '../parsers/client-lines.ts'
import { parseDmesg } from '../parsers/dmesg.ts'
import { parseKafkaConfig } from '../parsers/kafka-config.ts'
import { parseKafkaLog } from '../parsers/kafka-log.ts'
import { parseKafkaStats } from '../parsers/kafka-stats.ts'
import { parseManifest } from '../parsers/manifest.ts'
import { parseMaps } from '../parsers/maps.ts'
import { parseMeminfo } from '../parsers/meminfo.ts'
import { looksLikeOpenFiles, parseOpenFiles } from '../parsers/open-files.ts'
import { parsePmap } from '../parsers/pmap.ts'
import { parsePs } from '../parsers/ps.ts'
import { parseSlabinfo } from '../parsers/slabinfo.ts'
import { parseSmapsRollup } from '../parsers/smaps-rollup.ts'
import { parseSmaps } from '../parsers/smaps.ts'
import { parseStatus } from '../parsers/status.ts'
import type { ProcessSources } from './combine.ts'
import { nameFromPath, pidFromPath } from './hints.ts'

// One parser per kind of text file, and where each result goes in the bundle. An explicit table:
// adding a source is one line here and one parser module.

export interface Found extends ProcessSources {
  meminfo: (Meminfo & { file: string })[]
  manifest: Manifest | null
  hostname?: string // the first line of an `etc/hostname`-like file: the host when nothing else names it
  procMaps: ParsedBundle['procMaps']
  smaps: ParsedBundle['smaps']
  kafkaConfigs: ParsedBundle['kafkaConfigs']
  kafkaStats: ParsedBundle['kafkaStats']
  kafkaLogs: ParsedBundle['kafkaLogs']
  oom: ParsedBundle['oom']
  slabinfo: NonNullable<ParsedBundle['slabinfo']>[]
  dumps: ParsedBundle['dumps']
  clientLines: ParsedBundle['clientLines']
  openFiles: ParsedBundle['openFiles']
}

export function emptyFound(): Found {
  return {
    meminfo: [], manifest: null, ps: [], statuses: [], rollups: [], maps: [],
    procMaps: [], smaps: [], kafkaConfigs: [], kafkaStats: [], kafkaLogs: [], oom: [], slabinfo: [], dumps: [], clientLines: [], openFiles: [],
  }
}

type Store = (text: string, file: string, found: Found) => Warning[]

const STORES: Partial<Record<FileKind, Store>> = {
  meminfo(text, file, found) {
    const { data, warnings } = parseMeminfo(text, file)
    found.meminfo.push({ ...data, file })
    return warnings
  },
  ps(text, file, found) {
    const { data, warnings } = parsePs(text, file)
    found.ps.push({ file, ps: data })
    return warnings
  },
  pmap(text, file, found) {
    const { data, warnings } = parsePmap(text, file)
    const map: ProcessMap = { file, pid: data.pid ?? pidFromPath(file), name: nameFromPath(file), pmap: data }
    found.maps.push(map)
    return warnings
  },
  smaps_rollup(text, file, found) {
    const { data, warnings } = parseSmapsRollup(text, file)
    found.rollups.push({ ...data, file, pid: pidFromPath(file) })
    return warnings
  },
  status(text, file, found) {
    const { data, warnings } = parseStatus(text, file)
    found.statuses.push({ ...data, pid: data.pid ?? pidFromPath(file), file })
    return warnings
  },
  manifest(text, file, found) {
    const { data, warnings } = parseManifest(text, file)
    found.manifest ??= data
    return warnings
  },
  maps(text, file, found) {
    const { data, warnings } = parseMaps(text, file)
    found.procMaps.push({ file, pid: pidFromPath(file), rows: data.rows })
    return warnings
  },
  smaps(text, file, found) {
    const { data, warnings } = parseSmaps(text, file)
    found.smaps.push({ file, pid: pidFromPath(file), rows: data.rows })
    return warnings
  },
  'kafka-config'(text, file, found) {
    const { data, warnings } = parseKafkaConfig(text, file)
    found.kafkaConfigs.push({ ...data, file })
    return warnings
  },
  'kafka-stats'(text, file, found) {
    const { data, warnings } = parseKafkaStats(text, file)
    const first = data.samples[0]
    const latest = data.samples.at(-1)
    if (first && latest) found.kafkaStats.push({ file, samples: data.samples.length, first, latest })
    return warnings
  },
  log(text, file, found) {
    const { data, warnings } = parseKafkaLog(text, file)
    if (data.events.length || data.libraryVersion) found.kafkaLogs.push({ ...data, file })
    return warnings
  },
  dmesg(text, file, found) {
    const { data, warnings } = parseDmesg(text, file)
    found.oom.push({ ...data, file })
    return warnings
  },
  slabinfo(text, file, found) {
    const { data, warnings } = parseSlabinfo(text, file)
    found.slabinfo.push({ ...data, file })
    return warnings
  },
}

export const PARSED_KINDS = new Set(Object.keys(STORES) as FileKind[])

export function parseInto(kind: FileKind, file: string, text: string, found: Found): Warning[] {
  return STORES[kind]?.(text, file, found) ?? []
}

/** Kinds whose lines may name a messaging client (logs, configs, statistics, thread and module lists). */
export const CLIENT_LINE_KINDS: ReadonlySet<FileKind> = new Set(['log', 'unknown', 'kafka-config', 'kafka-stats', 'manifest'])

export function storeClientLines(text: string, file: string, found: Found): void {
  // Only proc/<pid>/ says whose file it is: config/etc/rsyslog.d/60-forward.conf is no PID 60's.
  const pid = /(?:^|\/)proc\/(\d+)\//.exec(file)?.[1]
  const lines = parseClientLines(text, file, pid ? Number(pid) : null)
  if (lines.lines.length) found.clientLines.push(lines)
  if (looksLikeOpenFiles(text)) found.openFiles.push({ file, pid: pid ? Number(pid) : null, ...parseOpenFiles(text) })
}
