// The emulator's token endpoint for clients: the built-in client and its scopes, client_credentials
// (scope narrowing, bad clients, form bodies only), client and fault specs, token lifetimes and the
// bearer checks every endpoint makes (401 for a bad token, 403 for a missing scope or the wrong kind
// of token). Real HTTP over 127.0.0.1.
import {test, describe, before, after} from 'node:test'
import assert from 'node:assert/strict'

import {ALL_SCOPES, BUILTIN_CLIENT, parseClientSpec, startEmulator} from '../dist/index.js'
import {CREATE, DELEGATE, DELETE, GRANT, LIMITED, T0, TINK_LINK, TOKEN, assertTinkError, call, clientToken, createUser, creds, userToken} from './support/api.js'

describe('emulator: clients and client_credentials', () => {
  let emu
  before(async () => {
    emu = await startEmulator({clients: [LIMITED]})
  })
  after(() => emu.close())

  test('exports the built-in client with every scope Tink documents', () => {
    assert.equal(BUILTIN_CLIENT.id, 'tink-emulator-client')
    assert.equal(BUILTIN_CLIENT.secret, 'tink-emulator-secret')
    // The API reference's scope table (74), authorization:read (Postman) and Tink Link's four (example app).
    assert.equal(ALL_SCOPES.length, 79)
    assert.equal(new Set(ALL_SCOPES).size, ALL_SCOPES.length)
    for (const s of ['authorization:revoke', 'accounts.parties:readonly', 'identities:readonly', 'accounts.balances:readonly', 'transfer:execute', 'link-session:read', 'user-report-bundles:read', 'webhook-endpoints', 'risk-insights:readonly']) {
      assert.ok(ALL_SCOPES.includes(s), s)
    }
    assert.deepEqual([...BUILTIN_CLIENT.scopes].sort(), [...ALL_SCOPES].sort())
    assert.match(emu.url, /^http:\/\/127\.0\.0\.1:\d+$/)
    assert.ok(emu.port > 0)
  })

  test('omitted scope = all the client scopes; bearer, 1800 s, opaque token', async () => {
    const r = await call(emu, TOKEN, {form: {...creds(), grant_type: 'client_credentials'}})
    assert.equal(r.status, 200)
    assert.equal(r.data.token_type, 'bearer')
    assert.equal(r.data.expires_in, 1800)
    assert.deepEqual(r.data.scope.split(',').sort(), [...ALL_SCOPES].sort())
    assert.match(r.data.access_token, /^[A-Za-z0-9_-]{40,}$/)
    assert.equal(r.data.refresh_token, undefined)
  })

  test('scope is narrowed to asked ∩ allowed; commas and spaces both separate', async () => {
    let r = await call(emu, TOKEN, {form: {...creds(LIMITED), grant_type: 'client_credentials', scope: 'user:create,transactions:read'}})
    assert.equal(r.status, 200)
    assert.equal(r.data.scope, 'user:create')
    r = await call(emu, TOKEN, {form: {...creds(), grant_type: 'client_credentials', scope: 'user:create accounts:read'}})
    assert.equal(r.data.scope, 'user:create,accounts:read')
    r = await call(emu, TOKEN, {form: {...creds(), grant_type: 'client_credentials', scope: ' user:create , accounts:read '}})
    assert.equal(r.data.scope, 'user:create,accounts:read')
  })

  test('nothing allowed -> 400 invalid_scope', async () => {
    const r = await call(emu, TOKEN, {form: {...creds(LIMITED), grant_type: 'client_credentials', scope: 'transactions:read'}})
    assertTinkError(r, 400, 'invalid_scope')
    const e = await call(emu, TOKEN, {form: {...creds(), grant_type: 'client_credentials', scope: ''}})
    assertTinkError(e, 400, 'invalid_scope')
  })

  test('unknown client or wrong secret -> 401', async () => {
    assertTinkError(await call(emu, TOKEN, {form: {client_id: 'nope', client_secret: 'x', grant_type: 'client_credentials'}}), 401, 'invalid_client')
    assertTinkError(await call(emu, TOKEN, {form: {client_id: BUILTIN_CLIENT.id, client_secret: 'wrong', grant_type: 'client_credentials'}}), 401, 'invalid_client')
  })

  test('form content type only; unknown grant_type and missing fields -> 400', async () => {
    const asJson = await call(emu, TOKEN, {json: {...creds(), grant_type: 'client_credentials'}})
    assertTinkError(asJson, 400)
    const noType = await call(emu, TOKEN, {body: new URLSearchParams({...creds(), grant_type: 'client_credentials'}).toString()})
    assertTinkError(noType, 400)
    assertTinkError(await call(emu, TOKEN, {form: {...creds(), grant_type: 'password'}}), 400, 'unsupported_grant_type')
    assertTinkError(await call(emu, TOKEN, {form: {...creds()}}), 400, 'invalid_request')
    assertTinkError(await call(emu, TOKEN, {form: {client_id: BUILTIN_CLIENT.id, grant_type: 'client_credentials'}}), 400, 'invalid_request')
    assertTinkError(await call(emu, TOKEN, {form: {...creds(), grant_type: 'authorization_code'}}), 400, 'invalid_request')
    assertTinkError(await call(emu, TOKEN, {form: {...creds(), grant_type: 'refresh_token'}}), 400, 'invalid_request')
    // A charset parameter on the content type is fine.
    const withCharset = await call(emu, TOKEN, {
      form: {...creds(), grant_type: 'client_credentials'},
      headers: {'content-type': 'application/x-www-form-urlencoded; charset=UTF-8'},
    })
    assert.equal(withCharset.status, 200)
  })

  test('parseClientSpec', () => {
    assert.deepEqual(parseClientSpec('app:sec:user:create,accounts:read'), {id: 'app', secret: 'sec', scopes: ['user:create', 'accounts:read']})
    assert.deepEqual(parseClientSpec('app:sec').scopes, ALL_SCOPES)
    assert.throws(() => parseClientSpec('app'), /client spec/)
    assert.throws(() => parseClientSpec(':sec:user:create'), /client id/)
    assert.throws(() => parseClientSpec('app::user:create'), /secret/)
    assert.throws(() => parseClientSpec('app:sec:user:fly'), /unknown scope user:fly/)
  })

  test('startEmulator rejects duplicate client ids and bad options', async () => {
    await assert.rejects(startEmulator({clients: [{...BUILTIN_CLIENT}]}), /duplicate/)
    await assert.rejects(startEmulator({tokenTtl: -1}), /tokenTtl/)
    await assert.rejects(startEmulator({faults: 'bogus=1'}), /unknown kind/)
  })
})

