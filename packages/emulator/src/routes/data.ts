/**
 * Data endpoints with Tink's scopes and shapes (Tink API reference: api-data-v2 accounts, balances,
 * parties, identities, transactions).
 * Bank data comes from Tink Link connections (or --demo-data) and lives in memory only.
 */
import {type Core, type Ctx, err, isReply, ok, type Reply} from '../context.js'
import {accountBalancesJson, accountJson, identityJson, partiesJson, transactionJson} from '../demo-data.js'
import type {AccountRecord, UserRecord} from '../state.js'
import {userOf} from './users.js'
import type {RouteDef} from '../router.js'

// Tink API reference, data v2 List Accounts / List Transactions: "will not return more than 100" a page; a larger pageSize is capped.
const MAX_PAGE_SIZE = 100
const DEFAULT_PAGE_SIZE = 50
// Tink API reference, data v2 List Accounts: typesIn values.
const ACCOUNT_TYPES = ['UNDEFINED', 'CHECKING', 'SAVINGS', 'CREDIT_CARD']
// Tink API reference, data v2 List Transactions: statusIn values.
const TRANSACTION_STATUSES = ['UNDEFINED', 'PENDING', 'BOOKED']
// Tink API reference, data v2 Get Account Balances: either scope is enough.
const BALANCES_SCOPES = ['accounts:read', 'accounts.balances:readonly'] as const

export function dataRoutes(core: Core): RouteDef[] {
  return [
    {path: '/data/v2/accounts', methods: ['GET'], handler: (c) => listAccounts(core, c)},
    {pattern: /^\/data\/v2\/accounts\/([^/]+)\/balances$/, methods: ['GET'], handler: (c) => balances(core, c)},
    {pattern: /^\/data\/v2\/accounts\/([^/]+)\/parties$/, methods: ['GET'], handler: (c) => parties(core, c)},
    {path: '/data/v2/identities', methods: ['GET'], handler: (c) => identities(core, c)},
    {path: '/data/v2/transactions', methods: ['GET'], handler: (c) => listTransactions(core, c)},
  ]
}

/** Values of a filter that may be repeated or comma-separated. */
const many = (q: URLSearchParams, name: string): Set<string> =>
  new Set(
    q
      .getAll(name)
      .flatMap((v) => v.split(','))
      .filter((v) => v !== ''),
  )

interface Page {
  size: number
  offset: number
}

/** pageSize (capped at 100) and a pageToken signed for this user and these filters. */
function pageOf(core: Core, q: URLSearchParams, userId: string, filter: string): Page | Reply {
  const sizeText = q.get('pageSize')
  const asked = sizeText === null || sizeText === '' ? DEFAULT_PAGE_SIZE : Number(sizeText)
  if (!Number.isInteger(asked) || asked < 1) return err(400, 'invalid_request', `pageSize must be a whole number of 1 or more, got ${JSON.stringify(sizeText)}`)
  const tokenText = q.get('pageToken')
  let offset = 0
  if (tokenText !== null && tokenText !== '') {
    const decoded = Buffer.from(tokenText, 'base64url').toString('utf8')
    const n = Number(decoded.slice(0, decoded.indexOf('.')))
    if (!Number.isInteger(n) || n < 0 || pageToken(core, userId, filter, n) !== tokenText) {
      return err(400, 'invalid_request', 'pageToken is unknown, or belongs to another user or other filters')
    }
    offset = n
  }
  return {size: Math.min(asked, MAX_PAGE_SIZE), offset}
}

const pageToken = (core: Core, userId: string, filter: string, offset: number): string =>
  Buffer.from(`${offset}.${core.sign(`${userId}\0${filter}\0${offset}`)}`).toString('base64url')

function paged<T>(core: Core, items: T[], page: Page, userId: string, filter: string): {items: T[]; nextPageToken: string} {
  const slice = items.slice(page.offset, page.offset + page.size)
  const next = page.offset + page.size < items.length ? pageToken(core, userId, filter, page.offset + page.size) : ''
  return {items: slice, nextPageToken: next}
}

function unknownValues(values: Set<string>, allowed: string[], name: string): Reply | undefined {
  const bad = [...values].filter((v) => !allowed.includes(v))
  return bad.length > 0 ? err(400, 'invalid_request', `${name} takes ${allowed.join(', ')}; got ${bad.join(',')}`) : undefined
}

