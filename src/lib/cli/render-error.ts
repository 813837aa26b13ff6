/**
 * The one place where a failure is shown: one line on stderr, or the JSON error document on
 * stdout with --json. Returns the exit code; the entry point sets it on the process. The hints
 * that name flags and environment variables are chosen here, from what the failure is (lower
 * layers say what happened, not which flag to change).
 */
import {CliError, ExitCode, interrupted, toCliError, type ExitCodeValue} from '../errors/cli-error.js'
import {HttpFailure} from '../http/failure.js'
import type {IO} from './io.js'
import {paint, sanitizeForTerminal, writeJson} from './output.js'

export interface RenderOptions {
  json: boolean
  /** The run was interrupted (Ctrl-C, SIGTERM): any failure after that is reported as such. */
  interrupted?: boolean
  /** --verbose: the stack of an unexpected error (exit 1) follows its line. */
  verbose?: boolean
  /** How to fix refused client credentials, named after where they came from (a profile, the environment). */
  authHint?: () => string | undefined
}

export function renderError(io: IO, err: unknown, opts: RenderOptions): ExitCodeValue {
  let error: CliError = toCliError(err)
  // An interruption a command already described (which step, what state) keeps its words.
  if (opts.interrupted && error.exitCode !== ExitCode.USAGE && error.exitCode !== ExitCode.INTERRUPTED) error = interrupted()
  if ((err as {name?: string} | undefined)?.name === 'ExitPromptError') error = interrupted()
  error = withRenderedHint(error, opts.authHint)
  if (opts.json) writeJson(io.stdout, error.toJSON())
  else io.stderr.write(`${paint(io.stderr, 'red', 'Error:', io.env)} ${sanitizeForTerminal(error.oneLine())}\n`)
  if (opts.verbose && error.exitCode === ExitCode.UNEXPECTED && err instanceof Error && err.stack) io.stderr.write(err.stack + '\n')
  return error.exitCode
}

/** `err` as the renderer would show it, with the hint it would choose (for a failure reported inside a result). */
export function withRenderedHint(err: unknown, authHint?: () => string | undefined): CliError {
  const error = toCliError(err)
  return error.withHint(hintFor(error, authHint), true)
}

/** The HTTP failure behind `error` (itself, or what it was decoded from). */
function httpFailureOf(error: unknown): HttpFailure | undefined {
  for (let e = error, depth = 0; e && depth < 4; e = (e as {cause?: unknown}).cause, depth++) if (e instanceof HttpFailure) return e
  return undefined
}

/** The hint for a failure: its own, unless what the renderer knows says more. */
export function hintFor(error: CliError, authHint?: () => string | undefined): string | undefined {
  const failure = httpFailureOf(error)
  // Every path tink sends starts with /api or /data: a base URL ending in /api doubles the prefix.
  if (failure && (error.status === 404 || error.status === 405)) {
    const base = new URL(failure.target)
    if (/\/api\/?$/.test(base.pathname))
      return `The base URL ${failure.target} ends in /api: a base URL is the host, without /api (e.g. --base-url ${base.origin})`
  }
  if (error.hint) return error.hint
  if (error instanceof HttpFailure) {
    switch (error.kind) {
      case 'timeout':
        return 'Check --base-url and your network or proxy; a larger --timeout helps only a server that is known to be slow'
      case 'refused':
      case 'network':
        return 'Check --base-url / --region and your network or proxy (HTTPS_PROXY)'
      case 'proxy':
        return 'Check HTTPS_PROXY / HTTP_PROXY (lowercase ones first), or list the API host in NO_PROXY'
      case 'tls':
        return 'If a proxy or a private CA signs it, point NODE_EXTRA_CA_CERTS at that CA (PEM file)'
      case 'redirect':
        return 'Check --base-url (or TINK_API_URL): it should be the API origin itself'
      case 'too_large':
        return 'Check --base-url: it should point at the Tink API'
      default:
        break
    }
  }
  if (error.code === 'invalid_response') return 'Check --base-url: it should point at the Tink API'
  const status = error.status
  if (status === 401) {
    const mine = error.about === 'client_credentials' ? authHint?.() : undefined
    return mine ?? 'Check the client id and secret (TINK_CLIENT_ID, TINK_CLIENT_SECRET) and the region'
  }
  if (status === 403) return "The token lacks a scope this operation needs; check the app's scopes in the Tink Console"
  if (status === 429) return 'Rate limited by Tink; wait and try again, or raise --retries'
  if (status !== undefined && status >= 500) return 'Tink is failing; try again later'
  return undefined
}
