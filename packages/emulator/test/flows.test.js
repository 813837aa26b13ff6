// Tink Link flows as Tink documents them (TINK-API-NOTES "Link flows, checked page by page"; Tink
// Link web reference pages), markets and locales from Tink's lists, and the redirect URIs every
// client has registered. Real HTTP over 127.0.0.1.
import {test, describe, before, after} from 'node:test'
import assert from 'node:assert/strict'

import {BUILTIN_CLIENT, LINK_FLOWS, LINK_LOCALES, startEmulator} from '../dist/index.js'
import {call, clientToken, createUser, delegatedCode, linkPath, runLink} from './support/http.js'

const REDIRECT = 'http://localhost:3000/callback'
const HEX = /^[0-9a-f]{32}$/
let emu
let ct
before(async () => {
  emu = await startEmulator({seed: 11})
  ct = await clientToken(emu)
})
after(() => emu.close())

const oneTime = (extra = {}) => ({client_id: BUILTIN_CLIENT.id, redirect_uri: REDIRECT, state: 'st', ...extra})
const reasonOf = (r) => new URL(r.headers.location).searchParams.get('error_reason')

describe('the flow table', () => {
  test('every flow in the notes, with its access: one-time, continuous or both', () => {
    const by = (access) => Object.entries(LINK_FLOWS).filter(([, s]) => s.access === access).map(([n]) => n).sort()
    assert.deepEqual(by('both'), ['account-check/connect', 'account-check/create-report', 'business-transactions/connect-accounts', 'pay/direct', 'products/connect-accounts', 'transactions/connect-accounts'])
    assert.deepEqual(by('one-time'), ['account-check', 'authorize', 'expense-check/create-report', 'income-check/create-report', 'pay', 'reports/create-report', 'risk-insights/create-report'])
    assert.deepEqual(by('continuous'), [
      'account-check/update-consent', 'business-transactions/update-consent', 'credentials/add', 'credentials/authenticate', 'credentials/extend-consent', 'credentials/refresh',
      'pay/credentials', 'products/update-consent', 'transactions/extend-consent', 'transactions/update-consent',
    ])
  })

  test('markets per flow, as Tink lists them', () => {
    assert.equal(LINK_FLOWS['transactions/connect-accounts'].markets.length, 18)
    assert.deepEqual([...LINK_FLOWS['products/connect-accounts'].markets], ['ES', 'SE'])
    assert.deepEqual([...LINK_FLOWS['expense-check/create-report'].markets].sort(), ['DE', 'DK', 'FR', 'GB', 'PT', 'SE'])
    assert.deepEqual([...LINK_FLOWS['risk-insights/create-report'].markets].sort(), ['BE', 'DE', 'ES', 'FI', 'FR', 'GB', 'NL', 'SE'])
    assert.equal(LINK_FLOWS.pay.markets.length, 12)
    assert.equal(LINK_FLOWS['income-check/create-report'].markets.length, 12)
  })
})

