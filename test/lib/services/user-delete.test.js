// The single-user delete service (src/lib/services/user/delete.ts) called directly: Tink's chain
// against the emulator, and what Ctrl-C at each of its three steps tells the person about the
// user (still there, or maybe deleted), against the scriptable server holding that step's answer.
import {after, before, describe, test} from 'node:test'
import assert from 'node:assert/strict'
import {ALL_SCOPES, startEmulator} from 'tink-emulator'
import {startTinkServer, tokenResponse} from '../../support/tink-server.js'
import {DELETE_PATH, GRANT_PATH, TOKEN_PATH} from '../../support/cli.js'
import {HttpClient} from '../../../dist/lib/http/client.js'
import {TinkApi} from '../../../dist/lib/tink/api.js'
import {deleteUser, whichUser} from '../../../dist/lib/services/user/delete.js'

const APP = {id: `user-delete-service-${process.pid}`, secret: 'user-delete-secret', scopes: [...ALL_SCOPES]}

/** A TinkApi on `baseUrl` whose requests end when `signal` aborts, as a run's do on Ctrl-C. */
function apiOn(baseUrl, signal = new AbortController().signal) {
  const http = new HttpClient({baseUrl, timeoutMs: 5000, retries: 0, userAgent: 'tink-test', signal})
  return {api: new TinkApi({http, credentials: async () => ({clientId: APP.id, clientSecret: APP.secret})}), http}
}

describe('against the emulator', () => {
  let emu
  before(async () => (emu = await startEmulator({clients: [APP]})))
  after(() => emu.close())

  test('deletes the user by external id or user id; a user that does not exist is exit 4 naming it', async () => {
    const {api, http} = apiOn(emu.url)
    try {
      await api.createUser({external_user_id: 'svc-del-1', market: 'GB', locale: 'en_GB'})
      const byId = await api.createUser({external_user_id: 'svc-del-2', market: 'GB', locale: 'en_GB'})
      const signal = new AbortController().signal
      assert.deepEqual(await deleteUser(api, {user: {externalUserId: 'svc-del-1'}, signal}), {deleted: true, external_user_id: 'svc-del-1'})
      assert.deepEqual(await deleteUser(api, {user: {userId: byId.user_id}, signal}), {deleted: true, user_id: byId.user_id})
      assert.deepEqual(
        emu.users().filter((u) => u.external_user_id?.startsWith('svc-del-')),
        [],
      )
      await assert.rejects(deleteUser(api, {user: {externalUserId: 'svc-del-1'}, signal}), (err) => err.exitCode === 4 && /No user with external id "svc-del-1"/.test(err.message))
    } finally {
      await http.close()
    }
  })
})

describe('Ctrl-C during the chain', () => {
  let srv
  before(async () => (srv = await startTinkServer()))
  after(() => srv.close())

  /** Scripts the chain up to `step`, whose answer never comes; aborts once it is asked; resolves the error. */
  async function interruptedAt(step) {
    srv.reset()
    const hang = {hang: 'headers'}
    const exchange = {json: tokenResponse({scope: 'user:delete'})}
    srv.script(TOKEN_PATH, {json: tokenResponse({scope: 'authorization:grant'})}, ...(step === 'exchange' ? [hang] : [exchange]))
    srv.script(GRANT_PATH, step === 'grant' ? hang : {json: {code: 'delete-code'}})
    srv.script(DELETE_PATH, hang)
    const stop = new AbortController()
    const {api, http} = apiOn(srv.url, stop.signal)
    const asked = {grant: 2, exchange: 3, delete: 4}[step]
    const run = deleteUser(api, {user: {externalUserId: 'cust-9'}, signal: stop.signal}).then(
      () => assert.fail('the delete was interrupted'),
      (err) => err,
    )
    await srv.waitForRequests(asked)
    stop.abort()
    const err = await run
    await http.close()
    assert.equal(err.exitCode, 130)
    assert.equal(srv.requests.length, asked, 'nothing more is sent after Ctrl-C')
    return err
  }

  test('at the grant or the exchange: nothing was deleted, the user still exists', async () => {
    const grant = await interruptedAt('grant')
    assert.equal(grant.message, 'Interrupted during the delete grant request (step 1 of 3); nothing was deleted: the user with external id cust-9 still exists')
    assert.match(grant.hint, /^To delete it, run the same command again/)
    const exchange = await interruptedAt('exchange')
    assert.match(exchange.message, /^Interrupted while exchanging the delete grant for a user token \(step 2 of 3\); nothing was deleted/)
  })

  test('after the delete request was sent: the user may be deleted, and running again tells', async () => {
    const err = await interruptedAt('delete')
    assert.equal(err.message, 'Interrupted after the delete request was sent (step 3 of 3); the user with external id cust-9 may be deleted')
    assert.match(err.hint, /^To be sure, run the same command again: a user already deleted is reported as missing/)
  })

  test('the user is named as the messages name it', () => {
    assert.equal(whichUser({externalUserId: 'cust-9'}), 'with external id cust-9')
    assert.equal(whichUser({userId: '0123456789abcdef0123456789abcdef'}), 'with user id 0123456789abcdef0123456789abcdef')
  })
})
