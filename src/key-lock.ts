// One task at a time per key, within this process (Node) or isolate (Workers). It closes the
// window between "is this bundle known?" and "record it" for uploads this process serves;
// across processes and isolates, the conditional write (storage's putJsonOnce) is what holds.

export function keyLock() {
  const tails = new Map<string, Promise<unknown>>()
  /** Runs `task` once every earlier task of `key` has settled. */
  return async function withLock<T>(key: string, task: () => Promise<T>): Promise<T> {
    const before = tails.get(key) ?? Promise.resolve()
    const run = before.then(task, task)
    const tail = run.catch(() => {})
    tails.set(key, tail)
    try {
      return await run
    } finally {
      if (tails.get(key) === tail) tails.delete(key)
    }
  }
}