describe('one-time flows: no user, no authorization_code', () => {
  for (const [flow, param, extra] of [
    ['income-check/create-report', 'income_check_id', {}],
    ['expense-check/create-report', 'expense_check_id', {}],
    ['risk-insights/create-report', 'risk_insights_id', {external_reference: 'applicant-7'}],
  ]) {
    test(`${flow}: success -> ${param} and state only; no user is created`, async () => {
      const before = emu.users().length
      const r = await runLink(emu, flow, oneTime({market: 'GB', locale: 'en_GB', ...extra}), 'demo-success')
      assert.equal(r.page.status, 200, r.page.text)
      assert.equal(r.post.status, 303, r.post.text)
      assert.deepEqual(Object.keys(r.query).sort(), [param, 'state'])
      assert.match(r.query[param], HEX)
      assert.equal(emu.users().length, before)
      // Tink's error parameters on failure.
      const cancel = await runLink(emu, flow, oneTime({market: 'GB', locale: 'en_GB'}), 'demo-cancel')
      assert.equal(cancel.query.error, 'USER_CANCELLED')
      assert.equal(cancel.query[param], undefined)
      const failed = await runLink(emu, flow, oneTime(), 'demo-auth-error')
      assert.equal(failed.query.error, 'AUTHENTICATION_ERROR')
      assert.ok(failed.query.error_reason && failed.query.tracking_id && failed.query.message)
    })
  }

  for (const flow of ['account-check/create-report', 'account-check']) {
    test(`${flow}: success -> account_verification_report_id and state only (Tink Link web reference, Verify account)`, async () => {
      const r = await runLink(emu, flow, oneTime({market: 'SE', locale: 'sv_SE', external_reference: 'case-12'}), 'demo-success')
      assert.equal(r.post.status, 303, r.post.text)
      assert.deepEqual(Object.keys(r.query).sort(), ['account_verification_report_id', 'state'])
      assert.match(r.query.account_verification_report_id, HEX)
    })
  }

  test('account-check/create-report: external_reference is at most 50 letters, digits and dashes', async () => {
    for (const bad of ['a'.repeat(51), 'with space', 'semi;colon']) {
      assert.equal(reasonOf(await call(emu, linkPath('account-check/create-report', oneTime({external_reference: bad})))), 'INVALID_PARAMETER_EXTERNAL_REFERENCE', bad)
    }
  })

  test('account-check/connect one-time: code, credentials_id and account_verification_report_id', async () => {
    const r = await runLink(emu, 'account-check/connect', oneTime({market: 'SE', locale: 'sv_SE'}), 'demo-success')
    assert.equal(r.post.status, 303, r.post.text)
    assert.deepEqual(Object.keys(r.query).sort(), ['account_verification_report_id', 'code', 'credentials_id', 'state'])
    assert.match(r.query.account_verification_report_id, HEX)
  })

  test('pay: payment_request_id is required and comes back as given; market and locale are required', async () => {
    const missing = await call(emu, linkPath('pay', oneTime({market: 'SE', locale: 'sv_SE'})))
    assert.equal(reasonOf(missing), 'INVALID_PARAMETER_PAYMENT_REQUEST_ID')
    const noMarket = await call(emu, linkPath('pay', oneTime({payment_request_id: 'pr-1', locale: 'sv_SE'})))
    assert.equal(reasonOf(noMarket), 'INVALID_PARAMETER_MARKET')
    const r = await runLink(emu, 'pay', oneTime({payment_request_id: 'pr-42', market: 'SE', locale: 'sv_SE'}), 'demo-success')
    assert.deepEqual(r.query, {payment_request_id: 'pr-42', state: 'st'})
  })

  test('pay/direct: payment_request_id is required; one-time, or with a delegated code for a permanent user', async () => {
    assert.equal(reasonOf(await call(emu, linkPath('pay/direct', oneTime()))), 'INVALID_PARAMETER_PAYMENT_REQUEST_ID')
    const once = await runLink(emu, 'pay/direct', oneTime({payment_request_id: 'pr-1'}), 'demo-success')
    assert.deepEqual(once.query, {payment_request_id: 'pr-1', state: 'st'})
    const userId = await createUser(emu, ct)
    const again = await runLink(emu, 'pay/direct', oneTime({payment_request_id: 'pr-2', authorization_code: await delegatedCode(emu, ct, userId)}), 'demo-success')
    assert.deepEqual(again.query, {payment_request_id: 'pr-2', state: 'st'})
  })

  test('transactions/connect-accounts without a code needs market and locale; the report flows default them', async () => {
    assert.equal(reasonOf(await call(emu, linkPath('transactions/connect-accounts', oneTime({locale: 'en_US'})))), 'INVALID_PARAMETER_MARKET')
    assert.equal(reasonOf(await call(emu, linkPath('transactions/connect-accounts', oneTime({market: 'SE'})))), 'INVALID_PARAMETER_LOCALE')
    assert.equal((await call(emu, linkPath('income-check/create-report', oneTime()))).status, 200)
    const r = await runLink(emu, 'products/connect-accounts', oneTime({products: 'TRANSACTIONS'}), 'demo-success')
    const exchange = await call(emu, '/api/v1/oauth/token', {method: 'POST', form: {client_id: BUILTIN_CLIENT.id, client_secret: BUILTIN_CLIENT.secret, grant_type: 'authorization_code', code: r.query.code}})
    const me = await call(emu, '/api/v1/user', {token: exchange.data.access_token})
    assert.deepEqual([me.data.profile.market, me.data.profile.locale], ['SE', 'en_US'], "Link's defaults where market and locale are optional")
  })

  test('a one-time-only flow refuses an authorization_code; a continuous-only flow needs one', async () => {
    const userId = await createUser(emu, ct)
    const code = await delegatedCode(emu, ct, userId)
    assert.equal(reasonOf(await call(emu, linkPath('income-check/create-report', oneTime({authorization_code: code})))), 'INVALID_PARAMETER_AUTHORIZATION_CODE')
    assert.equal(reasonOf(await call(emu, linkPath('pay/credentials', oneTime({payment_request_id: 'p', credentials_id: 'c'})))), 'INVALID_PARAMETER_AUTHORIZATION_CODE')
  })
})

