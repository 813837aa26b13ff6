// Long waits are announced on a terminal: a Retry-After of seconds says what is retried and how
// long, a slow server what is awaited and the timeout.
import assert from 'node:assert/strict'
import { describe, test} from 'node:test'
import {runTink} from '../../support/in-process.js'
import {TOKEN_PATH} from '../../support/cli.js'
import {server, envFor} from '../../support/scripted-server.js'

describe('long waits are announced on a terminal', () => {
  const TOKEN = {json: {access_token: 'tok-abc', token_type: 'bearer', expires_in: 1800}}
  test('a Retry-After of 3 s: what is retried and how long', async () => {
    const srv = await server()
    srv.script(TOKEN_PATH, {status: 503, headers: {'retry-after': '3'}, json: {errorMessage: 'busy'}}, TOKEN)
    const r = await runTink(['token', 'get', '--no-cache', '--raw'], {env: envFor(srv), stderrTTY: true})
    assert.equal(r.code, 0, r.stderr)
    assert.match(r.stderr, /Waiting 3 s before retrying the token request .*Retry-After/)
    srv.script(TOKEN_PATH, {status: 503, headers: {'retry-after': '3'}, json: {errorMessage: 'busy'}}, TOKEN)
    const quiet = await runTink(['token', 'get', '--no-cache', '--raw'], {env: envFor(srv)})
    assert.doesNotMatch(quiet.stderr, /Waiting/, 'not on a pipe')
  })
  test('a server slower than 2 s: what is awaited and the timeout', async () => {
    const srv = await server()
    srv.script(TOKEN_PATH, {...TOKEN, delay: 2600})
    const r = await runTink(['token', 'get', '--no-cache', '--raw', '--timeout', '20'], {env: envFor(srv), stderrTTY: true})
    assert.equal(r.code, 0, r.stderr)
    assert.match(r.stderr, /Still waiting for the token request answer from http:\/\/127\.0\.0\.1:\d+ \(gives up after 20 s\)/)
  })
})
