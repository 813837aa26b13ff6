// Hints name what the user actually used: a profile's wrong secret points at `tink login NAME
// --force`, environment credentials at the variables; no internal key names.
import assert from 'node:assert/strict'
import { describe, test} from 'node:test'
import {runTink} from '../../support/in-process.js'
import {runCli, tempDir} from '../../helpers.js'
import {TOKEN_PATH} from '../../support/cli.js'
import {server, envFor} from '../../support/scripted-server.js'

describe('hints name what the user actually used', () => {
  test('a wrong secret from a profile: tink login NAME --force, not the environment variables', async () => {
    const dir = tempDir()
    const srv = await server()
    srv.script(TOKEN_PATH, {status: 401, json: {errorMessage: 'Client credentials are invalid', errorCode: 'invalid_client'}})
    const add = await runTink(['profile', 'add', 'acme', '--client-id', 'cid', '--client-secret-stdin', '--insecure-storage', '--no-verify', '--base-url', srv.url], {input: 'wrong', env: {TINK_CONFIG_DIR: dir}})
    assert.equal(add.code, 0, add.stderr)
    const r = await runTink(['token', 'get', '--no-cache'], {env: {TINK_CONFIG_DIR: dir}})
    assert.equal(r.code, 3, r.stderr)
    assert.match(r.stderr, /tink login acme --force/)
    assert.doesNotMatch(r.stderr, /TINK_CLIENT_SECRET/)
    const env = await runTink(['token', 'get', '--no-cache'], {env: envFor(srv)})
    assert.match(env.stderr, /TINK_CLIENT_SECRET/)
    const stdin = await runTink(['token', 'get', '--no-cache', '--client-id', 'x', '--client-secret-stdin', '--base-url', srv.url], {input: 'y'})
    assert.match(stdin.stderr, /--client-secret-stdin/)
  })
  test('token clear with environment credentials and no keychain: nothing is cached, no internal key names', async () => {
    // A subprocess: the keychain is one per process, and this one may already have a bus.
    const r = await runCli(['token', 'clear'], {env: {TINK_CLIENT_ID: 'a', TINK_CLIENT_SECRET: 'b', DBUS_SESSION_BUS_ADDRESS: 'unix:path=/nonexistent-h15-bus', DISPLAY: ''}})
    assert.equal(r.code, 0, r.stderr)
    assert.match(r.stderr, /Nothing to clear/)
    assert.doesNotMatch(r.stderr, /\(env\)|token-index/)
  })
})
