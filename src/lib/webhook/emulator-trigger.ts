/**
 * Asks a tink emulator to emit a webhook event (its POST /__emulator/events), after checking that
 * the base URL is an emulator at all (GET /__emulator/health answers {"ok": true}): the live Tink
 * has no such endpoint, so a trigger can never be sent to it by mistake.
 */
import {CliError, ExitCode, exitForStatus, usageError} from '../errors/cli-error.js'
import {HttpFailure, type HttpResponse, type RequestSpec} from '../http/client.js'
import type {UserRef} from '../tink/api.js'

export interface TriggerDeps {
  request(spec: RequestSpec): Promise<HttpResponse>
}

export interface TriggerInput {
  event: string
  user: UserRef
  /** Merged over the emulator's sample content for the event. */
  data?: Record<string, unknown>
  /** The app whose user it is (external ids are unique per app only). */
  clientId?: string
  /** The API base URL, for messages. */
  baseUrl: string
}

export interface TriggerResult {
  event: string
  userId: string
  /** Endpoints the delivery was queued for. */
  endpoints: number
}

/** `--data JSON`: an object, or a usage error. */
export function parseEventData(text: string | undefined): Record<string, unknown> | undefined {
  if (text === undefined) return undefined
  let v: unknown
  try {
    v = JSON.parse(text)
  } catch (error) {
    throw usageError(
      `--data is not valid JSON: ${(error as Error).message}`,
      'Give the event content as a JSON object, e.g. --data \'{"credentialsStatus":"TEMPORARY_ERROR"}\'',
    )
  }
  if (typeof v !== 'object' || v === null || Array.isArray(v))
    throw usageError('--data must be a JSON object (the event content)', 'e.g. --data \'{"id":"my-account"}\'')
  return v as Record<string, unknown>
}

/** The event name, checked against `events` (Tink's): an unknown one is a usage error listing them. */
export function checkEvent(event: string, events: readonly string[]): string {
  if (!events.includes(event)) throw usageError(`Unknown event "${event}"`, `Tink's events are: ${events.join(', ')}`)
  return event
}

export async function triggerEvent(deps: TriggerDeps, input: TriggerInput): Promise<TriggerResult> {
  const notEmulator = (why: string): CliError =>
    new CliError(`${input.baseUrl} is not a tink emulator (${why}): emulator trigger only works against one`, {
      exitCode: ExitCode.USAGE,
      hint: 'Point --base-url or TINK_API_URL at a running emulator (tink emulator start prints its URL)',
    })
  let health: HttpResponse
  try {
    health = await deps.request({method: 'GET', path: '/__emulator/health', what: 'emulator health check', retry: false})
  } catch (error) {
    if (error instanceof CliError && error.status !== undefined) throw notEmulator(`GET /__emulator/health answered ${error.status}`)
    throw error
  }
  let ok = false
  try {
    ok = (JSON.parse(health.body) as {ok?: unknown}).ok === true
  } catch {
    // not JSON: not an emulator
  }
  if (!ok) throw notEmulator('GET /__emulator/health did not answer {"ok":true}')
  const body = {event: input.event, ...input.user, ...(input.clientId ? {clientId: input.clientId} : {}), ...(input.data ? {data: input.data} : {})}
  let res: HttpResponse
  try {
    // Not retried: a lost answer would emit the event twice.
    res = await deps.request({method: 'POST', path: '/__emulator/events', what: 'emulator trigger', json: body, retry: false})
  } catch (error) {
    if (!(error instanceof HttpFailure) || error.status === undefined) throw error
    const said = emulatorMessage(error.body)
    if (said === undefined) throw error
    // 400: what was asked is wrong (usage); 404 no such user, 409 an external id of several apps (rejected).
    throw new CliError(`emulator trigger: ${said}`, {
      exitCode: error.status === 400 ? ExitCode.USAGE : exitForStatus(error.status),
      status: error.status,
      requestId: error.requestId,
    })
  }
  let r: Partial<TriggerResult>
  try {
    r = JSON.parse(res.body) as Partial<TriggerResult>
  } catch {
    throw new CliError(`emulator trigger: the answer is not the emulator's JSON (HTTP ${res.status})`, {
      exitCode: ExitCode.UNAVAILABLE,
      status: res.status,
      requestId: res.requestId,
    })
  }
  return {event: input.event, userId: String(r.userId ?? ''), endpoints: Number(r.endpoints ?? 0)}
}

/** The emulator's {"errorMessage"} (the error renderer neutralises terminal escapes), or undefined. */
function emulatorMessage(body: string): string | undefined {
  try {
    const m = (JSON.parse(body) as {errorMessage?: unknown}).errorMessage
    return typeof m === 'string' && m ? m : undefined
  } catch {
    return undefined
  }
}
