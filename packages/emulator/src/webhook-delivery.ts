/**
 * Sends events to webhook endpoints as Tink does (events v2 reference, Create Webhook Endpoint;
 * webhook-signature-validation page): a POST of {context, content, event} signed with
 * `X-Tink-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of t + "." + body>` under the endpoint's
 * secret, retried up to 3 times at exponential intervals on 408/429/500/502/503/504, never when no
 * connection could be made. Nothing here blocks an API answer: deliveries run after it is sent.
 */
import {createHmac} from 'node:crypto'
import {request as httpRequest, type ClientRequest} from 'node:http'
import {request as httpsRequest} from 'node:https'

import type {WebhookRecord} from './state.js'
import {MAX_RETRIES, RETRY_STATUSES} from './tables/events.js'

export interface DeliveryAttempt {
  endpointId: string
  url: string
  event: string
  /** 1 for the first try, 2-4 for the retries. */
  attempt: number
  /** The endpoint's status; 0 when no answer came (see `error`). */
  status: number
  error?: string
  /** Wall clock, ms. */
  at: number
  /** Whether another attempt follows. */
  retrying: boolean
}

/** Tink signs `t + "." + body` with HMAC-SHA256 under the endpoint's secret, hex. */
export function tinkSignature(secret: string, t: number, body: string): string {
  return `t=${t},v1=${createHmac('sha256', secret).update(`${t}.${body}`).digest('hex')}`
}

const ATTEMPT_TIMEOUT_MS = 10_000
const KEEP_ATTEMPTS = 10_000

export class Deliveries {
  readonly attempts: DeliveryAttempt[] = []
  private readonly timers = new Set<NodeJS.Timeout>()
  private readonly inFlight = new Map<ClientRequest, Promise<void>>()
  private closed = false

  constructor(
    /** First retry interval (ms); each later one doubles. */
    public firstRetryMs: number,
    /** The endpoint as it is now: a retry goes to its current URL, and none to one deleted or disabled meanwhile. */
    private readonly current: (id: string) => WebhookRecord | undefined,
    private readonly log?: (line: string) => void,
  ) {}

  /** Queues one delivery per endpoint; returns at once. */
  send(endpoints: readonly WebhookRecord[], event: string, payload: unknown): void {
    if (this.closed) return
    const body = JSON.stringify(payload)
    for (const w of endpoints) this.later(0, () => this.attempt(w.id, event, body, 1))
  }

  private later(ms: number, fn: () => void): void {
    const t = setTimeout(() => {
      this.timers.delete(t)
      if (!this.closed) fn()
    }, ms)
    this.timers.add(t)
  }

  private attempt(id: string, event: string, body: string, n: number): void {
    const w = this.current(id)
    if (!w || w.disabled) return
    const t = Math.floor(Date.now() / 1000)
    const url = new URL(w.url)
    const send = url.protocol === 'https:' ? httpsRequest : httpRequest
    const req = send(url, {
      method: 'POST',
      timeout: ATTEMPT_TIMEOUT_MS,
      headers: {
        'content-type': 'application/json',
        'content-length': Buffer.byteLength(body),
        'user-agent': 'tink-emulator-webhooks',
        'x-tink-signature': tinkSignature(w.secret, t, body),
      },
    })
    const done = new Promise<void>((resolve) => {
      const finish = (status: number, error?: string): void => {
        if (!this.inFlight.has(req)) return
        this.inFlight.delete(req)
        const retrying = !this.closed && status !== 0 && RETRY_STATUSES.has(status) && n <= MAX_RETRIES
        this.record({endpointId: w.id, url: w.url, event, attempt: n, status, error, at: Date.now(), retrying})
        if (retrying) this.later(this.firstRetryMs * 2 ** (n - 1), () => this.attempt(id, event, body, n + 1))
        resolve()
      }
      req.on('response', (res) => {
        res.resume()
        res.on('end', () => finish(res.statusCode ?? 0))
        res.on('close', () => finish(res.statusCode ?? 0))
      })
      // No connection, a reset or a timeout: Tink does not retry what it could not deliver.
      req.on('timeout', () => req.destroy(new Error(`no answer within ${ATTEMPT_TIMEOUT_MS / 1000} s`)))
      req.on('error', (e) => finish(0, this.closed ? 'cancelled: the emulator closed' : e.message))
    })
    this.inFlight.set(req, done)
    req.end(body)
  }

  private record(a: DeliveryAttempt): void {
    if (this.attempts.length >= KEEP_ATTEMPTS) this.attempts.splice(0, KEEP_ATTEMPTS / 10)
    this.attempts.push(a)
    this.log?.(`webhook ${a.event} -> ${a.url} attempt ${a.attempt}: ${a.status === 0 ? a.error : a.status}${a.retrying ? ' (will retry)' : ''}`)
  }

  /** Cancels queued attempts and retries, aborts the ones under way, and waits for them to end. */
  async close(): Promise<void> {
    this.closed = true
    for (const t of this.timers) clearTimeout(t)
    this.timers.clear()
    const pending = [...this.inFlight.values()]
    for (const req of this.inFlight.keys()) req.destroy()
    await Promise.all(pending)
  }
}
