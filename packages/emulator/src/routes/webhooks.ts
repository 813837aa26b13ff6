/**
 * Events v2 webhook endpoints: create, list (paged), update, delete, with a client token scoped
 * `webhook-endpoints` (Tink API reference, api-events-v2; Tiny-doc docs/tink_docs_api/api-events-v2).
 * Endpoints belong to the client that created them, as on Tink. The emulator's own choice: besides
 * https URLs (Tink's only scheme) it accepts http ones on loopback, so a laptop needs no tunnel.
 */
import {randomBytes} from 'node:crypto'

import {type Core, type Ctx, err, isReply, json, ok, type Reply} from '../context.js'
import type {RouteDef} from '../router.js'
import {isLoopback} from '../loopback.js'
import {newHexId, type WebhookRecord} from '../state.js'
import {isTinkEvent, TINK_EVENTS} from '../tables/events.js'

const PATH = '/events/v2/webhook-endpoints'
const SCOPE = 'webhook-endpoints'
const DEFAULT_PAGE_SIZE = 20
const MAX_PAGE_SIZE = 100
const MUTABLE = ['url', 'enabledEvents', 'description', 'disabled'] as const
// WebhookEndpoint's read-only fields: a client may echo them back in an update; they do not change.
const READ_ONLY = ['id', 'createdAt', 'updatedAt']

export function webhookRoutes(core: Core): RouteDef[] {
  return [
    {path: PATH, methods: ['GET', 'POST'], handler: (c) => (c.req.method === 'POST' ? create(core, c) : list(core, c))},
    {
      pattern: /^\/events\/v2\/webhook-endpoints\/([^/]+)$/,
      methods: ['PATCH', 'DELETE'],
      handler: (c) => (c.req.method === 'PATCH' ? update(core, c) : remove(core, c)),
    },
  ]
}

/** Tink's WebhookEndpoint as the API shows it: never the secret (only create adds it). */
export function endpointJson(w: WebhookRecord): Record<string, unknown> {
  return {
    createdAt: w.createdAt,
    ...(w.description !== undefined ? {description: w.description} : {}),
    disabled: w.disabled,
    enabledEvents: [...w.enabledEvents],
    id: w.id,
    updatedAt: w.updatedAt,
    url: w.url,
  }
}

const invalid = (message: string): Reply => err(400, 'invalid_argument', message)

function checkUrl(v: unknown): string | Reply {
  if (typeof v !== 'string' || !URL.canParse(v)) return invalid(`url must be an absolute https URL, got ${JSON.stringify(v)}`)
  const u = new URL(v)
  if (u.protocol === 'https:') return v
  if (u.protocol === 'http:' && isLoopback(u.hostname.replace(/^\[|\]$/g, ''))) return v
  return invalid(`url must use https (Tink's only scheme; the emulator also takes http on localhost, 127.0.0.1 and [::1]), got ${v}`)
}

function checkEvents(v: unknown): string[] | Reply {
  if (!Array.isArray(v) || v.length === 0 || !v.every((e) => typeof e === 'string')) return invalid('enabledEvents must be a non-empty list of event names')
  const unknown = v.filter((e) => !isTinkEvent(e))
  if (unknown.length > 0) return invalid(`Unknown event ${unknown.join(', ')}; Tink's events are ${TINK_EVENTS.join(', ')}`)
  return [...new Set(v)]
}

function checkFields(body: Record<string, unknown>): Reply | undefined {
  if (body.description !== undefined && typeof body.description !== 'string') return invalid('description must be a string')
  if (body.disabled !== undefined && typeof body.disabled !== 'boolean') return invalid('disabled must be true or false')
  return undefined
}

/** Tink's 409: another endpoint of the app with the same url and one or more of the same events. */
function conflict(core: Core, clientId: string, url: string, events: string[], except?: string): Reply | undefined {
  for (const w of core.store.webhooks.values()) {
    if (w.client_id === clientId && w.id !== except && w.url === url && w.enabledEvents.some((e) => events.includes(e))) {
      return err(409, 'already_exists', 'A webhook subscribed to one or more of the same events and url already exists')
    }
  }
  return undefined
}

