/**
 * Connectivity v1 (Tink API reference, api-connectivity-v1): a user's credentials and provider
 * consents, as Tink Link connections (or --demo-data) left them.
 */
import {type Core, type Ctx, err, isReply, json, ok, type Reply} from '../context.js'
import {credentialsJson, SESSION_MS} from '../demo-data.js'
import type {CredentialsRecord} from '../state.js'
import {connectionEvents} from '../webhook-events.js'
import {userOf} from './users.js'
import type {RouteDef} from '../router.js'

export function connectivityRoutes(core: Core): RouteDef[] {
  return [
    {path: '/api/v1/credentials/list', methods: ['GET'], handler: (c) => listCredentials(core, c)},
    {pattern: /^\/api\/v1\/credentials\/([^/]+)$/, methods: ['GET', 'DELETE'], handler: (c) => oneCredentials(core, c)},
    {pattern: /^\/api\/v1\/credentials\/([^/]+)\/(refresh|authenticate)$/, methods: ['POST'], handler: (c) => refreshCredentials(core, c)},
    {path: '/api/v1/provider-consents', methods: ['GET'], handler: (c) => providerConsents(core, c)},
    {path: '/api/v1/provider-consents:extend', methods: ['POST'], handler: (c) => extendConsent(core, c)},
  ]
}

function listCredentials(core: Core, ctx: Ctx): Reply {
  const u = userOf(core, ctx, 'credentials:read')
  if (isReply(u)) return u
  return ok({credentials: (core.store.userData.get(u.user_id)?.credentials ?? []).map(credentialsJson)})
}

function providerConsents(core: Core, ctx: Ctx): Reply {
  const u = userOf(core, ctx, 'provider-consents:read')
  if (isReply(u)) return u
  const data = core.store.userData.get(u.user_id)
  // Tink API reference, connectivity v1 List provider consents: one consent per credentials.
  const providerConsents = (data?.credentials ?? []).map((c) => ({
    credentialsId: c.id,
    providerName: c.providerName,
    status: c.status,
    statusUpdated: c.statusUpdated,
    sessionExpiryDate: c.sessionExpiryDate,
    sessionExtendable: c.status === 'UPDATED',
    accountIds: data!.accounts.filter((a) => a.credentialsId === c.id).map((a) => a.id),
    ...(c.status === 'UPDATED'
      ? {}
      : {detailedError: {type: c.status, displayMessage: c.statusPayload, details: {reason: c.status, retryable: c.status === 'TEMPORARY_ERROR'}}}),
  }))
  return ok({providerConsents})
}

/** The user's credentials with the id in the path, for a token with `scope`. */
function credentialsOf(core: Core, ctx: Ctx, scope: string): {userId: string; credentials: CredentialsRecord} | Reply {
  const u = userOf(core, ctx, scope)
  if (isReply(u)) return u
  const credentials = core.store.userData.get(u.user_id)?.credentials.find((c) => c.id === ctx.params[0])
  return credentials ? {userId: u.user_id, credentials} : err(404, 'not_found', 'Credentials not found')
}

// GET needs credentials:read; DELETE credentials:write (Tink API reference, connectivity v1 Get / Delete credentials).
function oneCredentials(core: Core, ctx: Ctx): Reply {
  const found = credentialsOf(core, ctx, ctx.req.method === 'DELETE' ? 'credentials:write' : 'credentials:read')
  if (isReply(found)) return found
  if (ctx.req.method === 'GET') return ok(credentialsJson(found.credentials))
  const data = core.store.dataOf(found.userId)
  const id = found.credentials.id
  const gone = new Set(data.accounts.filter((a) => a.credentialsId === id).map((a) => a.id))
  data.credentials = data.credentials.filter((c) => c.id !== id)
  data.accounts = data.accounts.filter((a) => a.credentialsId !== id)
  data.transactions = data.transactions.filter((t) => !gone.has(t.accountId))
  return {status: 204}
}

// Refresh and authenticate need credentials:refresh (Tink API reference, connectivity v1); the Demo Bank answers at once.
function refreshCredentials(core: Core, ctx: Ctx): Reply {
  const found = credentialsOf(core, ctx, 'credentials:refresh')
  if (isReply(found)) return found
  const now = core.now()
  Object.assign(found.credentials, {status: 'UPDATED', statusUpdated: now, updated: now, statusPayload: 'Analyzed 2 accounts from Demo Bank.'})
  const data = core.store.dataOf(found.userId)
  for (const a of data.accounts) if (a.credentialsId === found.credentials.id) a.refreshed = now
  // A refresh that finished fires refresh:finished, and account-transactions:modified per account (nothing new from the Demo Bank).
  const user = core.store.getUser(found.userId)
  if (user) connectionEvents((u, e, c) => core.emit(u, e, c), user, data, found.credentials, false, now)
  return {status: 204}
}

// Extend a consent: provider-consents:write, body {"credentialsId"} (Tink API reference, connectivity v1 Extend a consent).
function extendConsent(core: Core, ctx: Ctx): Reply {
  const u = userOf(core, ctx, 'provider-consents:write')
  if (isReply(u)) return u
  const body = json(ctx)
  if (isReply(body)) return body
  if (typeof body.credentialsId !== 'string') return err(400, 'invalid_request', 'credentialsId is required')
  const credentials = core.store.userData.get(u.user_id)?.credentials.find((c) => c.id === body.credentialsId)
  if (!credentials) return err(404, 'not_found', 'Credentials not found')
  credentials.sessionExpiryDate = core.now() + SESSION_MS
  return ok({})
}
