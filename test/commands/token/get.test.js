// `tink token get` as a user runs it: the built CLI in a subprocess, against the emulator and
// against a scripted server that checks what the CLI sends.
import {after, before, describe, test} from 'node:test'
import assert from 'node:assert/strict'
import {request} from 'undici'
import {startEmulator} from 'tink-emulator'
import {emulatorEnv} from '../../helpers.js'
import {runTink} from '../../support/in-process.js'
import {tokenResponse} from '../../support/tink-server.js'
import {assertIsoDate, CLIENT, oneJson, serverEnv, TOKEN_PATH, USER_AGENT, useTinkServer} from '../../support/cli.js'

describe('token get against the emulator', () => {
  let emu
  before(async () => (emu = await startEmulator()))
  after(() => emu.close())

  test('on a terminal: the token fields, one per line; exit 0', async () => {
    const r = await runTink(['token', 'get', '--scope', 'user:create'], {env: emulatorEnv(emu), stdoutTTY: true})
    assert.equal(r.code, 0, r.stderr)
    assert.match(r.stdout, /^access_token: +\S+$/m)
    assert.match(r.stdout, /^token_type: +bearer$/m)
    assert.match(r.stdout, /^scope: +user:create$/m)
    assert.match(r.stdout, /^expires_in: +1800$/m)
    assert.match(r.stdout, /^expires_at: +\d{4}-\d\d-\d\dT/m)
  })

  /** The token works at Tink: the emulator creates user `ext` with it. */
  async function assertCreatesUser(token, ext) {
    const res = await request(emu.url + '/api/v1/user/create', {
      method: 'POST',
      headers: {authorization: `Bearer ${token}`, 'content-type': 'application/json'},
      body: JSON.stringify({external_user_id: ext, market: 'GB', locale: 'en_US'}),
    })
    assert.equal(res.statusCode, 200, await res.body.text())
  }

  test('stdout not a terminal ($(...), a pipe): the token alone and a newline, and it works at Tink; --raw on a terminal too', async () => {
    const r = await runTink(['token', 'get', '--scope', 'user:create'], {env: emulatorEnv(emu)})
    assert.equal(r.code, 0, r.stderr)
    assert.match(r.stdout, /^[A-Za-z0-9_\-.~+/]+=*\n$/)
    assert.equal(r.stderr, '')
    await assertCreatesUser(r.stdout.trim(), 'piped-token-user')
    const tty = await runTink(['token', 'get', '--scope', 'user:create', '--raw'], {env: emulatorEnv(emu), stdoutTTY: true})
    assert.match(tty.stdout, /^[A-Za-z0-9_\-.~+/]+=*\n$/)
    const json = await runTink(['token', 'get', '--scope', 'user:create', '--json'], {env: emulatorEnv(emu)})
    assert.equal(typeof oneJson(json.stdout).access_token, 'string', 'a pipe does not change --json')
  })

  test('--json: exactly one JSON document, the response as received plus expires_at in ISO 8601', async () => {
    const before = Date.now()
    const r = await runTink(['token', 'get', '--scope', 'user:create,authorization:grant', '--json'], {env: emulatorEnv(emu)})
    assert.equal(r.code, 0, r.stderr)
    const doc = oneJson(r.stdout)
    assert.deepEqual(Object.keys(doc).sort(), ['access_token', 'expires_at', 'expires_in', 'scope', 'token_type'])
    assert.equal(doc.token_type, 'bearer')
    assert.equal(doc.scope, 'user:create,authorization:grant')
    assert.equal(doc.expires_in, 1800)
    assertIsoDate(doc.expires_at, before + 1800_000)
  })

  test('--raw: only the token and a newline, and the token works at Tink', async () => {
    const r = await runTink(['token', 'get', '--scope', 'user:create', '--raw'], {env: emulatorEnv(emu)})
    assert.equal(r.code, 0, r.stderr)
    assert.match(r.stdout, /^[A-Za-z0-9_\-.~+/]+=*\n$/)
    assert.equal(r.stderr, '')
    await assertCreatesUser(r.stdout.trim(), 'raw-token-user')
    assert.ok(emu.users().some((u) => u.external_user_id === 'raw-token-user'))
  })

  test('wrong client secret -> exit 3 with Tink\'s message and the request id', async () => {
    const r = await runTink(['token', 'get'], {env: {...emulatorEnv(emu), TINK_CLIENT_SECRET: 'not-the-secret'}})
    assert.equal(r.code, 3)
    assert.equal(r.stdout, '')
    assert.match(r.stderr, /^Error: token request failed: HTTP 401: .*X-Request-ID: [\w-]+/)
    assert.match(r.stderr, /TINK_CLIENT_ID, TINK_CLIENT_SECRET/)
  })
})

