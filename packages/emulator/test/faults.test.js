// The emulator's injected faults: the --faults grammar, 5xx and 429 answers (Retry-After), resets
// before and after the work is done, latency, malformed bodies, and seeds that make a sequence
// reproducible. Real HTTP over 127.0.0.1.
import {test, describe} from 'node:test'
import assert from 'node:assert/strict'

import {parseFaultSpec, startEmulator} from '../dist/index.js'
import {TOKEN, assertTinkError, call, clientToken, createUser, creds} from './support/api.js'

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
