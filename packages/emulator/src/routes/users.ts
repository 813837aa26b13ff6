/** Users: create (with Idempotency-Key), delete, read (Tink API reference, api-general, User). */
import {type Core, type Ctx, err, isReply, json, ok, type Reply} from '../context.js'
import {IDEMPOTENCY_TTL_MS, newHexId, TEMPORARY_USER_TTL_MS, type UserRecord} from '../state.js'
import {currencyOf, isTinkMarket, isUserLocale, timeZoneOf} from '../tables/markets.js'
import type {RouteDef} from '../router.js'

// Tink API reference, Create user: retention_class is shown in lower case; the seed spec's enum is upper case. Either is accepted.
const RETENTION_CLASSES = ['PERMANENT', 'TEMPORARY'] as const

export function userRoutes(core: Core): RouteDef[] {
  return [
    {path: '/api/v1/user/create', methods: ['POST'], endpoint: 'create', handler: (c) => createUser(core, c)},
    {path: '/api/v1/user/delete', methods: ['POST'], endpoint: 'delete', handler: (c) => deleteUser(core, c)},
    {path: '/api/v1/user', methods: ['GET'], handler: (c) => getUser(core, c)},
    {path: '/api/v1/user/profile', methods: ['GET'], handler: (c) => getProfile(core, c)},
  ]
}

function createUser(core: Core, ctx: Ctx): Reply {
  const auth = core.bearer(ctx, 'user:create', 'client')
  if (isReply(auth)) return auth
  const key = ctx.req.headers['idempotency-key']
  if (typeof key !== 'string' || key === '') return createUserInner(core, ctx, auth.clientId)
  if (key.length > 255) return err(400, 'invalid_request', 'Idempotency-Key is longer than 255 characters')
  const slot = `${auth.clientId}\0${key}`
  const prior = core.store.idempotency.get(slot)
  if (prior && prior.expiresAt > core.now()) {
    if (prior.body !== ctx.body) return err(422, 'idempotency_key_reused', 'Idempotency-Key was already used with a different request body')
    return {status: prior.status, body: prior.response, headers: {'idempotent-replayed': 'true'}}
  }
  const reply = createUserInner(core, ctx, auth.clientId)
  core.store.idempotency.set(slot, {body: ctx.body, status: reply.status, response: reply.body ?? '', expiresAt: core.now() + IDEMPOTENCY_TTL_MS})
  return reply
}

function createUserInner(core: Core, ctx: Ctx, clientId: string): Reply {
  const body = json(ctx)
  if (isReply(body)) return body
  const {external_user_id: ext, market, locale} = body
  const retentionIn = body.retention_class ?? 'PERMANENT'
  if (ext !== undefined && ext !== null && (typeof ext !== 'string' || ext === ''))
    return err(400, 'invalid_request', 'external_user_id must be a non-empty string')
  if (!isTinkMarket(market)) {
    return err(400, 'invalid_market', `market must be one of Tink's markets (upper-case ISO 3166-1 alpha-2, e.g. GB, SE), got ${JSON.stringify(market)}`)
  }
  if (!isUserLocale(locale)) return err(400, 'invalid_locale', `locale must be one of Tink's locales (e.g. en_US, sv_SE), got ${JSON.stringify(locale)}`)
  const retention = typeof retentionIn === 'string' ? retentionIn.toUpperCase() : retentionIn
  if (!RETENTION_CLASSES.includes(retention as (typeof RETENTION_CLASSES)[number])) {
    return err(400, 'invalid_retention_class', `retention_class must be permanent or temporary (either case), got ${JSON.stringify(retentionIn)}`)
  }
  const external = typeof ext === 'string' ? ext : undefined
  if (external !== undefined && core.store.findByExternal(clientId, external)) {
    return err(409, 'user_already_exists', `A user with external_user_id ${JSON.stringify(external)} already exists`)
  }
  const now = core.now()
  const user: UserRecord = {
    user_id: newHexId(),
    ...(external !== undefined ? {external_user_id: external} : {}),
    market,
    locale,
    retention_class: retention as UserRecord['retention_class'],
    created_at: new Date(now).toISOString(),
    client_id: clientId,
    ...(retention === 'TEMPORARY' ? {expires_at: now + TEMPORARY_USER_TTL_MS} : {}),
  }
  core.store.createUser(user)
  if (core.demoData) core.connect(user.user_id, market)
  // Without external_user_id Tink answers {"user_id"} only (Tink's permanent-users example app creates users that way).
  return ok(external !== undefined ? {user_id: user.user_id, external_user_id: external} : {user_id: user.user_id})
}

function deleteUser(core: Core, ctx: Ctx): Reply {
  const auth = core.bearer(ctx, 'user:delete', 'user')
  if (isReply(auth)) return auth
  core.store.deleteUser(auth.userId!)
  return {status: 204}
}

/** The user token's user (bearer() already checked it exists). */
export function userOf(core: Core, ctx: Ctx, scope: string | readonly string[]): UserRecord | Reply {
  const auth = core.bearer(ctx, scope, 'user')
  if (isReply(auth)) return auth
  return core.store.getUser(auth.userId!)!
}

const profileOf = (u: UserRecord): Record<string, string> => ({
  locale: u.locale,
  market: u.market,
  currency: currencyOf(u.market),
  timeZone: timeZoneOf(u.market),
})

function getUser(core: Core, ctx: Ctx): Reply {
  const u = userOf(core, ctx, 'user:read')
  if (isReply(u)) return u
  return ok({
    appId: u.client_id,
    created: Date.parse(u.created_at),
    ...(u.external_user_id !== undefined ? {externalUserId: u.external_user_id} : {}),
    flags: [],
    id: u.user_id,
    nationalId: '',
    profile: profileOf(u),
    username: '',
  })
}

function getProfile(core: Core, ctx: Ctx): Reply {
  const u = userOf(core, ctx, 'user:read')
  if (isReply(u)) return u
  return ok(profileOf(u))
}
