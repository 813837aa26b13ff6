// The Tink Link URL builder, in process against a scripted server: every flow Tink documents,
// each with the parameters its reference page lists (link-flows.ts names the pages); a parameter
// a flow does not take, a missing one a flow needs, a one-time flow for a user and a user flow
// without one are usage errors before any request; markets a flow does not serve and markets
// outside Tink's lists are warnings. `tink link url` builds one-time URLs and sends nothing.
import {describe, test} from 'node:test'
import assert from 'node:assert/strict'
import {runTink} from '../../support/in-process.js'
import {tokenResponse} from '../../support/tink-server.js'
import {assertOneLineError, CLIENT, DELEGATE_PATH, GRANT_PATH, oneJson, serverEnv, TOKEN_PATH, useTinkServer} from '../../support/cli.js'

/** The user lookup of a Link URL for an existing user: grant user:read, exchange, GET /api/v1/user. */
function scriptUser(srv, profile = {market: 'GB', locale: 'en_GB'}) {
  srv.script(GRANT_PATH, {json: {code: 'user-read-code'}})
  srv.script('/api/v1/user', {json: {id: 'a'.repeat(32), externalUserId: 'e1', profile}})
}

describe('grant delegate: Tink Link parameters and flows', () => {
  const srv = useTinkServer()
  const base = ['grant', 'delegate', '--external-user-id', 'e1', '--id-hint', 'Jane']
  const REDIRECT = ['--redirect-uri', 'https://console.tink.com/callback']

  async function url(args, env = {}) {
    srv.script(TOKEN_PATH, {json: tokenResponse()})
    srv.script(DELEGATE_PATH, {json: {code: 'dcode'}})
    scriptUser(srv)
    const r = await runTink([...base, ...REDIRECT, ...args], {env: serverEnv(srv, env)})
    assert.equal(r.code, 0, r.stderr)
    return new URL(r.stdout.trim())
  }

  test('every parameter of transactions/connect-accounts lands in the query, URL-encoded; theme is sent upper case', async () => {
    const u = await url([
      '--input-provider', 'uk-demobank-open-banking-redirect',
      '--input-username', 'jane&doe=1',
      '--session-id', 'sess/1+2',
      '--financial-institution-id', 'fi 1',
      '--iframe',
      '--app-uri', 'myapp://tink/done?x=1',
      '--refreshable-items', 'CHECKING_ACCOUNTS, CHECKING_TRANSACTIONS',
      '--theme', 'dark',
    ])
    const q = Object.fromEntries(u.searchParams)
    assert.equal(q.input_provider, 'uk-demobank-open-banking-redirect')
    assert.equal(q.input_username, 'jane&doe=1')
    assert.equal(q.session_id, 'sess/1+2')
    assert.equal(q.financial_institution_id, 'fi 1')
    assert.equal(q.iframe, 'true')
    assert.equal(q.app_uri, 'myapp://tink/done?x=1')
    assert.equal(q.refreshable_items, 'CHECKING_ACCOUNTS,CHECKING_TRANSACTIONS', 'list items trimmed')
    assert.equal(q.theme, 'DARK')
    assert.ok(u.href.includes('input_username=jane%26doe%3D1'), u.href)
    assert.equal((await url(['--theme', 'LIGHT'])).searchParams.get('theme'), 'LIGHT')
    const plain = await url([])
    for (const k of ['input_provider', 'input_username', 'session_id', 'iframe', 'app_uri', 'refreshable_items', 'theme', 'external_reference']) assert.equal(plain.searchParams.get(k), null, `${k} only when given`)
  })

  test('products: ACCOUNT_CHECK, INVESTMENTS, LOANS, TRANSACTIONS; auto_redirect_mobile; the flows for permanent users', async () => {
    const p = await url(['--flow', 'products/connect-accounts', '--products', 'INVESTMENTS,LOANS', '--auto-redirect-mobile'])
    assert.equal(p.searchParams.get('products'), 'INVESTMENTS,LOANS')
    assert.equal(p.searchParams.get('auto_redirect_mobile'), 'true')
    const cases = [
      ['products/update-consent', ['--products', 'TRANSACTIONS', '--credentials-id', 'c1']],
      ['account-check/update-consent', ['--credentials-id', 'c1']],
      ['business-transactions/connect-accounts', ['--refreshable-items', 'SAVING_ACCOUNTS']],
      ['business-transactions/update-consent', ['--credentials-id', 'c1']],
      ['credentials/add', []],
      ['credentials/refresh', ['--credentials-id', 'c1', '--authenticate']],
      ['credentials/authenticate', ['--credentials-id', 'c1']],
      ['credentials/extend-consent', ['--credentials-id', 'c1']],
      ['account-check/create-report', ['--refreshable-items', 'IDENTITY_DATA', '--external-reference', 'case-42']],
      ['pay/credentials', ['--credentials-id', 'c1', '--payment-request-id', 'pr 1']],
      ['pay/direct', ['--payment-request-id', 'pr1']],
    ]
    for (const [flow, extra] of cases) {
      const u = await url(['--flow', flow, ...extra])
      assert.equal(u.pathname, `/1.0/${flow}`)
      assert.equal(u.searchParams.get('authorization_code'), 'dcode')
      if (extra.includes('--credentials-id')) assert.equal(u.searchParams.get('credentials_id'), 'c1')
      if (extra.includes('--authenticate')) assert.equal(u.searchParams.get('authenticate'), 'true')
      if (flow === 'pay/credentials') assert.equal(u.searchParams.get('payment_request_id'), 'pr 1')
    }
  })

  const refusals = [
    [['--input-provider', 'p'.repeat(101)], /--input-provider is longer than 100 characters \(101\)/],
    [['--input-username', 'u'.repeat(51)], /--input-username is longer than 50 characters/],
    [['--theme', 'pink'], /Unknown --theme "pink".*LIGHT, DARK/],
    [['--theme', 'auto'], /Unknown --theme "auto"/],
    [['--flow', 'products/connect-accounts', '--products', 'ACCOUNT_CHECK,BALANCE_CHECK'], /Unknown --products item "BALANCE_CHECK".*ACCOUNT_CHECK, INVESTMENTS, LOANS, TRANSACTIONS/],
    [['--flow', 'products/connect-accounts', '--products', 'INCOME_CHECK'], /Unknown --products item "INCOME_CHECK"/],
    [['--products', 'TRANSACTIONS'], /--products does not apply to --flow transactions\/connect-accounts.*products on: products\/connect-accounts, products\/update-consent/],
    [['--flow', 'products/update-consent', '--products', 'TRANSACTIONS'], /needs --credentials-id/],
    [['--flow', 'credentials/refresh'], /--flow credentials\/refresh needs --credentials-id/],
    [['--credentials-id', 'c1'], /--credentials-id does not apply to --flow transactions\/connect-accounts.*credentials_id on: transactions\/update-consent/],
    [['--flow', 'account-check/connect', '--refreshable-items', 'CHECKING_ACCOUNTS'], /--refreshable-items does not apply to --flow account-check\/connect.*refreshable_items on: transactions\/connect-accounts/],
    [['--refreshable-items', 'IDENTITY_DATA'], /Unknown --refreshable-items item "IDENTITY_DATA".*CHECKING_ACCOUNTS/],
    [['--flow', 'account-check/create-report', '--refreshable-items', 'CHECKING_TRANSACTIONS'], /Unknown --refreshable-items item "CHECKING_TRANSACTIONS".*IDENTITY_DATA, CHECKING_ACCOUNTS, SAVING_ACCOUNTS/],
    [['--external-reference', 'ticket-42'], /--external-reference does not apply to --flow transactions\/connect-accounts.*income-check\/create-report/],
    [['--authenticate'], /--authenticate does not apply.*authenticate on: credentials\/refresh/],
    [['--flow', 'pay/direct'], /--flow pay\/direct needs --payment-request-id/],
    [['--flow', 'pay/credentials', '--credentials-id', 'c1'], /--flow pay\/credentials needs --payment-request-id/],
    [['--payment-request-id', 'p1'], /--payment-request-id does not apply.*payment_request_id on: pay, pay\/direct, pay\/credentials/],
    [['--flow', 'income-check/create-report'], /--flow income-check\/create-report is one-time only.*tink link url --flow income-check\/create-report/],
    [['--flow', 'pay', '--payment-request-id', 'p1'], /--flow pay is one-time only.*tink link url/],
    [['--app-uri', 'not a uri'], /Invalid --app-uri/],
    [['--flow', 'credentials/delete'], /Unknown Tink Link flow.*pay\/credentials/],
  ]
  for (const [args, pattern] of refusals) {
    test(`refused before any request: ${args.join(' ').slice(0, 60)}`, async () => {
      const r = await runTink([...base, ...REDIRECT, ...args], {env: serverEnv(srv)})
      assertOneLineError(r, 2, pattern)
      assert.equal(srv.requests.length, 0)
    })
  }

  test("a market the flow does not serve is a warning naming the flow's markets; a market outside Tink's lists too", async () => {
    srv.script(TOKEN_PATH, {json: tokenResponse()})
    srv.script(DELEGATE_PATH, {json: {code: 'dcode'}})
    const products = await runTink([...base, ...REDIRECT, '--flow', 'products/connect-accounts', '--products', 'TRANSACTIONS', '--market', 'GB', '--locale', 'en_GB'], {env: serverEnv(srv)})
    assert.equal(products.code, 0, products.stderr)
    assert.match(products.stderr, /^Warning: Tink documents --flow products\/connect-accounts for the markets ES SE, not GB/m)
    assert.equal(new URL(products.stdout.trim()).searchParams.get('market'), 'GB', 'sent anyway')
    const jp = await runTink([...base, ...REDIRECT, '--market', 'JP', '--locale', 'en_US'], {env: serverEnv(srv)})
    assert.equal(jp.code, 0, jp.stderr)
    assert.match(jp.stderr, /^Warning: market JP is in none of Tink's market lists/m)
    assert.equal(jp.stderr.split('\n').filter(Boolean).length, 1, 'one warning')
    const ok = await runTink([...base, ...REDIRECT, '--market', 'SE', '--locale', 'sv_SE'], {env: serverEnv(srv)})
    assert.equal(ok.stderr, '')
    const typo = await runTink([...base, ...REDIRECT, '--market', 'XX', '--locale', 'en_US'], {env: serverEnv(srv)})
    assertOneLineError(typo, 2, /Invalid market "XX"/)
  })

  test('no redirect URI anywhere: exit 2 naming --redirect-uri, Tink\'s own callback, TINK_REDIRECT_URI and the profile; nothing sent', async () => {
    const r = await runTink(base, {env: serverEnv(srv)})
    assertOneLineError(r, 2, /--redirect-uri is required: Tink Link refuses a URL without one.*--redirect-uri https:\/\/console\.tink\.com\/callback.*TINK_REDIRECT_URI.*profile/)
    assert.equal(srv.requests.length, 0)
  })

  test('TINK_REDIRECT_URI is enough, and a bad one is blamed on the variable', async () => {
    const u = await url([], {TINK_REDIRECT_URI: 'https://env.example.com/cb'})
    assert.equal(u.searchParams.get('redirect_uri'), 'https://console.tink.com/callback', 'the flag wins over the env')
    srv.script(TOKEN_PATH, {json: tokenResponse()})
    srv.script(DELEGATE_PATH, {json: {code: 'dcode'}})
    const r = await runTink(base, {env: serverEnv(srv, {TINK_REDIRECT_URI: 'https://env.example.com/cb'})})
    assert.equal(r.code, 0, r.stderr)
    assert.equal(new URL(r.stdout.trim()).searchParams.get('redirect_uri'), 'https://env.example.com/cb')
    const bad = await runTink(base, {env: serverEnv(srv, {TINK_REDIRECT_URI: 'callback'})})
    assertOneLineError(bad, 2, /Invalid env TINK_REDIRECT_URI "callback"/)
  })
})

describe('tink link url: one-time URLs with no user and no code', () => {
  const srv = useTinkServer()
  const REDIRECT = ['--redirect-uri', 'https://console.tink.com/callback']

  async function linkUrl(args, env = {}) {
    const r = await runTink(['link', 'url', ...REDIRECT, ...args], {env: serverEnv(srv, env)})
    assert.equal(r.code, 0, r.stderr)
    assert.equal(srv.requests.length, 0, 'nothing is sent to Tink')
    return {url: new URL(r.stdout.trim()), stderr: r.stderr}
  }

  test('the report flows: no authorization_code, market and locale only when given, external_reference passed on', async () => {
    for (const flow of ['income-check/create-report', 'expense-check/create-report', 'risk-insights/create-report', 'account-check/create-report']) {
      const {url, stderr} = await linkUrl(['--flow', flow, '--external-reference', 'applicant-7', '--state', 's1'])
      assert.equal(url.pathname, `/1.0/${flow}`)
      assert.deepEqual(Object.fromEntries(url.searchParams), {client_id: CLIENT.id, redirect_uri: 'https://console.tink.com/callback', external_reference: 'applicant-7', state: 's1'})
      assert.equal(stderr, '')
    }
    const se = await linkUrl(['--flow', 'income-check/create-report', '--market', 'SE'])
    assert.equal(se.url.searchParams.get('market'), 'SE')
  })

  test('pay: needs --payment-request-id and a market (Tink requires it); the locale defaults to the market\'s', async () => {
    const {url} = await linkUrl(['--flow', 'pay', '--payment-request-id', 'pr-1', '--market', 'SE'])
    assert.equal(url.toString(), `https://link.tink.com/1.0/pay?client_id=${CLIENT.id}&redirect_uri=https%3A%2F%2Fconsole.tink.com%2Fcallback&market=SE&locale=sv_SE&payment_request_id=pr-1`)
    assertOneLineError(await runTink(['link', 'url', ...REDIRECT, '--flow', 'pay', '--market', 'SE'], {env: serverEnv(srv)}), 2, /--flow pay needs --payment-request-id/)
    assertOneLineError(await runTink(['link', 'url', ...REDIRECT, '--flow', 'pay', '--payment-request-id', 'p'], {env: serverEnv(srv)}), 2, /--flow pay needs --market: Tink requires it.*AT DE EE ES FR GB IT LT NL NO PT SE/)
    const dk = await linkUrl(['--flow', 'pay', '--payment-request-id', 'p', '--market', 'DK', '--locale', 'da_DK'])
    assert.match(dk.stderr, /^Warning: Tink documents --flow pay for the markets AT DE EE ES FR GB IT LT NL NO PT SE, not DK/m)
  })

  test('flows taken both ways build without a code; a flow for permanent users only is refused with the way out', async () => {
    const {url} = await linkUrl(['--flow', 'transactions/connect-accounts', '--market', 'AT', '--test'])
    assert.equal(url.searchParams.get('authorization_code'), null)
    assert.equal(url.searchParams.get('locale'), 'de_DE', "AT's main language: Tink's de_DE, never de_AT")
    assert.equal(url.searchParams.get('test'), 'true')
    const ac = await linkUrl(['--flow', 'account-check', '--market', 'IE'])
    assert.equal(ac.url.searchParams.get('locale'), 'en_GB')
    for (const flow of ['credentials/add', 'transactions/update-consent', 'pay/credentials']) {
      const r = await runTink(['link', 'url', ...REDIRECT, '--flow', flow], {env: serverEnv(srv)})
      assertOneLineError(r, 2, new RegExp(`--flow ${flow.replace('/', '\\/')} is for permanent users.*tink grant delegate`))
    }
  })

  test('--json: {flow, url, market, locale}; a redirect URI is required', async () => {
    const r = await runTink(['link', 'url', ...REDIRECT, '--flow', 'risk-insights/create-report', '--market', 'BE', '--json'], {env: serverEnv(srv)})
    assert.equal(r.code, 0, r.stderr)
    const doc = oneJson(r.stdout)
    assert.equal(doc.flow, 'risk-insights/create-report')
    assert.equal(doc.market, 'BE')
    assert.equal(new URL(doc.url).pathname, '/1.0/risk-insights/create-report')
    assertOneLineError(await runTink(['link', 'url', '--flow', 'pay'], {env: serverEnv(srv)}), 2, /--redirect-uri is required/)
  })
})