function create(core: Core, ctx: Ctx): Reply {
  const auth = core.bearer(ctx, SCOPE, 'client')
  if (isReply(auth)) return auth
  const body = json(ctx)
  if (isReply(body)) return body
  const url = checkUrl(body.url)
  if (isReply(url)) return url
  const events = checkEvents(body.enabledEvents)
  if (isReply(events)) return events
  const bad = checkFields(body)
  if (bad) return bad
  const clash = conflict(core, auth.clientId, url, events)
  if (clash) return clash
  const at = new Date(core.now()).toISOString()
  const w: WebhookRecord = {
    id: newHexId(),
    client_id: auth.clientId,
    url,
    enabledEvents: events,
    disabled: body.disabled === true,
    ...(typeof body.description === 'string' ? {description: body.description} : {}),
    createdAt: at,
    updatedAt: at,
    secret: randomBytes(16).toString('hex'),
  }
  core.store.webhooks.set(w.id, w)
  core.store.webhooksChanged()
  return ok({...endpointJson(w), secret: w.secret})
}

function list(core: Core, ctx: Ctx): Reply {
  const auth = core.bearer(ctx, SCOPE, 'client')
  if (isReply(auth)) return auth
  const sizeText = ctx.query.get('pageSize')
  const size = sizeText === null || sizeText === '' ? DEFAULT_PAGE_SIZE : Number(sizeText)
  if (!Number.isInteger(size) || size < 1) return invalid(`pageSize must be a positive whole number, got ${sizeText}`)
  const mine = [...core.store.webhooks.values()].filter((w) => w.client_id === auth.clientId)
  let offset = 0
  const token = ctx.query.get('pageToken')
  if (token) {
    // A page token is the offset signed with the emulator's key: one it did not hand out is a 400.
    const [at, mac] = token.split('.')
    if (mac !== core.sign(`webhooks:${auth.clientId}:${at}`) || !/^\d+$/.test(at)) return invalid('pageToken is not one this server handed out')
    offset = Number(at)
  }
  const end = offset + Math.min(size, MAX_PAGE_SIZE)
  const nextPageToken = end < mine.length ? `${end}.${core.sign(`webhooks:${auth.clientId}:${end}`)}` : ''
  return ok({nextPageToken, webhookEndpoints: mine.slice(offset, end).map(endpointJson)})
}

function owned(core: Core, ctx: Ctx): {w: WebhookRecord} | Reply {
  const auth = core.bearer(ctx, SCOPE, 'client')
  if (isReply(auth)) return auth
  const w = core.store.webhooks.get(ctx.params[0])
  // Another app's endpoint is as unknown as a missing one.
  if (!w || w.client_id !== auth.clientId) return err(404, 'not_found', `Webhook endpoint ${ctx.params[0]} not found`)
  return {w}
}

function update(core: Core, ctx: Ctx): Reply {
  const found = owned(core, ctx)
  if (isReply(found)) return found
  const body = json(ctx)
  if (isReply(body)) return body
  const fields = body.webhookEndpoint
  if (typeof fields !== 'object' || fields === null || Array.isArray(fields)) return invalid('webhookEndpoint must be an object with the fields to change')
  const f = fields as Record<string, unknown>
  if (f.secret !== undefined) return invalid('secret cannot be updated (Tink returns it only on creation)')
  const other = Object.keys(f).filter((k) => !(MUTABLE as readonly string[]).includes(k) && !READ_ONLY.includes(k))
  if (other.length > 0) return invalid(`${other.join(', ')} cannot be updated; the mutable fields are ${MUTABLE.join(', ')}`)
  if (!MUTABLE.some((k) => f[k] !== undefined)) return invalid(`webhookEndpoint must set one or more of ${MUTABLE.join(', ')}`)
  const url = f.url === undefined ? found.w.url : checkUrl(f.url)
  if (isReply(url)) return url
  const events = f.enabledEvents === undefined ? found.w.enabledEvents : checkEvents(f.enabledEvents)
  if (isReply(events)) return events
  const bad = checkFields(f)
  if (bad) return bad
  const clash = conflict(core, found.w.client_id, url, events, found.w.id)
  if (clash) return clash
  Object.assign(found.w, {url, enabledEvents: events, updatedAt: new Date(core.now()).toISOString()})
  if (typeof f.disabled === 'boolean') found.w.disabled = f.disabled
  if (typeof f.description === 'string') found.w.description = f.description
  core.store.webhooksChanged()
  return ok(endpointJson(found.w))
}

function remove(core: Core, ctx: Ctx): Reply {
  const found = owned(core, ctx)
  if (isReply(found)) return found
  core.store.webhooks.delete(found.w.id)
  core.store.webhooksChanged()
  return ok({})
}
