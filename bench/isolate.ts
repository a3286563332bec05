// The Worker's own memory, as Cloudflare counts it against 128 MiB per isolate: sampled from V8
// through wrangler dev's inspector (Runtime.getHeapUsage: the JS heap, plus the ArrayBuffer
// backing stores and embedder memory outside it). The workerd process's RSS, beside it, also
// holds the runtime itself and garbage V8 has not yet had a reason to collect.
import WebSocket from 'ws'

interface HeapUsage {
  usedSize: number
  totalSize: number
  embedderHeapUsedSize?: number
  backingStorageSize?: number
}

export interface IsolatePeak {
  usedMiB: number // JS heap + backing stores + embedder at the highest sample
  heapMiB: number // of which JS heap
  heapCommittedMiB: number // heap V8 had reserved then
  idleMiB: number
  samples: number
}

const mib = (b: number) => Math.round((b / 1048576) * 10) / 10
const total = (h: HeapUsage) => h.usedSize + (h.backingStorageSize ?? 0) + (h.embedderHeapUsedSize ?? 0)

/** Samples the Worker's isolate every `everyMs` while `during` runs. */
export async function isolatePeak<T>(inspectorPort: number, during: () => Promise<T>, everyMs = 20): Promise<[T, IsolatePeak]> {
  const targets = (await (await fetch(`http://127.0.0.1:${inspectorPort}/json`)).json()) as { webSocketDebuggerUrl: string }[]
  const ws = new WebSocket(targets[0]!.webSocketDebuggerUrl)
  await new Promise((open, fail) => ws.once('open', open).once('error', fail))
  let next = 0
  const answers = new Map<number, (usage: HeapUsage) => void>()
  ws.on('message', (data: Buffer) => {
    const message = JSON.parse(String(data)) as { id?: number; result?: HeapUsage }
    if (message.id !== undefined) answers.get(message.id)?.(message.result!)
  })
  const usage = () =>
    new Promise<HeapUsage>((answer) => {
      const id = ++next
      answers.set(id, answer)
      ws.send(JSON.stringify({ id, method: 'Runtime.getHeapUsage' }))
    })
  try {
    const idle = await usage()
    let peak = idle
    let samples = 0
    let running = true
    const sampler = (async () => {
      while (running) {
        const now = await usage()
        samples++
        if (total(now) > total(peak)) peak = now
        await new Promise((r) => setTimeout(r, everyMs))
      }
    })()
    const result = await during().finally(() => (running = false))
    await sampler
    return [
      result,
      { usedMiB: mib(total(peak)), heapMiB: mib(peak.usedSize), heapCommittedMiB: mib(peak.totalSize), idleMiB: mib(total(idle)), samples },
    ]
  } finally {
    ws.close()
  }
}
