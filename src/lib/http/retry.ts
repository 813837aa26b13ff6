/** When a failed attempt is tried again, and how long the client waits before it does. */
import {interrupted} from '../errors/cli-error.js'

export const DEFAULT_RETRY_STATUSES: readonly number[] = [429, 502, 503, 504]

/** Network failures worth another attempt (a timeout is retried at most once: see HttpClient). */
export const RETRYABLE_NETWORK_CODES = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'EPIPE',
  'ETIMEDOUT',
  'EAI_AGAIN',
  'UND_ERR_SOCKET',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
  'UND_ERR_CLOSED',
])

/** Exponential backoff with full jitter: spreads retries of many workers apart. */
export function backoffDelay(baseMs: number, attempt: number): number {
  const cap = Math.min(baseMs * 2 ** attempt, 8_000)
  return Math.round(cap / 2 + (Math.random() * cap) / 2)
}

/** A wait that ends early, as an interruption, when `signal` aborts (Ctrl-C during a backoff). */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(interrupted())
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort)
      resolve()
    }, ms)
    const onAbort = (): void => {
      clearTimeout(timer)
      reject(interrupted())
    }
    signal?.addEventListener('abort', onAbort, {once: true})
  })
}

/**
 * Retry-After in delta-seconds or as an HTTP date (RFC 9110: IMF-fixdate, or the obsolete RFC 850
 * and asctime forms); undefined when absent, negative, unreadable or a date already past, and the
 * caller then backs off exponentially. Only those forms: Date.parse reads nearly anything ("-5" is
 * a year), which made garbage a zero wait.
 */
export function parseRetryAfter(value: string | undefined, now = Date.now()): number | undefined {
  if (!value) return undefined
  const v = value.trim()
  if (/^\d+(\.\d+)?$/.test(v)) {
    const ms = Number(v) * 1000
    return Number.isFinite(ms) ? Math.round(ms) : Number.MAX_SAFE_INTEGER
  }
  const httpDate =
    /^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d{2} (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4} \d{2}:\d{2}:\d{2} GMT$/.test(v) ||
    /^(Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday), \d{2}-(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)-\d{2} \d{2}:\d{2}:\d{2} GMT$/.test(
      v,
    ) ||
    /^(Mon|Tue|Wed|Thu|Fri|Sat|Sun) (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) [ \d]\d \d{2}:\d{2}:\d{2} \d{4}$/.test(v)
  if (!httpDate) return undefined
  const at = Date.parse(v.endsWith('GMT') ? v : `${v} GMT`)
  if (Number.isNaN(at) || at <= now) return undefined
  return at - now
}
