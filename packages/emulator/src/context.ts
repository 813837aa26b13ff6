/** What every route module works with: the request context, replies, and the emulator core. */
import type {IncomingMessage} from 'node:http'

import type {EmulatorClient} from './clients.js'
import type {AccessToken, Store, UserRecord} from './state.js'

export interface RecordedRequest {
  method: string
  path: string
  headers: Record<string, string>
  body: string
  form?: Record<string, string>
  json?: unknown
  /** Status sent; 0 when the emulator reset the connection instead of answering. */
  status: number
  /** Arrival time, emulator clock (ms). */
  at: number
}

export interface Reply {
  status: number
  body?: string
  headers?: Record<string, string>
  /** Default application/json; Tink Link pages are text/html. */
  contentType?: string
}

export interface Ctx {
  req: IncomingMessage
  record: RecordedRequest
  body: string
  query: URLSearchParams
  /** Path segments a pattern route captured (an account id, a Link flow). */
  params: string[]
}

export interface ClientEntry extends EmulatorClient {
  scopeSet: ReadonlySet<string>
}

/** The emulator as route modules see it. */
export interface Core {
  readonly store: Store
  readonly clients: ReadonlyMap<string, ClientEntry>
  now(): number
  /** Every user created gets a connected Demo Bank. */
  readonly demoData: boolean
  /** Redirect URIs registered besides loopback ones. */
  readonly redirectUris: ReadonlySet<string>
  /** 401 for who you are, 403 for what you may do; `scopes`: any one of them is enough. */
  bearer(ctx: Ctx, scopes: string | readonly string[], kind: 'client' | 'user' | 'any'): AccessToken | Reply
  issueAccess(kind: 'client' | 'user', clientId: string, scopes: string[], userId?: string): {token: string; ttl: number}
  /** One new Demo Bank connection for the user; returns the credentials id. */
  connect(userId: string, market: string): string
  /** The next PRNG of the demo data (connection n of a run draws from the seed's n-th PRNG). */
  nextConnectionPrng(): () => number
  /** Queues a webhook event for the user's app's subscribed, enabled endpoints; returns how many. */
  emit(user: UserRecord, event: string, content: Record<string, unknown>): number
  /** HMAC of a text with the emulator's page key (signs page tokens). */
  sign(text: string): string
}

export type Handler = (ctx: Ctx) => Reply

export const JSON_CT = 'application/json'
export const HTML_CT = 'text/html; charset=utf-8'

export const err = (status: number, errorCode: string, errorMessage: string, headers?: Record<string, string>): Reply => ({
  status,
  body: JSON.stringify({errorMessage, errorCode}),
  headers,
})
export const ok = (value: unknown): Reply => ({status: 200, body: JSON.stringify(value)})
export const isReply = (v: unknown): v is Reply => typeof v === 'object' && v !== null && 'status' in v && typeof (v as Reply).status === 'number'

function mediaType(req: IncomingMessage): string {
  const ct = req.headers['content-type']
  if (!ct) return ''
  const semi = ct.indexOf(';')
  return (semi < 0 ? ct : ct.slice(0, semi)).trim().toLowerCase()
}

export function form(ctx: Ctx): Record<string, string> | Reply {
  if (mediaType(ctx.req) !== 'application/x-www-form-urlencoded') {
    return err(400, 'invalid_request', 'Content-Type must be application/x-www-form-urlencoded')
  }
  const out: Record<string, string> = {}
  // First occurrence wins: a repeated field must not silently override an earlier one.
  for (const [k, v] of new URLSearchParams(ctx.body)) if (!Object.hasOwn(out, k)) out[k] = v
  ctx.record.form = out
  return out
}

export function json(ctx: Ctx): Record<string, unknown> | Reply {
  if (mediaType(ctx.req) !== 'application/json') return err(400, 'invalid_request', 'Content-Type must be application/json')
  let value: unknown
  try {
    value = JSON.parse(ctx.body)
  } catch {
    return err(400, 'invalid_request', 'Request body is not valid JSON')
  }
  ctx.record.json = value
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return err(400, 'invalid_request', 'Request body must be a JSON object')
  return value as Record<string, unknown>
}