function listAccounts(core: Core, ctx: Ctx): Reply {
  const u = userOf(core, ctx, 'accounts:read')
  if (isReply(u)) return u
  const ids = many(ctx.query, 'idIn')
  const types = many(ctx.query, 'typesIn')
  const bad = unknownValues(types, ACCOUNT_TYPES, 'typesIn')
  if (bad) return bad
  const filter = `${[...ids].sort().join(',')}|${[...types].sort().join(',')}`
  const page = pageOf(core, ctx.query, u.user_id, `accounts|${filter}`)
  if (isReply(page)) return page
  const all = (core.store.userData.get(u.user_id)?.accounts ?? []).filter((a) => (ids.size === 0 || ids.has(a.id)) && (types.size === 0 || types.has(a.type)))
  const {items, nextPageToken} = paged(core, all, page, u.user_id, `accounts|${filter}`)
  return ok({accounts: items.map(accountJson), nextPageToken})
}

/** The account, for a user token (the user's) or a client token (any user of the app). */
function accountFor(core: Core, ctx: Ctx, scopes: readonly string[], kind: 'user' | 'any'): {account: AccountRecord; user: UserRecord} | Reply {
  const auth = core.bearer(ctx, scopes, kind)
  if (isReply(auth)) return auth
  const id = ctx.params[0]
  const users = auth.kind === 'user' ? [core.store.getUser(auth.userId!)!] : core.store.liveUsers().filter((x) => x.client_id === auth.clientId)
  for (const user of users) {
    const account = core.store.userData.get(user.user_id)?.accounts.find((a) => a.id === id)
    if (account) return {account, user}
  }
  return err(404, 'not_found', 'Account not found')
}

function balances(core: Core, ctx: Ctx): Reply {
  const found = accountFor(core, ctx, BALANCES_SCOPES, 'any')
  if (isReply(found)) return found
  return ok(accountBalancesJson(found.account))
}

function parties(core: Core, ctx: Ctx): Reply {
  // Tink API reference, data v2 Get Account Parties: a user token with accounts:read and accounts.parties:readonly.
  const found = accountFor(core, ctx, ['accounts.parties:readonly'], 'user')
  if (isReply(found)) return found
  const auth = core.bearer(ctx, 'accounts:read', 'user')
  if (isReply(auth)) return auth
  return ok(partiesJson())
}

function identities(core: Core, ctx: Ctx): Reply {
  const u = userOf(core, ctx, 'identities:readonly')
  if (isReply(u)) return u
  const credentials = (core.store.userData.get(u.user_id)?.credentials ?? []).filter((c) => c.status === 'UPDATED')
  return ok({identities: credentials.map(identityJson)})
}

function listTransactions(core: Core, ctx: Ctx): Reply {
  const u = userOf(core, ctx, 'transactions:read')
  if (isReply(u)) return u
  const q = ctx.query
  const accountIds = many(q, 'accountIdIn')
  const statuses = many(q, 'statusIn')
  const bad = unknownValues(statuses, TRANSACTION_STATUSES, 'statusIn')
  if (bad) return bad
  const gte = q.get('bookedDateGte') ?? ''
  const lte = q.get('bookedDateLte') ?? ''
  for (const [name, v] of [
    ['bookedDateGte', gte],
    ['bookedDateLte', lte],
  ] as const) {
    if (v !== '' && !/^\d{4}-\d{2}-\d{2}$/.test(v)) return err(400, 'invalid_request', `${name} must be a date like 2025-03-01, got ${JSON.stringify(v)}`)
  }
  // The filter is part of the token's signature: a token only continues the listing it came from.
  const filter = `${[...accountIds].sort().join(',')}|${[...statuses].sort().join(',')}|${gte}|${lte}`
  const page = pageOf(core, q, u.user_id, filter)
  if (isReply(page)) return page
  // Demo transactions are all BOOKED.
  const all = (core.store.userData.get(u.user_id)?.transactions ?? []).filter(
    (t) =>
      (accountIds.size === 0 || accountIds.has(t.accountId)) &&
      (statuses.size === 0 || statuses.has('BOOKED')) &&
      (gte === '' || t.bookedDate >= gte) &&
      (lte === '' || t.bookedDate <= lte),
  )
  const {items, nextPageToken} = paged(core, all, page, u.user_id, filter)
  return ok({transactions: items.map(transactionJson), nextPageToken})
}
