/** What the HTTP client is given and gives back. */
import type {CliError} from '../errors/cli-error.js'
import type {ProxySettings} from './proxy.js'

export interface HttpClientOptions {
  baseUrl: string
  timeoutMs: number
  /** How many times a failed attempt is tried again (0 = once in all); a timed-out attempt at most once. */
  retries: number
  userAgent: string
  /** Receives --verbose trace lines (already redacted). */
  trace?: (line: string) => void
  /** Told about every wait longer than ANNOUNCE_AFTER_MS, when it starts (a retry, a backoff, a Retry-After). */
  announce?: (line: string) => void
  /** Told once when an answer is slow to come (a person at a terminal should know why nothing happens). */
  slow?: (line: string) => void
  signal?: AbortSignal
  /** Statuses that are retried. Default: 429, 502, 503, 504. */
  retryStatuses?: readonly number[]
  /** Longest Retry-After we wait for before giving up, in ms. */
  maxRetryAfterMs?: number
  /** Cap on a response body; a larger one is an error, never buffered. */
  maxBodyBytes?: number
  /** Upper bound of concurrent connections per origin (bulk work raises it). */
  connections?: number
  /** Proxies, from the run's environment (proxyFromEnv); empty strings mean none. */
  proxy?: ProxySettings
  /** Base of the exponential backoff, in ms. */
  backoffBaseMs?: number
  /**
   * How a retry waits out its delay; by default it ends early, as an interruption, when `signal`
   * aborts. A bulk run's also gives up at once after Ctrl-C when it would outlast the grace period.
   */
  wait?: (ms: number) => Promise<void>
  /**
   * Shared pacing for many concurrent callers (bulk work): awaited before every attempt, and told
   * about every 429 so one rate-limited request can slow all the others down.
   */
  throttle?: Throttle
}

export interface Throttle {
  acquire(): Promise<void>
  /** A 429 came back for an attempt sent at `sentAt` (performance.now()). */
  rateLimited(retryAfterMs: number | undefined, sentAt: number): void
  /** Every attempt's end: its HTTP status (undefined: no answer), for a controller that adapts to them. */
  answered?(status: number | undefined, sentAt: number): void
}

export interface PostSpec {
  /** A path on the base URL (may carry its own query string). */
  path: string
  /** What the request does, for error messages: "token request", "user create". */
  what: string
  form?: Record<string, string | undefined>
  json?: unknown
  bearer?: string
  headers?: Record<string, string>
  /** Told about each failed attempt that is about to be retried (status undefined: no answer came). */
  onRetry?: (error: CliError) => void
}

/** Any request: `tink api` and the data endpoints. POST is `request` with method POST. */
export interface RequestSpec extends PostSpec {
  method: string
  /** Appended to the path as a query string (after any query the path has). */
  query?: Record<string, string | string[] | undefined>
  /** A raw body, sent as is (set content-type in `headers`). */
  body?: string | Uint8Array
  /** Whether failed attempts are retried (default true; only safe for idempotent requests). */
  retry?: boolean
}

export interface HttpResponse {
  status: number
  headers: Record<string, string>
  /** The body as UTF-8 text. */
  body: string
  /** The body's bytes as received. */
  bytes: Buffer
  requestId?: string
}

/** Headers the HTTP layer sets itself: a caller's value would break or smuggle the request. */
export const TRANSPORT_HEADERS: readonly string[] = [
  'host',
  'connection',
  'content-length',
  'transfer-encoding',
  'expect',
  'upgrade',
  'keep-alive',
  'te',
  'trailer',
  'proxy-connection',
]
