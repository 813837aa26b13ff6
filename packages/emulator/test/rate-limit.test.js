// The emulator's realistic rate limit (issue 24, item 2): a token bucket per client id with a burst
// of N and N a second, 429 with Retry-After and Tink's error body beyond it, changeable while it
// runs, and GET /__emulator/stats counting what the server saw.
import {test} from 'node:test'
import assert from 'node:assert/strict'
import {spawnSync} from 'node:child_process'
import {fileURLToPath} from 'node:url'

import {BUILTIN_CLIENT, startEmulator} from '../dist/index.js'
import {call, clientToken, creds} from './support/http.js'

const OTHER = {id: 'other-app', secret: 'other-secret', scopes: ['user:create']}
const token = (emu, c = BUILTIN_CLIENT) => call(emu, '/api/v1/oauth/token', {method: 'POST', form: {...creds(c), grant_type: 'client_credentials', scope: 'user:create'}})

test('N a second per client id, burst N; beyond it 429 with Retry-After and Tink\'s error body; the bucket refills', async () => {
  let now = Date.parse('2026-01-01T00:00:00Z')
  const emu = await startEmulator({rateLimit: 3, clients: [OTHER], now: () => now})
  try {
    for (let i = 0; i < 3; i++) assert.equal((await token(emu)).status, 200, `request ${i + 1} of the burst`)
    const refused = await token(emu)
    assert.equal(refused.status, 429)
    assert.equal(refused.headers['retry-after'], '1')
    assert.equal(refused.data.errorCode, 'rate_limited')
    assert.match(refused.data.errorMessage, /3 requests a second for tink-emulator-client/)
    assert.equal((await token(emu, OTHER)).status, 200, 'another client has its own bucket')
    // A bearer token's client draws from the same bucket as its token requests.
    now += 1000
    const ct = await clientToken(emu)
    assert.equal((await call(emu, '/api/v1/user/create', {method: 'POST', token: ct, json: {market: 'SE', locale: 'sv_SE'}})).status, 200)
    assert.equal((await call(emu, '/api/v1/user/create', {method: 'POST', token: ct, json: {market: 'SE', locale: 'sv_SE'}})).status, 200)
    assert.equal((await call(emu, '/api/v1/user/create', {method: 'POST', token: ct, json: {market: 'SE', locale: 'sv_SE'}})).status, 429)
    // The emulator's own endpoints are never limited.
    for (let i = 0; i < 5; i++) assert.equal((await call(emu, '/__emulator/health')).status, 200)
    now += 1000
    assert.equal((await token(emu)).status, 200, 'refilled after a second')
  } finally {
    await emu.close()
  }
})

test('changeable while running (POST /__emulator/rate-limit, setRateLimit); GET /__emulator/stats counts Tink requests by status', async () => {
  const now = Date.parse('2026-01-01T00:00:00Z')
  const emu = await startEmulator({now: () => now})
  try {
    for (let i = 0; i < 4; i++) assert.equal((await token(emu)).status, 200, 'no limit by default')
    const set = await call(emu, '/__emulator/rate-limit', {method: 'POST', body: '2'})
    assert.equal(set.status, 204)
    assert.equal(emu.rateLimit, 2)
    const statuses = []
    for (let i = 0; i < 4; i++) statuses.push((await token(emu)).status)
    assert.deepEqual(statuses, [200, 200, 429, 429])
    const bad = await call(emu, '/__emulator/rate-limit', {method: 'POST', body: 'fast'})
    assert.equal(bad.status, 400)
    assert.equal(bad.data.errorCode, 'invalid_rate_limit')
    assert.equal((await call(emu, '/__emulator/rate-limit', {method: 'POST', body: 'off'})).status, 204)
    assert.equal((await token(emu)).status, 200)
    emu.setRateLimit(1)
    assert.deepEqual([(await token(emu)).status, (await token(emu)).status], [200, 429])
    assert.equal((await call(emu, '/nope')).status, 404)
    const stats = await call(emu, '/__emulator/stats')
    assert.equal(stats.status, 200)
    assert.deepEqual(stats.data, {requests: 12, byStatus: {200: 8, 429: 3, 404: 1}})
    assert.deepEqual(emu.stats(), stats.data)
  } finally {
    await emu.close()
  }
})

test('tink-emulator --rate-limit: a value that is not a whole number of 1 or more is exit 2', () => {
  const bin = fileURLToPath(new URL('../bin/tink-emulator.js', import.meta.url))
  for (const v of ['0', '-3', '2.5', 'many']) {
    const r = spawnSync(process.execPath, [bin, `--rate-limit=${v}`], {encoding: 'utf8'})
    assert.equal(r.status, 2, `${v}: ${r.stderr}`)
    assert.match(r.stderr, /--rate-limit must be a whole number/)
  }
})
