/**
 * The one HTTP client of the CLI: keep-alive dispatchers per process (http/proxy.ts picks direct
 * or proxied), our own retry policy (every Tink endpoint is a POST, which undici's retry handler
 * will not retry), redacted --verbose tracing, and typed failures (http/failure.ts). It knows
 * nothing of Tink's error bodies or of the CLI's flags.
 */
import {EventEmitter} from 'node:events'
import type {Dispatcher} from 'undici'
import {interrupted, type CliError} from '../errors/cli-error.js'
import {redactBody, redactHeader, scrubSecrets, secretValues} from '../secrets/redact.js'
import {readBody} from './body.js'
import {HttpFailure, triedText} from './failure.js'
import {Dispatchers, proxyFromEnv} from './proxy.js'
import {backoffDelay, DEFAULT_RETRY_STATUSES, parseRetryAfter, RETRYABLE_NETWORK_CODES, sleep} from './retry.js'
import type {HttpClientOptions, HttpResponse, PostSpec, RequestSpec} from './types.js'
import {loadUndici} from './undici.cjs'

export {HttpFailure, type FailureKind} from './failure.js'
export {proxyFromEnv, type ProxySettings} from './proxy.js'
export {DEFAULT_RETRY_STATUSES, parseRetryAfter, sleep} from './retry.js'
export {TRANSPORT_HEADERS, type HttpClientOptions, type HttpResponse, type PostSpec, type RequestSpec, type Throttle} from './types.js'

/** Waits longer than this are announced (HttpClientOptions.announce). */
export const ANNOUNCE_AFTER_MS = 2_000

const TLS_CODES = /CERT|SELF_SIGNED|UNABLE_TO_VERIFY|UNABLE_TO_GET_ISSUER|ERR_TLS/

type Outcome = {kind: 'ok'; response: HttpResponse} | {kind: 'fail'; error: CliError; retryable: boolean; retryAfterMs?: number}

type Options = Required<Omit<HttpClientOptions, 'trace' | 'signal' | 'throttle' | 'proxy' | 'announce' | 'slow'>> &
  Pick<HttpClientOptions, 'trace' | 'signal' | 'throttle' | 'proxy' | 'announce' | 'slow'>

export class HttpClient {
  readonly baseUrl: string
  private readonly opts: Options
  private dispatchers?: Dispatchers
  private unlisten?: () => void
  /** Origin and path per API path: parsed once, not once per request of a bulk run. */
  private readonly targets = new Map<string, {url: URL; origin: string; path: string}>()

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
  private agents(): Dispatchers {
    if (!this.dispatchers) {
      const t = this.opts.timeoutMs
      const tls = {rejectUnauthorized: true}
      this.dispatchers = new Dispatchers(
        loadUndici(),
        {
          connectTimeout: t,
          headersTimeout: t,
          bodyTimeout: t,
          keepAliveTimeout: 30_000,
          connections: this.opts.connections,
          // Explicit, so NODE_TLS_REJECT_UNAUTHORIZED=0 in an inherited environment cannot make
          // tink send a secret to a server it cannot verify; a private CA goes in NODE_EXTRA_CA_CERTS.
          connect: tls,
          requestTls: tls,
          proxyTls: tls,
        },
        this.opts.proxy ?? proxyFromEnv(process.env),
      )
      // One abort listener for the client, not one per request: aborting destroys the connections,
      // which fails every request in flight, and attempt() reports that as the interruption it is.
      const signal = this.opts.signal
      if (signal) {
        const d = this.dispatchers
        const onAbort = (): void => d.destroy()
        if (signal.aborted) onAbort()
        else {
          signal.addEventListener('abort', onAbort, {once: true})
          this.unlisten = () => signal.removeEventListener('abort', onAbort)
        }
      }
    }
    return this.dispatchers
  }

  private target(path: string): {url: URL; origin: string; path: string} {
    let target = this.targets.get(path)
    if (!target) {
      const url = new URL(this.baseUrl + path)
      target = {url, origin: url.origin, path: url.pathname + url.search}
      this.targets.set(path, target)
    }
    return target
  }

  async close(): Promise<void> {
    const d = this.dispatchers
    this.dispatchers = undefined
    this.unlisten?.()
    if (!d) return
    // A request abandoned mid-body would make close() wait forever; destroy after a short grace.
    let timer: NodeJS.Timeout | undefined
    await Promise.race([
      d.close(),
      new Promise<void>((resolve) => {
        timer = setTimeout(() => {
          d.destroy()
          resolve()
        }, 500)
      }),
    ]).finally(() => clearTimeout(timer))
  }

  /** POST with retries; resolves with a 2xx response, rejects with a CliError (an HttpFailure for what the server or network did). */
  post(spec: PostSpec): Promise<HttpResponse> {
    return this.request({...spec, method: 'POST'})
  }

