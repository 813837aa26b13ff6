/**
 * OAuth: token, authorization grants (plain and delegated), revoke-all. As Tink's API reference
 * (api-general, OAuth) and Tink's own clients (Postman collections, the permanent-users example
 * app) use them.
 */
import {type Core, type Ctx, err, form, isReply, ok, type Reply} from '../context.js'
import {CODE_TTL_MS, newHexId, newToken} from '../state.js'
import {GRANT_FORBIDDEN_MESSAGE, USER_NOT_FOUND_MESSAGE} from '../tables/errors.js'
import {isTinkScope, splitScopes} from '../tables/scopes.js'
import type {RouteDef} from '../router.js'

/** ISO-8859-1 only, as the live service requires for id_hint (it is shown in Tink Link). */
const isLatin1 = (s: string): boolean => {
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) > 0xff) return false
  return true
}

export function oauthRoutes(core: Core): RouteDef[] {
  return [
    {path: '/api/v1/oauth/token', methods: ['POST'], endpoint: 'token', handler: (c) => token(core, c)},
    {path: '/api/v1/oauth/authorization-grant', methods: ['POST'], endpoint: 'grant', handler: (c) => grant(core, c, false)},
    {path: '/api/v1/oauth/authorization-grant/delegate', methods: ['POST'], endpoint: 'delegate', handler: (c) => grant(core, c, true)},
    {path: '/api/v1/oauth/revoke-all', methods: ['POST'], handler: (c) => revokeAll(core, c)},
  ]
}

function token(core: Core, ctx: Ctx): Reply {
  const f = form(ctx)
  if (isReply(f)) return f
  const {client_id: clientId, client_secret: secret, grant_type: grantType} = f
  if (!clientId || !secret) return err(400, 'invalid_request', 'client_id and client_secret are required')
  const client = core.clients.get(clientId)
  if (!client || client.secret !== secret) return err(401, 'invalid_client', 'Unknown client or wrong client secret')
  if (!grantType) return err(400, 'invalid_request', 'grant_type is required')

  if (grantType === 'client_credentials') {
    const asked = f.scope === undefined ? client.scopes : splitScopes(f.scope)
    const unknown = asked.filter((s) => !isTinkScope(s))
    if (unknown.length > 0) return err(400, 'invalid_scope', `Unknown scope: ${unknown.join(',')}`)
    const granted = asked.filter((s) => client.scopeSet.has(s))
    if (granted.length === 0) {
      return err(400, 'invalid_scope', asked.length === 0 ? 'scope is empty' : `Client may not use any of the scopes: ${asked.join(',')}`)
    }
    const {token: t, ttl} = core.issueAccess('client', client.id, granted)
    return ok({access_token: t, token_type: 'bearer', expires_in: ttl, scope: granted.join(',')})
  }

  if (grantType === 'authorization_code') {
    // A `scope` field may come along (Tink's example app sends one); the code's own scopes apply.
    if (!f.code) return err(400, 'invalid_request', 'code is required for grant_type=authorization_code')
    const code = core.store.codes.get(f.code)
    if (!code) return err(400, 'invalid_grant', 'Authorization code is unknown or was already used')
    if (code.expiresAt <= core.now()) {
      core.store.codes.delete(f.code)
      return err(400, 'invalid_grant', 'Authorization code has expired')
    }
    // Not consumed: a code leaked to the wrong client must not be burnt by it.
    if (code.clientId !== client.id) return err(400, 'invalid_grant', 'Authorization code was issued to another client')
    core.store.codes.delete(f.code)
    if (!core.store.getUser(code.userId)) return err(400, 'invalid_grant', 'The user of this authorization code no longer exists')
    return userTokens(core, client.id, code.userId, code.scope, code.idHint)
  }

  if (grantType === 'refresh_token') {
    if (!f.refresh_token) return err(400, 'invalid_request', 'refresh_token is required for grant_type=refresh_token')
    const rt = core.store.refreshTokens.get(f.refresh_token)
    if (!rt) return err(400, 'invalid_grant', 'Refresh token is unknown or was already used')
    if (rt.clientId !== client.id) return err(400, 'invalid_grant', 'Refresh token was issued to another client')
    core.store.refreshTokens.delete(f.refresh_token)
    if (!core.store.getUser(rt.userId)) return err(400, 'invalid_grant', 'The user of this refresh token no longer exists')
    return userTokens(core, client.id, rt.userId, rt.scope, rt.idHint)
  }

  return err(400, 'unsupported_grant_type', `Unsupported grant_type "${grantType}"; use client_credentials, authorization_code or refresh_token`)
}

