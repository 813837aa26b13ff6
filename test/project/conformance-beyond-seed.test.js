// The spec is the shared seed plus operations marked as added beyond it, and those operations
// (data endpoints, revoke-all, events v2 webhook endpoints) conform: every request and answer
// through a Prism proxy (--errors) in front of an emulator with demo data, 4xx included, with zero
// errors. The seed's check skips where ../shared is absent (an installed package).
import {test, describe, before, after} from 'node:test'
import assert from 'node:assert/strict'
import {existsSync, readFileSync} from 'node:fs'
import {join} from 'node:path'

import {startEmulator} from 'tink-emulator'
import {ROOT} from '../helpers.js'
import {countAllReceived, scanLog, SPEC, startPrism} from '../support/prism.js'
import {CLIENT} from '../support/conformance-client.js'
import {request} from 'undici'

const SHARED_SPEC = join(ROOT, '..', 'shared', 'spec', 'tink-oauth.openapi.yaml')
const TOKEN = '/api/v1/oauth/token'

test('spec/tink-oauth.openapi.yaml holds the shared spec unchanged, plus operations marked as added beyond it', {
  skip: existsSync(SHARED_SPEC) ? false : `${SHARED_SPEC} is absent (an installed package has no ../shared)`,
}, () => {
  const ours = readFileSync(SPEC, 'utf8').split('\n')
  const shared = readFileSync(SHARED_SPEC, 'utf8').trimEnd().split('\n')
  // Every line of the shared spec, in its order: the seed's text is kept as it is, only added to.
  let at = 0
  for (const [n, line] of shared.entries()) {
    const found = ours.indexOf(line, at)
    assert.ok(found !== -1, `line ${n + 1} of ${SHARED_SPEC} is missing from (or moved in) spec/tink-oauth.openapi.yaml: ${JSON.stringify(line)}`)
    at = found + 1
  }
  const operations = (lines) => lines.filter((l) => /^ {4}(get|post|put|patch|delete):$/.test(l)).length
  const added = ours.filter((l) => /^ {6}x-added-beyond-seed: true$/.test(l)).length
  assert.equal(added, operations(ours) - operations(shared), 'every operation beyond the seed is marked x-added-beyond-seed: true')
  assert.equal(added, 19)
})

