/**
 * `tink credentials wait`: polls a user's credentials (GET /api/v1/credentials/list) until a bank
 * connection settles. Tink's statuses: https://docs.tink.com/api (Credentials, "status"): the
 * connection is done when it is UPDATED and stuck when it is in one of ERROR_STATUSES; anything
 * else (CREATED, AUTHENTICATING, AWAITING_*, UPDATING) is still on its way.
 * A service: the list call, the clock and the messages come in as arguments.
 */
import {CliError, ExitCode, interrupted} from '../../errors/cli-error.js'

export const ERROR_STATUSES = ['AUTHENTICATION_ERROR', 'TEMPORARY_ERROR', 'PERMANENT_ERROR', 'SESSION_EXPIRED', 'DELETED'] as const

export type Credential = Record<string, unknown> & {id: string}

export interface WaitOptions {
  /** One GET /api/v1/credentials/list: Tink's answer as received. */
  list: () => Promise<Record<string, unknown>>
  /** How long to wait in all, in ms. */
  waitMs: number
  /** The one credential to wait for; else any created or changed after the wait began. */
  credentialsId?: string
  /** "external id \"cust-1\"": for the messages. */
  userLabel: string
  /** The text of --wait as given ("10m"), for the messages. */
  waitText: string
  signal: AbortSignal
  /** Messages for people (stderr). */
  note: (line: string) => void
  now?: () => number
  /** The first pause between polls, and the longest (backoff doubles up to it). */
  minIntervalMs?: number
  maxIntervalMs?: number
}

/** Resolves the credential that reached UPDATED; throws CliError for an error status (12), the end of the wait (10), Ctrl-C (130). */
export async function waitForCredentials(o: WaitOptions): Promise<Credential> {
  const now = o.now ?? Date.now
  const began = now()
  const deadline = began + o.waitMs
  let interval = o.minIntervalMs ?? 1000
  const maxInterval = o.maxIntervalMs ?? 15_000
  const what =
    o.credentialsId === undefined
      ? `a bank connection of the user with ${o.userLabel} created or changed from now on`
      : `credentials ${o.credentialsId} of the user with ${o.userLabel}`
  o.note(`Waiting up to ${o.waitText} for ${what} to reach UPDATED or an error status (Ctrl-C stops)...`)
  /** What each credential looked like at the first poll: a later change to it counts. */
  let baseline: Map<string, string> | undefined
  const shown = new Map<string, string>()
  let seenTarget = false
  for (;;) {
    if (o.signal.aborted) throw interruptedWait()
    const list = credentialsOf(
      await o.list().catch((err: unknown) => {
        throw o.signal.aborted ? interruptedWait() : err
      }),
    )
    baseline ??= new Map(list.filter((c) => !changedSince(c, began)).map((c) => [c.id, stamp(c)]))
    let candidates: Credential[]
    if (o.credentialsId !== undefined) {
      const found = list.find((c) => c.id === o.credentialsId)
      if (!found && !seenTarget) {
        throw new CliError(`The user with ${o.userLabel} has no credentials with id "${o.credentialsId}"`, {
          exitCode: ExitCode.REJECTED,
          code: 'not_found',
          hint: 'See its credentials with tink credentials list',
        })
      }
      seenTarget = true
      // Listed no more: Tink deleted it.
      candidates = [found ?? {id: o.credentialsId, status: 'DELETED', statusPayload: 'The credentials are no longer listed'}]
    } else candidates = list.filter((c) => baseline!.get(c.id) !== stamp(c))
    for (const c of candidates) {
      const line = `${text(c.providerName) ?? 'credentials'} ${c.id}: ${text(c.status) ?? 'no status'}`
      if (shown.get(c.id) !== line) o.note(line)
      shown.set(c.id, line)
    }
    const failed = candidates.find((c) => (ERROR_STATUSES as readonly unknown[]).includes(c.status))
    const done = candidates.find((c) => c.status === 'UPDATED')
    if (done && !failed) return done
    if (failed) throw credentialsFailed(failed)
    const left = deadline - now()
    if (left <= 0) {
      throw new CliError(
        `No ${o.credentialsId === undefined ? 'bank connection' : `UPDATED or error status for credentials ${o.credentialsId}`} settled within ${o.waitText}`,
        {
          exitCode: ExitCode.LINK_TIMEOUT,
          code: 'wait_timeout',
          hint: candidates.length ? `Last seen: ${[...shown.values()].join('; ')}` : 'Has the customer opened the Tink Link URL? Wait longer with --wait',
        },
      )
    }
    await sleep(Math.min(interval, left), o.signal)
    interval = Math.min(interval * 2, maxInterval)
  }
}

/** A credential in an error status: exit 12 with Tink's status and message. */
export function credentialsFailed(c: Record<string, unknown>): CliError {
  const status = text(c.status) ?? 'unknown status'
  const payload = text(c.statusPayload)
  return new CliError(`${text(c.providerName) ?? 'Credentials'} ${text(c.id) ?? ''}: ${status}${payload ? `: ${payload}` : ''}`.replace(/\s+:/, ':'), {
    exitCode: ExitCode.CREDENTIALS_FAILED,
    code: status,
    hint:
      status === 'TEMPORARY_ERROR'
        ? 'The bank had a temporary problem: the customer can try again later'
        : 'The customer connects again through a new Tink Link URL (tink grant delegate)',
  })
}

function interruptedWait(): CliError {
  const e = interrupted()
  return new CliError('Interrupted while waiting for the bank connection (nothing was changed)', {exitCode: e.exitCode, code: e.code})
}

export function credentialsOf(body: Record<string, unknown>): Credential[] {
  const list = Array.isArray(body.credentials) ? (body.credentials as unknown[]) : []
  return list.filter((c): c is Credential => typeof c === 'object' && c !== null && typeof (c as {id?: unknown}).id === 'string')
}

/** Tink stamps every change of status with statusUpdated (epoch ms). */
function changedSince(c: Credential, began: number): boolean {
  return typeof c.statusUpdated === 'number' && c.statusUpdated >= began
}

function stamp(c: Credential): string {
  return `${String(c.status)}|${String(c.statusUpdated)}|${String(c.updated)}`
}

function text(v: unknown): string | undefined {
  return typeof v === 'string' && v !== '' ? v : undefined
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const done = (): void => {
      clearTimeout(timer)
      signal.removeEventListener('abort', done)
      if (signal.aborted) reject(interruptedWait())
      else resolve()
    }
    const timer = setTimeout(done, ms)
    signal.addEventListener('abort', done, {once: true})
  })
}

/** --wait: seconds ("600"), or a number with s, m or h ("90s", "10m", "1h"). */
export function parseWait(value: string): number | undefined {
  const m = /^\s*(\d+(?:\.\d+)?)\s*(s|m|h)?\s*$/i.exec(value)
  if (!m) return undefined
  const ms = Number(m[1]) * {s: 1000, m: 60_000, h: 3_600_000}[(m[2] ?? 's').toLowerCase() as 's' | 'm' | 'h']
  return ms > 0 && ms <= 86_400_000 ? ms : undefined
}
