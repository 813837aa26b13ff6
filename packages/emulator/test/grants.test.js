// The emulator's authorization grants: who may be granted what, codes exchanged for user tokens
// (single use, 10 minutes, bound to the client that minted them), refresh tokens that rotate, and
// delegated codes for Tink Link. Real HTTP over 127.0.0.1.
import {test, describe, before, after} from 'node:test'
import assert from 'node:assert/strict'

import {ALL_SCOPES, BUILTIN_CLIENT, startEmulator} from '../dist/index.js'
import {DELEGATE, GRANT, LIMITED, OTHER, T0, TINK_LINK, TOKEN, assertTinkError, call, clientToken, createUser, creds, grantCode, userToken} from './support/api.js'

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