// The operations added beyond the seed (in spec/tink-oauth.openapi.yaml, each marked
// x-added-beyond-seed) through a Prism proxy of their own in front of an emulator with demo data:
// every request and answer, including the 4xx ones, must match that file with zero errors.
describe('operations beyond the seed through Prism proxy (--errors): data endpoints, revoke-all and events v2 webhook endpoints', () => {
  let data
  let px
  let ct
  let userId
  let token

  const direct = async (path, form, bearer) => {
    const res = await request(data.url + path, {method: 'POST', body: new URLSearchParams(form).toString(), headers: {'content-type': 'application/x-www-form-urlencoded', ...(bearer ? {authorization: `Bearer ${bearer}`} : {})}})
    return res.body.json()
  }
  const userToken = async (scope) => {
    const {code} = await direct('/api/v1/oauth/authorization-grant', {user_id: userId, scope}, ct)
    return (await direct('/api/v1/oauth/token', {client_id: CLIENT.id, client_secret: CLIENT.secret, grant_type: 'authorization_code', code})).access_token
  }
  /** One request through Prism: status, JSON body, and what Prism logged for it. */
  const through = async (method, path, {bearer, form, json} = {}) => {
    const mark = px.mark()
    const headers = bearer ? {authorization: `Bearer ${bearer}`} : {}
    let body
    if (form) {
      body = new URLSearchParams(form).toString()
      headers['content-type'] = 'application/x-www-form-urlencoded'
    }
    if (json) {
      body = JSON.stringify(json)
      headers['content-type'] = 'application/json'
    }
    const res = await request(px.url + path, {method, headers, body})
    const text = await res.body.text()
    await px.settle()
    const log = px.since(mark)
    return {status: res.statusCode, data: text ? JSON.parse(text) : undefined, log, ...scanLog(log)}
  }
  const conforms = (what, r, status) => {
    assert.equal(r.status, status, `${what}: ${JSON.stringify(r.data)}\n${r.log}`)
    assert.deepEqual(r.errors, [], `${what}: Prism found violations:\n${r.log}`)
    assert.deepEqual(r.warnings, [], `${what}: every status is declared:\n${r.log}`)
    assert.equal(countAllReceived(r.log), 1, `${what}: the request went through Prism`)
    return r.data
  }

  before(async () => {
    data = await startEmulator({quiet: true, clients: [CLIENT], demoData: true, seed: 5})
    px = await startPrism({mode: 'proxy', upstream: data.url})
    ct = (await direct(TOKEN, {client_id: CLIENT.id, client_secret: CLIENT.secret, grant_type: 'client_credentials'})).access_token
    const res = await request(`${data.url}/api/v1/user/create`, {method: 'POST', body: JSON.stringify({external_user_id: 'beyond', market: 'GB', locale: 'en_GB'}), headers: {'content-type': 'application/json', authorization: `Bearer ${ct}`}})
    userId = (await res.body.json()).user_id
    token = await userToken('user:read,credentials:read,accounts:read,balances:read,transactions:read,provider-consents:read,accounts.parties:readonly,identities:readonly,credentials:write,credentials:refresh,provider-consents:write')
  })
  after(async () => {
    await px?.close()
    await data?.close()
  })

  test('GET user, profile, credentials, provider consents, accounts, balances, parties, identities: 200 and 403/401/404 conform', async () => {
    const user = conforms('GET /api/v1/user', await through('GET', '/api/v1/user', {bearer: token}), 200)
    assert.equal(user.id, userId)
    conforms('GET /api/v1/user/profile', await through('GET', '/api/v1/user/profile', {bearer: token}), 200)
    const creds = conforms('GET /api/v1/credentials/list', await through('GET', '/api/v1/credentials/list', {bearer: token}), 200)
    assert.equal(creds.credentials[0].status, 'UPDATED')
    const credId = creds.credentials[0].id
    conforms('GET one credentials', await through('GET', `/api/v1/credentials/${credId}`, {bearer: token}), 200)
    conforms('POST refresh', await through('POST', `/api/v1/credentials/${credId}/refresh`, {bearer: token}), 204)
    conforms('POST authenticate', await through('POST', `/api/v1/credentials/${credId}/authenticate`, {bearer: token}), 204)
    conforms('POST provider-consents:extend', await through('POST', '/api/v1/provider-consents:extend', {bearer: token, json: {credentialsId: credId}}), 200)
    conforms('DELETE unknown credentials', await through('DELETE', '/api/v1/credentials/nope', {bearer: token}), 404)
    conforms('GET /api/v1/provider-consents', await through('GET', '/api/v1/provider-consents', {bearer: token}), 200)
    const {accounts} = conforms('GET /data/v2/accounts', await through('GET', '/data/v2/accounts', {bearer: token}), 200)
    assert.equal(accounts.length, 2)
    conforms('GET balances', await through('GET', `/data/v2/accounts/${accounts[0].id}/balances`, {bearer: token}), 200)
    conforms('GET balances of an unknown account', await through('GET', '/data/v2/accounts/nope/balances', {bearer: token}), 404)
    conforms('GET balances with a client token', await through('GET', `/data/v2/accounts/${accounts[0].id}/balances`, {bearer: ct}), 200)
    conforms('GET parties', await through('GET', `/data/v2/accounts/${accounts[0].id}/parties`, {bearer: token}), 200)
    conforms('GET identities', await through('GET', '/data/v2/identities', {bearer: token}), 200)
    conforms('GET accounts filtered (idIn, typesIn)', await through('GET', `/data/v2/accounts?idIn=${accounts[0].id}&typesIn=CHECKING&typesIn=SAVINGS`, {bearer: token}), 200)
    conforms('GET transactions with pageSize 101 (capped) and statusIn', await through('GET', '/data/v2/transactions?pageSize=101&statusIn=BOOKED', {bearer: token}), 200)
    const narrow = await userToken('accounts:read')
    conforms('GET /api/v1/user without user:read', await through('GET', '/api/v1/user', {bearer: narrow}), 403)
    conforms('GET /data/v2/accounts with an unknown token', await through('GET', '/data/v2/accounts', {bearer: 'unknown-token'}), 401)
  })

  test('GET /data/v2/transactions: three pages of 100 and a bad pageToken conform', async () => {
    let next = ''
    let pages = 0
    do {
      const path = `/data/v2/transactions?pageSize=100${next ? `&pageToken=${encodeURIComponent(next)}` : ''}`
      next = conforms(`transactions page ${pages + 1}`, await through('GET', path, {bearer: token}), 200).nextPageToken
      pages++
    } while (next !== '' && pages < 10)
    assert.ok(pages >= 3, `${pages} pages`)
    conforms('a pageToken never issued', await through('GET', '/data/v2/transactions?pageToken=bm9wZQ', {bearer: token}), 400)
  })

  test('POST /api/v1/oauth/revoke-all: 204, then the token is 401; 400 and 404 conform', async () => {
    const victim = await userToken('user:read')
    conforms('revoke-all with both ids', await through('POST', '/api/v1/oauth/revoke-all', {bearer: ct, form: {user_id: userId, external_user_id: 'beyond'}}), 400)
    conforms('revoke-all for nobody', await through('POST', '/api/v1/oauth/revoke-all', {bearer: ct, form: {user_id: '0'.repeat(32)}}), 404)
    conforms('revoke-all', await through('POST', '/api/v1/oauth/revoke-all', {bearer: ct, form: {external_user_id: 'beyond'}}), 204)
    conforms('GET /api/v1/user after revoke-all', await through('GET', '/api/v1/user', {bearer: victim}), 401)
  })

  test('events v2 webhook endpoints: create (an https URL), list with pages, update, 409, delete conform', async () => {
    const hooks = (await direct(TOKEN, {client_id: CLIENT.id, client_secret: CLIENT.secret, grant_type: 'client_credentials', scope: 'webhook-endpoints'})).access_token
    const made = conforms('POST /events/v2/webhook-endpoints', await through('POST', '/events/v2/webhook-endpoints', {bearer: hooks, json: {url: 'https://app.example.com/tink/webhook', enabledEvents: ['refresh:finished', 'account:created'], description: 'conformance'}}), 200)
    assert.match(made.secret, /\S{16,}/)
    conforms('a second endpoint', await through('POST', '/events/v2/webhook-endpoints', {bearer: hooks, json: {url: 'https://app.example.com/other', enabledEvents: ['account-transactions:modified']}}), 200)
    conforms('the same url and an event in common', await through('POST', '/events/v2/webhook-endpoints', {bearer: hooks, json: {url: 'https://app.example.com/tink/webhook', enabledEvents: ['refresh:finished']}}), 409)
    const page = conforms('GET a page of 1', await through('GET', '/events/v2/webhook-endpoints?pageSize=1', {bearer: hooks}), 200)
    assert.equal(page.webhookEndpoints.length, 1)
    assert.equal(page.webhookEndpoints[0].secret, undefined, 'the secret is shown on creation only')
    const last = conforms('GET the next page', await through('GET', `/events/v2/webhook-endpoints?pageSize=1&pageToken=${encodeURIComponent(page.nextPageToken)}`, {bearer: hooks}), 200)
    assert.equal(last.nextPageToken, '')
    const updated = conforms('PATCH', await through('PATCH', `/events/v2/webhook-endpoints/${made.id}`, {bearer: hooks, json: {webhookEndpoint: {disabled: true}}}), 200)
    assert.equal(updated.disabled, true)
    conforms('PATCH an unknown id', await through('PATCH', '/events/v2/webhook-endpoints/nope', {bearer: hooks, json: {webhookEndpoint: {disabled: true}}}), 404)
    const other = (await direct(TOKEN, {client_id: CLIENT.id, client_secret: CLIENT.secret, grant_type: 'client_credentials', scope: 'user:create'})).access_token
    conforms('GET with a client token without webhook-endpoints', await through('GET', '/events/v2/webhook-endpoints', {bearer: other}), 403)
    conforms('DELETE', await through('DELETE', `/events/v2/webhook-endpoints/${made.id}`, {bearer: hooks}), 200)
    // Tink takes https only: an http URL is a request the spec itself refuses, before the emulator sees it.
    const before = data.requests.length
    const http = await through('POST', '/events/v2/webhook-endpoints', {bearer: hooks, json: {url: 'http://app.example.com/hook', enabledEvents: ['refresh:finished']}})
    assert.equal(http.status, 422, http.log)
    assert.ok(http.errors.some((e) => /UNPROCESSABLE_ENTITY|pattern/.test(e)), http.log)
    assert.equal(data.requests.length, before, 'nothing reached the emulator')
  })
})
