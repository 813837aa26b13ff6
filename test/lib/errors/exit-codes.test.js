// Exit codes as a user meets them: missing credentials (3), bad input (2), and each HTTP status
// (401/403 -> 3, 400/404/409 -> 4, 5xx, 429 and resets -> 5, retried or not), one line on stderr,
// nothing sent when the input is wrong. The CLI runs in process or as a subprocess against a
// scripted server on 127.0.0.1.
import {describe, test} from 'node:test'
import assert from 'node:assert/strict'
import {runTink} from '../../support/in-process.js'
import {startTinkServer, tinkError, tokenResponse} from '../../support/tink-server.js'
import {assertOneLineError, CREATE_PATH, GRANT_PATH, oneJson, serverEnv, TOKEN_PATH, useTinkServer} from '../../support/cli.js'

const srv = useTinkServer()

const EVERY_COMMAND = [
  ['token', 'get'],
  ['grant', 'create', '--external-user-id', 'u1', '--scope', 'accounts:read'],
  ['grant', 'delegate', '--external-user-id', 'u1', '--id-hint', 'Jane', '--redirect-uri', 'https://example.com/cb'],
  ['link', 'connect', '--external-user-id', 'u1', '--no-browser'],
  ['user', 'create', '--external-user-id', 'u1', '--market', 'GB'],
  ['user', 'delete', '--external-user-id', 'u1', '--yes'],
]

describe('missing credentials -> exit 3, one line naming the env vars, no request sent', () => {
  for (const args of EVERY_COMMAND) {
    test(`tink ${args.slice(0, 2).join(' ')}`, async () => {
      const r = await runTink(args, {env: {TINK_API_URL: srv.url}})
      assertOneLineError(r, 3, /TINK_CLIENT_ID.*TINK_CLIENT_SECRET/)
      assert.equal(srv.requests.length, 0)
    })
  }

  test('only the secret missing: says which one', async () => {
    const r = await runTink(['token', 'get'], {env: {TINK_API_URL: srv.url, TINK_CLIENT_ID: 'id'}})
    assertOneLineError(r, 3, /No client secret \(TINK_CLIENT_SECRET\) found/)
    assert.doesNotMatch(r.stderr, /No client id/)
    assert.equal(srv.requests.length, 0)
  })

  test('--json: the error document on stdout', async () => {
    const r = await runTink(['token', 'get', '--json'], {env: {TINK_API_URL: srv.url}})
    assert.equal(r.code, 3)
    const doc = oneJson(r.stdout)
    assert.equal(doc.error.code, 'missing_credentials')
    assert.match(doc.error.message, /TINK_CLIENT_ID/)
    assert.equal(srv.requests.length, 0)
  })
})

