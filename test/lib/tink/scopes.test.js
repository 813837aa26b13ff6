// `tink api` mints a user token for the scope Tink's scope table gives the method and path
// (src/lib/tink/scopes.ts; Tink API reference, "Authorization scopes", and the Data v2 pages),
// checked in process against a scripted server: the grant's scope is what Tink documents.
import {describe, test} from 'node:test'
import assert from 'node:assert/strict'
import {runTink} from '../../support/in-process.js'
import {tokenResponse} from '../../support/tink-server.js'
import {GRANT_PATH, serverEnv, TOKEN_PATH, useTinkServer} from '../../support/cli.js'

describe("tink api: the path's scope from Tink's scope table", () => {
  const srv = useTinkServer()

  const cases = [
    ['/data/v2/accounts/acc-1/balances', 'GET', 'accounts:read'],
    ['/data/v2/accounts/acc-1/parties', 'GET', 'accounts:read,accounts.parties:readonly'],
    ['/data/v2/identities', 'GET', 'identities:readonly'],
    ['/data/v2/accounts', 'GET', 'accounts:read'],
    ['/data/v2/transactions?pageSize=5', 'GET', 'transactions:read'],
    ['/api/v1/provider-consents', 'GET', 'provider-consents:read'],
    ['/api/v1/credentials/list', 'GET', 'credentials:read'],
    ['/api/v1/providers/SE', 'GET', 'providers:read'],
    ['/api/v1/accounts/acc-1/balances', 'GET', 'balances:read'],
    ['/api/v1/user', 'GET', 'user:read'],
    ['/api/v1/user', 'PATCH', 'user:write'],
    ['/api/v1/credentials/cred-1/refresh', 'POST', 'credentials:refresh'],
    ['/api/v1/credentials/cred-1', 'DELETE', 'credentials:write'],
    ['/api/v1/provider-consents:extend', 'POST', 'provider-consents:write'],
  ]
  for (const [path, method, scope] of cases) {
    test(`${method} ${path} -> ${scope}`, async () => {
      srv.script(TOKEN_PATH, {json: tokenResponse({access_token: 'tok', expires_in: 7200})})
      srv.script(GRANT_PATH, {json: {code: 'c1'}})
      srv.script(path.split('?')[0], {json: {}})
      const r = await runTink(['api', '-X', method, path, '-e', 'user-1', ...(method === 'GET' || method === 'DELETE' ? [] : ['--input', '-'])], {env: serverEnv(srv), input: '{}'})
      assert.equal(r.code, 0, r.stderr)
      assert.equal(srv.requests.find((q) => q.path === GRANT_PATH).form.scope, scope)
    })
  }

  test('a path not in the table asks for --scope', async () => {
    const r = await runTink(['api', '/data/v2/nothing-here', '-e', 'user-1'], {env: serverEnv(srv)})
    assert.equal(r.code, 2)
    assert.match(r.stderr, /No known scope for \/data\/v2\/nothing-here/)
    assert.equal(srv.requests.length, 0)
  })
})

describe('--scope takes every form of scope Tink uses', () => {
  const srv = useTinkServer()

  test('a dotted resource and the action-less scopes are sent as given; a bare word that is no Tink scope is exit 2, nothing sent', async () => {
    srv.script(TOKEN_PATH, {json: tokenResponse({access_token: 'tok', expires_in: 7200})})
    const scopes = 'accounts.parties:readonly,balance-refresh,webhook-endpoints'
    const r = await runTink(['token', 'get', '--scope', scopes, '--raw', '--no-cache'], {env: serverEnv(srv)})
    assert.equal(r.code, 0, r.stderr)
    assert.equal(srv.requests.find((q) => q.path === TOKEN_PATH).form.scope, scopes)

    const before = srv.requests.length
    const bad = await runTink(['token', 'get', '--scope', 'accounts'], {env: serverEnv(srv)})
    assert.equal(bad.code, 2)
    assert.match(bad.stderr, /Invalid scope "accounts".*resource:action.*balance-refresh, webhook-endpoints/)
    assert.equal(srv.requests.length, before, 'nothing sent')
  })
})
