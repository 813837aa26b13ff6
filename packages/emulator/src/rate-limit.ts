/**
 * A realistic rate limit (issue 24): Tink limits requests per app and answers 429 beyond it
 * (Tink API reference, Introduction > Rate limits). The emulator's model: a token bucket per client
 * id with a burst of N and N tokens a second; Tink's endpoints only, never /__emulator/.
 */

/** Whole requests a second; a value that is not one is refused (the bin and `tink emulator start` exit 2). */
export function parseRateLimit(text: string): number | undefined {
  const t = text.trim()
  if (t === '' || t === 'off' || t === 'none') return undefined
  const n = Number(t)
  if (!Number.isInteger(n) || n < 1) throw new Error(`bad rate limit "${text}": give whole requests a second (1 or more), or "off"`)
  return n
}

interface Bucket {
  tokens: number
  at: number
}

export class RateLimiter {
  private readonly buckets = new Map<string, Bucket>()

  constructor(
    private perSecond: number | undefined,
    private readonly now: () => number,
  ) {}

  get limit(): number | undefined {
    return this.perSecond
  }

  /** A new limit applies at once; buckets start full again. */
  set(perSecond: number | undefined): void {
    if (perSecond !== undefined && !(Number.isInteger(perSecond) && perSecond >= 1))
      throw new Error(`rate limit must be a whole number of 1 or more, got ${perSecond}`)
    this.perSecond = perSecond
    this.buckets.clear()
  }

  /** Takes one token of the client's bucket: undefined when allowed, else whole seconds to wait. */
  take(clientId: string): number | undefined {
    const rate = this.perSecond
    if (rate === undefined) return undefined
    const now = this.now()
    const b = this.buckets.get(clientId) ?? {tokens: rate, at: now}
    b.tokens = Math.min(rate, b.tokens + ((now - b.at) / 1000) * rate)
    b.at = now
    this.buckets.set(clientId, b)
    if (b.tokens >= 1) {
      b.tokens -= 1
      return undefined
    }
    return Math.max(1, Math.ceil((1 - b.tokens) / rate))
  }
}

/** What the server saw (GET /__emulator/stats): Tink requests received, and answers by status (0: reset). */
export class Stats {
  requests = 0
  readonly byStatus: Record<string, number> = {}

  count(status: number): void {
    const k = String(status)
    this.byStatus[k] = (this.byStatus[k] ?? 0) + 1
  }

  json(): {requests: number; byStatus: Record<string, number>} {
    return {requests: this.requests, byStatus: {...this.byStatus}}
  }
}
