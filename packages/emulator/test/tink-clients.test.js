// Tink's own clients against the emulator: the requests of Tink's Postman collection "Account Check
// and Transactions continuous access" (tink-ab/tink-postman) and of Tink's permanent-users example
// app (tink-ab/tink-link-web-permanent-users-example, server/api.js and src/api/index.ts), sent as
// those clients send them (form bodies written as they write them), straight to the emulator.
import {test, describe, before, after} from 'node:test'
import assert from 'node:assert/strict'

import {BUILTIN_CLIENT, startEmulator} from '../dist/index.js'
import {call, runLink} from './support/http.js'

const CLIENT_ID = BUILTIN_CLIENT.id
const CLIENT_SECRET = BUILTIN_CLIENT.secret
const ACTOR = 'df05e4b379934cd09963197cc855bfe9'
const HEX = /^[0-9a-f]{32}$/

let emu
before(async () => {
  emu = await startEmulator({seed: 3})
})
after(() => emu.close())

/** A form POST exactly as written by the client (string body, its own Content-Type). */
const postForm = (path, body, token, contentType = 'application/x-www-form-urlencoded') =>
  call(emu, path, {method: 'POST', body, token, headers: {'content-type': contentType}})

describe('Postman: Account Check and Transactions continuous access', () => {
  const v = {external_user_id: 'Joe Doe', locale: 'en_US', market: 'GB', id_hint: 'Joe Doe', redirect_url: 'https://console.tink.com/callback'}

  test('1. create and authenticate user, 2. fetch user data: every request answered as Tink answers it', async () => {
    // 1a. Authorize your app
    const a = await postForm('/api/v1/oauth/token', new URLSearchParams({client_id: CLIENT_ID, client_secret: CLIENT_SECRET, grant_type: 'client_credentials', scope: 'user:create'}).toString())
    assert.equal(a.status, 200, a.text)
    assert.equal(a.data.scope, 'user:create')
    // 1b. Create user (Postman's raw JSON body)
    const b = await call(emu, '/api/v1/user/create', {method: 'POST', token: a.data.access_token, body: `{\n  "external_user_id": "${v.external_user_id}",\n  "locale": "${v.locale}",\n  "market": "${v.market}"\n}`, headers: {'content-type': 'application/json'}})
    assert.equal(b.status, 200, b.text)
    assert.deepEqual(Object.keys(b.data).sort(), ['external_user_id', 'user_id'])
    assert.equal(b.data.external_user_id, 'Joe Doe')
    const userId = b.data.user_id
    // 1c. Generate the code
    const c = await postForm('/api/v1/oauth/token', new URLSearchParams({client_id: CLIENT_ID, client_secret: CLIENT_SECRET, grant_type: 'client_credentials', scope: 'authorization:grant'}).toString())
    assert.equal(c.status, 200, c.text)
    const grantToken = c.data.access_token
    // 1d. Grant user access (delegate for Tink Link)
    const d = await postForm(
      '/api/v1/oauth/authorization-grant/delegate',
      new URLSearchParams({user_id: userId, id_hint: v.id_hint, actor_client_id: ACTOR, scope: 'authorization:read,authorization:grant,credentials:refresh,credentials:read,credentials:write,providers:read,user:read'}).toString(),
      grantToken,
    )
    assert.equal(d.status, 200, d.text)
    assert.match(d.data.code, HEX)
    // The collection's Tink Link URL: transactions/connect-accounts back to Console's callback.
    const link = await runLink(emu, 'transactions/connect-accounts', {client_id: CLIENT_ID, redirect_uri: v.redirect_url, authorization_code: d.data.code, market: v.market, locale: v.locale}, 'demo-success')
    assert.equal(link.post.status, 303, link.post.text)
    assert.ok(link.location.startsWith('https://console.tink.com/callback?'), link.location)
    assert.match(link.query.credentials_id, HEX)
    assert.equal(link.query.code, undefined, 'continuous access: no code in the callback')

    // 2a. Create authorization
    const g = await postForm(
      '/api/v1/oauth/authorization-grant',
      new URLSearchParams({user_id: userId, scope: 'accounts:read,balances:read,accounts.parties:readonly,identities:readonly,transactions:read,provider-consents:read'}).toString(),
      grantToken,
    )
    assert.equal(g.status, 200, g.text)
    // 2b. Get a user access token
    const t = await postForm('/api/v1/oauth/token', new URLSearchParams({client_id: CLIENT_ID, client_secret: CLIENT_SECRET, grant_type: 'authorization_code', code: g.data.code}).toString())
    assert.equal(t.status, 200, t.text)
    const token = t.data.access_token
    // 2c. List accounts
    const accounts = await call(emu, '/data/v2/accounts', {token})
    assert.equal(accounts.status, 200, accounts.text)
    assert.equal(accounts.data.accounts.length, 2)
    assert.equal(typeof accounts.data.nextPageToken, 'string')
    const accountId = accounts.data.accounts[0].id
    // 2d. Get account parties (Tink API reference, data v2: {"parties":[{"identity":{"name","ssn"},"role"}]})
    const parties = await call(emu, `/data/v2/accounts/${accountId}/parties`, {token})
    assert.equal(parties.status, 200, parties.text)
    assert.equal(parties.data.parties.length, 1)
    assert.deepEqual(Object.keys(parties.data.parties[0]).sort(), ['identity', 'role'])
    assert.deepEqual(Object.keys(parties.data.parties[0].identity).sort(), ['name', 'ssn'])
    assert.ok(['HOLDER', 'AUTHORIZED_USER', 'OTHER', 'UNKNOWN'].includes(parties.data.parties[0].role))
    assert.equal((await call(emu, '/data/v2/accounts/nope/parties', {token})).status, 404)
    // 2e. List identities (Tink API reference, data v2: providerName required; name, ssn, dateOfBirth, financialInstitutionId)
    const ids = await call(emu, '/data/v2/identities', {token})
    assert.equal(ids.status, 200, ids.text)
    assert.equal(ids.data.identities.length, 1)
    assert.deepEqual(Object.keys(ids.data.identities[0]).sort(), ['dateOfBirth', 'financialInstitutionId', 'name', 'providerName', 'ssn'])
    assert.match(ids.data.identities[0].dateOfBirth, /^\d{4}-\d\d-\d\d$/)
    // 2f. List transactions
    const tx = await call(emu, '/data/v2/transactions', {token})
    assert.equal(tx.status, 200, tx.text)
    assert.ok(tx.data.transactions.length > 0)
    // Balance Check collection, f. Fetch balance data (its grant names accounts.balances:readonly)
    const bal = await call(emu, `/data/v2/accounts/${accountId}/balances`, {token})
    assert.equal(bal.status, 200, bal.text)
    assert.ok(bal.data.balances.bookedBalance.amount.valueInMinorUnit !== undefined)
  })

  test('parties need both accounts:read and accounts.parties:readonly; identities need identities:readonly', async () => {
    const ct = (await postForm('/api/v1/oauth/token', `client_id=${CLIENT_ID}&client_secret=${CLIENT_SECRET}&grant_type=client_credentials`)).data.access_token
    const userId = (await call(emu, '/api/v1/user/create', {method: 'POST', token: ct, json: {market: 'SE', locale: 'sv_SE'}})).data.user_id
    const delegated = (await postForm('/api/v1/oauth/authorization-grant/delegate', `user_id=${userId}&id_hint=x&actor_client_id=${ACTOR}&scope=user:read`, ct)).data.code
    await runLink(emu, 'transactions/connect-accounts', {client_id: CLIENT_ID, redirect_uri: 'http://localhost:3000/callback', authorization_code: delegated, market: 'SE', locale: 'sv_SE'}, 'demo-success')
    const tokenFor = async (scope) => {
      const code = (await postForm('/api/v1/oauth/authorization-grant', `user_id=${userId}&scope=${scope}`, ct)).data.code
      return (await postForm('/api/v1/oauth/token', `client_id=${CLIENT_ID}&client_secret=${CLIENT_SECRET}&grant_type=authorization_code&code=${code}`)).data.access_token
    }
    const accountsOnly = await tokenFor('accounts:read')
    const accountId = (await call(emu, '/data/v2/accounts', {token: accountsOnly})).data.accounts[0].id
    assert.equal((await call(emu, `/data/v2/accounts/${accountId}/parties`, {token: accountsOnly})).status, 403)
    assert.equal((await call(emu, `/data/v2/accounts/${accountId}/parties`, {token: await tokenFor('accounts.parties:readonly')})).status, 403, 'accounts:read too')
    assert.equal((await call(emu, `/data/v2/accounts/${accountId}/parties`, {token: await tokenFor('accounts:read,accounts.parties:readonly')})).status, 200)
    assert.equal((await call(emu, '/data/v2/identities', {token: accountsOnly})).status, 403)
  })
})

