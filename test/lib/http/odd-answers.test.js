// Answers that are not what Tink sends (an HTML error page, a 200 that is not JSON) and --timeout
// against a server or a body that never ends, against a scripted server on 127.0.0.1. More broken
// servers: test/lib/http/broken-servers.test.js.
import {describe, test} from 'node:test'
import assert from 'node:assert/strict'
import {runTink} from '../../support/in-process.js'
import {tokenResponse} from '../../support/tink-server.js'
import {assertOneLineError, serverEnv, TOKEN_PATH, useTinkServer} from '../../support/cli.js'

const srv = useTinkServer()

describe('odd answers', () => {
  test('an HTML error page (a proxy): its text in the message, exit 5', async () => {
    srv.script(TOKEN_PATH, {
      status: 502,
      headers: {'content-type': 'text/html'},
      body: '<html><head><title>502</title></head><body><h1>Bad Gateway</h1><p>upstream nginx is down</p></body></html>',
    })
    const r = await runTink(['token', 'get', '--retries', '0'], {env: serverEnv(srv)})
    assertOneLineError(r, 5, /HTTP 502: non-JSON body: "502 Bad Gateway upstream nginx is down"/)
  })

  test('an HTML 400: exit 4 with the excerpt', async () => {
    srv.script(TOKEN_PATH, {status: 400, headers: {'content-type': 'text/html'}, body: '<h1>Request blocked by WAF</h1>'})
    const r = await runTink(['token', 'get'], {env: serverEnv(srv)})
    assertOneLineError(r, 4, /HTTP 400: non-JSON body: "Request blocked by WAF"/)
  })

  test('a 200 that is not JSON: exit 5, pointing at --base-url', async () => {
    srv.script(TOKEN_PATH, {status: 200, headers: {'content-type': 'text/html'}, body: '<html>Welcome to nginx</html>'})
    const r = await runTink(['token', 'get'], {env: serverEnv(srv)})
    assertOneLineError(r, 5, /not JSON.*--base-url/)
  })

  test('--timeout 1 against a server that never answers: exit 5 promptly', async () => {
    srv.script(TOKEN_PATH, {hang: 'headers'})
    const started = Date.now()
    const r = await runTink(['token', 'get', '--timeout', '1', '--retries', '0'], {env: serverEnv(srv)})
    const ms = Date.now() - started
    assertOneLineError(r, 5, /did not answer within 1 s/)
    assert.ok(ms < 4000, `took ${ms} ms`)
  })

  test('--timeout 1 against a body that never ends: exit 5 promptly', async () => {
    srv.script(TOKEN_PATH, {hang: 'body', json: tokenResponse()})
    const started = Date.now()
    const r = await runTink(['token', 'get', '--timeout', '1', '--retries', '0'], {env: serverEnv(srv)})
    const ms = Date.now() - started
    assertOneLineError(r, 5, /within 1 s/)
    assert.ok(ms < 4000, `took ${ms} ms`)
  })
})
