// The emulator's data endpoints (user, credentials, accounts, balances, transactions, provider
// consents), their scope rules, revoke-all, and --demo-data. Real HTTP over 127.0.0.1.
import {test, describe, before, after} from 'node:test'
import assert from 'node:assert/strict'

import {BUILTIN_CLIENT, startEmulator} from '../dist/index.js'
import {call, clientToken, createUser, userToken} from './support/http.js'

const ENDPOINTS = [
  ['/api/v1/user', 'user:read'],
  ['/api/v1/user/profile', 'user:read'],
  ['/api/v1/credentials/list', 'credentials:read'],
  ['/data/v2/accounts', 'accounts:read'],
  ['/data/v2/transactions', 'transactions:read'],
  ['/api/v1/provider-consents', 'provider-consents:read'],
  ['/data/v2/identities', 'identities:readonly'],
]
const ALL_DATA = 'user:read,credentials:read,accounts:read,balances:read,transactions:read,provider-consents:read,identities:readonly'

let emu
let ct
let userId
let token
before(async () => {
  emu = await startEmulator({seed: 42, demoData: true})
  ct = await clientToken(emu)
  userId = await createUser(emu, ct, {external_user_id: 'data-user', market: 'GB', locale: 'en_GB'})
  token = await userToken(emu, ct, userId, ALL_DATA)
})
after(() => emu.close())