describe("Tink's permanent-users example app", () => {
  // server/api.js, fetchClientAccessToken: Tink's full list of the app's client scopes.
  const CLIENT_SCOPES = ['authorization:grant,user:read,user:create', 'credentials:read', 'payment:read', 'link-session:read'].join(',')
  // server/api.js, fetchAuthorizationCode: Tink Link's scopes.
  const LINK_SCOPES = [
    'providers:read,user:read,authorization:read',
    'credentials:read,credentials:refresh,credentials:write',
    'payment:read,transfer:read,transfer:execute',
    'link-session:read',
    'user-report-bundles:read,account-verification-reports:write',
    'provider-consents:read,provider-consents:write',
  ].join(',')
  const FORM = 'application/x-www-form-urlencoded; charset=utf-8'

  test('client token, user without external_user_id, delegate with response_type=code, Link, grant, exchange naming a scope, credentials list', async () => {
    const ct = await postForm('/api/v1/oauth/token', `client_id=${CLIENT_ID}&client_secret=${CLIENT_SECRET}&grant_type=client_credentials&scope=${CLIENT_SCOPES}`, undefined, FORM)
    assert.equal(ct.status, 200, ct.text)
    assert.deepEqual(ct.data.scope.split(',').sort(), CLIENT_SCOPES.split(',').sort())
    const token = ct.data.access_token

    const user = await call(emu, '/api/v1/user/create', {method: 'POST', token, body: '{"locale":"en_US","market":"SE"}', headers: {'content-type': 'application/json; charset=utf-8'}})
    assert.equal(user.status, 200, user.text)
    assert.deepEqual(Object.keys(user.data), ['user_id'], 'no external_user_id given: {"user_id"} only')
    const userId = user.data.user_id

    // id_hint with a space, written as the app writes it (not encoded).
    const d = await postForm('/api/v1/oauth/authorization-grant/delegate', `response_type=code&user_id=${userId}&id_hint=John Doe&actor_client_id=${ACTOR}&scope=${LINK_SCOPES}`, token, FORM)
    assert.equal(d.status, 200, d.text)
    assert.deepEqual(Object.keys(d.data), ['code'])

    // src/api/index.ts, getAddCredentialsLink: credentials/add with scope, state and test=true.
    const link = await runLink(
      emu,
      'credentials/add',
      {client_id: CLIENT_ID, redirect_uri: 'http://localhost:3000/callback', scope: 'user:read,credentials:read', market: 'SE', locale: 'en_US', state: userId, authorization_code: d.data.code, test: 'true'},
      'demo-success',
    )
    assert.equal(link.post.status, 303, link.post.text)
    assert.deepEqual(Object.keys(link.query).sort(), ['credentials_id', 'state'])
    assert.equal(link.query.state, userId)

    // getUserGrantAuthorizationCode, fetchUserAccessToken (names a scope), getUserCredentials (GET with a Content-Type).
    const g = await postForm('/api/v1/oauth/authorization-grant', `user_id=${userId}&scope=credentials:read`, token, FORM)
    assert.equal(g.status, 200, g.text)
    const ut = await postForm('/api/v1/oauth/token', `client_id=${CLIENT_ID}&client_secret=${CLIENT_SECRET}&grant_type=authorization_code&scope=credentials:read,credentials:write&code=${g.data.code}`, undefined, FORM)
    assert.equal(ut.status, 200, ut.text)
    assert.equal(ut.data.scope, 'credentials:read', "the code's own scope applies")
    const list = await call(emu, '/api/v1/credentials/list', {token: ut.data.access_token, headers: {'content-type': 'application/json'}})
    assert.equal(list.status, 200, list.text)
    assert.equal(list.data.credentials.length, 1)
    assert.equal(list.data.credentials[0].id, link.query.credentials_id)
    assert.equal(list.data.credentials[0].status, 'UPDATED')

    // A delegate with another response_type is refused.
    const bad = await postForm('/api/v1/oauth/authorization-grant/delegate', `response_type=token&user_id=${userId}&id_hint=x&actor_client_id=${ACTOR}&scope=user:read`, token, FORM)
    assert.equal(bad.status, 400)
  })

  test('unknown scopes are refused as Tink refuses them: 400 invalid_scope for a token, 401 for a grant', async () => {
    const ct = await postForm('/api/v1/oauth/token', `client_id=${CLIENT_ID}&client_secret=${CLIENT_SECRET}&grant_type=client_credentials&scope=user:create,accounts:fly`)
    assert.equal(ct.status, 400)
    assert.equal(ct.data.errorCode, 'invalid_scope')
    assert.match(ct.data.errorMessage, /accounts:fly/)
    const good = (await postForm('/api/v1/oauth/token', `client_id=${CLIENT_ID}&client_secret=${CLIENT_SECRET}&grant_type=client_credentials`)).data.access_token
    const userId = (await call(emu, '/api/v1/user/create', {method: 'POST', token: good, json: {market: 'SE', locale: 'en_US'}})).data.user_id
    const g = await postForm('/api/v1/oauth/authorization-grant', `user_id=${userId}&scope=accounts:read,payments:fly`, good)
    assert.equal(g.status, 401, g.text)
    assert.match(g.data.errorMessage, /payments:fly/)
  })
})
