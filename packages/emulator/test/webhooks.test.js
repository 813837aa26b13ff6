// Events v2 webhook endpoints and signed deliveries: Tink's shapes, scopes and statuses
// (api-events-v2), signatures checked here with node:crypto as Tink's signature page says to,
// retries only on 408/429/5xx, the events a Tink Link connection fires. Real HTTP over 127.0.0.1.
import {test, describe, before, after} from 'node:test'
import assert from 'node:assert/strict'
import {createHmac, timingSafeEqual} from 'node:crypto'
import {mkdtempSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {ALL_SCOPES, BUILTIN_CLIENT, startEmulator} from '../dist/index.js'
import {call, clientToken, createUser, delegatedCode, runLink} from './support/http.js'
import {refusingUrl, startReceiver} from './support/receiver.js'

const HOOKS = '/events/v2/webhook-endpoints'
const OTHER = {id: 'other-app', secret: 'other-secret', scopes: [...ALL_SCOPES]}
const NARROW = {id: 'narrow-app', secret: 'narrow-secret', scopes: ['user:create']}

/** Tink's documented check, written independently of the emulator: HMAC-SHA256(secret, t + "." + raw body), hex. */
function verify(secret, header, body) {
  const parts = Object.fromEntries(header.split(',').map((kv) => kv.split('=')))
  const expected = createHmac('sha256', secret).update(`${parts.t}.${body}`).digest('hex')
  return /^\d+$/.test(parts.t) && parts.v1?.length === expected.length && timingSafeEqual(Buffer.from(parts.v1), Buffer.from(expected))
}

let emu
let ct
let rx
before(async () => {
  emu = await startEmulator({seed: 3, clients: [OTHER, NARROW], webhookRetryMs: 20})
  ct = await clientToken(emu)
  rx = await startReceiver()
})
after(async () => {
  await emu.close()
  await rx.close()
})

async function hook(body, token = ct) {
  return call(emu, HOOKS, {method: 'POST', token, json: body})
}

async function fresh(url, enabledEvents, extra = {}) {
  const r = await hook({url, enabledEvents, ...extra})
  assert.equal(r.status, 200, r.text)
  return r.data
}

async function reset() {
  for (const e of (await call(emu, `${HOOKS}?pageSize=100`, {token: ct})).data.webhookEndpoints) await call(emu, `${HOOKS}/${e.id}`, {method: 'DELETE', token: ct})
  rx.got.length = 0
  rx.answers.length = 0
  emu.deliveries.length = 0
}

const trigger = (body) => call(emu, '/__emulator/events', {method: 'POST', json: body})
const settle = () => new Promise((resolve) => setTimeout(resolve, 300))

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

describe('deliveries', () => {
  test('signed as Tink documents; Tink\'s payload shape; only to enabled endpoints subscribed to the event, of the user\'s app', async () => {
    await reset()
    const yes = await fresh(rx.url + '/yes', ['account:updated'])
    await fresh(rx.url + '/other-event', ['refresh:finished'])
    await fresh(rx.url + '/disabled', ['account:updated'], {disabled: true})
    const otherCt = await clientToken(emu, OTHER)
    assert.equal((await hook({url: rx.url + '/other-app', enabledEvents: ['account:updated']}, otherCt)).status, 200)
    const userId = await createUser(emu, ct, {external_user_id: 'ext-deliver'})
    const r = await trigger({event: 'account:updated', externalUserId: 'ext-deliver', clientId: BUILTIN_CLIENT.id, data: {id: 'acc-1'}})
    assert.equal(r.status, 202, r.text)
    assert.deepEqual(r.data, {event: 'account:updated', userId, endpoints: 1})
    const [d] = await rx.waitFor(1)
    await settle()
    assert.equal(rx.got.length, 1, rx.got.map((g) => g.path).join())
    assert.equal(d.path, '/yes')
    assert.equal(d.method, 'POST')
    assert.match(d.headers['content-type'], /^application\/json/)
    assert.match(d.headers['x-tink-signature'], /^t=\d+,v1=[0-9a-f]{64}$/)
    assert.ok(verify(yes.secret, d.headers['x-tink-signature'], d.body), 'the signature verifies with the endpoint secret')
    assert.ok(!verify(yes.secret + 'x', d.headers['x-tink-signature'], d.body), 'and not with another secret')
    assert.ok(!verify(yes.secret, d.headers['x-tink-signature'], d.body + ' '), 'nor over another body')
    const t = Number(/t=(\d+)/.exec(d.headers['x-tink-signature'])[1])
    assert.ok(Math.abs(t - Date.now() / 1000) < 60)
    assert.deepEqual(JSON.parse(d.body), {context: {userId, externalUserId: 'ext-deliver'}, content: {id: 'acc-1'}, event: 'account:updated'})
  })

  test('503 is retried at growing intervals until it succeeds', async () => {
    await reset()
    const e = await fresh(rx.url + '/retry', ['refresh:finished'])
    const userId = await createUser(emu, ct)
    rx.answers.push(503, 503)
    await trigger({event: 'refresh:finished', userId})
    const got = await rx.waitFor(3)
    await settle()
    assert.equal(rx.got.length, 3)
    assert.deepEqual(got.map((g) => JSON.parse(g.body)), [0, 1, 2].map(() => JSON.parse(got[0].body)))
    for (const g of got) assert.ok(verify(e.secret, g.headers['x-tink-signature'], g.body))
    // webhookRetryMs 20: the first retry waits at least 20 ms, the second at least 40 (timers never fire early; 2 ms for clock rounding).
    assert.ok(got[1].at - got[0].at >= 18, `first interval ${got[1].at - got[0].at} ms`)
    assert.ok(got[2].at - got[1].at >= 38, `second interval ${got[2].at - got[1].at} ms`)
    assert.deepEqual(emu.deliveries.map((a) => [a.attempt, a.status, a.retrying]), [[1, 503, true], [2, 503, true], [3, 200, false]])
  })

  test('at most 3 retries; 408, 429, 502 and 504 are retried, 400, 404 and 501 not', async () => {
    await reset()
    await fresh(rx.url + '/always', ['refresh:finished'])
    const userId = await createUser(emu, ct)
    rx.answers.push(504, 429, 408, 502, 503)
    await trigger({event: 'refresh:finished', userId})
    await rx.waitFor(4)
    await settle()
    assert.equal(rx.got.length, 4, 'one try and 3 retries')
    assert.deepEqual(rx.answers, [503], 'no fifth attempt')
    rx.answers.length = 0
    for (const status of [400, 501, 404]) {
      rx.got.length = 0
      rx.answers.push(status)
      await trigger({event: 'refresh:finished', userId})
      await rx.waitFor(1)
      await settle()
      assert.equal(rx.got.length, 1, `no retry on ${status}`)
    }
  })

  test('no retry reaches an endpoint deleted meanwhile', async () => {
    await reset()
    await call(emu, '/__emulator/webhook-retry', {method: 'POST', body: '300'})
    try {
      const e = await fresh(rx.url + '/gone', ['refresh:finished'])
      const userId = await createUser(emu, ct)
      rx.answers.push(503)
      await trigger({event: 'refresh:finished', userId})
      await rx.waitFor(1)
      assert.equal((await call(emu, `${HOOKS}/${e.id}`, {method: 'DELETE', token: ct})).status, 200)
      await new Promise((resolve) => setTimeout(resolve, 600))
      assert.equal(rx.got.length, 1)
    } finally {
      await call(emu, '/__emulator/webhook-retry', {method: 'POST', body: '20'})
    }
  })

  test('a refused connection is not retried', async () => {
    await reset()
    const url = await refusingUrl()
    await fresh(url, ['refresh:finished'])
    const userId = await createUser(emu, ct)
    await trigger({event: 'refresh:finished', userId})
    await settle()
    assert.equal(emu.deliveries.length, 1)
    assert.equal(emu.deliveries[0].status, 0)
    assert.match(emu.deliveries[0].error, /ECONNREFUSED/)
    assert.equal(emu.deliveries[0].retrying, false)
  })

  test('the API answers before a slow endpoint does', async () => {
    await reset()
    const {createServer} = await import('node:http')
    let release
    const slow = createServer((req, res) => {
      release = () => res.writeHead(200).end()
    })
    await new Promise((resolve) => slow.listen(0, '127.0.0.1', resolve))
    try {
      await fresh(`http://127.0.0.1:${slow.address().port}/slow`, ['account:created'])
      const started = Date.now()
      const r = await call(emu, '/api/v1/user/create', {method: 'POST', token: ct, json: {market: 'GB', locale: 'en_GB'}})
      assert.equal(r.status, 200)
      const t = await trigger({event: 'account:created', userId: r.data.user_id})
      assert.equal(t.status, 202)
      assert.ok(Date.now() - started < 1000)
      release?.()
    } finally {
      slow.closeAllConnections()
      await new Promise((resolve) => slow.close(resolve))
    }
  })

  test('close() cancels a pending retry and an attempt under way, and returns', async () => {
    const e2 = await startEmulator({webhookRetryMs: 60_000})
    const {createServer} = await import('node:http')
    const hang = createServer(() => {})
    await new Promise((resolve) => hang.listen(0, '127.0.0.1', resolve))
    try {
      const t2 = await clientToken(e2)
      await call(e2, HOOKS, {method: 'POST', token: t2, json: {url: `http://127.0.0.1:${hang.address().port}/`, enabledEvents: ['refresh:finished']}})
      await call(e2, HOOKS, {method: 'POST', token: t2, json: {url: rx.url + '/later', enabledEvents: ['refresh:finished']}})
      rx.answers.push(503)
      const userId = await createUser(e2, t2)
      await call(e2, '/__emulator/events', {method: 'POST', json: {event: 'refresh:finished', userId}})
      await rx.waitFor(1)
      await settle()
      const started = Date.now()
      await e2.close()
      assert.ok(Date.now() - started < 2000, 'close did not wait for the retry or the hanging endpoint')
      assert.ok(e2.deliveries.some((a) => a.error === 'cancelled: the emulator closed'))
    } finally {
      hang.closeAllConnections()
      await new Promise((resolve) => hang.close(resolve))
    }
  })
})

describe('events fired by the emulator', () => {
  test('a Tink Link connection fires refresh:finished, account:created and account-transactions:modified per account', async () => {
    await reset()
    const e = await fresh(rx.url + '/link', ['refresh:finished', 'account:created', 'account-transactions:modified'])
    const userId = await createUser(emu, ct, {external_user_id: 'link-user'})
    const code = await delegatedCode(emu, ct, userId)
    const r = await runLink(emu, 'transactions/connect-accounts', {client_id: BUILTIN_CLIENT.id, redirect_uri: 'http://localhost:3000/cb', authorization_code: code, market: 'GB', locale: 'en_US'}, 'demo-success')
    assert.equal(r.post.status, 303)
    const got = await rx.waitFor(5)
    await settle()
    assert.equal(rx.got.length, 5)
    const events = got.map((g) => JSON.parse(g.body))
    for (const g of got) assert.ok(verify(e.secret, g.headers['x-tink-signature'], g.body))
    for (const ev of events) assert.deepEqual(ev.context, {userId, externalUserId: 'link-user'})
    const byName = (n) => events.filter((x) => x.event === n)
    const [refresh] = byName('refresh:finished')
    assert.equal(refresh.content.credentialsId, r.query.credentials_id)
    assert.equal(refresh.content.credentialsStatus, 'UPDATED')
    assert.equal(typeof refresh.content.finished, 'number')
    const ut = await (await import('./support/http.js')).userToken(emu, ct, userId, 'accounts:read')
    const accounts = (await call(emu, '/data/v2/accounts', {token: ut})).data.accounts.map((a) => a.id).sort()
    assert.deepEqual(byName('account:created').map((x) => x.content.id).sort(), accounts)
    const modified = byName('account-transactions:modified')
    assert.deepEqual(modified.map((x) => x.content.account.id).sort(), accounts)
    for (const m of modified) {
      assert.equal(m.content.userId, userId)
      assert.ok(m.content.transactions.inserted > 0)
      assert.match(m.content.transactions.earliestModifiedBookedDate, /^\d{4}-\d{2}-\d{2}$/)
    }
  })

  test('a failed connection fires refresh:finished with the error, and no account events', async () => {
    await reset()
    await fresh(rx.url + '/fail', ['refresh:finished', 'account:created'])
    const userId = await createUser(emu, ct)
    const code = await delegatedCode(emu, ct, userId)
    await runLink(emu, 'transactions/connect-accounts', {client_id: BUILTIN_CLIENT.id, redirect_uri: 'http://localhost:3000/cb', authorization_code: code, market: 'GB', locale: 'en_US'}, 'demo-auth-error')
    const [d] = await rx.waitFor(1)
    await settle()
    assert.equal(rx.got.length, 1)
    const ev = JSON.parse(d.body)
    assert.equal(ev.event, 'refresh:finished')
    assert.equal(ev.content.credentialsStatus, 'AUTHENTICATION_ERROR')
    assert.equal(ev.content.detailedError.type, 'USER_LOGIN_ERROR')
  })

  test('POST /api/v1/credentials/{id}/refresh fires refresh:finished and account-transactions:modified (none inserted)', async () => {
    await reset()
    const userId = await createUser(emu, ct)
    const code = await delegatedCode(emu, ct, userId)
    const r = await runLink(emu, 'transactions/connect-accounts', {client_id: BUILTIN_CLIENT.id, redirect_uri: 'http://localhost:3000/cb', authorization_code: code, market: 'GB', locale: 'en_US'}, 'demo-success')
    await fresh(rx.url + '/refresh', ['refresh:finished', 'account-transactions:modified'])
    const ut = await (await import('./support/http.js')).userToken(emu, ct, userId, 'credentials:refresh')
    assert.equal((await call(emu, `/api/v1/credentials/${r.query.credentials_id}/refresh`, {method: 'POST', token: ut})).status, 204)
    const got = await rx.waitFor(3)
    await settle()
    const events = got.map((g) => JSON.parse(g.body))
    assert.deepEqual(events.map((e) => e.event).sort(), ['account-transactions:modified', 'account-transactions:modified', 'refresh:finished'])
    assert.equal(events.find((e) => e.event === 'refresh:finished').content.credentialsId, r.query.credentials_id)
    for (const e of events.filter((x) => x.event === 'account-transactions:modified')) assert.equal(e.content.transactions.inserted, 0)
  })

  test('--demo-data: a new user\'s bank fires the same events', async () => {
    const e3 = await startEmulator({demoData: true})
    try {
      const t3 = await clientToken(e3)
      const made = (await call(e3, HOOKS, {method: 'POST', token: t3, json: {url: rx.url + '/demo', enabledEvents: ['refresh:finished', 'account:created']}})).data
      rx.got.length = 0
      const userId = await createUser(e3, t3)
      const got = await rx.waitFor(3)
      await settle()
      assert.deepEqual(got.map((g) => JSON.parse(g.body).event).sort(), ['account:created', 'account:created', 'refresh:finished'])
      for (const g of got) {
        assert.ok(verify(made.secret, g.headers['x-tink-signature'], g.body))
        assert.equal(JSON.parse(g.body).context.userId, userId)
      }
    } finally {
      await e3.close()
    }
  })

  test('/__emulator/events: unknown event, no user, both ids, unknown user', async () => {
    const bad = await trigger({event: 'refresh:done', userId: 'x'})
    assert.equal(bad.status, 400)
    assert.match(bad.data.errorMessage, /refresh:finished/)
    assert.equal((await trigger({event: 'refresh:finished'})).status, 400)
    assert.equal((await trigger({event: 'refresh:finished', userId: 'a', externalUserId: 'b'})).status, 400)
    assert.equal((await trigger({event: 'refresh:finished', userId: 'f'.repeat(32)})).status, 404)
    assert.equal((await call(emu, '/__emulator/events')).status, 405)
  })

  test('/__emulator/webhook-retry sets the first interval; /__emulator/deliveries lists attempts', async () => {
    assert.equal((await call(emu, '/__emulator/webhook-retry', {method: 'POST', body: 'soon'})).status, 400)
    assert.equal((await call(emu, '/__emulator/webhook-retry', {method: 'POST', body: '10'})).status, 204)
    const list = await call(emu, '/__emulator/deliveries')
    assert.equal(list.status, 200)
    assert.ok(Array.isArray(list.data))
  })
})