function userTokens(core: Core, clientId: string, userId: string, scope: string, idHint: string | undefined): Reply {
  const {token: t, ttl} = core.issueAccess('user', clientId, scope.split(','), userId)
  const refresh = newToken()
  core.store.refreshTokens.set(refresh, {clientId, userId, scope, idHint})
  const body: Record<string, unknown> = {access_token: t, token_type: 'bearer', expires_in: ttl, refresh_token: refresh, scope}
  if (idHint !== undefined) body.id_hint = idHint
  return ok(body)
}

/** Tink's 401 for a grant: the app may not use the scope, or has no access to the user. */
const forbidden = (detail: string): Reply => err(401, 'unauthorized_client', `${GRANT_FORBIDDEN_MESSAGE} (${detail})`)

function grant(core: Core, ctx: Ctx, delegate: boolean): Reply {
  const auth = core.bearer(ctx, 'authorization:grant', 'client')
  if (isReply(auth)) return auth
  const f = form(ctx)
  if (isReply(f)) return f
  const client = core.clients.get(auth.clientId)!
  const userId = f.user_id || undefined
  const externalId = f.external_user_id || undefined
  if ((userId === undefined) === (externalId === undefined)) return err(400, 'invalid_request', 'Give exactly one of user_id and external_user_id')
  if (!f.scope) return err(400, 'invalid_request', 'scope is required')
  const scopes = splitScopes(f.scope)
  if (scopes.length === 0) return err(400, 'invalid_request', 'scope is empty')
  const denied = scopes.filter((s) => !client.scopeSet.has(s))
  if (denied.length > 0) {
    const unknown = denied.filter((s) => !isTinkScope(s))
    return forbidden(unknown.length > 0 ? `unknown scope ${unknown.join(',')}` : `the app may not grant ${denied.join(',')}`)
  }
  const idHint = f.id_hint || undefined
  let actor = client.id
  if (delegate) {
    // Tink's example app sends response_type=code; no other response type exists.
    if (f.response_type !== undefined && f.response_type !== 'code')
      return err(400, 'invalid_request', `response_type must be code, got ${JSON.stringify(f.response_type)}`)
    if (!idHint) return err(400, 'invalid_request', 'id_hint is required for a delegated grant')
    if (!f.actor_client_id) return err(400, 'invalid_request', 'actor_client_id is required for a delegated grant')
    actor = f.actor_client_id
  }
  if (idHint !== undefined && !isLatin1(idHint)) return err(400, 'invalid_request', 'id_hint may only contain ISO-8859-1 characters')
  const user = userId !== undefined ? core.store.getUser(userId) : core.store.findByExternal(client.id, externalId!)
  if (!user) return err(404, 'user_not_found', USER_NOT_FOUND_MESSAGE)
  if (user.client_id !== client.id) return forbidden(`the app has no access to user ${user.user_id}`)
  const code = newHexId()
  core.store.codes.set(code, {
    clientId: actor,
    userId: user.user_id,
    scope: scopes.join(','),
    idHint,
    expiresAt: core.now() + CODE_TTL_MS,
    delegated: delegate,
    issuer: client.id,
  })
  return ok({code})
}

function revokeAll(core: Core, ctx: Ctx): Reply {
  const auth = core.bearer(ctx, 'authorization:revoke', 'client')
  if (isReply(auth)) return auth
  const f = form(ctx)
  if (isReply(f)) return f
  const userId = f.user_id || undefined
  const externalId = f.external_user_id || undefined
  if ((userId === undefined) === (externalId === undefined)) return err(400, 'invalid_request', 'Give exactly one of user_id and external_user_id')
  const user = userId !== undefined ? core.store.getUser(userId) : core.store.findByExternal(auth.clientId, externalId!)
  if (!user || user.client_id !== auth.clientId) return err(404, 'user_not_found', USER_NOT_FOUND_MESSAGE)
  core.store.revokeTokens(user.user_id)
  return {status: 204}
}
