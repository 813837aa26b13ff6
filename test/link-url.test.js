// The Tink Link URL builder as `tink grant delegate` uses it, in process against a scripted
// server: every parameter and flow reaches the URL URL-encoded, Tink's rules (lengths, enums,
// which flow needs what) fail before any request, and a redirect URI is required.
import {describe, test} from 'node:test'
import assert from 'node:assert/strict'
import {runTink} from './support/in-process.js'
import {tokenResponse} from './support/tink-server.js'
import {assertOneLineError, DELEGATE_PATH, serverEnv, TOKEN_PATH, useTinkServer} from './support/cli.js'

describe('grant delegate: Tink Link parameters and flows', () => {
  const srv = useTinkServer()
  const base = ['grant', 'delegate', '--external-user-id', 'e1', '--id-hint', 'Jane']
  const REDIRECT = ['--redirect-uri', 'https://example.com/cb']

  async function url(args, env = {}) {
    srv.script(TOKEN_PATH, {json: tokenResponse()})
    srv.script(DELEGATE_PATH, {json: {code: 'dcode'}})
    const r = await runTink([...base, ...REDIRECT, ...args], {env: serverEnv(srv, env)})
    assert.equal(r.code, 0, r.stderr)
    return new URL(r.stdout.trim())
  }

  test('every new parameter lands in the query, URL-encoded', async () => {
    const u = await url([
      '--input-provider', 'uk-demobank-open-banking-redirect',
      '--input-username', 'jane&doe=1',
      '--session-id', 'sess/1+2',
      '--iframe',
      '--app-uri', 'myapp://tink/done?x=1',
      '--refreshable-items', 'CHECKING_ACCOUNTS, CHECKING_TRANSACTIONS',
      '--theme', 'dark',
      '--external-reference', 'ticket #42',
    ])
    const q = Object.fromEntries(u.searchParams)
    assert.equal(q.input_provider, 'uk-demobank-open-banking-redirect')
    assert.equal(q.input_username, 'jane&doe=1')
    assert.equal(q.session_id, 'sess/1+2')
    assert.equal(q.iframe, 'true')
    assert.equal(q.app_uri, 'myapp://tink/done?x=1')
    assert.equal(q.refreshable_items, 'CHECKING_ACCOUNTS,CHECKING_TRANSACTIONS', 'list items trimmed')
    assert.equal(q.theme, 'dark')
    assert.equal(q.external_reference, 'ticket #42')
    assert.ok(u.href.includes('input_username=jane%26doe%3D1') && u.href.includes('external_reference=ticket+%2342'), u.href)
    const plain = await url([])
    for (const k of ['input_provider', 'input_username', 'session_id', 'iframe', 'app_uri', 'refreshable_items', 'theme', 'external_reference']) assert.equal(plain.searchParams.get(k), null, `${k} only when given`)
  })

  test('the new flows: products/update-consent, account-check/update-consent, credentials/add, /refresh, /authenticate', async () => {
    const cases = [
      ['products/update-consent', ['--products', 'TRANSACTIONS', '--credentials-id', 'c1']],
      ['account-check/update-consent', ['--credentials-id', 'c1']],
      ['credentials/add', []],
      ['credentials/refresh', ['--credentials-id', 'c1', '--refreshable-items', 'SAVING_ACCOUNTS']],
      ['credentials/authenticate', ['--credentials-id', 'c1']],
    ]
    for (const [flow, extra] of cases) {
      const u = await url(['--flow', flow, ...extra])
      assert.equal(u.pathname, `/1.0/${flow}`)
      assert.equal(u.searchParams.get('authorization_code'), 'dcode')
      if (extra.includes('--credentials-id')) assert.equal(u.searchParams.get('credentials_id'), 'c1')
    }
  })

  const refusals = [
    [['--input-provider', 'p'.repeat(101)], /--input-provider is longer than 100 characters \(101\)/],
    [['--input-username', 'u'.repeat(51)], /--input-username is longer than 50 characters/],
    [['--theme', 'pink'], /Unknown --theme "pink".*light, dark, auto/],
    [['--flow', 'products/connect-accounts', '--products', 'ACCOUNT_CHECK,LOANS'], /Unknown --products item "LOANS"/],
    [['--products', 'TRANSACTIONS'], /--products applies to the products\/\* flows only/],
    [['--flow', 'products/update-consent', '--products', 'TRANSACTIONS'], /needs --credentials-id/],
    [['--flow', 'credentials/refresh'], /--flow credentials\/refresh needs --credentials-id/],
    [['--credentials-id', 'c1'], /--credentials-id applies to/],
    [['--flow', 'account-check/connect', '--refreshable-items', 'CHECKING_ACCOUNTS'], /--refreshable-items applies to the transactions/],
    [['--refreshable-items', 'checking'], /is not an item name/],
    [['--app-uri', 'not a uri'], /Invalid --app-uri/],
    [['--flow', 'credentials/delete'], /Unknown Tink Link flow.*credentials\/authenticate/],
  ]
  for (const [args, pattern] of refusals) {
    test(`refused before any request: ${args.join(' ').slice(0, 60)}`, async () => {
      const r = await runTink([...base, ...REDIRECT, ...args], {env: serverEnv(srv)})
      assertOneLineError(r, 2, pattern)
      assert.equal(srv.requests.length, 0)
    })
  }

  test('no redirect URI anywhere: exit 2 naming --redirect-uri, TINK_REDIRECT_URI and the profile; nothing sent', async () => {
    const r = await runTink(base, {env: serverEnv(srv)})
    assertOneLineError(r, 2, /--redirect-uri is required: Tink Link refuses a URL without one.*--redirect-uri https:\/\/example\.com\/callback.*TINK_REDIRECT_URI.*profile/)
    assert.doesNotMatch(r.stderr, /first redirect URI/)
    assert.equal(srv.requests.length, 0)
  })

  test('TINK_REDIRECT_URI is enough, and a bad one is blamed on the variable', async () => {
    const u = await url([], {TINK_REDIRECT_URI: 'https://env.example.com/cb'})
    assert.equal(u.searchParams.get('redirect_uri'), 'https://example.com/cb', 'the flag wins over the env')
    srv.script(TOKEN_PATH, {json: tokenResponse()})
    srv.script(DELEGATE_PATH, {json: {code: 'dcode'}})
    const r = await runTink(base, {env: serverEnv(srv, {TINK_REDIRECT_URI: 'https://env.example.com/cb'})})
    assert.equal(r.code, 0, r.stderr)
    assert.equal(new URL(r.stdout.trim()).searchParams.get('redirect_uri'), 'https://env.example.com/cb')
    const bad = await runTink(base, {env: serverEnv(srv, {TINK_REDIRECT_URI: 'callback'})})
    assertOneLineError(bad, 2, /Invalid env TINK_REDIRECT_URI "callback"/)
  })
})