describe('data endpoints', () => {
  test('GET /api/v1/user and /profile: Tink\'s user shape', async () => {
    const r = await call(emu, '/api/v1/user', {token})
    assert.equal(r.status, 200, r.text)
    assert.deepEqual(Object.keys(r.data).sort(), ['appId', 'created', 'externalUserId', 'flags', 'id', 'nationalId', 'profile', 'username'])
    assert.equal(r.data.id, userId)
    assert.equal(r.data.appId, BUILTIN_CLIENT.id)
    assert.equal(r.data.externalUserId, 'data-user')
    assert.ok(Math.abs(r.data.created - Date.now()) < 60_000, 'created is epoch ms')
    assert.deepEqual(r.data.profile, {locale: 'en_GB', market: 'GB', currency: 'GBP', timeZone: 'Europe/London'})
    const p = await call(emu, '/api/v1/user/profile', {token})
    assert.deepEqual(p.data, r.data.profile)
  })

  test('--demo-data: one UPDATED Demo Bank connection, two accounts, a few hundred transactions; consents match', async () => {
    const c = await call(emu, '/api/v1/credentials/list', {token})
    assert.equal(c.data.credentials.length, 1)
    const cred = c.data.credentials[0]
    assert.equal(cred.providerName, 'uk-demobank-open-banking-redirect')
    assert.equal(cred.status, 'UPDATED')
    assert.equal(cred.type, 'THIRD_PARTY_APP')
    assert.equal(cred.userId, userId)
    assert.equal(typeof cred.statusPayload, 'string')
    assert.ok(Math.abs(cred.statusUpdated - Date.now()) < 60_000)
    assert.ok(Math.abs(cred.sessionExpiryDate - (Date.now() + 90 * 86400_000)) < 60_000, 'session ~90 days ahead')

    const a = await call(emu, '/data/v2/accounts', {token})
    assert.equal(a.data.nextPageToken, '')
    assert.deepEqual(a.data.accounts.map((x) => x.type).sort(), ['CHECKING', 'SAVINGS'])
    for (const acc of a.data.accounts) {
      assert.equal(acc.balances.booked.amount.currencyCode, 'GBP')
      assert.match(acc.balances.booked.amount.value.unscaledValue, /^-?\d+$/)
      const b = await call(emu, `/data/v2/accounts/${acc.id}/balances`, {token})
      assert.equal(b.status, 200)
      // Tink's data v2 balances shape (API reference, Get Account Balances): three balances, creditLimit, refreshed.
      assert.deepEqual(Object.keys(b.data).sort(), ['accountId', 'balances', 'creditLimit', 'refreshed'])
      assert.equal(b.data.accountId, acc.id)
      assert.deepEqual(Object.keys(b.data.balances).sort(), ['availableBalanceExcludingCredit', 'availableBalanceIncludingCredit', 'bookedBalance'])
      const booked = b.data.balances.bookedBalance.amount
      assert.equal(booked.currencyCode, 'GBP')
      assert.equal(booked.value.scale, 2)
      assert.equal(booked.valueInMinorUnit, Number(acc.balances.booked.amount.value.unscaledValue))
      assert.equal(booked.value.unscaledValue, booked.valueInMinorUnit)
      const including = b.data.balances.availableBalanceIncludingCredit.amount.valueInMinorUnit
      assert.equal(including, Number(acc.balances.available.amount.value.unscaledValue))
      assert.equal(b.data.creditLimit.amount.valueInMinorUnit, including - booked.valueInMinorUnit)
      assert.match(b.data.refreshed, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/)
    }
    assert.equal((await call(emu, '/data/v2/accounts/nope/balances', {token})).status, 404)

    const pc = await call(emu, '/api/v1/provider-consents', {token})
    assert.equal(pc.data.providerConsents.length, 1)
    assert.equal(pc.data.providerConsents[0].credentialsId, cred.id)
    assert.deepEqual(pc.data.providerConsents[0].accountIds.sort(), a.data.accounts.map((x) => x.id).sort())
  })

  test('transactions: pages of 100 over a few hundred, newest first, nextPageToken "" on the last page, no repeats', async () => {
    const seen = []
    let pageToken = ''
    let pages = 0
    do {
      const r = await call(emu, `/data/v2/transactions?pageSize=100${pageToken ? `&pageToken=${encodeURIComponent(pageToken)}` : ''}`, {token})
      assert.equal(r.status, 200, r.text)
      pages++
      assert.ok(r.data.transactions.length <= 100)
      if (r.data.nextPageToken !== '') assert.equal(r.data.transactions.length, 100)
      seen.push(...r.data.transactions)
      pageToken = r.data.nextPageToken
    } while (pageToken !== '' && pages < 10)
    assert.ok(pages >= 3, `${pages} pages`)
    assert.ok(seen.length >= 250 && seen.length <= 350, `${seen.length} transactions`)
    assert.equal(new Set(seen.map((t) => t.id)).size, seen.length, 'no transaction on two pages')
    const dates = seen.map((t) => t.dates.booked)
    assert.deepEqual(dates, [...dates].sort().reverse(), 'newest first')
    const t = seen[0]
    assert.match(t.amount.value.unscaledValue, /^-?\d+$/)
    assert.equal(t.amount.value.scale, '2')
    assert.equal(t.status, 'BOOKED')
    assert.equal(typeof t.descriptions.display, 'string')

    const first = await call(emu, '/data/v2/transactions', {token})
    assert.equal(first.data.transactions.length, 50, 'default pageSize 50')
  })

  test('transactions: pageSize above 100 is capped at 100 (Tink: "will not return more than 100"), not refused', async () => {
    const r = await call(emu, '/data/v2/transactions?pageSize=101', {token})
    assert.equal(r.status, 200, r.text)
    assert.equal(r.data.transactions.length, 100)
    const next = await call(emu, `/data/v2/transactions?pageSize=101&pageToken=${r.data.nextPageToken}`, {token})
    assert.equal(next.status, 200, next.text)
    assert.ok(!next.data.transactions.some((t) => r.data.transactions.some((u) => u.id === t.id)), 'the next page continues after 100')
  })

  test('transactions: accountIdIn filters; a token only continues its own listing; bad pageSize / pageToken are 400', async () => {
    const accounts = (await call(emu, '/data/v2/accounts', {token})).data.accounts
    const savings = accounts.find((a) => a.type === 'SAVINGS').id
    const r = await call(emu, `/data/v2/transactions?pageSize=100&accountIdIn=${savings}`, {token})
    assert.ok(r.data.transactions.length > 0)
    assert.ok(r.data.transactions.every((t) => t.accountId === savings))
    const all = await call(emu, '/data/v2/transactions?pageSize=10', {token})
    for (const [q, why] of [
      ['pageSize=0', 'pageSize 0'],
      ['pageSize=abc', 'not a number'],
      ['pageToken=bm9wZQ', 'a token the emulator never issued'],
      [`pageToken=${all.data.nextPageToken}&accountIdIn=${savings}`, 'a token of another listing'],
    ]) {
      const bad = await call(emu, `/data/v2/transactions?${q}`, {token})
      assert.equal(bad.status, 400, `${why}: ${bad.text}`)
      assert.equal(typeof bad.data.errorMessage, 'string')
    }
  })

  test('same seed, same data: two emulators with --seed 42 give identical transactions', async () => {
    const twin = await startEmulator({seed: 42, demoData: true})
    try {
      const t2 = await clientToken(twin)
      const u2 = await createUser(twin, t2, {market: 'GB', locale: 'en_GB'})
      const tok2 = await userToken(twin, t2, u2, 'transactions:read')
      const mine = (await call(emu, '/data/v2/transactions?pageSize=20', {token})).data.transactions
      const theirs = (await call(twin, '/data/v2/transactions?pageSize=20', {token: tok2})).data.transactions
      assert.deepEqual(theirs, mine)
    } finally {
      await twin.close()
    }
  })

  test('without --demo-data a new user has no bank data', async () => {
    const plain = await startEmulator({})
    try {
      const t = await clientToken(plain)
      const tok = await userToken(plain, t, await createUser(plain, t), ALL_DATA)
      assert.deepEqual((await call(plain, '/api/v1/credentials/list', {token: tok})).data, {credentials: []})
      assert.deepEqual((await call(plain, '/data/v2/transactions', {token: tok})).data, {transactions: [], nextPageToken: ''})
    } finally {
      await plain.close()
    }
  })
})