describe('bad input -> exit 2, one line saying what and how to fix, nothing sent', () => {
  const cases = [
    [['token', 'get', '--scope', 'accounts:read,,x:y'], /Empty scope/],
    [['token', 'get', '--scope', 'NotAScope'], /Invalid scope "NotAScope"/],
    [['token', 'get', '--timeout', '0'], /Invalid --timeout "0"/],
    [['token', 'get', '--region', 'mars'], /Unknown region "mars".*eu or us/],
    [['token', 'get', '--base-url', 'http://api.example.com'], /Refusing plain http:\/\/.*--allow-insecure-http/],
    [['token', 'get', '--code', 'c', '--refresh-token', 'r'], /--code|--refresh-token/],
    [['token', 'get', '--no-such-flag'], /no-such-flag/],
    [['grant', 'create', '--external-user-id', 'u1'], /Missing required flag --scope/],
    [['grant', 'create', '--scope', 'a:b'], /Neither --user-id nor --external-user-id/],
    [['grant', 'create', '--scope', 'a:b', '--user-id', 'x', '--external-user-id', 'y'], /--user-id.*--external-user-id|--external-user-id.*--user-id/],
    [['grant', 'delegate', '--external-user-id', 'u1', '--id-hint', 'Jane', '--flow', 'nope'], /Unknown Tink Link flow "nope"/],
    [['grant', 'delegate', '--external-user-id', 'u1', '--id-hint', 'Jane', '--flow', 'products/connect-accounts'], /needs --products/],
    [['grant', 'delegate', '--external-user-id', 'u1', '--id-hint', 'Jane', '--flow', 'transactions/extend-consent'], /needs --credentials-id/],
    [['grant', 'delegate', '--external-user-id', 'u1', '--id-hint', 'Jane', '--market', 'XX'], /Invalid market "XX"/],
    [['grant', 'delegate', '--external-user-id', 'u1', '--id-hint', 'Jane', '--redirect-uri', 'not a url'], /Invalid --redirect-uri/],
    [['grant', 'delegate', '--external-user-id', 'u1', '--id-hint', 'Zoë 名前'], /ISO-8859-1/],
    [['user', 'create', '--external-user-id', 'u1', '--market', 'gb'], /Invalid market "gb".*Did you mean GB\?/],
    [['user', 'create', '--external-user-id', 'u1', '--market', 'GB', '--locale', 'en-US'], /Invalid locale "en-US".*en_US/],
    [['user', 'create', '--external-user-id', 'u1', '--market', 'GB', '--retention-class', 'forever'], /PERMANENT or TEMPORARY/],
    [['user', 'create', '--external-user-id', 'u1'], /--market is required/],
    [['user', 'create', '--market', 'GB'], /--external-user-id is required/],
    [['user', 'delete', '--yes'], /Neither --user-id nor --external-user-id/],
  ]
  for (const [args, pattern] of cases) {
    test(`tink ${args.join(' ')}`, async () => {
      const r = await runTink(args, {env: serverEnv(srv)})
      assertOneLineError(r, 2, pattern)
      assert.equal(srv.requests.length, 0, 'no request sent')
    })
  }
})

