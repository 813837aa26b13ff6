// The --json error document: {"error": {status, code, message, requestId}} on stdout, with Tink's
// X-Request-ID when there is one, for usage errors too (exit 2).
import {describe, test} from 'node:test'
import assert from 'node:assert/strict'
import {runTink} from '../../support/in-process.js'
import {tinkError, tokenResponse} from '../../support/tink-server.js'
import {CREATE_PATH, oneJson, serverEnv, TOKEN_PATH, useTinkServer} from '../../support/cli.js'

const srv = useTinkServer()

describe('--json error document', () => {
  test('{"error": {status, code, message, requestId}} on stdout with Tink\'s X-Request-ID', async () => {
    srv.script(TOKEN_PATH, {json: tokenResponse()})
    srv.script(CREATE_PATH, tinkError(409, 'user_already_exists', 'User exists', {'x-request-id': 'tink-req-4711'}))
    const r = await runTink(['user', 'create', '--external-user-id', 'u1', '--market', 'GB', '--json'], {env: serverEnv(srv)})
    assert.equal(r.code, 4)
    const doc = oneJson(r.stdout)
    assert.deepEqual(Object.keys(doc), ['error'])
    assert.equal(doc.error.status, 409)
    assert.equal(doc.error.code, 'user_already_exists')
    assert.match(doc.error.message, /already exists/)
    assert.equal(doc.error.requestId, 'tink-req-4711')
    assert.doesNotMatch(r.stderr, /Error:/, 'the error is not printed twice')
  })

  test('--raw with --json: a usage error, as a JSON document (exit 2)', async () => {
    const r = await runTink(['token', 'get', '--raw', '--json'], {env: serverEnv(srv)})
    assert.equal(r.code, 2)
    assert.match(oneJson(r.stdout).error.message, /--raw/)
    assert.equal(srv.requests.length, 0)
  })

  test('a usage error is a JSON document too (exit 2)', async () => {
    const r = await runTink(['user', 'create', '--external-user-id', 'u1', '--market', 'gb', '--json'], {env: serverEnv(srv)})
    assert.equal(r.code, 2)
    const doc = oneJson(r.stdout)
    assert.equal(doc.error.code, 'invalid_usage')
    assert.match(doc.error.message, /Invalid market "gb"/)
    assert.equal(srv.requests.length, 0)
  })

  test('an error without X-Request-ID still has status, code and message', async () => {
    srv.script(TOKEN_PATH, {status: 503, body: '', headers: {'x-request-id': null}})
    const r = await runTink(['token', 'get', '--json', '--retries', '0'], {env: serverEnv(srv)})
    assert.equal(r.code, 5)
    const doc = oneJson(r.stdout)
    assert.equal(doc.error.status, 503)
    assert.equal(typeof doc.error.code, 'string')
    assert.equal(typeof doc.error.message, 'string')
    assert.equal(doc.error.requestId, undefined)
  })
})
