// The emulator's user/create and user/delete: ids and defaults, TEMPORARY users, the 400s and 409s
// Tink answers, Idempotency-Key replays, and what a deletion takes with it (codes, tokens, refresh
// tokens). Real HTTP over 127.0.0.1.
import {test, describe, before, after} from 'node:test'
import assert from 'node:assert/strict'

import {startEmulator} from '../dist/index.js'
import {CREATE, DELETE, GRANT, OTHER, T0, TOKEN, assertTinkError, call, clientToken, createUser, creds, grantCode, userToken} from './support/api.js'

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
