/**
 * The one HTTP client of the CLI: a single undici dispatcher per process (keep-alive, timeouts,
 * HTTP(S)_PROXY/NO_PROXY through EnvHttpProxyAgent), our own retry policy (every Tink endpoint
 * is a POST, which undici's retry handler will not retry), redacted --verbose tracing, and the
 * mapping of every failure to a CliError with Tink's errorCode/errorMessage and X-Request-ID.
 */
import type {Dispatcher} from 'undici'
import {CliError, ExitCode, exitForStatus, interrupted} from '../errors/cli-error.js'
import {redactBody, redactHeader, scrubSecrets, secretValues} from '../secrets/redact.js'
import {loadUndici} from './undici.cjs'

export interface HttpClientOptions {
  baseUrl: string
  timeoutMs: number
  /** How many times a failed attempt is tried again (0 = once in all). */
  retries: number
  userAgent: string
  /** Receives --verbose trace lines (already redacted). */
  trace?: (line: string) => void
  /** The hint for a 401: how to fix the credentials where they came from (a profile, the environment). */
  authHint?: () => string | undefined
  /** Told about every wait longer than ANNOUNCE_AFTER_MS (a person at a terminal should know why nothing happens). */
  announce?: (line: string) => void
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

export interface ProxySettings {
  httpProxy: string
  httpsProxy: string
  noProxy: string
}

/** http_proxy / https_proxy / no_proxy of `env`, lowercase first (as curl and undici read them). */
export function proxyFromEnv(env: NodeJS.ProcessEnv): ProxySettings {
  return {
    httpProxy: env.http_proxy ?? env.HTTP_PROXY ?? '',
    httpsProxy: env.https_proxy ?? env.HTTPS_PROXY ?? '',
    noProxy: env.no_proxy ?? env.NO_PROXY ?? '',
  }
}

export interface Throttle {
  acquire(): Promise<void>
  /** A 429 came back for an attempt sent at `sentAt` (performance.now()). */
  rateLimited(retryAfterMs: number | undefined, sentAt: number): void
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
  body?: string
  /** Whether failed attempts are retried (default true; only safe for idempotent requests). */
  retry?: boolean
}

export interface HttpResponse {
  status: number
  headers: Record<string, string>
  body: string
  requestId?: string
}

/** Waits longer than this are announced (HttpClientOptions.announce). */
export const ANNOUNCE_AFTER_MS = 2_000

export const DEFAULT_RETRY_STATUSES: readonly number[] = [429, 502, 503, 504]
const RETRYABLE_NETWORK_CODES = new Set([
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
const TLS_CODES = /CERT|SELF_SIGNED|UNABLE_TO_VERIFY|UNABLE_TO_GET_ISSUER|ERR_TLS/

/** The part of undici the CLI uses (requests go through the dispatcher's own request()). */
interface UndiciParts {
  EnvHttpProxyAgent: (typeof import('undici'))['EnvHttpProxyAgent']
}

export class HttpClient {
  readonly baseUrl: string
  private readonly opts: Required<Omit<HttpClientOptions, 'trace' | 'signal' | 'throttle' | 'proxy' | 'announce' | 'authHint'>> &
    Pick<HttpClientOptions, 'trace' | 'signal' | 'throttle' | 'proxy' | 'announce' | 'authHint'>
  private dispatcher?: Dispatcher
  private unlisten?: () => void
  /** Origin and path per API path: parsed once, not once per request of a bulk run. */
  private readonly targets = new Map<string, {origin: string; path: string}>()

  constructor(options: HttpClientOptions) {
    this.baseUrl = options.baseUrl.replace(/\/+$/, '')
    this.opts = {
      retryStatuses: DEFAULT_RETRY_STATUSES,
      maxRetryAfterMs: 120_000,
      maxBodyBytes: 1024 * 1024,
      connections: 16,
      backoffBaseMs: 250,
      ...options,
      wait: options.wait ?? ((ms) => sleep(ms, options.signal)),
    }
  }

  /** undici loads only when a request is made, so commands that send nothing never pay for it. */
  private async agent(): Promise<{undici: UndiciParts; dispatcher: Dispatcher}> {
    const undici: UndiciParts = loadUndici()
    if (!this.dispatcher) {
      const t = this.opts.timeoutMs
      this.dispatcher = new undici.EnvHttpProxyAgent({
        connectTimeout: t,
        headersTimeout: t,
        bodyTimeout: t,
        keepAliveTimeout: 30_000,
        connections: this.opts.connections,
        // Explicit values (possibly empty): undici would otherwise read process.env, not the run's environment.
        ...(this.opts.proxy ?? proxyFromEnv(process.env)),
        // Explicit, so NODE_TLS_REJECT_UNAUTHORIZED=0 in an inherited environment cannot make
        // tink send a secret to a server it cannot verify; a private CA goes in NODE_EXTRA_CA_CERTS.
        connect: {rejectUnauthorized: true},
        requestTls: {rejectUnauthorized: true},
        proxyTls: {rejectUnauthorized: true},
      })
      // One abort listener for the client, not one per request (undici adds and removes one for
      // each, a few µs a request in bulk work): aborting destroys the connections, which fails
      // every request in flight, and attempt() reports that as the interruption it is.
      const signal = this.opts.signal
      if (signal) {
        const d = this.dispatcher
        const onAbort = (): void => void d.destroy().catch(() => undefined)
        if (signal.aborted) onAbort()
        else {
          signal.addEventListener('abort', onAbort, {once: true})
          this.unlisten = () => signal.removeEventListener('abort', onAbort)
        }
      }
    }
    return {undici, dispatcher: this.dispatcher}
  }

  private target(path: string): {origin: string; path: string} {
    let target = this.targets.get(path)
    if (!target) {
      const url = new URL(this.baseUrl + path)
      target = {origin: url.origin, path: url.pathname + url.search}
      this.targets.set(path, target)
    }
    return target
  }

  async close(): Promise<void> {
    const d = this.dispatcher
    this.dispatcher = undefined
    this.unlisten?.()
    if (!d) return
    // A request abandoned mid-body would make close() wait forever; destroy after a short grace.
    let timer: NodeJS.Timeout | undefined
    await Promise.race([
      // Already destroyed by an abort: nothing left to close.
      d.close().catch(() => undefined),
      new Promise<void>((resolve) => {
        timer = setTimeout(() => {
          d.destroy().then(resolve, resolve)
        }, 500)
      }),
    ]).finally(() => clearTimeout(timer))
  }

  /** POST with retries; resolves with a 2xx response, rejects with a CliError. */
  post(spec: PostSpec): Promise<HttpResponse> {
    return this.request({...spec, method: 'POST'})
  }

  /** Any method; resolves with a 2xx response, rejects with a CliError. Redirects are never followed. */
  async request(spec: RequestSpec): Promise<HttpResponse> {
    if (spec.query) {
      const params = new URLSearchParams()
      for (const [k, v] of Object.entries(spec.query)) for (const one of v === undefined ? [] : Array.isArray(v) ? v : [v]) params.append(k, one)
      const qs = params.toString()
      if (qs) spec = {...spec, path: spec.path + (spec.path.includes('?') ? '&' : '?') + qs, query: undefined}
    }
    const retries = spec.retry === false ? 0 : this.opts.retries
    let attempt = 0
    for (;;) {
      const throttle = this.opts.throttle
      if (throttle) await throttle.acquire()
      const sentAt = performance.now()
      const outcome = await this.attempt(spec)
      if (outcome.kind === 'ok') return outcome.response
      const {error, retryAfterMs} = outcome
      // The shared pause is held to the same cap as this request's own wait: a far-future date or a
      // huge value pauses every worker for at most maxRetryAfterMs, then this request gives up.
      if (throttle && error.status === 429) throttle.rateLimited(retryAfterMs === undefined ? undefined : Math.min(retryAfterMs, this.opts.maxRetryAfterMs), sentAt)
      if (attempt >= retries || !outcome.retryable) throw afterAttempts(error, attempt + 1)
      let delay = this.backoff(attempt)
      if (retryAfterMs !== undefined) {
        if (retryAfterMs > this.opts.maxRetryAfterMs) {
          throw new CliError(`${error.message}; Tink asked to wait ${Math.ceil(retryAfterMs / 1000)} s (Retry-After), longer than the ${this.opts.maxRetryAfterMs / 1000} s this CLI waits`, {
            exitCode: error.exitCode,
            status: error.status,
            code: error.code,
            requestId: error.requestId,
            hint: 'Try again later',
          })
        }
        delay = Math.max(retryAfterMs, 0)
      }
      attempt++
      spec.onRetry?.(error)
      if (delay > ANNOUNCE_AFTER_MS) {
        const why = retryAfterMs !== undefined ? 'the server asked for it (Retry-After)' : error.message
        this.opts.announce?.(`Waiting ${Math.round(delay / 1000)} s before retrying the ${spec.what} (attempt ${attempt + 1} of ${retries + 1}): ${why}`)
      }
      this.trace(`* retry ${attempt}/${retries} in ${delay} ms (${error.message})`)
      await this.opts.wait(delay)
    }
  }

  /** Exponential backoff with full jitter: spreads retries of many workers apart. */
  backoff(attempt: number): number {
    const cap = Math.min(this.opts.backoffBaseMs * 2 ** attempt, 8_000)
    return Math.round(cap / 2 + (Math.random() * cap) / 2)
  }

  private trace(line: string): void {
    this.opts.trace?.(line)
  }

  private async attempt(
    spec: RequestSpec,
  ): Promise<
    | {kind: 'ok'; response: HttpResponse}
    | {kind: 'fail'; error: CliError; retryable: boolean; retryAfterMs?: number}
  > {
    const {dispatcher} = await this.agent()
    const url = this.baseUrl + spec.path
    const headers: Record<string, string> = {
      'user-agent': this.opts.userAgent,
      accept: 'application/json',
      ...spec.headers,
    }
    let body: string | undefined = spec.body
    if (body !== undefined) {
      // raw body: its content-type is the caller's
    } else if (spec.form) {
      const params = new URLSearchParams()
      for (const [k, v] of Object.entries(spec.form)) if (v !== undefined) params.append(k, v)
      body = params.toString()
      headers['content-type'] = 'application/x-www-form-urlencoded'
    } else if (spec.json !== undefined) {
      body = JSON.stringify(spec.json)
      headers['content-type'] = 'application/json'
    }
    if (spec.bearer) headers.authorization = `Bearer ${spec.bearer}`

    if (this.opts.trace) {
      this.trace(`> ${spec.method} ${url}`)
      for (const [k, v] of Object.entries(headers)) this.trace(`> ${k}: ${redactHeader(k, v)}`)
      if (body !== undefined) this.trace(`> ${redactBody(body, headers['content-type'])}`)
    }
    const started = performance.now()
    let res: Dispatcher.ResponseData
    // A slow server: say what is awaited and for how long at most, once, after a while.
    const announce = this.opts.announce
    const slow = announce
      ? setTimeout(() => announce(`Still waiting for the ${spec.what} answer from ${this.target(spec.path).origin} (gives up after ${Math.round(this.opts.timeoutMs / 1000)} s)`), ANNOUNCE_AFTER_MS)
      : undefined
    slow?.unref()
    try {
      const target = this.target(spec.path)
      res = await dispatcher.request({
        origin: target.origin,
        path: target.path,
        method: spec.method,
        headers,
        body,
      })
    } catch (err) {
      return this.networkFailure(spec, err)
    } finally {
      clearTimeout(slow)
    }

    const responseHeaders: Record<string, string> = {}
    for (const [k, v] of Object.entries(res.headers)) {
      if (v !== undefined) responseHeaders[k] = Array.isArray(v) ? v.join(', ') : v
    }
    const requestId = responseHeaders['x-request-id']
    let text: string
    try {
      text = await this.readBody(res, spec, requestId)
    } catch (err) {
      if (err instanceof CliError) return {kind: 'fail', error: err, retryable: false}
      return this.networkFailure(spec, err)
    }
    const ms = Math.round(performance.now() - started)
    // The values to mask are needed only for a trace or an error, not for the many plain successes of a bulk run.
    let secrets: string[] | undefined
    const sent = (): string[] => (secrets ??= secretValues(spec.form, spec.json, spec.bearer))
    if (this.opts.trace) {
      this.trace(`< ${res.statusCode} (${ms} ms)`)
      for (const [k, v] of Object.entries(responseHeaders)) this.trace(`< ${k}: ${scrubSecrets(redactHeader(k, v), sent())}`)
      // Scrubbed before redactBody (it re-encodes JSON and forms, losing the server's own escapes) and after.
      if (text) this.trace(`< ${scrubSecrets(redactBody(scrubSecrets(text, sent()), responseHeaders['content-type']), sent())}`)
    }

    const status = res.statusCode
    if (status >= 200 && status < 300) {
      return {kind: 'ok', response: {status, headers: responseHeaders, body: text, requestId}}
    }
    if (status >= 300 && status < 400) {
      const where = responseHeaders.location ? ` to ${responseHeaders.location}` : ''
      // Never followed: a Location on another origin would take the bearer token with it.
      let elsewhere = false
      try {
        elsewhere = Boolean(responseHeaders.location) && new URL(responseHeaders.location, url).origin !== new URL(url).origin
      } catch {
        elsewhere = true
      }
      const why = spec.method === 'POST' ? 'redirects are not followed for POST' : elsewhere ? 'not followed: the token is never sent to another origin' : 'redirects are not followed'
      return {
        kind: 'fail',
        retryable: false,
        error: new CliError(scrubSecrets(`${spec.what}: the server answered ${status}, a redirect${where}; ${why}`, sent()), {
          exitCode: ExitCode.UNAVAILABLE,
          status,
          code: 'redirect',
          requestId,
          hint: 'Check --base-url (or TINK_API_URL): it should be the API origin itself',
        }),
      }
    }
    const scrub = (t: string): string => scrubSecrets(t, sent())
    let error = errorFromResponse(spec.what, status, scrub(text), responseHeaders['content-type'], requestId && scrub(requestId), scrub)
    // Only the caller knows where the client credentials came from, so only it can say how to fix
    // them; a 401 for a bearer token (revoked, expired) is not about them.
    const authHint = status === 401 && spec.form?.client_secret !== undefined ? this.opts.authHint?.() : undefined
    if (authHint) error = new CliError(error.message, {exitCode: error.exitCode, status, code: error.code, requestId: error.requestId, hint: authHint})
    const retryable = this.opts.retryStatuses.includes(status)
    return {kind: 'fail', error, retryable, retryAfterMs: retryable ? parseRetryAfter(responseHeaders['retry-after']) : undefined}
  }

  private readBody(res: Dispatcher.ResponseData, spec: RequestSpec, requestId?: string): Promise<string> {
    // Stream events rather than `for await`: the async iterator costs a few µs a response, which
    // bulk work pays thousands of times.
    return new Promise((resolve, reject) => {
      const body = res.body
      const chunks: Buffer[] = []
      let size = 0
      // undici's bodyTimeout is per chunk: a server dripping a byte now and then would hold the CLI
      // forever. The whole body (a few hundred bytes from Tink) gets one --timeout too.
      const deadline = setTimeout(() => {
        body.destroy(Object.assign(new Error(`body not complete within ${this.opts.timeoutMs} ms`), {code: 'UND_ERR_BODY_TIMEOUT'}))
      }, this.opts.timeoutMs)
      const fail = (err: Error): void => {
        clearTimeout(deadline)
        reject(err)
      }
      body.on('data', (buf: Buffer) => {
        size += buf.length
        if (size <= this.opts.maxBodyBytes) return void chunks.push(buf)
        body.removeAllListeners('data')
        body.on('error', () => undefined)
        body.destroy()
        fail(
          new CliError(`${spec.what}: the response body is larger than ${Math.round(this.opts.maxBodyBytes / 1024)} KiB; not read further`, {
            exitCode: ExitCode.UNAVAILABLE,
            status: res.statusCode,
            code: 'response_too_large',
            requestId,
            hint: 'Check --base-url: it should point at the Tink API',
          }),
        )
      })
      body.once('error', fail)
      // A body destroyed without an error (the connections destroyed by an abort) ends with 'close' alone.
      body.once('close', () => {
        if (!body.readableEnded) fail(Object.assign(new Error('response body closed before its end'), {code: 'UND_ERR_SOCKET'}))
      })
      body.once('end', () => {
        clearTimeout(deadline)
        resolve(Buffer.concat(chunks).toString('utf8'))
      })
    })
  }

  private networkFailure(spec: RequestSpec, err: unknown): {kind: 'fail'; error: CliError; retryable: boolean} {
    if (this.opts.signal?.aborted) return {kind: 'fail', error: interrupted(), retryable: false}
    const e = err as {code?: string; message?: string; cause?: {code?: string; message?: string}}
    const code = e.cause?.code ?? e.code ?? ''
    const detail = e.cause?.message ?? e.message ?? String(err)
    if (TLS_CODES.test(code)) {
      return {
        kind: 'fail',
        retryable: false,
        error: new CliError(`${spec.what}: TLS certificate of ${this.baseUrl} is not trusted (${code}: ${detail})`, {
          exitCode: ExitCode.UNAVAILABLE,
          code: 'tls_error',
          hint: 'If a proxy or a private CA signs it, point NODE_EXTRA_CA_CERTS at that CA (PEM file)',
        }),
      }
    }
    const timeout = /TIMEOUT/.test(code)
    const message = timeout
      ? `${spec.what}: ${this.baseUrl} did not answer within ${this.opts.timeoutMs / 1000} s (${code})`
      : `${spec.what}: cannot reach ${this.baseUrl} (${code || 'network error'}: ${detail})`
    return {
      kind: 'fail',
      retryable: RETRYABLE_NETWORK_CODES.has(code),
      error: new CliError(message, {
        exitCode: ExitCode.UNAVAILABLE,
        code: timeout ? 'timeout' : 'network_error',
        hint: timeout ? 'Try a larger --timeout, or check your network and proxy' : 'Check --base-url / --region and your network or proxy (HTTPS_PROXY)',
        cause: err,
      }),
    }
  }
}

/** The last failure of a retried request, saying how often it was tried (a user wonders). */
function afterAttempts(error: CliError, attempts: number): CliError {
  if (attempts < 2 || error.exitCode === ExitCode.INTERRUPTED) return error
  return new CliError(`${error.message} (after ${attempts} attempts)`, {
    exitCode: error.exitCode,
    status: error.status,
    code: error.code,
    requestId: error.requestId,
    hint: error.hint,
    fromTink: error.fromTink,
    cause: error.cause,
  })
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
    /^(Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday), \d{2}-(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)-\d{2} \d{2}:\d{2}:\d{2} GMT$/.test(v) ||
    /^(Mon|Tue|Wed|Thu|Fri|Sat|Sun) (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) [ \d]\d \d{2}:\d{2}:\d{2} \d{4}$/.test(v)
  if (!httpDate) return undefined
  const at = Date.parse(v.endsWith('GMT') ? v : `${v} GMT`)
  if (Number.isNaN(at) || at <= now) return undefined
  return at - now
}

/** Tink's error JSON, or a short printable excerpt of whatever else came back (HTML, empty). */
export function errorFromResponse(
  what: string,
  status: number,
  body: string,
  contentType: string | undefined,
  requestId?: string,
  /** Applied again to the decoded JSON fields: JSON may escape a secret in ways the raw scrub cannot know (\u0022). */
  scrub: (text: string) => string = (t) => t,
): CliError {
  let tinkCode: string | undefined
  let tinkMessage: string | undefined
  let fromTink = false
  if (body && (contentType?.includes('json') || /^\s*\{/.test(body))) {
    try {
      const parsed: unknown = JSON.parse(body)
      if (parsed && typeof parsed === 'object') {
        const p = parsed as Record<string, unknown>
        if (typeof p.errorMessage === 'string') tinkMessage = p.errorMessage
        if (typeof p.errorCode === 'string') tinkCode = p.errorCode
        fromTink = tinkMessage !== undefined && tinkCode !== undefined
        // OAuth-style errors also occur behind some gateways.
        if (!tinkMessage && typeof p.error_description === 'string') tinkMessage = p.error_description
        if (!tinkCode && typeof p.error === 'string') tinkCode = p.error
        if (tinkMessage) tinkMessage = scrub(tinkMessage)
        if (tinkCode) tinkCode = scrub(tinkCode)
      }
    } catch {
      // not JSON after all: fall through to the excerpt
    }
  }
  let detail: string
  if (tinkMessage || tinkCode) {
    detail = [tinkMessage, tinkCode ? `[${tinkCode}]` : undefined].filter(Boolean).join(' ')
  } else if (body.trim()) {
    detail = `non-JSON body: "${excerpt(body)}"`
  } else {
    detail = 'empty body'
  }
  // A 404 or 409 without Tink's error body came from something in between: not a rejection by
  // Tink (exit 4) but an unexpected answer (exit 5), which settles nothing (errors.ts tinkSaid).
  const foreign = (status === 404 || status === 409) && !fromTink
  return new CliError(`${what} failed: HTTP ${status}: ${detail}`, {
    exitCode: foreign ? ExitCode.UNAVAILABLE : exitForStatus(status),
    status,
    code: tinkCode ?? `http_${status}`,
    requestId,
    hint: foreign ? `This ${status} did not come from Tink (no Tink error body): a proxy, gateway or firewall answered, so nothing is known about the user; check --base-url and the network path` : hintForStatus(status),
    fromTink,
  })
}

function hintForStatus(status: number): string | undefined {
  if (status === 401) return 'Check the client id and secret (TINK_CLIENT_ID, TINK_CLIENT_SECRET) and the region'
  if (status === 403) return 'The token lacks a scope this operation needs; check the app\'s scopes in the Tink Console'
  if (status === 429) return 'Rate limited by Tink; wait and try again, or raise --retries'
  if (status >= 500) return 'Tink is failing; try again later'
  return undefined
}

function excerpt(body: string): string {
  const text = body.replace(/<[^>]*>/g, ' ').replace(/\s+/g, ' ').trim()
  return text.length > 120 ? text.slice(0, 117) + '...' : text
}
