/**
 * One error type for everything that can go wrong, and the one place that maps a failure to an
 * exit code. Commands throw; the base command renders. Exit codes are part of the CLI's contract
 * (README "Exit codes"), so they live here as named constants and nowhere else.
 */
export const ExitCode = {
  OK: 0,
  UNEXPECTED: 1,
  USAGE: 2,
  AUTH: 3,
  REJECTED: 4,
  UNAVAILABLE: 5,
  PARTIAL: 6,
  /** Output could not be written: stdout or the bulk journal (a full disk, /dev/full). */
  WRITE_FAILED: 7,
  /** `tink link connect`: the customer cancelled in Tink Link (USER_CANCELLED). */
  LINK_CANCELLED: 8,
  /** `tink link connect`: Tink Link reported another error, or the callback was refused (state mismatch). */
  LINK_FAILED: 9,
  /** `tink link connect`: no callback within --wait seconds. */
  LINK_TIMEOUT: 10,
  /** `tink webhook verify`: the signature does not verify, is stale, or the header is malformed. */
  WEBHOOK_INVALID: 11,
  /** `tink credentials wait`: the bank connection ended in an error status; `credentials list --fail-on-error`: one is not UPDATED. */
  CREDENTIALS_FAILED: 12,
  /** A bulk run stopped by SIGHUP (its terminal closed, an SSH session dropped), as a shell reports a hangup. */
  HANGUP: 129,
  INTERRUPTED: 130,
} as const
export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode]

export interface CliErrorOptions {
  exitCode: ExitCodeValue
  /** HTTP status when the error is an answer from the server. */
  status?: number
  /** Tink's `errorCode`, or our own short machine code (e.g. `missing_credentials`). */
  code?: string
  /** Tink's `X-Request-ID`: what Tink support asks for. */
  requestId?: string
  /** One sentence saying how to fix it. */
  hint?: string
  /** The answer carried Tink's own error body ({errorMessage, errorCode}), not a proxy's page. */
  fromTink?: boolean
  /** What a refusal is about, when the layer that knows can tell (the renderer's hint follows it). */
  about?: 'client_credentials'
  cause?: unknown
}

export class CliError extends Error {
  readonly exitCode: ExitCodeValue
  readonly status?: number
  readonly code?: string
  readonly requestId?: string
  readonly hint?: string
  readonly fromTink?: boolean
  readonly about?: 'client_credentials'

  constructor(message: string, options: CliErrorOptions) {
    super(message, options.cause === undefined ? undefined : {cause: options.cause})
    this.name = 'CliError'
    this.exitCode = options.exitCode
    this.status = options.status
    this.code = options.code
    this.requestId = options.requestId
    this.hint = options.hint
    this.fromTink = options.fromTink
    this.about = options.about
  }

  /** This error with `hint` when it has none of its own (or `replace`), same class and fields. */
  withHint(hint: string | undefined, replace = false): this {
    if (!hint || hint === this.hint || (this.hint && !replace)) return this
    const copy = Object.assign(Object.create(Object.getPrototypeOf(this) as object) as this, this, {hint})
    Object.defineProperty(copy, 'message', {value: this.message, writable: true, configurable: true})
    for (const key of ['stack', 'cause'] as const) if (key in this) Object.defineProperty(copy, key, {value: this[key], writable: true, configurable: true})
    return copy
  }

  /** The single line shown to a person: what went wrong, the request id, and how to fix it. */
  oneLine(): string {
    let line = this.message
    if (this.requestId) line += ` (X-Request-ID: ${this.requestId})`
    if (this.hint) line += `. ${this.hint}`
    return line.replace(/\s*\n\s*/g, ' ')
  }

  toJSON(): {error: Record<string, unknown>} {
    const error: Record<string, unknown> = {}
    if (this.status !== undefined) error.status = this.status
    error.code = this.code ?? codeForExit(this.exitCode)
    error.message = this.message
    if (this.requestId) error.requestId = this.requestId
    if (this.hint) error.hint = this.hint
    error.exitCode = this.exitCode
    return {error}
  }
}

function codeForExit(exit: ExitCodeValue): string {
  switch (exit) {
    case ExitCode.USAGE:
      return 'invalid_usage'
    case ExitCode.AUTH:
      return 'unauthorized'
    case ExitCode.REJECTED:
      return 'rejected'
    case ExitCode.UNAVAILABLE:
      return 'unavailable'
    case ExitCode.WRITE_FAILED:
      return 'write_failed'
    case ExitCode.LINK_CANCELLED:
      return 'link_cancelled'
    case ExitCode.LINK_FAILED:
      return 'link_failed'
    case ExitCode.LINK_TIMEOUT:
      return 'link_timeout'
    case ExitCode.CREDENTIALS_FAILED:
      return 'credentials_failed'
    case ExitCode.INTERRUPTED:
      return 'interrupted'
    default:
      return 'unexpected'
  }
}

