// The Link and grant services called directly (parsing is tested apart, through the commands):
// the delegated Link request and its URL, the one-time flow through the local callback listener,
// the pasted address, the browser opener, and grant create's exchange. Against the emulator over
// loopback; the Link page is driven over HTTP as a browser would (GET the page, POST the bank).
import {test, before, after, describe} from 'node:test'
import assert from 'node:assert/strict'
import {spawn} from 'node:child_process'
import {createServer} from 'node:net'

import {startEmulator} from 'tink-emulator'
import {HttpClient} from '../../../dist/lib/http/client.js'
import {TinkApi} from '../../../dist/lib/tink/api.js'
import {delegateLink, prepareLinkRequest} from '../../../dist/lib/services/grant/delegate.js'
import {createGrant} from '../../../dist/lib/services/grant/create.js'
import {connectLink} from '../../../dist/lib/services/link/connect.js'
import {showUrl} from '../../../dist/lib/services/link/browser.js'
import {freePort} from '../../helpers.js'
import {call} from '../../support/emulator-http.js'

const CLIENT = {clientId: 'tink-emulator-client', clientSecret: 'tink-emulator-secret'}
let emu
let api
let http

before(async () => {
  emu = await startEmulator({seed: 31})
  http = new HttpClient({baseUrl: emu.url, timeoutMs: 10_000, retries: 0, userAgent: 'tink-test'})
  api = new TinkApi({http, credentials: async () => CLIENT})
})

after(async () => {
  await http?.close()
  await emu?.close()
})

/** The run's settings as the services read them (`settings`: key -> [value, source]), and what they said. */
function deps(settings = {}) {
  const said = {trace: [], warn: [], note: []}
  return {
    said,
    setting: async (key) => (settings[key] ? {value: settings[key][0], source: settings[key][1], origin: `${settings[key][1]} ${key}`} : undefined),
    linkBaseUrl: async () => emu.url,
    credentials: async () => CLIENT,
    trace: (line) => said.trace.push(line),
    warn: (line) => said.warn.push(line),
    note: (line) => said.note.push(line),
  }
}

const request = (d, user, extra = {}) =>
  prepareLinkRequest(d, {user, flow: 'transactions/connect-accounts', params: {}, actorClientId: 'df05e4b379934cd09963197cc855bfe9', idHint: 'Jane', command: 'tink grant delegate', ...extra})

function canListen(port) {
  return new Promise((resolve) => {
    const s = createServer().once('error', () => resolve(false))
    s.listen(port, '127.0.0.1', () => s.close(() => resolve(true)))
  })
}