describe('HTTP statuses -> exit codes', () => {
  test('401 from the token endpoint -> exit 3', async () => {
    srv.script(TOKEN_PATH, tinkError(401, 'invalid_client', 'Bad client credentials'))
    const r = await runTink(['token', 'get'], {env: serverEnv(srv)})
    assertOneLineError(r, 3, /token request failed: HTTP 401: Bad client credentials \[invalid_client\] \(X-Request-ID: req-1\)/)
  })

  test('a grant refused with 401 although the client token was accepted: exit 3 naming the scope and the user, not the client secret', async () => {
    const refusal = tinkError(401, 'UNAUTHORIZED', "The client doesn't have access to the user or isn't allowed to use the scope")
    for (const [args, scope] of [
      [['grant', 'create', '--external-user-id', 'u1', '--scope', 'payment:read'], 'payment:read'],
      [['user', 'get', '--external-user-id', 'u1'], 'user:read'],
      [['api', '/data/v2/accounts', '--external-user-id', 'u1'], 'accounts:read'],
    ]) {
      srv.reset()
      srv.script(TOKEN_PATH, {json: tokenResponse()})
      srv.script(GRANT_PATH, refusal)
      const r = await runTink(args, {env: serverEnv(srv)})
      assertOneLineError(r, 3, new RegExp(`Tink refused a grant of scope "${scope}" for the user with external id "u1" \\(HTTP 401: .*\\); the client token was accepted, so this app may not grant that scope, or has no access to that user.*Tink Console`))
      assert.doesNotMatch(r.stderr, /client id and secret/)
    }
    // The token endpoint's own 401 is about the credentials, as before.
    srv.reset()
    srv.script(TOKEN_PATH, tinkError(401, 'invalid_client', 'Bad client'))
    const creds = await runTink(['grant', 'create', '--external-user-id', 'u1', '--scope', 'accounts:read'], {env: serverEnv(srv)})
    assertOneLineError(creds, 3, /token request failed: HTTP 401: Bad client \[invalid_client\].*TINK_CLIENT_ID, TINK_CLIENT_SECRET/)
  })

  test('403 (token lacks the scope) -> exit 3', async () => {
    srv.script(TOKEN_PATH, {json: tokenResponse()})
    srv.script(GRANT_PATH, tinkError(403, 'insufficient_scope', 'Token is missing scope authorization:grant'))
    const r = await runTink(['grant', 'create', '--external-user-id', 'u1', '--scope', 'accounts:read'], {env: serverEnv(srv)})
    assertOneLineError(r, 3, /HTTP 403: Token is missing scope authorization:grant/)
  })

  test('400 -> exit 4', async () => {
    srv.script(TOKEN_PATH, {json: tokenResponse()})
    srv.script(CREATE_PATH, tinkError(400, 'invalid_market', 'Market is not supported'))
    const r = await runTink(['user', 'create', '--external-user-id', 'u1', '--market', 'GB'], {env: serverEnv(srv)})
    assertOneLineError(r, 4, /user create failed: HTTP 400: Market is not supported \[invalid_market\]/)
  })

  test('404 -> exit 4', async () => {
    srv.script(TOKEN_PATH, {json: tokenResponse()})
    srv.script(GRANT_PATH, tinkError(404, 'user_not_found', 'User not found'))
    const r = await runTink(['grant', 'create', '--user-id', 'nobody', '--scope', 'accounts:read'], {env: serverEnv(srv)})
    assertOneLineError(r, 4, /HTTP 404: User not found/)
  })

  test('409 on user create -> exit 4, a clear message', async () => {
    srv.script(TOKEN_PATH, {json: tokenResponse()})
    srv.script(CREATE_PATH, tinkError(409, 'user_already_exists', 'User exists'))
    const r = await runTink(['user', 'create', '--external-user-id', 'u1', '--market', 'GB'], {env: serverEnv(srv)})
    assertOneLineError(r, 4, /A user with external id "u1" already exists \(HTTP 409\)/)
  })

  test('500 is not retried -> exit 5 after one request', async () => {
    srv.script(TOKEN_PATH, tinkError(500, 'internal_error', 'Something broke'))
    const r = await runTink(['token', 'get'], {env: serverEnv(srv)})
    assertOneLineError(r, 5, /HTTP 500: Something broke/)
    assert.equal(srv.requests.length, 1)
  })

  test('429 on every attempt -> exit 5 after 1 + --retries requests', async () => {
    srv.script(TOKEN_PATH, tinkError(429, 'rate_limited', 'Slow down', {'retry-after': '0'}))
    const r = await runTink(['token', 'get', '--retries', '2'], {env: serverEnv(srv)})
    assertOneLineError(r, 5, /HTTP 429: Slow down \[rate_limited\] \(after 3 attempts in \d+\.\d s\)/)
    assert.equal(srv.requests.length, 3)
  })

  for (const status of [502, 503, 504]) {
    test(`${status} then 200 -> retried, exit 0`, async () => {
      srv.script(TOKEN_PATH, {status, body: 'busy'}, {json: tokenResponse({access_token: 'after-retry'})})
      const r = await runTink(['token', 'get', '--raw'], {env: serverEnv(srv)})
      assert.equal(r.code, 0, r.stderr)
      assert.equal(r.stdout, 'after-retry\n')
      assert.equal(srv.requests.length, 2)
      assert.deepEqual(srv.requests[1].form, srv.requests[0].form, 'the retry sends the same request')
    })
  }

  test('--retries 0: a 503 fails at once, exit 5', async () => {
    srv.script(TOKEN_PATH, {status: 503, body: ''}, {json: tokenResponse()})
    const r = await runTink(['token', 'get', '--retries', '0'], {env: serverEnv(srv)})
    assertOneLineError(r, 5, /HTTP 503: empty body/)
    assert.equal(srv.requests.length, 1)
  })

  test('a connection reset is retried', async () => {
    srv.script(TOKEN_PATH, {destroy: true}, {json: tokenResponse({access_token: 'after-reset'})})
    const r = await runTink(['token', 'get', '--raw'], {env: serverEnv(srv)})
    assert.equal(r.code, 0, r.stderr)
    assert.equal(r.stdout, 'after-reset\n')
    assert.equal(srv.requests.length, 2)
  })

  test('nothing listening -> exit 5 naming the URL', async () => {
    const gone = await startTinkServer()
    await gone.close()
    const r = await runTink(['token', 'get', '--retries', '0'], {env: serverEnv(gone)})
    assertOneLineError(r, 5, new RegExp(`cannot reach ${gone.url.replace(/[.]/g, '\\.')} \\(ECONNREFUSED`))
  })
})
