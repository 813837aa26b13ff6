// Events v2 webhook endpoints (api-events-v2): create, list, update and delete in Tink's shapes, the
// secret shown only at creation, 409 for a repeated url and event, https (http only on loopback),
// Tink's events only, the webhook-endpoints scope on a client token, pages, and the state file.
// Real HTTP over 127.0.0.1.
import {test, describe} from 'node:test'
import assert from 'node:assert/strict'
import {mkdtempSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {BUILTIN_CLIENT, startEmulator} from '../dist/index.js'
import {call, clientToken, createUser} from './support/http.js'
import {HOOKS, OTHER, ct, emu, fresh, hook, reset, rx, useWebhookEmulator, verify} from './support/webhooks.js'

useWebhookEmulator()

describe('webhook endpoints API', () => {
  test('create answers Tink\'s WebhookEndpoint with the secret; list, update and delete never show it', async () => {
    await reset()
    const r = await hook({url: 'https://app.example.com/hook', enabledEvents: ['refresh:finished'], description: "Alice's webhook"})
    assert.equal(r.status, 200, r.text)
    assert.deepEqual(Object.keys(r.data).sort(), ['createdAt', 'description', 'disabled', 'enabledEvents', 'id', 'secret', 'updatedAt', 'url'])
    assert.match(r.data.id, /^[0-9a-f]{32}$/)
    assert.equal(r.data.disabled, false)
    assert.ok(r.data.secret.length >= 32)
    const listed = await call(emu, HOOKS, {token: ct})
    assert.equal(listed.status, 200)
    assert.deepEqual(listed.data.webhookEndpoints, [{...r.data, secret: undefined}].map(({secret: _s, ...e}) => e))
    assert.equal(listed.data.nextPageToken, '')
    const u = await call(emu, `${HOOKS}/${r.data.id}`, {method: 'PATCH', token: ct, json: {webhookEndpoint: {disabled: true, enabledEvents: ['account:created']}}})
    assert.equal(u.status, 200, u.text)
    assert.equal(u.data.disabled, true)
    assert.deepEqual(u.data.enabledEvents, ['account:created'])
    assert.equal(u.data.description, "Alice's webhook")
    assert.equal(u.data.secret, undefined)
    const d = await call(emu, `${HOOKS}/${r.data.id}`, {method: 'DELETE', token: ct})
    assert.equal(d.status, 200)
    assert.deepEqual((await call(emu, HOOKS, {token: ct})).data.webhookEndpoints, [])
    assert.equal((await call(emu, `${HOOKS}/${r.data.id}`, {method: 'DELETE', token: ct})).status, 404)
  })

  test('409 for the same url and an event in common; another url, or other events, is fine', async () => {
    await reset()
    await fresh('https://a.example.com/h', ['refresh:finished', 'account:created'])
    const dup = await hook({url: 'https://a.example.com/h', enabledEvents: ['account:created']})
    assert.equal(dup.status, 409)
    assert.match(dup.data.errorMessage, /same events and url/)
    assert.equal((await hook({url: 'https://a.example.com/h', enabledEvents: ['account:updated']})).status, 200)
    assert.equal((await hook({url: 'https://b.example.com/h', enabledEvents: ['refresh:finished']})).status, 200)
    // Another app's endpoints are its own.
    assert.equal((await hook({url: 'https://a.example.com/h', enabledEvents: ['refresh:finished']}, await clientToken(emu, OTHER))).status, 200)
  })

  test('url: https anywhere, http only on loopback; events must be Tink\'s', async () => {
    await reset()
    for (const url of ['http://localhost:9/h', 'http://127.0.0.1:9/h', 'http://[::1]:9/h', 'https://hooks.example.com/x']) {
      assert.equal((await hook({url, enabledEvents: ['refresh:finished']})).status, 200, url)
    }
    for (const url of ['http://hooks.example.com/x', 'ftp://127.0.0.1/x', 'not a url', 42]) {
      const r = await hook({url, enabledEvents: ['refresh:finished']})
      assert.equal(r.status, 400, String(url))
      assert.match(r.data.errorMessage, /https/)
    }
    const bad = await hook({url: 'https://x.example.com', enabledEvents: ['refresh:done']})
    assert.equal(bad.status, 400)
    assert.match(bad.data.errorMessage, /refresh:done.*account-transactions:modified/)
    assert.equal((await hook({url: 'https://x.example.com', enabledEvents: []})).status, 400)
  })

  test('scopes and tokens: a client token with webhook-endpoints; 401 without, 403 for a user token or another scope', async () => {
    assert.equal((await call(emu, HOOKS)).status, 401)
    assert.equal((await call(emu, HOOKS, {token: await clientToken(emu, BUILTIN_CLIENT, 'user:create')})).status, 403)
    assert.equal((await call(emu, HOOKS, {token: await clientToken(emu, BUILTIN_CLIENT, 'webhook-endpoints')})).status, 200)
    const userId = await createUser(emu, ct)
    const g = await call(emu, '/api/v1/oauth/authorization-grant', {method: 'POST', token: ct, form: {user_id: userId, scope: 'webhook-endpoints'}})
    const t = await call(emu, '/api/v1/oauth/token', {method: 'POST', form: {client_id: BUILTIN_CLIENT.id, client_secret: BUILTIN_CLIENT.secret, grant_type: 'authorization_code', code: g.data.code}})
    assert.equal((await call(emu, HOOKS, {token: t.data.access_token})).status, 403)
  })

  test('list pages with pageSize/pageToken until nextPageToken is empty; a foreign token is 400', async () => {
    await reset()
    const made = []
    for (let i = 0; i < 5; i++) made.push((await fresh(`https://p${i}.example.com/h`, ['refresh:finished'])).id)
    const seen = []
    let token = ''
    let pages = 0
    do {
      const r = await call(emu, `${HOOKS}?pageSize=2${token ? `&pageToken=${encodeURIComponent(token)}` : ''}`, {token: ct})
      assert.equal(r.status, 200, r.text)
      assert.ok(r.data.webhookEndpoints.length <= 2)
      seen.push(...r.data.webhookEndpoints.map((e) => e.id))
      token = r.data.nextPageToken
      pages++
    } while (token)
    assert.equal(pages, 3)
    assert.deepEqual(seen, made)
    assert.equal((await call(emu, `${HOOKS}?pageToken=2.forged`, {token: ct})).status, 400)
  })

  test('update: {"webhookEndpoint": {...}} mutable fields only; secret refused; another app\'s id is 404', async () => {
    await reset()
    const e = await fresh('https://u.example.com/h', ['refresh:finished'])
    const path = `${HOOKS}/${e.id}`
    assert.equal((await call(emu, path, {method: 'PATCH', token: ct, json: {disabled: true}})).status, 400)
    assert.equal((await call(emu, path, {method: 'PATCH', token: ct, json: {webhookEndpoint: {secret: 'x'}}})).status, 400)
    assert.equal((await call(emu, path, {method: 'PATCH', token: ct, json: {webhookEndpoint: {url: 'http://example.com/h'}}})).status, 400)
    const ok = await call(emu, path, {method: 'PATCH', token: ct, json: {webhookEndpoint: {id: e.id, url: 'https://v.example.com/h', description: 'moved'}}})
    assert.equal(ok.status, 200, ok.text)
    assert.equal(ok.data.url, 'https://v.example.com/h')
    assert.equal(ok.data.createdAt, e.createdAt)
    assert.equal((await call(emu, path, {method: 'PATCH', token: await clientToken(emu, OTHER), json: {webhookEndpoint: {disabled: true}}})).status, 404)
  })

  test('endpoints and their secrets persist in the state file', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'tink-emu-hooks-')), 'state.json')
    let e1 = await startEmulator({stateFile: file})
    const t1 = await clientToken(e1)
    const made = (await call(e1, HOOKS, {method: 'POST', token: t1, json: {url: rx.url + '/persist', enabledEvents: ['account:updated']}})).data
    const userId = await createUser(e1, t1, {external_user_id: 'persist-1'})
    await e1.close()
    e1 = await startEmulator({stateFile: file})
    try {
      const listed = (await call(e1, HOOKS, {token: await clientToken(e1)})).data.webhookEndpoints
      assert.deepEqual(listed.map((x) => x.id), [made.id])
      rx.got.length = 0
      assert.equal((await call(e1, '/__emulator/events', {method: 'POST', json: {event: 'account:updated', userId}})).status, 202)
      const [d] = await rx.waitFor(1)
      assert.ok(verify(made.secret, d.headers['x-tink-signature'], d.body))
    } finally {
      await e1.close()
    }
  })
})