describe('continuous payments', () => {
  test('pay/credentials with a delegated code, credentials_id and payment_request_id -> payment_request_id', async () => {
    const userId = await createUser(emu, ct)
    const first = await runLink(emu, 'credentials/add', {client_id: BUILTIN_CLIENT.id, redirect_uri: REDIRECT, authorization_code: await delegatedCode(emu, ct, userId)}, 'demo-success')
    const params = {client_id: BUILTIN_CLIENT.id, redirect_uri: REDIRECT, authorization_code: await delegatedCode(emu, ct, userId), credentials_id: first.query.credentials_id, state: 'p'}
    assert.equal(reasonOf(await call(emu, linkPath('pay/credentials', params))), 'INVALID_PARAMETER_PAYMENT_REQUEST_ID')
    const r = await runLink(emu, 'pay/credentials', {...params, payment_request_id: 'pr-9'}, 'demo-success')
    assert.deepEqual(r.query, {payment_request_id: 'pr-9', state: 'p'})
  })
})

describe('Link parameters', () => {
  test('theme LIGHT or DARK (upper case, as Tink documents); DARK shows a dark page', async () => {
    const light = await call(emu, linkPath('income-check/create-report', oneTime({theme: 'LIGHT'})))
    const dark = await call(emu, linkPath('income-check/create-report', oneTime({theme: 'DARK'})))
    assert.equal(light.status, 200)
    assert.equal(dark.status, 200)
    assert.match(dark.text, /background:#121212/)
    assert.doesNotMatch(light.text, /background:#121212/)
    assert.equal(reasonOf(await call(emu, linkPath('income-check/create-report', oneTime({theme: 'AUTO'})))), 'INVALID_PARAMETER_THEME')
  })

  test("refreshable_items: each flow's own values", async () => {
    const tx = (items) => call(emu, linkPath('transactions/connect-accounts', oneTime({market: 'SE', locale: 'sv_SE', refreshable_items: items})))
    assert.equal((await tx('CHECKING_ACCOUNTS,CHECKING_TRANSACTIONS,SAVING_ACCOUNTS,SAVING_TRANSACTIONS,CREDITCARD_ACCOUNTS,CREDITCARD_TRANSACTIONS')).status, 200)
    assert.equal(reasonOf(await tx('IDENTITY_DATA')), 'INVALID_PARAMETER_REFRESHABLE_ITEMS')
    const report = (items) => call(emu, linkPath('account-check/create-report', oneTime({refreshable_items: items})))
    assert.equal((await report('IDENTITY_DATA,CHECKING_ACCOUNTS,SAVING_ACCOUNTS')).status, 200)
    assert.equal(reasonOf(await report('CHECKING_TRANSACTIONS')), 'INVALID_PARAMETER_REFRESHABLE_ITEMS')
    assert.equal(reasonOf(await call(emu, linkPath('income-check/create-report', oneTime({refreshable_items: 'CHECKING_ACCOUNTS'})))), 'INVALID_PARAMETER_REFRESHABLE_ITEMS')
  })

  test('products: ACCOUNT_CHECK, INVESTMENTS, LOANS, TRANSACTIONS only', async () => {
    const p = (products) => call(emu, linkPath('products/connect-accounts', oneTime({products})))
    assert.equal((await p('ACCOUNT_CHECK,INVESTMENTS,LOANS,TRANSACTIONS')).status, 200)
    for (const other of ['BALANCE_CHECK', 'INCOME_CHECK', 'PAYMENT_INITIATION', 'ASSETS']) assert.equal(reasonOf(await p(`TRANSACTIONS,${other}`)), 'INVALID_PARAMETER_PRODUCTS', other)
  })
})

describe("markets and locales from Tink's lists", () => {
  test("Tink Link's 16 locales are served; de_AT and others are not", async () => {
    assert.equal(LINK_LOCALES.length, 16)
    for (const locale of LINK_LOCALES) assert.equal((await call(emu, linkPath('income-check/create-report', oneTime({locale})))).status, 200, locale)
    for (const locale of ['de_AT', 'en_IE', 'sv_FI', 'cs_CZ']) assert.equal(reasonOf(await call(emu, linkPath('income-check/create-report', oneTime({locale})))), 'INVALID_PARAMETER_LOCALE', locale)
  })

  test('a market outside every Tink list (JP, CH) is refused, on Link pages and by user create (the emulator\'s choice)', async () => {
    for (const market of ['JP', 'CH', 'US'].slice(0, 2)) {
      assert.equal(reasonOf(await call(emu, linkPath('income-check/create-report', oneTime({market})))), 'INVALID_PARAMETER_MARKET', market)
      const r = await call(emu, '/api/v1/user/create', {method: 'POST', token: ct, json: {market, locale: 'en_US'}})
      assert.equal(r.status, 400, r.text)
      assert.equal(r.data.errorCode, 'invalid_market')
    }
    for (const market of ['AT', 'CZ', 'US', 'IE', 'PL']) {
      const r = await call(emu, '/api/v1/user/create', {method: 'POST', token: ct, json: {market, locale: 'en_US'}})
      assert.equal(r.status, 200, `${market}: ${r.text}`)
    }
  })

  test('user create: de_AT is not a Tink locale; retention_class in either case', async () => {
    const bad = await call(emu, '/api/v1/user/create', {method: 'POST', token: ct, json: {market: 'AT', locale: 'de_AT'}})
    assert.equal(bad.status, 400)
    assert.equal(bad.data.errorCode, 'invalid_locale')
    for (const [given, stored] of [['temporary', 'TEMPORARY'], ['permanent', 'PERMANENT'], ['TEMPORARY', 'TEMPORARY']]) {
      const r = await call(emu, '/api/v1/user/create', {method: 'POST', token: ct, json: {market: 'AT', locale: 'de_DE', retention_class: given}})
      assert.equal(r.status, 200, r.text)
      assert.equal(emu.users().find((u) => u.user_id === r.data.user_id).retention_class, stored)
    }
    assert.equal((await call(emu, '/api/v1/user/create', {method: 'POST', token: ct, json: {market: 'AT', locale: 'de_DE', retention_class: 'forever'}})).status, 400)
  })
})

describe('registered redirect URIs', () => {
  test("Tink Console's callbacks are registered for every client, besides loopback; others are not", async () => {
    assert.deepEqual(emu.registeredRedirectUris, ['https://console.tink.com/callback', 'https://console.us.tink.com/callback'])
    for (const uri of emu.registeredRedirectUris) {
      const r = await runLink(emu, 'income-check/create-report', {client_id: BUILTIN_CLIENT.id, redirect_uri: uri}, 'demo-success')
      assert.ok(r.location.startsWith(`${uri}?income_check_id=`), r.location)
    }
    const other = await call(emu, linkPath('income-check/create-report', {client_id: BUILTIN_CLIENT.id, redirect_uri: 'https://console.tink.com/elsewhere'}))
    assert.equal(other.status, 400)
    assert.match(other.text, /INVALID_STATE_REDIRECT_URI/)
  })
})