describe('scope and token rules', () => {
  test('each endpoint: 403 without its scope (Tink error body), 401 without / with an unknown token, 403 for a client token', async () => {
    for (const [path, scope] of ENDPOINTS) {
      const others = ALL_DATA.split(',').filter((s) => s !== scope).join(',')
      const narrow = await userToken(emu, ct, userId, others)
      const r = await call(emu, path, {token: narrow})
      assert.equal(r.status, 403, `${path} without ${scope}: ${r.text}`)
      assert.equal(r.data.errorCode, 'insufficient_scope')
      assert.match(r.data.errorMessage, new RegExp(scope))
      assert.equal((await call(emu, path)).status, 401, `${path} without a token`)
      assert.equal((await call(emu, path, {token: 'not-a-token'})).status, 401)
      const client = await call(emu, path, {token: ct})
      assert.equal(client.status, 403, `${path} with a client token (it has every scope, but data needs a user token)`)
      assert.equal(client.data.errorCode, 'wrong_token_type')
    }
    const narrow = await userToken(emu, ct, userId, 'accounts:read')
    const acc = (await call(emu, '/data/v2/accounts', {token: narrow})).data.accounts[0]
    // Tink's data v2 balances take accounts:read OR accounts.balances:readonly; balances:read belongs to /api/v1.
    assert.equal((await call(emu, `/data/v2/accounts/${acc.id}/balances`, {token: narrow})).status, 200, 'accounts:read is enough')
    const balancesOnly = await userToken(emu, ct, userId, 'accounts.balances:readonly')
    assert.equal((await call(emu, `/data/v2/accounts/${acc.id}/balances`, {token: balancesOnly})).status, 200, 'accounts.balances:readonly is enough')
    const oldScope = await userToken(emu, ct, userId, 'balances:read')
    const refused = await call(emu, `/data/v2/accounts/${acc.id}/balances`, {token: oldScope})
    assert.equal(refused.status, 403, 'balances:read is the v1 scope')
    assert.match(refused.data.errorMessage, /accounts:read or accounts\.balances:readonly/)
    // Client tokens work too (Works with: user token, client token).
    assert.equal((await call(emu, `/data/v2/accounts/${acc.id}/balances`, {token: ct})).status, 200, 'client token')
  })

  test('an expired user token is 401', async () => {
    let now = Date.now()
    const clocked = await startEmulator({now: () => now, tokenTtl: 60})
    try {
      const t = await clientToken(clocked)
      const tok = await userToken(clocked, t, await createUser(clocked, t), 'user:read')
      assert.equal((await call(clocked, '/api/v1/user', {token: tok})).status, 200)
      now += 61_000
      assert.equal((await call(clocked, '/api/v1/user', {token: tok})).status, 401)
    } finally {
      await clocked.close()
    }
  })
})

