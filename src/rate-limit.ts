// A token bucket per key: `perMinute` requests a minute, in bursts of up to the same number.
// In memory: per process on Node, per isolate on Workers (a soft limit there; Cloudflare's
// rate-limiting rules are the hard one).

export function rateLimiter(perMinute: number, now: () => number = Date.now) {
  const buckets = new Map<string, { tokens: number; at: number }>()
  /** 0 when the request may go, else the seconds to wait. `cost` 0 asks without taking. */
  return function take(key: string, cost = 1): number {
    if (perMinute <= 0) return 0
    const t = now()
    const bucket = buckets.get(key) ?? { tokens: perMinute, at: t }
    bucket.tokens = Math.min(perMinute, bucket.tokens + ((t - bucket.at) / 60_000) * perMinute)
    bucket.at = t
    buckets.set(key, bucket)
    if (bucket.tokens >= 1) {
      bucket.tokens -= cost
      return 0
    }
    return Math.max(1, Math.ceil(((1 - bucket.tokens) * 60) / perMinute))
  }
}