describe('token get: what the CLI sends', () => {
  const srv = useTinkServer()

  test('a lifetime too large for a date (found by the fuzzer): the token is printed, with no expires_at', async () => {
    srv.script(TOKEN_PATH, {json: tokenResponse({expires_in: 1.2263386223571724e41})})
    const r = await runTink(['token', 'get', '--no-cache', '--json'], {env: serverEnv(srv)})
    assert.equal(r.code, 0, r.stderr)
    const doc = JSON.parse(r.stdout)
    assert.equal(doc.expires_at, undefined)
    assert.equal(doc.expires_in, 1.2263386223571724e41)
  })

  test('client credentials: POST form with client id, secret and the joined scopes; User-Agent; no bearer', async () => {
    const token = tokenResponse({scope: 'a:b,c:d,e:f'})
    srv.script(TOKEN_PATH, {json: token})
    const before = Date.now()
    const r = await runTink(['token', 'get', '--scope', 'a:b,c:d', '--scope', 'e:f', '--json'], {env: serverEnv(srv)})
    assert.equal(r.code, 0, r.stderr)
    assert.equal(srv.requests.length, 1)
    const req = srv.requests[0]
    assert.equal(req.method, 'POST')
    assert.equal(req.path, TOKEN_PATH)
    assert.equal(req.headers['content-type'], 'application/x-www-form-urlencoded')
    assert.equal(req.headers['user-agent'], USER_AGENT)
    assert.equal(req.headers.authorization, undefined, 'the token endpoint takes no bearer')
    assert.deepEqual(req.form, {grant_type: 'client_credentials', client_id: CLIENT.id, client_secret: CLIENT.secret, scope: 'a:b,c:d,e:f'})
    const doc = oneJson(r.stdout)
    const {expires_at, ...rest} = doc
    assert.deepEqual(rest, token, 'the response as received')
    assertIsoDate(expires_at, before + 1800_000)
  })

  test('no --scope: no scope field at all (the app\'s scopes)', async () => {
    srv.script(TOKEN_PATH, {json: tokenResponse()})
    const r = await runTink(['token', 'get', '--raw'], {env: serverEnv(srv)})
    assert.equal(r.code, 0, r.stderr)
    assert.deepEqual(Object.keys(srv.requests[0].form).sort(), ['client_id', 'client_secret', 'grant_type'])
  })

  test('--raw prints the token and a newline only, even when the response has more fields', async () => {
    srv.script(TOKEN_PATH, {json: tokenResponse({access_token: 'the.raw-token_1', refresh_token: 'r1', id_hint: 'x'})})
    const r = await runTink(['token', 'get', '--raw'], {env: serverEnv(srv)})
    assert.equal(r.code, 0, r.stderr)
    assert.equal(r.stdout, 'the.raw-token_1\n')
    assert.equal(r.stderr, '')
  })

  test('--code - reads the code from stdin: grant_type=authorization_code, no scope', async () => {
    srv.script(TOKEN_PATH, {json: tokenResponse({expires_in: 7200, refresh_token: 'rt-1', scope: 'accounts:read'})})
    const r = await runTink(['token', 'get', '--code', '-', '--json'], {env: serverEnv(srv), input: 'code-from-stdin\n'})
    assert.equal(r.code, 0, r.stderr)
    assert.deepEqual(srv.requests[0].form, {grant_type: 'authorization_code', client_id: CLIENT.id, client_secret: CLIENT.secret, code: 'code-from-stdin'})
    const doc = oneJson(r.stdout)
    assert.equal(doc.refresh_token, 'rt-1')
    assertIsoDate(doc.expires_at, Date.now() + 7200_000)
  })

  test('--code on the command line is sent as given', async () => {
    srv.script(TOKEN_PATH, {json: tokenResponse()})
    const r = await runTink(['token', 'get', '--code', 'abc123'], {env: serverEnv(srv)})
    assert.equal(r.code, 0, r.stderr)
    assert.equal(srv.requests[0].form.code, 'abc123')
    assert.equal(srv.requests[0].form.grant_type, 'authorization_code')
  })

  test('--refresh-token - reads the refresh token from stdin: grant_type=refresh_token', async () => {
    srv.script(TOKEN_PATH, {json: tokenResponse({access_token: 'renewed'})})
    const r = await runTink(['token', 'get', '--refresh-token', '-', '--raw'], {env: serverEnv(srv), input: 'refresh-from-stdin'})
    assert.equal(r.code, 0, r.stderr)
    assert.equal(r.stdout, 'renewed\n')
    assert.deepEqual(srv.requests[0].form, {grant_type: 'refresh_token', client_id: CLIENT.id, client_secret: CLIENT.secret, refresh_token: 'refresh-from-stdin'})
  })

  test('--client-secret-stdin: the secret comes from stdin and wins over TINK_CLIENT_SECRET; --client-id over TINK_CLIENT_ID', async () => {
    srv.script(TOKEN_PATH, {json: tokenResponse()})
    const r = await runTink(['token', 'get', '--client-id', 'flag-id', '--client-secret-stdin', '--raw'], {
      env: serverEnv(srv, {TINK_CLIENT_SECRET: 'env-secret'}),
      input: 'stdin-secret\n',
    })
    assert.equal(r.code, 0, r.stderr)
    assert.equal(srv.requests[0].form.client_id, 'flag-id')
    assert.equal(srv.requests[0].form.client_secret, 'stdin-secret')
  })

  test('--client-secret-stdin and --code - both from stdin: exit 2, nothing sent', async () => {
    const r = await runTink(['token', 'get', '--client-secret-stdin', '--code', '-'], {env: serverEnv(srv), input: 'x\n'})
    assert.equal(r.code, 2, r.stderr)
    assert.match(r.stderr, /already used/)
    assert.equal(srv.requests.length, 0)
  })

  test('--code - with empty stdin: exit 2, nothing sent', async () => {
    const r = await runTink(['token', 'get', '--code', '-'], {env: serverEnv(srv), input: ''})
    assert.equal(r.code, 2, r.stderr)
    assert.match(r.stderr, /Nothing on standard input for the authorization code/)
    assert.equal(srv.requests.length, 0)
  })

  test('the CLI exits promptly after success (no lingering keep-alive socket)', async () => {
    srv.script(TOKEN_PATH, {json: tokenResponse()})
    const started = Date.now()
    const r = await runTink(['token', 'get', '--raw'], {env: serverEnv(srv)})
    const ms = Date.now() - started
    assert.equal(r.code, 0, r.stderr)
    // The server keeps idle connections open for a minute: only a CLI that closes its agent exits fast.
    assert.ok(ms < 4000, `exited after ${ms} ms`)
  })

  for (const [region, host] of [['eu', 'api.tink.com:443'], ['us', 'api.us.tink.com:443']]) {
    test(`--region ${region} talks to ${host}, through HTTPS_PROXY`, async () => {
      const r = await runTink(['token', 'get', '--region', region, '--retries', '0'], {
        env: {TINK_CLIENT_ID: CLIENT.id, TINK_CLIENT_SECRET: CLIENT.secret, HTTPS_PROXY: srv.url},
      })
      assert.equal(srv.requests.length, 1, r.stderr)
      assert.equal(srv.requests[0].method, 'CONNECT')
      assert.equal(srv.requests[0].path, host)
      assert.equal(r.code, 5, 'the proxy refused the tunnel: Tink unreachable')
    })
  }
})
