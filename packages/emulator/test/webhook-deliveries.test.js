// Webhook deliveries: signed as Tink's signature page says (checked here with node:crypto), Tink's
// payload, sent only to the enabled endpoints of the user's app that subscribe to the event; retried
// at growing intervals on 408, 429 and 5xx but 501, at most 3 times; never holding up the API or close().
// Real HTTP over 127.0.0.1.
import {test, describe} from 'node:test'
import assert from 'node:assert/strict'

import {BUILTIN_CLIENT, startEmulator} from '../dist/index.js'
import {call, clientToken, createUser} from './support/http.js'
import {refusingUrl} from './support/receiver.js'
import {HOOKS, OTHER, ct, emu, fresh, hook, reset, rx, settle, trigger, useWebhookEmulator, verify} from './support/webhooks.js'

useWebhookEmulator()

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