export function usageError(message: string, hint?: string): CliError {
  return new CliError(message, {exitCode: ExitCode.USAGE, code: 'invalid_usage', hint})
}

export function interrupted(): CliError {
  return new CliError('Interrupted', {exitCode: ExitCode.INTERRUPTED, code: 'interrupted'})
}

/**
 * Whether Tink itself answered `status` (404 "no such user", 409 "already exists"): only its own
 * answer, with its error body, settles anything. The same status from a proxy, gateway or WAF (an
 * HTML page, another JSON shape) says nothing about the user. One rule for single and bulk commands.
 */
export function tinkSaid(err: unknown, status: number): err is CliError {
  return err instanceof CliError && err.status === status && err.fromTink === true
}

/** Exit code for an HTTP error status from Tink. */
export function exitForStatus(status: number): ExitCodeValue {
  if (status === 401 || status === 403) return ExitCode.AUTH
  if (status === 429 || status >= 500) return ExitCode.UNAVAILABLE
  if (status >= 400) return ExitCode.REJECTED
  return ExitCode.UNAVAILABLE
}

/**
 * Turns anything thrown (ours, oclif's parse errors, Node errors) into a CliError, so rendering
 * and exit codes have one code path. Unknown errors are exit 1 and keep their message only.
 */
export function toCliError(err: unknown): CliError {
  if (err instanceof CliError) return err
  if (err && typeof err === 'object') {
    const e = err as {message?: unknown; oclif?: {exit?: number}; name?: unknown; code?: unknown}
    const message = typeof e.message === 'string' ? e.message : safeString(err)
    // oclif parse and validation errors carry oclif.exit === 2 (or are named *Parse*/*Validation*).
    const name = typeof e.name === 'string' ? e.name : ''
    if (e.oclif?.exit === 2 || /Parse|Validation|Flag|Arg/.test(name)) {
      return new CliError(parseErrorLine(message), {
        exitCode: ExitCode.USAGE,
        code: 'invalid_usage',
        hint: 'See --help for usage',
      })
    }
    if (e.code === 'EEXIT' && typeof e.oclif?.exit === 'number') {
      return new CliError(message, {exitCode: e.oclif.exit as ExitCodeValue})
    }
    return new CliError(message, {exitCode: ExitCode.UNEXPECTED, code: 'unexpected', cause: err})
  }
  return new CliError(safeString(err), {exitCode: ExitCode.UNEXPECTED, code: 'unexpected'})
}

/** String(x) throws for objects without a prototype or with a throwing toString: the error path must not. */
function safeString(value: unknown): string {
  try {
    return String(value)
  } catch {
    return Object.prototype.toString.call(value)
  }
}

/**
 * oclif's parse errors are several lines ("The following errors occurred:", one reason per
 * line, "See more help with --help") and name flags without dashes; users get one line that
 * names flags as they type them, with mirrored "exclusive" complaints said once.
 */
export function parseErrorLine(message: string): string {
  const lines = message
    // eslint-disable-next-line no-control-regex -- oclif's colour sequences are removed
    .replace(/\u001b\[[0-9;]*m/g, '')
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean)
  const reasons: string[] = []
  for (const line of lines) {
    if (/^The following errors? occurred:?$/.test(line) || /^See more help with --help$/.test(line)) continue
    let reason = line.replace(/^Missing required flag ([\w-]+)$/, 'Missing required flag --$1')
    // `--client-secret=...` is a natural guess at a flag that does not exist: never echo the value.
    if (/^Nonexistent flags?:/.test(reason)) reason = reason.replace(/(--[\w-]+)=.*?(?=, --|$)/g, '$1=***')
    // A stray word is often a pasted secret (`--client-secret VALUE`, `--client-secret-stdin=VALUE`
    // leaves VALUE over): say how many, never what.
    const stray = /^Unexpected arguments?: (.*)$/.exec(reason)
    if (stray) {
      const n = stray[1].split(', ').length
      reason = `Unexpected ${n === 1 ? 'argument' : `${n} arguments`} (not shown, in case ${n === 1 ? 'it is' : 'one is'} a secret; secrets go through stdin or environment variables)`
    }
    const exclusive = /^--([\w-]+)=.* cannot also be provided when using --([\w-]+)$/.exec(line)
    if (exclusive) reason = `--${[exclusive[1], exclusive[2]].sort().join(' and --')} cannot be used together`
    if (!reasons.includes(reason)) reasons.push(reason)
  }
  // "Parsing --retries" is followed by what was wrong with the value: one sentence.
  return reasons.join('; ').replace(/^(Parsing --[\w-]+); /, '$1: ') || message.trim()
}
