import type { ParsedBundle } from '../../schemas/bundle.ts'
import type { Evidence } from '../../schemas/findings.ts'
import { LIBRDKAFKA } from '../queues/librdkafka.ts'
import { mappingMatching } from './clients.ts'

// What a bundle says about one program's Kafka client: the library in its mappings, its
// configuration, its statistics and its log. Files are tied to a program by name (the file's
// stem, client.id, the statistics' client_id, `name[pid]:` in log lines) or by PID.

export interface KafkaEvidence {
  library: Evidence | null
  config: ParsedBundle['kafkaConfigs'][number] | null
  stats: ParsedBundle['kafkaStats'][number] | null
  log: ParsedBundle['kafkaLogs'][number] | null
}

const stem = (file: string) => (file.split('/').pop() ?? '').replace(/\.[^.]*$/, '')
const LIBRARY = LIBRDKAFKA.seen.library!

export function kafkaEvidence(bundle: ParsedBundle, side: Evidence['bundle'], process: string): KafkaEvidence {
  const pids = new Set(bundle.processes.filter((p) => p.name === process && p.pid !== null).map((p) => p.pid!))
  const mine = (file: string, pid: number | null, ...names: (string | null)[]) =>
    (pid !== null && pids.has(pid)) || stem(file) === process || names.includes(process)

  const config = bundle.kafkaConfigs.find((c) => mine(c.file, null, c.clientId)) ?? null
  const stats = bundle.kafkaStats.find((s) => mine(s.file, null, s.latest.clientId, s.latest.name?.split('#')[0] ?? null)) ?? null
  const log = bundle.kafkaLogs.find((l) => mine(l.file, null, ...l.events.slice(0, 20).map((e) => e.process))) ?? null
  return { library: libraryMapping(bundle, side, (file, pid) => mine(file, pid)), config, stats, log }
}

function libraryMapping(
  bundle: ParsedBundle,
  side: Evidence['bundle'],
  mine: (file: string, pid: number | null) => boolean,
): Evidence | null {
  return mappingMatching(bundle, side, mine, LIBRARY)
}