  /** Any method; resolves with a 2xx response, rejects with a CliError. Redirects are never followed. */
  async request(spec: RequestSpec): Promise<HttpResponse> {
    if (spec.query) {
      const params = new URLSearchParams()
      for (const [k, v] of Object.entries(spec.query)) for (const one of v === undefined ? [] : Array.isArray(v) ? v : [v]) params.append(k, one)
      const qs = params.toString()
      spec = {...spec, path: qs ? spec.path + (spec.path.includes('?') ? '&' : '?') + qs : spec.path, query: undefined}
    }
    const retries = spec.retry === false ? 0 : this.opts.retries
    const started = performance.now()
    let attempt = 0
    let timeouts = 0
    for (;;) {
      const throttle = this.opts.throttle
      if (throttle) await throttle.acquire()
      const sentAt = performance.now()
      const outcome = await this.attempt(spec)
      throttle?.answered?.(outcome.kind === 'ok' ? outcome.response.status : outcome.error.status, sentAt)
      if (outcome.kind === 'ok') return outcome.response
      const {error, retryAfterMs} = outcome
      // The throttle hears Tink's wish as sent: past the cap, a bulk run stops instead of pausing.
      if (throttle && error.status === 429) throttle.rateLimited(retryAfterMs, sentAt)
      const timedOut = error instanceof HttpFailure && error.kind === 'timeout'
      if (timedOut) timeouts++
      // A server that did not answer in time once rarely answers the third time: one more try at most.
      const giveUp = attempt >= retries || !outcome.retryable || timeouts > 1
      if (giveUp) throw settled(error, attempt + 1, performance.now() - started)
      let delay = this.backoff(attempt)
      if (retryAfterMs !== undefined) {
        if (retryAfterMs > this.opts.maxRetryAfterMs && error instanceof HttpFailure) {
          error.retryAfterMs = retryAfterMs
          error.maxWaitMs = this.opts.maxRetryAfterMs
          throw settled(error, attempt + 1, performance.now() - started)
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
    return backoffDelay(this.opts.backoffBaseMs, attempt)
  }

  private trace(line: string): void {
    this.opts.trace?.(line)
  }

  private async attempt(spec: RequestSpec): Promise<Outcome> {
    const agents = this.agents()
    const url = this.baseUrl + spec.path
    const headers: Record<string, string> = {'user-agent': this.opts.userAgent, accept: 'application/json', ...spec.headers}
    let body: string | Uint8Array | undefined = spec.body
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
      const type = headers['content-type']
      // Bytes are traced as text only when they are text (a JSON or form body from a file), redacted like any other.
      if (typeof body === 'string') this.trace(`> ${redactBody(body, type)}`)
      else if (body !== undefined)
        this.trace(/json|form|text/i.test(type ?? '') ? `> ${redactBody(Buffer.from(body).toString('utf8'), type)}` : `> (${body.length} bytes)`)
    }
    const started = performance.now()
    const target = this.target(spec.path)
    const {dispatcher, proxy} = agents.for(target.url)
    const proxyFailuresBefore = agents.failures
    // One deadline for the whole wait for an answer: the connection, a proxy's CONNECT, the headers.
    // An EventEmitter, which undici takes as a request's signal as it takes an AbortSignal: an
    // AbortController a request cost a bulk run a measurable share of its CPU (bench/compare.js).
    const deadline = new EventEmitter()
    let timedOut = false
    const timer = setTimeout(() => {
      timedOut = true
      deadline.emit('abort')
    }, this.opts.timeoutMs)
    // A slow server: say what is awaited and for how long at most, once, after a while.
    const slowNote = this.opts.slow
    const slow = slowNote
      ? setTimeout(
          () => slowNote(`Still waiting for the ${spec.what} answer from ${target.origin} (gives up after ${Math.round(this.opts.timeoutMs / 1000)} s)`),
          ANNOUNCE_AFTER_MS,
        )
      : undefined
    slow?.unref()
    let res: Dispatcher.ResponseData
    try {
      res = await dispatcher.request({origin: target.origin, path: target.path, method: spec.method, headers, body, signal: deadline})
    } catch (err) {
      const proxyTrouble = proxy && agents.failures > proxyFailuresBefore ? agents.last : undefined
      return this.networkFailure(spec, err, {timedOut, proxy, proxyTrouble})
    } finally {
      clearTimeout(timer)
      clearTimeout(slow)
    }

    const responseHeaders: Record<string, string> = {}
    for (const [k, v] of Object.entries(res.headers)) {
      if (v !== undefined) responseHeaders[k] = Array.isArray(v) ? v.join(', ') : v
    }
    const requestId = responseHeaders['x-request-id']
    let bytes: Buffer
    try {
      bytes = await readBody(res.body, {timeoutMs: this.opts.timeoutMs, maxBytes: this.opts.maxBodyBytes})
    } catch (err) {
      if ((err as {code?: string}).code === 'TOO_LARGE') {
        const error = new HttpFailure(`${spec.what}: the response body is larger than ${Math.round(this.opts.maxBodyBytes / 1024)} KiB; not read further`, {
          kind: 'too_large',
          what: spec.what,
          target: this.baseUrl,
          status: res.statusCode,
          requestId,
        })
        return {kind: 'fail', error, retryable: false}
      }
      return this.networkFailure(spec, err, {timedOut: false, proxy})
    }
    const text = bytes.toString('utf8')
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
    if (status >= 200 && status < 300) return {kind: 'ok', response: {status, headers: responseHeaders, body: text, bytes, requestId}}
    const scrub = (t: string): string => scrubSecrets(t, sent())
    if (status >= 300 && status < 400) {
      const where = responseHeaders.location ? ` to ${responseHeaders.location}` : ''
      // Never followed: a Location on another origin would take the bearer token with it.
      let elsewhere = false
      try {
        elsewhere = Boolean(responseHeaders.location) && new URL(responseHeaders.location, url).origin !== new URL(url).origin
      } catch {
        elsewhere = true
      }
      const why =
        spec.method === 'POST'
          ? 'redirects are not followed for POST'
          : elsewhere
            ? 'not followed: the token is never sent to another origin'
            : 'redirects are not followed'
      const error = new HttpFailure(scrub(`${spec.what}: the server answered ${status}, a redirect${where}; ${why}`), {
        kind: 'redirect',
        what: spec.what,
        target: this.baseUrl,
        status,
        requestId,
      })
      return {kind: 'fail', retryable: false, error}
    }
    const error = new HttpFailure(`${spec.what} failed: HTTP ${status}`, {
      kind: 'status',
      what: spec.what,
      target: this.baseUrl,
      status,
      headers: responseHeaders,
      body: scrub(text),
      requestId: requestId && scrub(requestId),
    })
    error.scrub = scrub
    const retryable = this.opts.retryStatuses.includes(status)
    return {kind: 'fail', error, retryable, retryAfterMs: retryable ? parseRetryAfter(responseHeaders['retry-after']) : undefined}
  }

  private networkFailure(
    spec: RequestSpec,
    err: unknown,
    how: {timedOut: boolean; proxy?: string; proxyTrouble?: {proxy: string; code: string; detail: string}},
  ): Outcome {
    if (this.opts.signal?.aborted) return {kind: 'fail', error: interrupted(), retryable: false}
    const e = err as {code?: string; message?: string; cause?: {code?: string; message?: string}}
    let code = e.cause?.code ?? e.code ?? ''
    let detail = e.cause?.message ?? e.message ?? String(err)
    const base = {what: spec.what, target: this.baseUrl, proxy: how.proxy, cause: err}
    if (TLS_CODES.test(code)) {
      const error = new HttpFailure(`${spec.what}: TLS certificate of ${this.baseUrl} is not trusted (${code}: ${detail})`, {
        ...base,
        kind: 'tls',
        errorCode: code,
      })
      return {kind: 'fail', retryable: false, error}
    }
    const refusedTunnel = /^Proxy response \((\d+)\)/.exec(detail)
    if (how.proxy && (how.proxyTrouble || refusedTunnel)) {
      if (how.proxyTrouble) ({code, detail} = how.proxyTrouble)
      const why = refusedTunnel ? `it answered HTTP ${refusedTunnel[1]} to CONNECT` : `${code}: ${detail}`
      const error = new HttpFailure(`${spec.what}: cannot reach ${this.baseUrl} through the proxy ${how.proxy} (${why})`, {
        ...base,
        kind: 'proxy',
        errorCode: code,
      })
      // A proxy failure is an attempt like any other; a refusal (407, 403) will not change by itself.
      return {kind: 'fail', retryable: !refusedTunnel, error}
    }
    if (how.timedOut || /TIMEOUT/.test(code)) {
      const via = how.proxy ? ` through the proxy ${how.proxy}` : ''
      const error = new HttpFailure(
        `${spec.what}: ${this.baseUrl} did not answer within ${this.opts.timeoutMs / 1000} s${via} (${how.timedOut ? 'no answer' : code})`,
        {...base, kind: 'timeout', errorCode: code},
      )
      return {kind: 'fail', retryable: true, error}
    }
    const kind = code === 'ECONNREFUSED' ? 'refused' : 'network'
    const error = new HttpFailure(`${spec.what}: cannot reach ${this.baseUrl} (${code || 'network error'}: ${detail})`, {...base, kind, errorCode: code})
    return {kind: 'fail', retryable: RETRYABLE_NETWORK_CODES.has(code), error}
  }
}

/** The last failure of a request, with how often it was tried and how long that took. */
function settled(error: CliError, attempts: number, elapsedMs: number): CliError {
  if (!(error instanceof HttpFailure)) return error
  error.attempts = attempts
  error.elapsedMs = elapsedMs
  error.message += triedText(error)
  return error
}
