// --verbose: the trace of every request on stderr (method, URL, status, timing, headers), every
// secret in it ***, stdout unchanged (one JSON document with --json), no trace without it.
import {describe, test} from 'node:test'
import assert from 'node:assert/strict'
import {runTink} from '../../support/in-process.js'
import {tinkError, tokenResponse} from '../../support/tink-server.js'
import {DELETE_PATH, GRANT_PATH, oneJson, serverEnv, TOKEN_PATH, useTinkServer} from '../../support/cli.js'

const srv = useTinkServer()

describe('--verbose', () => {
  const CANARY = {
    secret: 'CANARY-client-secret-91a',
    clientToken: 'CANARY-client-token-27b',
    code: 'CANARY-code-55c',
    userToken: 'CANARY-user-token-13d',
    refresh: 'CANARY-refresh-token-84e',
  }

  function assertNoCanary(text) {
    for (const [name, value] of Object.entries(CANARY)) assert.ok(!text.includes(value), `${name} leaked into:\n${text}`)
  }

  test('the delete chain traced: method, URL, status, timing, headers; every secret is ***', async () => {
    srv.script(TOKEN_PATH, {json: tokenResponse({access_token: CANARY.clientToken})}, {json: tokenResponse({access_token: CANARY.userToken, refresh_token: CANARY.refresh})})
    srv.script(GRANT_PATH, {json: {code: CANARY.code}})
    srv.script(DELETE_PATH, {status: 204})
    const r = await runTink(['user', 'delete', '--external-user-id', 'u1', '--yes', '--verbose'], {env: serverEnv(srv, {TINK_CLIENT_SECRET: CANARY.secret})})
    assert.equal(r.code, 0, r.stderr)
    assert.equal(srv.requests.length, 4, 'the chain ran')
    assertNoCanary(r.stderr)
    assertNoCanary(r.stdout)
    assert.match(r.stderr, new RegExp(`> POST ${srv.url}/api/v1/oauth/token`))
    assert.match(r.stderr, new RegExp(`> POST ${srv.url}/api/v1/user/delete`))
    assert.match(r.stderr, /< 200 \(\d+ ms\)/)
    assert.match(r.stderr, /< 204 \(\d+ ms\)/)
    assert.match(r.stderr, /> user-agent: tink-auth-cli\//)
    assert.match(r.stderr, /< x-request-id: req-1/)
    assert.match(r.stderr, /client_secret=\*\*\*/)
    assert.match(r.stderr, /code=\*\*\*/)
    assert.match(r.stderr, /authorization: Bearer \*\*\*/)
    assert.match(r.stderr, /"access_token":"\*\*\*"/)
    assert.match(r.stderr, /"refresh_token":"\*\*\*"/)
    assert.match(r.stderr, /"code":"\*\*\*"/)
    assert.match(r.stdout, /Deleted the user/)
  })

  test('refresh token from stdin and a failing answer: nothing secret in the trace or the error', async () => {
    srv.script(TOKEN_PATH, {status: 503, body: ''}, tinkError(400, 'invalid_grant', 'Refresh token expired'))
    const r = await runTink(['token', 'get', '--refresh-token', '-', '-v'], {env: serverEnv(srv, {TINK_CLIENT_SECRET: CANARY.secret}), input: CANARY.refresh})
    assert.equal(r.code, 4)
    assertNoCanary(r.stderr)
    assert.match(r.stderr, /refresh_token=\*\*\*/)
    assert.match(r.stderr, /\* retry 1\/3 in \d+ ms/)
    assert.match(r.stderr, /Error: token request failed: HTTP 400/)
  })

  test('--verbose with --json: the trace on stderr, stdout still exactly one JSON document', async () => {
    srv.script(TOKEN_PATH, {json: tokenResponse({access_token: CANARY.clientToken})})
    const r = await runTink(['token', 'get', '--json', '--verbose'], {env: serverEnv(srv, {TINK_CLIENT_SECRET: CANARY.secret})})
    assert.equal(r.code, 0, r.stderr)
    assert.equal(oneJson(r.stdout).access_token, CANARY.clientToken, 'the token itself is the output asked for')
    assert.match(r.stderr, /> POST /)
    assertNoCanary(r.stderr)
  })

  test('without --verbose there is no trace', async () => {
    srv.script(TOKEN_PATH, {json: tokenResponse()})
    const r = await runTink(['token', 'get', '--raw'], {env: serverEnv(srv)})
    assert.equal(r.code, 0)
    assert.equal(r.stderr, '')
  })
})
