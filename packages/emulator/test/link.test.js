// Tink Link pages served by the emulator (/1.0/<flow>): the page a user sees, and the redirect
// back to the app with exactly the parameters Tink documents, for every flow and outcome, and
// every validation failure. Real HTTP over 127.0.0.1.
import {test, describe, before, after} from 'node:test'
import assert from 'node:assert/strict'

import {ALL_SCOPES, BUILTIN_CLIENT, LINK_FLOWS, startEmulator} from '../dist/index.js'
import {call, clientToken, createUser, delegatedCode, linkPath, runLink, userToken} from './support/http.js'

const REDIRECT = 'http://localhost:3000/callback'
// The flows a permanent user connects a bank with (continuous access; the payment and report flows are tested in flows.test.js).
const FLOWS = Object.entries(LINK_FLOWS)
  .filter(([, spec]) => spec.access !== 'one-time' && ['connection', 'account-check', 'account-check-report'].includes(spec.result))
  .map(([name]) => name)
const NEEDS_CREDENTIALS = new Set(Object.entries(LINK_FLOWS).filter(([, s]) => s.needsCredentialsId).map(([name]) => name))
const REPORT = (flow) => flow.startsWith('account-check') || flow.startsWith('products/')
const HEX = /^[0-9a-f]{32}$/
const OTHER = {id: 'other-app', secret: 'other-secret', scopes: [...ALL_SCOPES]}

let emu
let ct
before(async () => {
  emu = await startEmulator({seed: 7, clients: [OTHER], redirectUris: ['https://app.example.com/tink/callback']})
  ct = await clientToken(emu)
})
after(() => emu.close())

/** A permanent user with one connected bank (via Link itself), and a fresh delegated code. */
async function connectedUser() {
  const userId = await createUser(emu, ct)
  const code = await delegatedCode(emu, ct, userId)
  const r = await runLink(emu, 'transactions/connect-accounts', {client_id: BUILTIN_CLIENT.id, redirect_uri: REDIRECT, authorization_code: code, market: 'GB', locale: 'en_US'}, 'demo-success')
  assert.equal(r.post.status, 303, r.post.text)
  return {userId, credentialsId: r.query.credentials_id}
}

async function continuousParams(flow, extra = {}) {
  const {userId, credentialsId} = await connectedUser()
  const code = await delegatedCode(emu, ct, userId)
  const params = {client_id: BUILTIN_CLIENT.id, redirect_uri: REDIRECT, authorization_code: code, market: 'GB', locale: 'en_US', state: `s-${flow}`, ...extra}
  if (NEEDS_CREDENTIALS.has(flow)) params.credentials_id = credentialsId
  if (flow.startsWith('products/')) params.products = 'ACCOUNT_CHECK,TRANSACTIONS'
  return {params, userId, credentialsId}
}