describe('grant delegate service', () => {
  test("the URL carries the delegated code and the user's own market and locale, not the profile's default", async () => {
    const ext = `svc-se-${process.pid}`
    await api.createUser({external_user_id: ext, market: 'SE', locale: 'sv_SE'})
    const d = deps({market: ['GB', 'profile']})
    const req = await request(d, {externalUserId: ext})
    const link = await delegateLink(api, d, req, 'authorization:read,credentials:read,user:read', 'https://console.tink.com/callback')
    const url = new URL(link.url)
    assert.equal(url.searchParams.get('authorization_code'), link.code)
    assert.equal(url.searchParams.get('market'), 'SE')
    assert.equal(url.searchParams.get('locale'), 'sv_SE')
    assert.deepEqual([link.market, link.locale], ['SE', 'sv_SE'])
    assert.ok(d.said.trace.some((l) => /the user's own market SE and locale sv_SE/.test(l)))
  })

  test('a user Tink does not know: the error says how to create it, with the market given for this run', async () => {
    const d = deps({market: ['GB', 'env']})
    const req = await request(d, {externalUserId: 'no such user'})
    await assert.rejects(delegateLink(api, d, req, 'user:read', 'https://console.tink.com/callback'), (err) => {
      assert.equal(err.status, 404)
      assert.equal(err.hint, "Create the user first: tink user create --external-user-id 'no such user' --market GB")
      return true
    })
  })

  test('no id hint and no way to ask: a usage error before anything is sent; with a way to ask, its answer is used', async () => {
    await assert.rejects(request(deps(), {externalUserId: 'x'}, {idHint: undefined}), {exitCode: 2, message: /--id-hint is required/})
    const req = await request(deps(), {externalUserId: 'x'}, {idHint: undefined, askIdHint: async () => 'Jane Asked'})
    assert.equal(req.idHint, 'Jane Asked')
  })

  test('a one-time-only flow with a user is refused, pointing at tink link url', async () => {
    await assert.rejects(request(deps(), {externalUserId: 'x'}, {flow: 'income-check/create-report'}), {exitCode: 2, message: /one-time only/})
  })
})

describe('link connect service', () => {
  test('one-time flow on a loopback redirect: listens, takes the browser back, returns the report id, lets go of the port', async () => {
    const port = await freePort()
    const redirect = new URL(`http://127.0.0.1:${port}/callback`)
    const d = deps({market: ['SE', 'flag']})
    const done = connectLink(
      {redirect, state: 's'.repeat(32), waitSeconds: 20, noBrowser: true, scope: 'accounts:read', oneTime: {flow: 'income-check/create-report', params: {state: 's'.repeat(32)}}},
      {...d, api, signal: new AbortController().signal, env: {}, paste: async () => assert.fail('a loopback redirect is listened on, not pasted')},
    )
    // The URL is on stderr once the listener is up.
    let url
    while (!(url = d.said.note.find((l) => l.startsWith(emu.url)))) await new Promise((r) => setTimeout(r, 20))
    assert.match(d.said.note.join('\n'), /Waiting for Tink Link to return to http:\/\/127\.0\.0\.1/)
    const link = new URL(url)
    const post = await call(emu, link.pathname + link.search, {method: 'POST', form: {bank: 'demo-success'}})
    assert.equal(post.status, 303, post.text)
    const page = await fetch(post.headers.location)
    assert.equal(page.status, 200)
    assert.match(await page.text(), /Connected/)
    const result = await done
    assert.match(result.income_check_id, /\S/)
    assert.equal(result.token, undefined)
    assert.equal(await canListen(port), true, 'the port is released')
  })

  test('a pasted address: checked until it has a query; one with another state is refused (exit 9), nothing exchanged', async () => {
    const d = deps({market: ['SE', 'flag']})
    let checks
    const run = connectLink(
      {redirect: new URL('https://app.example.com/cb'), state: 'mine', waitSeconds: 20, noBrowser: true, scope: 'accounts:read', oneTime: {flow: 'income-check/create-report', params: {state: 'mine'}}},
      {
        ...d,
        api,
        signal: new AbortController().signal,
        env: {},
        paste: async (validate) => {
          checks = [validate('https://app.example.com/cb'), validate('https://app.example.com/cb?state=x')]
          return 'https://app.example.com/cb?state=theirs&code=abc'
        },
      },
    )
    await assert.rejects(run, {exitCode: 9, code: 'state_mismatch'})
    assert.deepEqual(checks, ['Paste the whole address from the browser, with its ?query', true])
    assert.match(d.said.note.join('\n'), /Open this Tink Link URL in a browser and finish there:/)
  })
})

describe('browser opener', () => {
  const lines = async (env, open) => {
    const said = []
    await showUrl('https://link.example/x', {noBrowser: false, env, note: (l) => said.push(l), open})
    return said
  }
  test('no display: asks the user to open the URL; an opener that fails or starts are told apart', async () => {
    assert.deepEqual(await lines({}, undefined), ['No display to open a browser on: open this Tink Link URL in a browser yourself:', 'https://link.example/x'])
    const failing = await lines({DISPLAY: ':0'}, async () => spawn('false'))
    assert.equal(failing[0], 'Could not start a browser: open this Tink Link URL yourself:')
    const opening = await lines({DISPLAY: ':0'}, async () => spawn('true'))
    assert.equal(opening[0], 'Opened Tink Link in your browser. If nothing shows, go to:')
    assert.equal(opening[1], 'https://link.example/x', 'the URL is printed either way')
  })
})

describe('grant create service', () => {
  test('a code alone, or with exchange a user token for the scopes asked', async () => {
    const ext = `svc-grant-${process.pid}`
    await api.createUser({external_user_id: ext, market: 'GB', locale: 'en_GB'})
    const only = await createGrant(api, {user: {externalUserId: ext}, scope: 'user:read', exchange: false})
    assert.match(only.code, /\S/)
    assert.equal(only.token, undefined)
    const exchanged = await createGrant(api, {user: {externalUserId: ext}, scope: 'user:read,accounts:read', exchange: true})
    assert.deepEqual(exchanged.token.scope.split(',').sort(), ['accounts:read', 'user:read'])
    const me = await call(emu, '/api/v1/user', {token: exchanged.token.access_token})
    assert.equal(me.data.externalUserId, ext)
  })
})
