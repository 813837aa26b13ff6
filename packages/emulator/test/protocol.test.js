// What every answer of the emulator shares: request and trace ids, 404/405/413 as Tink error JSON,
// the /__emulator/ endpoints, the record of requests sent, and a close() that lets the process exit.
// Real HTTP over 127.0.0.1.
import {test, describe, before, after} from 'node:test'
import assert from 'node:assert/strict'
import {spawn} from 'node:child_process'

import {startEmulator} from '../dist/index.js'
import {CREATE, TOKEN, assertTinkError, call, clientToken, createUser, creds} from './support/api.js'

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