describe('Link page (GET)', () => {
  test('an accessible HTML form: lang, title, labelled radio buttons for each Demo Bank, a submit button; query text escaped', async () => {
    const userId = await createUser(emu, ct)
    const code = await delegatedCode(emu, ct, userId, {idHint: 'Jane <script>alert(1)</script>'})
    const r = await call(emu, linkPath('transactions/connect-accounts', {client_id: BUILTIN_CLIENT.id, redirect_uri: REDIRECT, authorization_code: code, market: 'SE', locale: 'sv_SE', state: '"><img src=x>'}))
    assert.equal(r.status, 200)
    assert.match(r.headers['content-type'], /^text\/html/)
    assert.match(r.text, /<html lang="sv">/)
    assert.match(r.text, /<title>[^<]+<\/title>/)
    assert.match(r.text, /<form method="post" action="\/1\.0\/transactions\/connect-accounts\?/)
    for (const [i, value] of ['demo-success', 'demo-cancel', 'demo-auth-error', 'demo-temporary-error'].entries()) {
      assert.match(r.text, new RegExp(`<label for="bank-${i}"><input type="radio" id="bank-${i}" name="bank" value="${value}"`))
    }
    assert.match(r.text, /<fieldset>\s*<legend>Choose your bank<\/legend>/)
    assert.match(r.text, /<button type="submit">Continue<\/button>/)
    assert.match(r.text, /Jane &lt;script&gt;alert\(1\)&lt;\/script&gt;/)
    assert.doesNotMatch(r.text, /<script|<img/, 'nothing from the query is rendered as markup')
    assert.doesNotMatch(r.text, /https?:\/\/(?!localhost)/, 'no external assets')
  })

  test('GET does not consume the delegated code: the page can be reloaded', async () => {
    const {params} = await continuousParams('transactions/connect-accounts')
    for (let i = 0; i < 2; i++) assert.equal((await call(emu, linkPath('transactions/connect-accounts', params))).status, 200)
  })

  test('POST without a bank choice shows the form again with an alert (400), and keeps the code usable', async () => {
    const {params} = await continuousParams('transactions/connect-accounts')
    const path = linkPath('transactions/connect-accounts', params)
    const r = await call(emu, path, {method: 'POST', form: {}})
    assert.equal(r.status, 400)
    assert.match(r.text, /role="alert">Choose a bank to continue\./)
    assert.equal((await call(emu, path, {method: 'POST', form: {bank: 'demo-success'}})).status, 303)
  })

  test('an unknown flow is a 404 HTML page', async () => {
    const r = await call(emu, linkPath('transactions/nope', {client_id: BUILTIN_CLIENT.id, redirect_uri: REDIRECT}))
    assert.equal(r.status, 404)
    assert.match(r.text, /UNKNOWN_FLOW/)
  })
})

test('the continuous-access flows served are the ones Tink documents', () => {
  const documented =
    'account-check/connect account-check/create-report account-check/update-consent business-transactions/connect-accounts business-transactions/update-consent credentials/add credentials/authenticate credentials/extend-consent credentials/refresh products/connect-accounts products/update-consent transactions/connect-accounts transactions/extend-consent transactions/update-consent'
  assert.deepEqual([...FLOWS].sort(), documented.split(' '))
})

describe('continuous access (delegated authorization_code): every flow, every outcome', () => {
  for (const flow of FLOWS) {
    test(`${flow}: success -> credentials_id and state only, no code${REPORT(flow) ? ', plus account_verification_report_id' : ''}`, async () => {
      const {params, credentialsId} = await continuousParams(flow)
      const r = await runLink(emu, flow, params, 'demo-success')
      assert.equal(r.page.status, 200, r.page.text)
      assert.equal(r.post.status, 303, r.post.text)
      assert.ok(r.location.startsWith(`${REDIRECT}?`), r.location)
      const want = ['credentials_id', 'state', ...(REPORT(flow) ? ['account_verification_report_id'] : [])].sort()
      assert.deepEqual(Object.keys(r.query).sort(), want, r.location)
      assert.equal(r.query.state, `s-${flow}`)
      assert.match(r.query.credentials_id, HEX)
      if (REPORT(flow)) assert.match(r.query.account_verification_report_id, HEX)
      if (NEEDS_CREDENTIALS.has(flow)) assert.equal(r.query.credentials_id, credentialsId, 'the same credentials were updated')
      else assert.notEqual(r.query.credentials_id, credentialsId, 'a new connection')
    })

    test(`${flow}: cancel, authentication error, temporary error -> Tink's error parameters`, async () => {
      const cases = [
        ['demo-cancel', 'USER_CANCELLED', ['error', 'error_reason', 'message', 'provider_name', 'state', 'tracking_id']],
        ['demo-auth-error', 'AUTHENTICATION_ERROR', ['credentials', 'error', 'error_reason', 'error_type', 'message', 'provider_name', 'state', 'tracking_id']],
        ['demo-temporary-error', 'TEMPORARY_ERROR', ['credentials', 'error', 'error_reason', 'error_type', 'message', 'provider_name', 'state', 'tracking_id']],
      ]
      for (const [bank, error, keys] of cases) {
        const {params} = await continuousParams(flow)
        const r = await runLink(emu, flow, params, bank)
        assert.equal(r.post.status, 303, r.post.text)
        assert.deepEqual(Object.keys(r.query).sort(), keys, `${bank}: ${r.location}`)
        assert.equal(r.query.error, error)
        assert.equal(r.query.state, `s-${flow}`)
        assert.equal(r.query.provider_name, 'uk-demobank-open-banking-redirect')
        assert.match(r.query.tracking_id, /^[0-9a-f-]{36}$/)
        assert.ok(r.query.message.length > 0)
        if (NEEDS_CREDENTIALS.has(flow) && r.query.credentials) assert.equal(r.query.credentials, params.credentials_id)
      }
    })
  }

  test('the connection consumes the code: the same URL again redirects with INVALID_PARAMETER_AUTHORIZATION_CODE', async () => {
    const {params} = await continuousParams('transactions/connect-accounts')
    const first = await runLink(emu, 'transactions/connect-accounts', params, 'demo-cancel')
    assert.equal(first.query.error, 'USER_CANCELLED')
    const again = await runLink(emu, 'transactions/connect-accounts', params, 'demo-success')
    assert.equal(again.page.status, 303, 'the page itself already redirects')
    assert.equal(again.query.error, 'BAD_REQUEST')
    assert.equal(again.query.error_reason, 'INVALID_PARAMETER_AUTHORIZATION_CODE')
  })

  test('after continuous access the app mints a grant and reads the new bank data', async () => {
    const {params, userId} = await continuousParams('transactions/connect-accounts')
    const r = await runLink(emu, 'transactions/connect-accounts', params, 'demo-success')
    const token = await userToken(emu, ct, userId, 'credentials:read,accounts:read')
    const list = await call(emu, '/api/v1/credentials/list', {token})
    assert.ok(list.data.credentials.some((c) => c.id === r.query.credentials_id && c.status === 'UPDATED'))
    const accounts = await call(emu, '/data/v2/accounts', {token})
    assert.equal(accounts.data.accounts.length, 4, 'two banks connected (connectedUser + this one), two accounts each')
  })

  test('an authentication error leaves the credentials in AUTHENTICATION_ERROR, which the app can read', async () => {
    const {params, userId} = await continuousParams('credentials/add')
    const r = await runLink(emu, 'credentials/add', params, 'demo-auth-error')
    const token = await userToken(emu, ct, userId, 'credentials:read')
    const list = await call(emu, '/api/v1/credentials/list', {token})
    assert.equal(list.data.credentials.find((c) => c.id === r.query.credentials).status, 'AUTHENTICATION_ERROR')
  })

  test('extend-consent renews sessionExpiryDate (90 days from now)', async () => {
    const {params, userId, credentialsId} = await continuousParams('transactions/extend-consent')
    const token = await userToken(emu, ct, userId, 'credentials:read')
    const before = (await call(emu, '/api/v1/credentials/list', {token})).data.credentials.find((c) => c.id === credentialsId)
    await new Promise((r) => setTimeout(r, 5))
    await runLink(emu, 'transactions/extend-consent', params, 'demo-success')
    const afterList = (await call(emu, '/api/v1/credentials/list', {token})).data.credentials.find((c) => c.id === credentialsId)
    assert.ok(afterList.sessionExpiryDate > before.sessionExpiryDate)
    assert.ok(Math.abs(afterList.sessionExpiryDate - (Date.now() + 90 * 86400_000)) < 60_000)
  })
})

describe('one-time flows (no authorization_code)', () => {
  for (const flow of ['transactions/connect-accounts', 'products/connect-accounts', 'account-check/connect']) {
    test(`${flow}: success -> a fresh single-use code for a temporary user, credentials_id, state`, async () => {
      const params = {client_id: BUILTIN_CLIENT.id, redirect_uri: 'http://127.0.0.1:8123/cb?keep=1', market: 'SE', locale: 'sv_SE', state: 'one', ...(flow.startsWith('products/') ? {products: 'TRANSACTIONS,ACCOUNT_CHECK'} : {})}
      const r = await runLink(emu, flow, params, 'demo-success')
      assert.equal(r.post.status, 303)
      const want = ['code', 'credentials_id', 'keep', 'state', ...(REPORT(flow) ? ['account_verification_report_id'] : [])].sort()
      assert.deepEqual(Object.keys(r.query).sort(), want, r.location)
      assert.equal(r.query.keep, '1', "the redirect_uri's own query is kept")
      assert.match(r.query.code, HEX)
      const users = emu.users()
      const exchange = await call(emu, '/api/v1/oauth/token', {method: 'POST', form: {client_id: BUILTIN_CLIENT.id, client_secret: BUILTIN_CLIENT.secret, grant_type: 'authorization_code', code: r.query.code}})
      assert.equal(exchange.status, 200, exchange.text)
      assert.deepEqual(exchange.data.scope.split(',').sort(), ['accounts:read', 'balances:read', 'credentials:read', 'provider-consents:read', 'transactions:read', 'user:read'])
      const me = await call(emu, '/api/v1/user', {token: exchange.data.access_token})
      assert.equal(users.find((u) => u.user_id === me.data.id).retention_class, 'TEMPORARY')
      assert.equal(me.data.profile.market, 'SE')
      const creds = await call(emu, '/api/v1/credentials/list', {token: exchange.data.access_token})
      assert.equal(creds.data.credentials[0].id, r.query.credentials_id)
      const reuse = await call(emu, '/api/v1/oauth/token', {method: 'POST', form: {client_id: BUILTIN_CLIENT.id, client_secret: BUILTIN_CLIENT.secret, grant_type: 'authorization_code', code: r.query.code}})
      assert.equal(reuse.status, 400, 'single use')
    })
  }

  test('a one-time cancel creates no user and sends no code', async () => {
    const before = emu.users().length
    const r = await runLink(emu, 'transactions/connect-accounts', {client_id: BUILTIN_CLIENT.id, redirect_uri: REDIRECT, market: 'SE', locale: 'sv_SE'}, 'demo-cancel')
    assert.deepEqual(Object.keys(r.query).sort(), ['error', 'error_reason', 'message', 'provider_name', 'tracking_id'], 'no state given, none sent')
    assert.equal(emu.users().length, before)
  })
})

describe('validation Tink Link does', () => {
  const base = () => ({client_id: BUILTIN_CLIENT.id, redirect_uri: REDIRECT, market: 'GB', locale: 'en_US', state: 'v'})

  test('where Tink cannot redirect: an HTML error page with status 400 (unknown/missing client, missing/bad/unregistered redirect_uri)', async () => {
    const cases = [
      [{redirect_uri: REDIRECT}, 'INVALID_PARAMETER_CLIENT_ID'],
      [{client_id: 'nobody', redirect_uri: REDIRECT}, 'INVALID_PARAMETER_CLIENT_ID'],
      [{client_id: BUILTIN_CLIENT.id}, 'INVALID_PARAMETER_REDIRECT_URI'],
      [{client_id: BUILTIN_CLIENT.id, redirect_uri: 'not a url'}, 'INVALID_PARAMETER_REDIRECT_URI'],
      [{client_id: BUILTIN_CLIENT.id, redirect_uri: 'https://evil.example/cb'}, 'INVALID_STATE_REDIRECT_URI'],
      [{client_id: BUILTIN_CLIENT.id, redirect_uri: 'https://localhost/cb'}, 'INVALID_STATE_REDIRECT_URI'],
      [{client_id: BUILTIN_CLIENT.id, redirect_uri: 'http://localhost.evil.example/cb'}, 'INVALID_STATE_REDIRECT_URI'],
      [{client_id: BUILTIN_CLIENT.id, redirect_uri: 'https://app.example.com/tink/callback/extra'}, 'INVALID_STATE_REDIRECT_URI'],
    ]
    for (const [params, reason] of cases) {
      for (const method of ['GET', 'POST']) {
        const r = await call(emu, linkPath('transactions/connect-accounts', params), {method, ...(method === 'POST' ? {form: {bank: 'demo-success'}} : {})})
        assert.equal(r.status, 400, `${JSON.stringify(params)} ${method}`)
        assert.equal(r.headers.location, undefined, 'no redirect')
        assert.match(r.headers['content-type'], /^text\/html/)
        assert.match(r.text, new RegExp(`<code>${reason}</code>`), JSON.stringify(params))
        assert.match(r.text, /<html lang="en">/)
      }
    }
  })

  test('registered: loopback http on any port/path (localhost, 127.0.0.1, [::1]) and --redirect-uri ones', async () => {
    for (const uri of ['http://localhost:1/a', 'http://127.0.0.1:65000/b/c', 'http://[::1]:3000/cb', 'https://app.example.com/tink/callback']) {
      const r = await runLink(emu, 'transactions/connect-accounts', {...base(), redirect_uri: uri}, 'demo-cancel')
      assert.equal(r.page.status, 200, uri)
      assert.ok(r.location.startsWith(uri), r.location)
    }
  })

  test('every other failure redirects with error=BAD_REQUEST, the error_reason, message, tracking_id and state', async () => {
    const userId = await createUser(emu, ct)
    const plainCode = (await call(emu, '/api/v1/oauth/authorization-grant', {method: 'POST', token: ct, form: {user_id: userId, scope: 'user:read'}})).data.code
    const otherActor = await delegatedCode(emu, ct, userId, {actor: 'some-other-actor'})
    const otherCt = await clientToken(emu, OTHER)
    const otherUser = await createUser(emu, otherCt)
    const otherAppCode = await delegatedCode(emu, otherCt, otherUser)
    const cases = [
      ['transactions/connect-accounts', {market: 'gb'}, 'INVALID_PARAMETER_MARKET'],
      ['transactions/connect-accounts', {market: 'XX'}, 'INVALID_PARAMETER_MARKET'],
      ['transactions/connect-accounts', {locale: 'english'}, 'INVALID_PARAMETER_LOCALE'],
      ['transactions/connect-accounts', {input_provider: 'p'.repeat(101)}, 'INVALID_PARAMETER_INPUT_PROVIDER'],
      ['transactions/connect-accounts', {input_username: 'u'.repeat(51)}, 'INVALID_PARAMETER_INPUT_USERNAME'],
      ['products/connect-accounts', {}, 'INVALID_PARAMETER_PRODUCTS'],
      ['products/connect-accounts', {products: 'TRANSACTIONS,NOPE'}, 'INVALID_PARAMETER_PRODUCTS'],
      ['transactions/connect-accounts', {authorization_code: '0'.repeat(32)}, 'INVALID_PARAMETER_AUTHORIZATION_CODE'],
      ['transactions/connect-accounts', {authorization_code: plainCode}, 'INVALID_PARAMETER_AUTHORIZATION_CODE'],
      ['transactions/connect-accounts', {authorization_code: otherActor}, 'INVALID_PARAMETER_AUTHORIZATION_CODE'],
      ['transactions/connect-accounts', {authorization_code: otherAppCode}, 'INVALID_PARAMETER_AUTHORIZATION_CODE'],
      ['credentials/add', {}, 'INVALID_PARAMETER_AUTHORIZATION_CODE'],
      ['transactions/update-consent', {}, 'INVALID_PARAMETER_AUTHORIZATION_CODE'],
      ['transactions/update-consent', {authorization_code: await delegatedCode(emu, ct, userId)}, 'INVALID_PARAMETER_CREDENTIALS_ID'],
      ['transactions/extend-consent', {authorization_code: await delegatedCode(emu, ct, userId)}, 'INVALID_PARAMETER_CREDENTIALS_ID'],
      ['credentials/refresh', {authorization_code: await delegatedCode(emu, ct, userId), credentials_id: 'f'.repeat(32)}, 'INVALID_PARAMETER_CREDENTIALS_ID'],
    ]
    for (const [flow, extra, reason] of cases) {
      const r = await call(emu, linkPath(flow, {...base(), ...extra}))
      assert.equal(r.status, 303, `${flow} ${JSON.stringify(extra).slice(0, 80)}: ${r.text}`)
      const q = Object.fromEntries(new URL(r.headers.location).searchParams)
      assert.deepEqual(Object.keys(q).sort(), ['error', 'error_reason', 'message', 'state', 'tracking_id'])
      assert.equal(q.error, 'BAD_REQUEST')
      assert.equal(q.error_reason, reason, `${flow} ${JSON.stringify(extra).slice(0, 80)}`)
      assert.equal(q.state, 'v')
    }
    // The boundaries themselves are allowed.
    const ok = await call(emu, linkPath('transactions/connect-accounts', {...base(), input_provider: 'p'.repeat(100), input_username: 'u'.repeat(50)}))
    assert.equal(ok.status, 200)
  })

  test('an expired delegated code (10 minutes) is refused', async () => {
    let now = Date.now()
    const clocked = await startEmulator({now: () => now})
    try {
      const t = await clientToken(clocked)
      const code = await delegatedCode(clocked, t, await createUser(clocked, t))
      now += 10 * 60_000 + 1
      const r = await call(clocked, linkPath('transactions/connect-accounts', {client_id: BUILTIN_CLIENT.id, redirect_uri: REDIRECT, authorization_code: code}))
      assert.equal(new URL(r.headers.location).searchParams.get('error_reason'), 'INVALID_PARAMETER_AUTHORIZATION_CODE')
      assert.match(new URL(r.headers.location).searchParams.get('message'), /expired/)
    } finally {
      await clocked.close()
    }
  })
})
