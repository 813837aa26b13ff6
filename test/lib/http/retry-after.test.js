// Retry-After in seconds or as an HTTP date, one longer than the CLI waits, and the short backoff
// without it: the HTTP layer's retries against a scripted server on 127.0.0.1.
import {describe, test} from 'node:test'
import assert from 'node:assert/strict'
import {runTink} from '../../support/in-process.js'
import {tinkError, tokenResponse} from '../../support/tink-server.js'
import {assertOneLineError, serverEnv, TOKEN_PATH, useTinkServer} from '../../support/cli.js'

const srv = useTinkServer()

describe('Retry-After', () => {
  test('in seconds: the retry waits that long', async () => {
    srv.script(TOKEN_PATH, tinkError(429, 'rate_limited', 'Slow down', {'retry-after': '1'}), {json: tokenResponse()})
    const r = await runTink(['token', 'get', '--raw'], {env: serverEnv(srv)})
    assert.equal(r.code, 0, r.stderr)
    assert.equal(srv.requests.length, 2)
    const gap = srv.requests[1].at - srv.requests[0].at
    assert.ok(gap >= 950 && gap < 2500, `waited ${Math.round(gap)} ms for Retry-After: 1`)
  })

  test('as an HTTP date: the retry waits until then', async () => {
    // HTTP dates have whole seconds: "now + 2 s" truncated means a wait of 1 to 2 s.
    srv.script(TOKEN_PATH, () => ({status: 503, body: 'maintenance', headers: {'retry-after': new Date(Date.now() + 2000).toUTCString()}}), {json: tokenResponse()})
    const r = await runTink(['token', 'get', '--raw'], {env: serverEnv(srv)})
    assert.equal(r.code, 0, r.stderr)
    assert.equal(srv.requests.length, 2)
    const gap = srv.requests[1].at - srv.requests[0].at
    assert.ok(gap >= 900 && gap < 3000, `waited ${Math.round(gap)} ms for a Retry-After date 2 s ahead`)
  })

  test('longer than the CLI waits: fails at once saying so, exit 5', async () => {
    srv.script(TOKEN_PATH, tinkError(429, 'rate_limited', 'Slow down', {'retry-after': '3600'}), {json: tokenResponse()})
    const started = Date.now()
    const r = await runTink(['token', 'get'], {env: serverEnv(srv)})
    assertOneLineError(r, 5, /Tink asked to wait 3600 s \(Retry-After\)/)
    assert.equal(srv.requests.length, 1)
    assert.ok(Date.now() - started < 4000)
  })

  test('without Retry-After the backoff is short (a fraction of a second for the first retry)', async () => {
    srv.script(TOKEN_PATH, {status: 503, body: ''}, {json: tokenResponse()})
    const r = await runTink(['token', 'get', '--raw'], {env: serverEnv(srv)})
    assert.equal(r.code, 0, r.stderr)
    const gap = srv.requests[1].at - srv.requests[0].at
    assert.ok(gap >= 100 && gap < 1500, `first backoff ${Math.round(gap)} ms`)
  })
})
