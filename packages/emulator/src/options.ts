/** The emulator's options and its running handle, as the package exports them. */
import type {FaultSpec} from './faults.js'
import type {EmulatorClient} from './clients.js'
import type {RecordedRequest} from './context.js'
import type {DeliveryAttempt} from './webhook-delivery.js'

export interface EmulatorOptions {
  /** Default 0: a free port. */
  port?: number
  /** Default '127.0.0.1'. */
  host?: string
  /** Persist users across restarts (atomic, debounced, flushed on close). */
  stateFile?: string
  /** Seconds for client and user tokens; unset = 1800 (client) / 7200 (user), like Tink's examples. */
  tokenTtl?: number
  /** Extra clients besides BUILTIN_CLIENT. */
  clients?: EmulatorClient[]
  faults?: string | FaultSpec
  /** Seeds the fault PRNG (and the demo data) so runs are reproducible. */
  seed?: number
  /** Clock in ms; tests move it forward to expire codes and tokens. */
  now?: () => number
  /** Default true for the library: no per-request log. `quiet: false` writes one line per request to stderr (or to `log`). */
  quiet?: boolean
  log?: (line: string) => void
  /** `requests` recording: true (default) keeps the last 100,000 requests, a number keeps the last N, false records nothing. */
  recordRequests?: boolean | number
  /**
   * Redirect URIs registered for every client besides loopback http ones (localhost, 127.0.0.1,
   * [::1], any port and path) and Tink Console's callbacks, which are always registered. Matched exactly.
   */
  redirectUris?: string[]
  /** Every user created gets one connected Demo Bank: credentials, two accounts, 250-350 transactions. */
  demoData?: boolean
  /** Requests a second per client id (a token bucket with a burst of as many); beyond it 429 with Retry-After. Unset: no limit. */
  rateLimit?: number
  /** First interval (ms) before a webhook delivery is retried; each later one doubles. Default 5000. */
  webhookRetryMs?: number
}

export interface EmulatorUser {
  user_id: string
  external_user_id?: string
  market: string
  locale: string
  retention_class: string
  created_at: string
  /** The client that created the user (Tink scopes users to the app). */
  client_id: string
}

export interface RunningEmulator {
  url: string
  port: number
  /** Every Tink request received (not /__emulator/ ones), in arrival order; capped, see recordRequests. */
  requests: RecordedRequest[]
  /** The redirect URIs registered for every client besides loopback http ones (Tink Console's and the ones given). */
  readonly registeredRedirectUris: string[]
  users(): EmulatorUser[]
  setFaults(spec: string | FaultSpec | undefined): void
  /** Requests a second per client id, or undefined for none. */
  readonly rateLimit: number | undefined
  /** Changes the rate limit at once (undefined: none). */
  setRateLimit(perSecond: number | undefined): void
  /** What the server saw: Tink requests received and answers by status (0: a reset). */
  stats(): {requests: number; byStatus: Record<string, number>}
  /** Webhook delivery attempts so far (the last 10,000), oldest first. */
  readonly deliveries: DeliveryAttempt[]
  /** Changes the first webhook retry interval (ms) at once. */
  setWebhookRetryMs(ms: number): void
  /** Stops listening, cancels pending webhook deliveries (aborting those under way) and flushes the state file. */
  close(): Promise<void>
}
