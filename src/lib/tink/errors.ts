/**
 * Tink's answers read as Tink means them: its error body ({errorMessage, errorCode}) on a failed
 * status, the user a 404 is about, and the shape a successful answer must have. Hints here never
 * name flags: the error renderer (cli/render-error.ts) adds those.
 */
import {CliError, ExitCode, exitForStatus, tinkSaid} from '../errors/cli-error.js'
import {HttpFailure, triedText} from '../http/failure.js'
import type {HttpResponse} from '../http/client.js'
import type {UserRef} from './api.js'

/** A failed status from the HTTP layer as Tink's error (other failures pass through unchanged). */
export function tinkError(err: unknown, about?: CliError['about']): unknown {
  if (!(err instanceof HttpFailure) || err.kind !== 'status' || err.status === undefined) return err
  const decoded = errorFromResponse(err.what, err.status, err.body, err.headers['content-type'], err.requestId, err.scrub)
  let message = decoded.message + triedText(err)
  let hint = decoded.hint
  if (err.retryAfterMs !== undefined && err.maxWaitMs !== undefined) {
    message += `; Tink asked to wait ${Math.ceil(err.retryAfterMs / 1000)} s (Retry-After), longer than the ${err.maxWaitMs / 1000} s this CLI waits`
    hint = 'Try again later'
  }
  return new CliError(message, {
    exitCode: decoded.exitCode,
    status: err.status,
    code: decoded.code,
    requestId: decoded.requestId,
    hint,
    fromTink: decoded.fromTink,
    about,
    cause: err,
  })
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
  // Tink (exit 4) but an unexpected answer (exit 5), which settles nothing (cli-error.ts tinkSaid).
  const foreign = (status === 404 || status === 409) && !fromTink
  return new CliError(`${what} failed: HTTP ${status}: ${detail}`, {
    exitCode: foreign ? ExitCode.UNAVAILABLE : exitForStatus(status),
    status,
    code: tinkCode ?? `http_${status}`,
    requestId,
    hint: foreign
      ? `This ${status} did not come from Tink (no Tink error body): a proxy, gateway or firewall answered, so nothing is known about the user; check the API base URL and the network path`
      : undefined,
    fromTink,
  })
}

function excerpt(body: string): string {
  const text = body
    .replace(/<[^>]*>/g, ' ')
    .replace(/\s+/g, ' ')
    .trim()
  return text.length > 120 ? text.slice(0, 117) + '...' : text
}

/** The user, as a person names it in a message. */
export function userLabel(user: UserRef): string {
  return user.userId !== undefined ? `user id "${user.userId}"` : `external id "${user.externalUserId}"`
}

/**
 * A grant answering 404 (Tink's own) means the user does not exist for this client: one message
 * for every command that reaches a user (delete, get, credentials, api), naming the user.
 */
export function userNotFound(user: UserRef, err: unknown): unknown {
  if (!tinkSaid(err, 404)) return err
  return new CliError(`No user with ${userLabel(user)} (HTTP 404)`, {
    exitCode: ExitCode.REJECTED,
    status: 404,
    code: err.code,
    requestId: err.requestId,
    hint: 'Check the id, and that this client created the user (users belong to the app that created them)',
    fromTink: true,
    cause: err,
  })
}

/**
 * A grant refused with 401 although the client token was just issued: Tink says the app "doesn't
 * have access to the user or isn't allowed to use the scope" (TINK-API-NOTES.md, errors), so the
 * credentials are fine and the message names the scope and the user instead.
 */
export function grantRefused(user: UserRef, scope: string, err: unknown): unknown {
  if (!(err instanceof CliError) || err.status !== 401) return err
  const tinkSays = err.message.replace(/^.*? failed: HTTP 401: /, '')
  return new CliError(
    `Tink refused a grant of scope "${scope}" for the user with ${userLabel(user)} (HTTP 401: ${tinkSays}); the client token was accepted, so this app may not grant that scope, or has no access to that user`,
    {
      exitCode: ExitCode.AUTH,
      status: 401,
      code: err.code,
      requestId: err.requestId,
      hint: 'Check the scopes enabled for the app in the Tink Console, and that this app created the user (users belong to the app that created them)',
      fromTink: err.fromTink,
      cause: err,
    },
  )
}

/** A Tink answer that must be a JSON object; anything else is an unexpected answer (exit 5) naming `what`. */
export function parseJsonObject(res: HttpResponse, what: string): Record<string, unknown> {
  let parsed: unknown
  try {
    parsed = JSON.parse(res.body)
  } catch {
    throw new CliError(`${what}: the server answered ${res.status} with a body that is not JSON`, {
      exitCode: ExitCode.UNAVAILABLE,
      status: res.status,
      code: 'invalid_response',
      requestId: res.requestId,
    })
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw shapeError(what, res, `the server answered ${res.status} with JSON that is not an object`)
  }
  return parsed as Record<string, unknown>
}

export function shapeError(what: string, res: HttpResponse, problem: string): CliError {
  return new CliError(`${what}: ${problem}`, {exitCode: ExitCode.UNAVAILABLE, status: res.status, code: 'invalid_response', requestId: res.requestId})
}
