import type { ClientSpec } from './types.ts'

/**
 * Fluent Bit (and td-agent-bit): inputs append records to chunks in memory until an output
 * flushes them.
 *
 * Shows as the fluent-bit process, its banner `Fluent Bit v2.1.10`, and log lines such as
 *   [2026/11/27 09:51:27] [ warn] [input] tail.0 paused (mem buf overlimit)
 *   [2026/11/27 09:51:27] [error] [output:forward:forward.0] no upstream connections available
 *   [2026/11/27 09:51:27] [ warn] [engine] failed to flush chunk '1-1701.flb', retry in 10 seconds
 *
 * Limits, checked in src/flb_input_chunk.c (`flb_warn("[input] %s paused (mem buf overlimit)")`:
 * the input stops reading at its limit) and the Buffering and Storage docs: `Mem_Buf_Limit` per
 * input, unset by default: no limit (the tail input can pause without loss; tcp, syslog and
 * forward inputs lose what arrives while paused). With `storage.type filesystem`, at most
 * `storage.max_chunks_up` chunks (128 by default, about 2 MB each) stay in memory and the rest
 * wait on disk, bounded by the output's `storage.total_limit_size`. Its HTTP server's
 * /api/v1/storage shows chunks up/down per input.
 */
export const FLUENT_BIT: ClientSpec = {
  id: 'fluent-bit',
  family: 'fluent-bit',
  name: 'Fluent Bit',
  seen: {
    text: /Fluent Bit v\d|\[input:[\w-]+:[\w.-]+\]|\[output:[\w-]+:[\w.-]+\]|"storage_layer":\s*\{/,
    program: /^(?:fluent-bit|td-agent-bit)$/,
  },
  down: /no upstream connections available|failed to flush chunk|\[(?:net|output:[^\]]+)\].*(?:connection refused|could not connect|timeout)/i,
  full: /paused \((?:mem|storage) buf overlimit\)/,
  limits: [
    { key: 'Mem_Buf_Limit', unit: 'bytes', default: null, zeroIsUnbounded: true, atLimit: 'pause', config: /^\s*Mem_Buf_Limit\s+(\S+)/i },
  ],
  fix: () => ['[INPUT]', '    Mem_Buf_Limit     32MB', '    storage.type      filesystem', '[OUTPUT]', '    storage.total_limit_size  1G'],
  advice: 'With filesystem storage the backlog waits on disk instead of in memory; set [SERVICE] storage.path too.',
}