describe('emulator: token lifetimes and bearer checks', () => {
  let emu
  let now = T0
  before(async () => {
    emu = await startEmulator({now: () => now, clients: [LIMITED]})
  })
  after(() => emu.close())

  test('user tokens default to 7200 s; tokenTtl sets both', async () => {
    const ct = await clientToken(emu)
    await createUser(emu, ct, {external_user_id: 'ttl-user'})
    const ut = await userToken(emu, ct, {external_user_id: 'ttl-user'}, 'accounts:read')
    assert.equal(ut.expires_in, 7200)
    const short = await startEmulator({tokenTtl: 60})
    try {
      const r = await call(short, TOKEN, {form: {...creds(), grant_type: 'client_credentials'}})
      assert.equal(r.data.expires_in, 60)
      const ct2 = r.data.access_token
      await createUser(short, ct2, {external_user_id: 'x'})
      assert.equal((await userToken(short, ct2, {external_user_id: 'x'}, 'accounts:read')).expires_in, 60)
    } finally {
      await short.close()
    }
  })

  test('missing, malformed, unknown and expired tokens -> 401', async () => {
    assertTinkError(await createUser(emu, undefined), 401)
    assertTinkError(await call(emu, CREATE, {json: {market: 'GB', locale: 'en_US'}, headers: {authorization: 'Basic abc'}}), 401)
    assertTinkError(await createUser(emu, 'not-a-token'), 401, 'invalid_token')
    const ct = await clientToken(emu)
    now += 1799 * 1000
    assert.equal((await createUser(emu, ct, {external_user_id: 'still-valid'})).status, 200)
    now += 1000
    const r = await createUser(emu, ct, {external_user_id: 'too-late'})
    assertTinkError(r, 401, 'token_expired')
    assert.equal(r.headers['www-authenticate'], 'Bearer')
  })

  test('token lacking the scope -> 403; wrong kind of token -> 403', async () => {
    const readOnly = await clientToken(emu, BUILTIN_CLIENT, 'accounts:read')
    assertTinkError(await createUser(emu, readOnly, {external_user_id: 'nope'}), 403, 'insufficient_scope')
    assertTinkError(await call(emu, GRANT, {token: readOnly, form: {external_user_id: 'x', scope: 'accounts:read'}}), 403)
    assertTinkError(await call(emu, DELEGATE, {token: readOnly, form: {external_user_id: 'x', scope: 'accounts:read', id_hint: 'a', actor_client_id: TINK_LINK}}), 403)
    const ct = await clientToken(emu)
    // user/delete needs a USER token: a client token with user:delete is refused.
    assertTinkError(await call(emu, DELETE, {token: ct}), 403)
    // user/create needs a CLIENT token, even when a user token carries user:create.
    await createUser(emu, ct, {external_user_id: 'kind-user'})
    const ut = await userToken(emu, ct, {external_user_id: 'kind-user'}, 'user:create,user:delete')
    assertTinkError(await createUser(emu, ut.access_token, {external_user_id: 'other'}), 403)
    assertTinkError(await call(emu, DELETE, {token: (await userToken(emu, ct, {external_user_id: 'kind-user'}, 'accounts:read')).access_token}), 403, 'insufficient_scope')
  })
})