describe('POST /api/v1/oauth/revoke-all', () => {
  const REVOKE = '/api/v1/oauth/revoke-all'

  test('204; afterwards every token of that user is 401 (refresh too), tokens minted later work, others unaffected', async () => {
    const victim = await createUser(emu, ct, {external_user_id: 'revoke-me'})
    const bystander = await createUser(emu, ct)
    const grant = await call(emu, '/api/v1/oauth/authorization-grant', {method: 'POST', token: ct, form: {user_id: victim, scope: 'user:read'}})
    const issued = await call(emu, '/api/v1/oauth/token', {method: 'POST', form: {client_id: BUILTIN_CLIENT.id, client_secret: BUILTIN_CLIENT.secret, grant_type: 'authorization_code', code: grant.data.code}})
    const other = await userToken(emu, ct, victim, 'credentials:read')
    const keep = await userToken(emu, ct, bystander, 'user:read')
    const revoker = await clientToken(emu, BUILTIN_CLIENT, 'authorization:revoke')

    const r = await call(emu, REVOKE, {method: 'POST', token: revoker, form: {external_user_id: 'revoke-me'}})
    assert.equal(r.status, 204, r.text)
    assert.equal(r.text, '')
    assert.equal((await call(emu, '/api/v1/user', {token: issued.data.access_token})).status, 401)
    assert.equal((await call(emu, '/api/v1/credentials/list', {token: other})).status, 401)
    const refreshed = await call(emu, '/api/v1/oauth/token', {method: 'POST', form: {client_id: BUILTIN_CLIENT.id, client_secret: BUILTIN_CLIENT.secret, grant_type: 'refresh_token', refresh_token: issued.data.refresh_token}})
    assert.equal(refreshed.status, 400, 'the refresh token is revoked too')
    assert.equal((await call(emu, '/api/v1/user', {token: keep})).status, 200, 'another user keeps their tokens')
    const fresh = await userToken(emu, ct, victim, 'user:read')
    assert.equal((await call(emu, '/api/v1/user', {token: fresh})).status, 200, 'a token minted later works')
  })

  test('400 unless exactly one of user_id / external_user_id; 404 unknown user; 403 without authorization:revoke; 401 without a token', async () => {
    const revoker = await clientToken(emu, BUILTIN_CLIENT, 'authorization:revoke')
    assert.equal((await call(emu, REVOKE, {method: 'POST', token: revoker, form: {}})).status, 400)
    assert.equal((await call(emu, REVOKE, {method: 'POST', token: revoker, form: {user_id: userId, external_user_id: 'data-user'}})).status, 400)
    const missing = await call(emu, REVOKE, {method: 'POST', token: revoker, form: {user_id: '0'.repeat(32)}})
    assert.equal(missing.status, 404)
    assert.equal(missing.data.errorCode, 'user_not_found')
    const noScope = await clientToken(emu, BUILTIN_CLIENT, 'user:create')
    assert.equal((await call(emu, REVOKE, {method: 'POST', token: noScope, form: {user_id: userId}})).status, 403)
    assert.equal((await call(emu, REVOKE, {method: 'POST', form: {user_id: userId}})).status, 401)
    assert.equal((await call(emu, '/api/v1/user', {token})).status, 200, 'none of these revoked anything')
  })
})

describe('connectivity v1: one credentials, refresh, authenticate, delete, extend a consent', () => {
  test("each with Tink's scope; delete removes the connection's accounts and transactions", async () => {
    const uid = await createUser(emu, ct, {market: 'SE', locale: 'sv_SE'})
    const all = 'credentials:read,credentials:write,credentials:refresh,provider-consents:read,provider-consents:write,accounts:read,transactions:read'
    const t = await userToken(emu, ct, uid, all)
    const [cred] = (await call(emu, '/api/v1/credentials/list', {token: t})).data.credentials
    const one = await call(emu, `/api/v1/credentials/${cred.id}`, {token: t})
    assert.equal(one.status, 200)
    assert.equal(one.data.id, cred.id)
    assert.equal((await call(emu, '/api/v1/credentials/nope', {token: t})).status, 404)
    for (const verb of ['refresh', 'authenticate']) {
      assert.equal((await call(emu, `/api/v1/credentials/${cred.id}/${verb}`, {method: 'POST', token: t})).status, 204, verb)
      const narrow = await userToken(emu, ct, uid, 'credentials:read')
      assert.equal((await call(emu, `/api/v1/credentials/${cred.id}/${verb}`, {method: 'POST', token: narrow})).status, 403, `${verb} needs credentials:refresh`)
    }
    const ext = await call(emu, '/api/v1/provider-consents:extend', {method: 'POST', token: t, json: {credentialsId: cred.id}})
    assert.equal(ext.status, 200, ext.text)
    const consent = (await call(emu, '/api/v1/provider-consents', {token: t})).data.providerConsents[0]
    assert.equal(consent.sessionExtendable, true)
    assert.ok(Math.abs(consent.sessionExpiryDate - (Date.now() + 90 * 86400_000)) < 60_000)
    const readOnly = await userToken(emu, ct, uid, 'credentials:read')
    assert.equal((await call(emu, `/api/v1/credentials/${cred.id}`, {method: 'DELETE', token: readOnly})).status, 403, 'delete needs credentials:write')
    assert.equal((await call(emu, `/api/v1/credentials/${cred.id}`, {method: 'DELETE', token: t})).status, 204)
    assert.deepEqual((await call(emu, '/api/v1/credentials/list', {token: t})).data.credentials, [])
    assert.deepEqual((await call(emu, '/data/v2/accounts', {token: t})).data.accounts, [])
    assert.deepEqual((await call(emu, '/data/v2/transactions', {token: t})).data.transactions, [])
  })
})
