// Tests of the emulator package (packages/emulator/dist). Real HTTP over 127.0.0.1.
import {test, describe, before, after} from 'node:test'
import assert from 'node:assert/strict'
import {mkdtempSync, writeFileSync, readFileSync, readdirSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {spawn} from 'node:child_process'

import {
  ALL_SCOPES,
  BUILTIN_CLIENT,
  parseClientSpec,
  parseFaultSpec,
  startEmulator,
} from '../dist/index.js'
import {call as httpCall} from './support/http.js'

const T0 = Date.parse('2025-03-01T12:00:00Z')
const TOKEN = '/api/v1/oauth/token'
const GRANT = '/api/v1/oauth/authorization-grant'
const DELEGATE = '/api/v1/oauth/authorization-grant/delegate'
const CREATE = '/api/v1/user/create'
const DELETE = '/api/v1/user/delete'
const TINK_LINK = 'df05e4b379934cd09963197cc855bfe9'
const LIMITED = {id: 'limited-app', secret: 'limited-secret', scopes: ['user:create', 'authorization:grant', 'accounts:read']}
const OTHER = {id: 'other-app', secret: 'other-secret', scopes: [...ALL_SCOPES]}

/** One HTTP call (POST unless told): every Tink endpoint the emulator serves here is a POST. */
const call = (emu, path, opts = {}) => httpCall(emu, path, {method: 'POST', ...opts})

const creds = (c = BUILTIN_CLIENT) => ({client_id: c.id, client_secret: c.secret})

async function clientToken(emu, c = BUILTIN_CLIENT, scope) {
  const r = await call(emu, TOKEN, {form: {...creds(c), grant_type: 'client_credentials', ...(scope ? {scope} : {})}})
  assert.equal(r.status, 200, r.text)
  return r.data.access_token
}

async function createUser(emu, token, body = {}, headers = {}) {
  return call(emu, CREATE, {token, json: {market: 'GB', locale: 'en_US', ...body}, headers})
}

async function grantCode(emu, token, form) {
  const r = await call(emu, GRANT, {token, form})
  assert.equal(r.status, 200, r.text)
  return r.data.code
}

async function userToken(emu, ct, userForm, scope, c = BUILTIN_CLIENT) {
  const code = await grantCode(emu, ct, {...userForm, scope})
  const r = await call(emu, TOKEN, {form: {...creds(c), grant_type: 'authorization_code', code}})
  assert.equal(r.status, 200, r.text)
  return r.data
}

function assertTinkError(r, status, code) {
  assert.equal(r.status, status, r.text)
  assert.match(r.headers['content-type'], /application\/json/)
  assert.equal(typeof r.data?.errorMessage, 'string', r.text)
  assert.ok(r.data.errorMessage.length > 0)
  if (code) assert.equal(r.data.errorCode, code, r.text)
  else assert.equal(typeof r.data.errorCode, 'string')
}

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

describe('emulator: authorization grants and codes', () => {
  let emu
  let now = T0
  let ct
  let userId
  before(async () => {
    emu = await startEmulator({now: () => now, clients: [LIMITED, OTHER, {id: TINK_LINK, secret: 'link-secret', scopes: [...ALL_SCOPES]}]})
    ct = await clientToken(emu)
    userId = (await createUser(emu, ct, {external_user_id: 'alice'})).data.user_id
  })
  after(() => emu.close())

  test('exactly one of user_id / external_user_id; scope required', async () => {
    assertTinkError(await call(emu, GRANT, {token: ct, form: {user_id: userId, external_user_id: 'alice', scope: 'accounts:read'}}), 400)
    assertTinkError(await call(emu, GRANT, {token: ct, form: {scope: 'accounts:read'}}), 400)
    assertTinkError(await call(emu, GRANT, {token: ct, form: {external_user_id: 'alice'}}), 400)
    assertTinkError(await call(emu, GRANT, {token: ct, json: {external_user_id: 'alice', scope: 'accounts:read'}}), 400)
  })

  test('a scope the app may not grant, or an unknown one, is Tink\'s 401 naming the scope', async () => {
    const lt = await clientToken(emu, LIMITED)
    await createUser(emu, lt, {external_user_id: 'limited-user'})
    for (const [token, form, named] of [
      [lt, {external_user_id: 'limited-user', scope: 'accounts:read,transactions:read'}, 'transactions:read'],
      [ct, {external_user_id: 'alice', scope: 'accounts:fly'}, 'accounts:fly'],
    ]) {
      for (const path of [GRANT, DELEGATE]) {
        const r = await call(emu, path, {token, form: {...form, id_hint: 'x', actor_client_id: TINK_LINK}})
        assertTinkError(r, 401)
        assert.match(r.data.errorMessage, /doesn't have access to the user or isn't allowed to use the scope/)
        assert.match(r.data.errorMessage, new RegExp(named))
      }
    }
    assert.equal((await call(emu, GRANT, {token: lt, form: {external_user_id: 'limited-user', scope: 'accounts:read'}})).status, 200)
  })

  test('unknown user -> 404; another app’s user_id -> Tink\'s 401 naming the user', async () => {
    assertTinkError(await call(emu, GRANT, {token: ct, form: {external_user_id: 'nobody', scope: 'accounts:read'}}), 404, 'user_not_found')
    assertTinkError(await call(emu, GRANT, {token: ct, form: {user_id: '0'.repeat(32), scope: 'accounts:read'}}), 404)
    const ot = await clientToken(emu, OTHER)
    const r = await call(emu, GRANT, {token: ot, form: {user_id: userId, scope: 'accounts:read'}})
    assertTinkError(r, 401)
    assert.match(r.data.errorMessage, new RegExp(`doesn't have access to the user.*${userId}`))
    // External ids are per app: another app's external id names no user of this app.
    assertTinkError(await call(emu, GRANT, {token: ot, form: {external_user_id: 'alice', scope: 'accounts:read'}}), 404)
  })

  test('code -> user token with the grant scope, refresh_token and id_hint; single use', async () => {
    const code = await grantCode(emu, ct, {user_id: userId, scope: 'accounts:read,transactions:read', id_hint: 'Alice'})
    assert.match(code, /^[0-9a-f]{32}$/)
    const r = await call(emu, TOKEN, {form: {...creds(), grant_type: 'authorization_code', code}})
    assert.equal(r.status, 200)
    assert.equal(r.data.scope, 'accounts:read,transactions:read')
    assert.equal(r.data.token_type, 'bearer')
    assert.equal(r.data.id_hint, 'Alice')
    assert.equal(typeof r.data.refresh_token, 'string')
    assert.equal(r.data.expires_in, 7200)
    assertTinkError(await call(emu, TOKEN, {form: {...creds(), grant_type: 'authorization_code', code}}), 400, 'invalid_grant')
    assertTinkError(await call(emu, TOKEN, {form: {...creds(), grant_type: 'authorization_code', code: 'f'.repeat(32)}}), 400, 'invalid_grant')
    const noHint = await userToken(emu, ct, {external_user_id: 'alice'}, 'accounts:read')
    assert.equal('id_hint' in noHint, false)
  })

  test('codes expire after 10 minutes', async () => {
    const fresh = await grantCode(emu, ct, {user_id: userId, scope: 'accounts:read'})
    const stale = await grantCode(emu, ct, {user_id: userId, scope: 'accounts:read'})
    now += 10 * 60 * 1000 - 1
    assert.equal((await call(emu, TOKEN, {form: {...creds(), grant_type: 'authorization_code', code: fresh}})).status, 200)
    now += 1
    assertTinkError(await call(emu, TOKEN, {form: {...creds(), grant_type: 'authorization_code', code: stale}}), 400, 'invalid_grant')
  })

  test('a code is bound to the client that minted it (and is not burnt by another)', async () => {
    const code = await grantCode(emu, ct, {user_id: userId, scope: 'accounts:read'})
    assertTinkError(await call(emu, TOKEN, {form: {...creds(OTHER), grant_type: 'authorization_code', code}}), 400, 'invalid_grant')
    assert.equal((await call(emu, TOKEN, {form: {...creds(), grant_type: 'authorization_code', code}})).status, 200)
  })

  test('refresh_token rotates; the old one stops working; bound to the client', async () => {
    const first = await userToken(emu, ct, {user_id: userId}, 'accounts:read,user:read', BUILTIN_CLIENT)
    const r = await call(emu, TOKEN, {form: {...creds(), grant_type: 'refresh_token', refresh_token: first.refresh_token}})
    assert.equal(r.status, 200, r.text)
    assert.notEqual(r.data.access_token, first.access_token)
    assert.notEqual(r.data.refresh_token, first.refresh_token)
    assert.equal(r.data.scope, 'accounts:read,user:read')
    assertTinkError(await call(emu, TOKEN, {form: {...creds(), grant_type: 'refresh_token', refresh_token: first.refresh_token}}), 400, 'invalid_grant')
    assertTinkError(await call(emu, TOKEN, {form: {...creds(OTHER), grant_type: 'refresh_token', refresh_token: r.data.refresh_token}}), 400, 'invalid_grant')
    assert.equal((await call(emu, TOKEN, {form: {...creds(), grant_type: 'refresh_token', refresh_token: r.data.refresh_token}})).status, 200)
  })

  test('delegate: id_hint and actor_client_id required; the code is for the actor', async () => {
    const base = {external_user_id: 'alice', scope: 'authorization:read,credentials:read'}
    assertTinkError(await call(emu, DELEGATE, {token: ct, form: {...base, actor_client_id: TINK_LINK}}), 400)
    assertTinkError(await call(emu, DELEGATE, {token: ct, form: {...base, id_hint: 'Alice'}}), 400)
    assertTinkError(await call(emu, DELEGATE, {token: ct, form: {...base, id_hint: 'Alice', actor_client_id: TINK_LINK, user_id: userId}}), 400)
    assertTinkError(await call(emu, DELEGATE, {token: ct, form: {...base, id_hint: 'Ålice ☃', actor_client_id: TINK_LINK}}), 400)
    assertTinkError(await call(emu, DELEGATE, {token: ct, form: {external_user_id: 'ghost', scope: 'user:read', id_hint: 'G', actor_client_id: TINK_LINK}}), 404)
    const r = await call(emu, DELEGATE, {token: ct, form: {...base, id_hint: 'Ålice', actor_client_id: TINK_LINK}})
    assert.equal(r.status, 200, r.text)
    assert.match(r.data.code, /^[0-9a-f]{32}$/)
    assertTinkError(await call(emu, TOKEN, {form: {...creds(), grant_type: 'authorization_code', code: r.data.code}}), 400, 'invalid_grant')
    const asActor = await call(emu, TOKEN, {form: {client_id: TINK_LINK, client_secret: 'link-secret', grant_type: 'authorization_code', code: r.data.code}})
    assert.equal(asActor.status, 200, asActor.text)
    assert.equal(asActor.data.id_hint, 'Ålice')
  })
})

describe('emulator: user create and delete', () => {
  let emu
  let now = T0
  let ct
  before(async () => {
    emu = await startEmulator({now: () => now, clients: [OTHER]})
    ct = await clientToken(emu)
  })
  after(() => emu.close())

  test('creates a user: 32-hex user_id, defaults, users() lists it', async () => {
    const r = await createUser(emu, ct, {external_user_id: 'bob', market: 'SE', locale: 'sv_SE'})
    assert.equal(r.status, 200, r.text)
    assert.match(r.data.user_id, /^[0-9a-f]{32}$/)
    assert.equal(r.data.external_user_id, 'bob')
    const u = emu.users().find((x) => x.user_id === r.data.user_id)
    assert.equal(u.market, 'SE')
    assert.equal(u.locale, 'sv_SE')
    assert.equal(u.retention_class, 'PERMANENT')
    assert.equal(u.created_at, new Date(now).toISOString())
  })

  test('external_user_id may be omitted (live service); TEMPORARY users vanish after 24 h', async () => {
    const r = await createUser(emu, ct, {retention_class: 'TEMPORARY'})
    assert.equal(r.status, 200, r.text)
    assert.equal(r.data.external_user_id, undefined)
    assert.equal(emu.users().find((x) => x.user_id === r.data.user_id).retention_class, 'TEMPORARY')
    now += 24 * 3600 * 1000
    assert.equal(emu.users().some((x) => x.user_id === r.data.user_id), false)
    ct = await clientToken(emu)
  })

  test('400 on invalid market, locale, retention class, body or content type', async () => {
    for (const market of ['UK', 'gb', 'XX', 'GBR', '', 42, undefined]) {
      assertTinkError(await createUser(emu, ct, {external_user_id: 'm', market}), 400, 'invalid_market')
    }
    for (const locale of ['en-US', 'EN_us', 'en_XX', 'en', 'eng_GB', undefined]) {
      assertTinkError(await createUser(emu, ct, {external_user_id: 'l', locale}), 400, 'invalid_locale')
    }
    assertTinkError(await createUser(emu, ct, {external_user_id: 'r', retention_class: 'FOREVER'}), 400, 'invalid_retention_class')
    assertTinkError(await createUser(emu, ct, {external_user_id: ''}), 400)
    assertTinkError(await createUser(emu, ct, {external_user_id: 7}), 400)
    assertTinkError(await call(emu, CREATE, {token: ct, body: '{"market":', headers: {'content-type': 'application/json'}}), 400)
    assertTinkError(await call(emu, CREATE, {token: ct, body: '[]', headers: {'content-type': 'application/json'}}), 400)
    assertTinkError(await call(emu, CREATE, {token: ct, form: {market: 'GB', locale: 'en_US'}}), 400)
    assert.equal((await createUser(emu, ct, {external_user_id: 'utf', market: 'DE', locale: 'de_DE'}, {'content-type': 'application/json; charset=utf-8'})).status, 200)
  })

  test('409 on a duplicate external id (per app)', async () => {
    assert.equal((await createUser(emu, ct, {external_user_id: 'dup'})).status, 200)
    assertTinkError(await createUser(emu, ct, {external_user_id: 'dup'}), 409)
    const ot = await clientToken(emu, OTHER)
    assert.equal((await createUser(emu, ot, {external_user_id: 'dup'})).status, 200)
  })

  test('Idempotency-Key: same body replays the first response; other body -> 422; per client; 24 h', async () => {
    const h = {'idempotency-key': 'key-1'}
    const a = await createUser(emu, ct, {external_user_id: 'idem'}, h)
    const b = await createUser(emu, ct, {external_user_id: 'idem'}, h)
    assert.equal(a.status, 200)
    assert.equal(b.status, 200)
    assert.equal(b.text, a.text)
    assert.notEqual(b.headers['x-request-id'], a.headers['x-request-id'])
    assert.equal(emu.users().filter((u) => u.external_user_id === 'idem').length, 1)
    assertTinkError(await createUser(emu, ct, {external_user_id: 'idem-other'}, h), 422, 'idempotency_key_reused')
    // A first response that was an error is replayed too.
    const e1 = await createUser(emu, ct, {external_user_id: 'idem'}, {'idempotency-key': 'key-2'})
    assertTinkError(e1, 409)
    assert.equal((await createUser(emu, ct, {external_user_id: 'idem'}, {'idempotency-key': 'key-2'})).text, e1.text)
    // Keys are per client.
    const ot = await clientToken(emu, OTHER)
    assert.equal((await createUser(emu, ot, {external_user_id: 'idem'}, h)).status, 200)
    // After 24 h the key is forgotten: the same request is processed again (-> 409 now).
    now += 24 * 3600 * 1000 + 1
    ct = await clientToken(emu)
    assertTinkError(await createUser(emu, ct, {external_user_id: 'idem'}, h), 409)
  })

  test('delete: the documented chain -> 204; afterwards codes, tokens and refresh tokens die', async () => {
    const created = await createUser(emu, ct, {external_user_id: 'carol'})
    const spareCode = await grantCode(emu, ct, {external_user_id: 'carol', scope: 'accounts:read'})
    const reader = await userToken(emu, ct, {external_user_id: 'carol'}, 'accounts:read')
    const del = await userToken(emu, ct, {external_user_id: 'carol'}, 'user:delete')
    const r = await call(emu, DELETE, {token: del.access_token})
    assert.equal(r.status, 204)
    assert.equal(r.text, '')
    assert.ok(r.headers['x-request-id'])
    assert.equal(emu.users().some((u) => u.user_id === created.data.user_id), false)
    assertTinkError(await call(emu, DELETE, {token: del.access_token}), 401)
    assertTinkError(await call(emu, DELETE, {token: reader.access_token}), 401)
    assertTinkError(await call(emu, TOKEN, {form: {...creds(), grant_type: 'refresh_token', refresh_token: reader.refresh_token}}), 400)
    assertTinkError(await call(emu, TOKEN, {form: {...creds(), grant_type: 'authorization_code', code: spareCode}}), 400)
    assertTinkError(await call(emu, GRANT, {token: ct, form: {external_user_id: 'carol', scope: 'accounts:read'}}), 404)
    assertTinkError(await call(emu, GRANT, {token: ct, form: {user_id: created.data.user_id, scope: 'accounts:read'}}), 404)
    const again = await createUser(emu, ct, {external_user_id: 'carol'})
    assert.equal(again.status, 200)
    assert.notEqual(again.data.user_id, created.data.user_id)
  })
})

describe('emulator: protocol details', () => {
  let emu
  before(async () => {
    emu = await startEmulator()
  })
  after(() => emu.close())

  test('every response has a unique X-Request-ID; X-Client-Trace-ID is echoed', async () => {
    const ids = new Set()
    for (let i = 0; i < 5; i++) {
      const r = await call(emu, TOKEN, {form: {...creds(), grant_type: 'client_credentials'}, headers: {'x-client-trace-id': `trace-${i}`}})
      assert.equal(r.headers['x-client-trace-id'], `trace-${i}`)
      ids.add(r.headers['x-request-id'])
    }
    const e = await call(emu, '/nope', {method: 'GET'})
    ids.add(e.headers['x-request-id'])
    assert.equal(ids.size, 6)
    const noTrace = await call(emu, TOKEN, {form: {...creds(), grant_type: 'client_credentials'}})
    assert.equal(noTrace.headers['x-client-trace-id'], undefined)
  })

  test('unknown path -> 404, wrong method -> 405, both as Tink error JSON', async () => {
    assertTinkError(await call(emu, '/api/v1/nothing', {method: 'POST', body: ''}), 404, 'not_found')
    const r = await call(emu, TOKEN, {method: 'GET'})
    assertTinkError(r, 405, 'method_not_allowed')
    assert.equal(r.headers.allow, 'POST')
    assertTinkError(await call(emu, CREATE, {method: 'PUT', body: '{}'}), 405)
  })

  test('oversized bodies -> 413', async () => {
    assertTinkError(await call(emu, TOKEN, {form: {...creds(), grant_type: 'client_credentials', pad: 'x'.repeat(1_100_000)}}), 413)
  })

  test('/__emulator/health, /__emulator/users and /__emulator/faults (emulator only)', async () => {
    const h = await call(emu, '/__emulator/health', {method: 'GET'})
    assert.equal(h.status, 200)
    assert.deepEqual(h.data, {ok: true})
    const ct = await clientToken(emu)
    const u = await createUser(emu, ct, {external_user_id: 'listed'})
    const list = await call(emu, '/__emulator/users', {method: 'GET'})
    assert.ok(Array.isArray(list.data))
    assert.ok(list.data.some((x) => x.user_id === u.data.user_id && x.external_user_id === 'listed'))
    assertTinkError(await call(emu, '/__emulator/users', {method: 'POST', body: ''}), 405)
    assertTinkError(await call(emu, '/__emulator/faults', {body: 'nonsense'}), 400)
    assert.equal((await call(emu, '/__emulator/faults', {body: 'token:503=1'})).status, 204)
    assertTinkError(await call(emu, TOKEN, {form: {...creds(), grant_type: 'client_credentials'}}), 503)
    assert.equal((await call(emu, '/__emulator/faults', {body: ''})).status, 204)
    assert.equal((await call(emu, TOKEN, {form: {...creds(), grant_type: 'client_credentials'}})).status, 200)
  })

  test('requests records what was sent, in order, without /__emulator/ calls', async () => {
    emu.requests.length = 0
    await call(emu, TOKEN, {form: {...creds(), grant_type: 'client_credentials', scope: 'user:create'}, headers: {'x-client-trace-id': 'rec'}})
    const ct = await clientToken(emu)
    await createUser(emu, ct, {external_user_id: 'rec-user'})
    await call(emu, '/__emulator/health', {method: 'GET'})
    assert.equal(emu.requests.length, 3)
    const [first, , third] = emu.requests
    assert.equal(first.method, 'POST')
    assert.equal(first.path, TOKEN)
    assert.equal(first.status, 200)
    assert.equal(first.form.scope, 'user:create')
    assert.equal(first.headers['x-client-trace-id'], 'rec')
    assert.match(first.body, /grant_type=client_credentials/)
    assert.equal(typeof first.at, 'number')
    assert.equal(third.path, CREATE)
    assert.deepEqual(third.json, {market: 'GB', locale: 'en_US', external_user_id: 'rec-user'})
    assert.equal(third.headers.authorization, `Bearer ${ct}`)
  })

  test('recordRequests: false records nothing; a number caps the ring', async () => {
    const off = await startEmulator({recordRequests: false})
    const capped = await startEmulator({recordRequests: 10})
    try {
      for (let i = 0; i < 25; i++) {
        await call(off, '/x', {method: 'GET'})
        await call(capped, `/x${i}`, {method: 'GET'})
      }
      assert.equal(off.requests.length, 0)
      assert.ok(capped.requests.length <= 10)
      assert.equal(capped.requests.at(-1).path, '/x24')
    } finally {
      await off.close()
      await capped.close()
    }
  })

  test('close() releases keep-alive sockets so the process can exit', async () => {
    const script = `
      import {startEmulator} from ${JSON.stringify(new URL('../dist/index.js', import.meta.url).href)}
      import {request} from 'undici'
      const emu = await startEmulator()
      const r = await request(emu.url + '/api/v1/oauth/token', {method: 'POST', body: 'grant_type=client_credentials&client_id=tink-emulator-client&client_secret=tink-emulator-secret', headers: {'content-type': 'application/x-www-form-urlencoded'}})
      await r.body.text()
      await emu.close()
      console.log('closed')`
    const child = spawn(process.execPath, ['--input-type=module', '-e', script], {cwd: new URL('..', import.meta.url).pathname})
    let out = ''
    child.stdout.on('data', (d) => (out += d))
    const started = Date.now()
    const code = await new Promise((resolve) => child.on('exit', resolve))
    assert.equal(code, 0)
    assert.match(out, /closed/)
    assert.ok(Date.now() - started < 4000, 'process lingered after close()')
  })
})

describe('emulator: faults', () => {
  test('parseFaultSpec grammar', () => {
    assert.deepEqual(parseFaultSpec('503=0.1,429=0.05,reset-after-commit=0.02,latency=20ms'), {
      all: {503: 0.1, 429: 0.05, 'reset-after-commit': 0.02, latencyMs: 20},
    })
    assert.deepEqual(parseFaultSpec(' create:503=0.2 , token:latency=5ms,retry-after=2, 500=10% '), {
      create: {503: 0.2},
      token: {latencyMs: 5},
      all: {retryAfter: 2, 500: 0.1},
    })
    assert.deepEqual(parseFaultSpec('retry-after=date,latency=1s,reset=1,malformed=0,502=0.5'), {
      all: {retryAfter: 'date', latencyMs: 1000, reset: 1, malformed: 0, 502: 0.5},
    })
    assert.deepEqual(parseFaultSpec(''), {})
    for (const bad of ['503', '503=2', '503=-0.1', 'teapot=0.1', 'users:503=0.1', 'latency=fast', 'retry-after=soon', '503=0.1,,429=0.1', '503=']) {
      assert.throws(() => parseFaultSpec(bad), (e) => e instanceof Error && !e.message.includes('\n') && e.message.length > 10, bad)
    }
  })

  test('500 / 502 / 503 answer Tink error JSON', async () => {
    for (const status of [500, 502, 503]) {
      const emu = await startEmulator({faults: `${status}=1`})
      try {
        const r = await call(emu, TOKEN, {form: {...creds(), grant_type: 'client_credentials'}})
        assertTinkError(r, status)
        assert.ok(r.headers['x-request-id'])
        assert.equal(emu.requests[0].status, status)
      } finally {
        await emu.close()
      }
    }
  })

  test('429 sends Retry-After: 1 by default, N seconds, or an HTTP date', async () => {
    const emu = await startEmulator({faults: '429=1'})
    try {
      let r = await call(emu, TOKEN, {form: {...creds(), grant_type: 'client_credentials'}})
      assertTinkError(r, 429, 'rate_limited')
      assert.equal(r.headers['retry-after'], '1')
      emu.setFaults('429=1,retry-after=2')
      r = await call(emu, TOKEN, {form: {...creds(), grant_type: 'client_credentials'}})
      assert.equal(r.headers['retry-after'], '2')
      emu.setFaults({all: {429: 1, retryAfter: 'date'}})
      r = await call(emu, TOKEN, {form: {...creds(), grant_type: 'client_credentials'}})
      const at = Date.parse(r.headers['retry-after'])
      assert.ok(at > Date.now() - 1000 && at <= Date.now() + 3000, r.headers['retry-after'])
      assert.throws(() => emu.setFaults({all: {503: 5}}), /0 to 1/)
      emu.setFaults(undefined)
      assert.equal((await call(emu, TOKEN, {form: {...creds(), grant_type: 'client_credentials'}})).status, 200)
    } finally {
      await emu.close()
    }
  })

  test('reset destroys the socket before doing anything', async () => {
    const emu = await startEmulator({faults: 'create:reset=1'})
    try {
      const ct = await clientToken(emu)
      await assert.rejects(createUser(emu, ct, {external_user_id: 'never'}))
      assert.equal(emu.users().length, 0)
      assert.equal(emu.requests.at(-1).status, 0)
    } finally {
      await emu.close()
    }
  })

  test('reset-after-commit does the work, stores the idempotency record, then resets', async () => {
    const emu = await startEmulator({faults: 'create:reset-after-commit=1'})
    try {
      const ct = await clientToken(emu)
      const h = {'idempotency-key': 'rac-1'}
      await assert.rejects(createUser(emu, ct, {external_user_id: 'committed'}, h))
      assert.equal(emu.users().length, 1, 'the user was created although no answer came')
      emu.setFaults(undefined)
      const retry = await createUser(emu, ct, {external_user_id: 'committed'}, h)
      assert.equal(retry.status, 200, 'the retry with the same key gets the original answer')
      assert.equal(retry.data.user_id, emu.users()[0].user_id)
      assertTinkError(await createUser(emu, ct, {external_user_id: 'committed'}), 409)
    } finally {
      await emu.close()
    }
  })

  test('latency delays, malformed answers broken JSON, per-endpoint entries override', async () => {
    const emu = await startEmulator({faults: 'latency=250ms,token:latency=0ms,create:malformed=1'})
    try {
      let t = Date.now()
      const ct = await clientToken(emu)
      assert.ok(Date.now() - t < 200, 'token endpoint override removes the latency')
      t = Date.now()
      const r = await createUser(emu, ct, {external_user_id: 'm'})
      assert.ok(Date.now() - t >= 240, 'create inherits the global latency')
      assert.equal(r.status, 200)
      assert.throws(() => JSON.parse(r.text))
      assert.equal(emu.users().length, 0)
      t = Date.now()
      assert.deepEqual((await call(emu, '/__emulator/health', {method: 'GET'})).data, {ok: true}, 'no faults on /__emulator/')
      assert.ok(Date.now() - t < 200)
    } finally {
      await emu.close()
    }
  })

  test('seed makes fault sequences reproducible', async () => {
    const run = async (seed) => {
      const emu = await startEmulator({faults: '503=0.5', seed})
      const out = []
      try {
        for (let i = 0; i < 20; i++) out.push((await call(emu, TOKEN, {form: {...creds(), grant_type: 'client_credentials'}})).status)
      } finally {
        await emu.close()
      }
      return out.join(',')
    }
    const a = await run(7)
    assert.equal(await run(7), a)
    assert.match(a, /200/)
    assert.match(a, /503/)
  })
})

describe('emulator: state file', () => {
  test('users survive close + start with the same file; no temp files left', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tink-emu-'))
    const file = join(dir, 'nested', 'state.json')
    let emu = await startEmulator({stateFile: file})
    const ct = await clientToken(emu)
    const u = await createUser(emu, ct, {external_user_id: 'persisted', market: 'NL', locale: 'nl_NL'})
    await emu.close()
    assert.deepEqual(readdirSync(join(dir, 'nested')), ['state.json'])
    emu = await startEmulator({stateFile: file})
    try {
      const again = emu.users().find((x) => x.external_user_id === 'persisted')
      assert.equal(again.user_id, u.data.user_id)
      assert.equal(again.market, 'NL')
      const ct2 = await clientToken(emu)
      assertTinkError(await createUser(emu, ct2, {external_user_id: 'persisted'}), 409)
      assert.equal((await call(emu, GRANT, {token: ct2, form: {external_user_id: 'persisted', scope: 'accounts:read'}})).status, 200)
    } finally {
      await emu.close()
    }
  })

  test('writes are debounced but land without close()', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'tink-emu-')), 'state.json')
    const emu = await startEmulator({stateFile: file})
    try {
      const ct = await clientToken(emu)
      await createUser(emu, ct, {external_user_id: 'debounced'})
      await new Promise((r) => setTimeout(r, 300))
      assert.match(readFileSync(file, 'utf8'), /debounced/)
    } finally {
      await emu.close()
    }
  })

  test('a corrupt state file -> clear error naming the file; the file is left untouched', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'tink-emu-')), 'state.json')
    writeFileSync(file, '{"users": [ broken')
    await assert.rejects(startEmulator({stateFile: file}), (e) => e.message.includes(file) && /corrupt/.test(e.message))
    assert.equal(readFileSync(file, 'utf8'), '{"users": [ broken')
    writeFileSync(file, '{"something": "else"}')
    await assert.rejects(startEmulator({stateFile: file}), (e) => e.message.includes(file))
  })
})
