// The webhook events the emulator fires itself: a Tink Link connection (succeeded or failed), a
// credentials refresh and --demo-data's new users; and the /__emulator/ endpoints that fire an event,
// set the retry interval and list delivery attempts. Real HTTP over 127.0.0.1.
import {test, describe} from 'node:test'
import assert from 'node:assert/strict'

import {BUILTIN_CLIENT, startEmulator} from '../dist/index.js'
import {call, clientToken, createUser, delegatedCode, runLink} from './support/http.js'
import {HOOKS, ct, emu, fresh, reset, rx, settle, trigger, useWebhookEmulator, verify} from './support/webhooks.js'

useWebhookEmulator()

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
