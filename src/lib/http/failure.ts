/**
 * What can go wrong with one HTTP request, as a typed failure: the HTTP layer says what happened
 * (no answer in time, refused, TLS, a proxy, a status with its headers and body, ...) and nothing
 * about Tink's error shape or the CLI's flags. tink/errors.ts reads Tink's error bodies; the error
 * renderer (cli/render-error.ts) picks the hint that names flags.
 */
import {CliError, ExitCode, exitForStatus} from '../errors/cli-error.js'

export type FailureKind =
  /** No answer within the attempt's deadline (connect, the proxy's CONNECT, headers, or the body). */
  | 'timeout'
  /** Nothing listens there: the connection was refused. */
  | 'refused'
  /** The connection was reset or closed, or the name did not resolve. */
  | 'network'
  /** The server's certificate is not trusted. */
  | 'tls'
  /** The proxy refused or dropped the tunnel, or could not be reached. */
  | 'proxy'
  /** An HTTP answer that is not 2xx (and not a redirect). */
  | 'status'
  /** A 3xx: never followed. */
  | 'redirect'
  /** A body larger than the client reads. */
  | 'too_large'

export interface HttpFailureOptions {
  kind: FailureKind
  /** What the request does ("token request", "GET /data/v2/accounts"). */
  what: string
  /** The API origin (and path prefix) the request went to. */
  target: string
  /** The proxy the request went through, without any credentials. */
  proxy?: string
  status?: number
  headers?: Record<string, string>
  /** The response body (secrets sent with the request already masked). */
  body?: string
  requestId?: string
  /** Node's or undici's error code (ECONNREFUSED, UND_ERR_CONNECT_TIMEOUT, ...). */
  errorCode?: string
  cause?: unknown
}

export class HttpFailure extends CliError {
  readonly kind: FailureKind
  readonly what: string
  readonly target: string
  readonly proxy?: string
  readonly headers: Record<string, string>
  readonly body: string
  readonly errorCode?: string
  /** Attempts made, and the time they took with the waits between them (set when the request gives up). */
  attempts = 1
  elapsedMs = 0
  /** A Retry-After longer than the client waits (maxWaitMs): the request gave up instead. */
  retryAfterMs?: number
  maxWaitMs?: number
  /** Masks the secrets this request sent, for text decoded from the body (JSON may escape them differently). */
  scrub: (text: string) => string = (t) => t

  constructor(message: string, o: HttpFailureOptions) {
    super(message, {
      exitCode: o.kind === 'status' && o.status !== undefined ? exitForStatus(o.status) : ExitCode.UNAVAILABLE,
      status: o.status,
      code: codeFor(o.kind, o.status),
      requestId: o.requestId,
      cause: o.cause,
    })
    this.name = 'HttpFailure'
    this.kind = o.kind
    this.what = o.what
    this.target = o.target
    this.proxy = o.proxy
    this.headers = o.headers ?? {}
    this.body = o.body ?? ''
    this.errorCode = o.errorCode
  }
}

/** " (after 3 attempts in 4.2 s)": how often a request that gave up was tried, and for how long. */
export function triedText(f: {attempts: number; elapsedMs: number}): string {
  return f.attempts < 2 ? '' : ` (after ${f.attempts} attempts in ${(f.elapsedMs / 1000).toFixed(1)} s)`
}

function codeFor(kind: FailureKind, status: number | undefined): string {
  switch (kind) {
    case 'timeout':
      return 'timeout'
    case 'tls':
      return 'tls_error'
    case 'proxy':
      return 'proxy_error'
    case 'redirect':
      return 'redirect'
    case 'too_large':
      return 'response_too_large'
    case 'status':
      return `http_${status}`
    default:
      return 'network_error'
  }
}

/** A proxy URL as it may be shown: scheme, host and port, never user:password@. */
export function shownProxy(url: string): string {
  try {
    const u = new URL(url)
    return `${u.protocol}//${u.host}`
  } catch {
    return 'the proxy (its URL is not shown)'
  }
}
