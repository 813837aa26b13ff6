// `tink webhook create/list/get/update/delete`, in process, against a purpose-built events v2
// server (test/support/webhook-server.js): the requests byte for byte, paging, 409, the secret
// shown once or saved in the real keychain under the profile and the webhook id.
import {after, before, beforeEach, describe, test} from 'node:test'
import assert from 'node:assert/strict'
import {runTink} from '../../support/in-process.js'
import {assertOneLineError, inTerminal, oneJson} from '../../support/cli.js'
import {startWebhookServer, WEBHOOKS} from '../../support/webhook-server.js'

const APP = {id: `webhook-app-${process.pid}`, secret: 'webhook-app-secret'}
let srv
before(async () => (srv = await startWebhookServer({clients: {[APP.id]: APP.secret}, listSecrets: true})))
after(() => srv.close())
beforeEach(() => srv.reset())

const env = () => ({TINK_API_URL: srv.url, TINK_CLIENT_ID: APP.id, TINK_CLIENT_SECRET: APP.secret})
const tink = (args, opts = {}) => runTink(args, {...opts, env: {...env(), ...opts.env}})

describe('webhook create', () => {
  test("sends Tink's CreateWebhookEndpointRequest with a webhook-endpoints client token; prints the secret once on stdout", async () => {
    const r = await tink(['webhook', 'create', '--url', 'https://example.com/hook', '--events', 'refresh:finished,account:created', '--events', 'refresh:finished', '--description', "Alice's webhook"])
    assert.equal(r.code, 0, r.stderr)
    const token = srv.requests.find((q) => q.path === '/api/v1/oauth/token')
    assert.equal(new URLSearchParams(token.body).get('scope'), 'webhook-endpoints')
    const [post] = srv.apiRequests()
    assert.equal(post.method, 'POST')
    assert.equal(post.path, WEBHOOKS)
    assert.deepEqual(post.json, {url: 'https://example.com/hook', enabledEvents: ['refresh:finished', 'account:created'], description: "Alice's webhook"})
    const [made] = srv.endpoints
    assert.match(r.stdout, new RegExp(`^id: +${made.id}$`, 'm'))
    assert.match(r.stdout, /^secret: +[0-9a-f]{32}$/m)
    assert.match(r.stderr, /not shown again/)
  })

  test('--json: the endpoint with its secret and nothing else on stdout; --disabled sends disabled: true', async () => {
    const r = await tink(['webhook', 'create', '--url', 'https://example.com/j', '--events', 'payment:updated', '--disabled', '--json'])
    assert.equal(r.code, 0, r.stderr)
    const doc = oneJson(r.stdout)
    assert.equal(doc.id, srv.endpoints[0].id)
    assert.equal(doc.disabled, true)
    assert.match(doc.secret, /^[0-9a-f]{32}$/)
    assert.equal(srv.apiRequests()[0].json.disabled, true)
  })

  test('--verbose traces the requests but never the secret in the answer', async () => {
    const r = await tink(['webhook', 'create', '--url', 'https://example.com/v', '--events', 'refresh:finished', '-v'])
    assert.equal(r.code, 0, r.stderr)
    const secret = srv.secrets.get(srv.endpoints[0].id)
    assert.match(r.stderr, /> POST .*\/events\/v2\/webhook-endpoints/)
    assert.match(r.stderr, /"secret":"\*\*\*"/)
    assert.ok(!r.stderr.includes(secret), 'the secret is not in the trace')
    assert.ok(r.stdout.includes(secret), 'it is printed once, on stdout')
  })

  test("an unknown event is a usage error listing Tink's events; nothing is sent", async () => {
    const r = await tink(['webhook', 'create', '--url', 'https://example.com/x', '--events', 'refresh:finished,refresh:done'])
    assertOneLineError(r, 2, /Unknown event "refresh:done"\. Tink's events are: .*account-transactions:modified.*refresh:finished.*mandate-payment:updated/)
    assert.equal(srv.requests.length, 0)
  })

  test('a URL Tink would refuse (http:// off loopback, not a URL) is a usage error before any request', async () => {
    assertOneLineError(await tink(['webhook', 'create', '--url', 'http://example.com/x', '--events', 'refresh:finished']), 2, /https:\/\/ URL \(Tink accepts https only\)/)
    assertOneLineError(await tink(['webhook', 'create', '--url', 'example.com', '--events', 'refresh:finished']), 2, /is not a URL/)
    assert.equal(srv.requests.length, 0)
    // The local emulator takes http on loopback: all of it, as the CLI's one loopback test (http/loopback.ts) has it.
    for (const host of ['127.0.0.1:9', '127.0.0.2:9', '[::1]:9', 'localhost.:9'])
      assert.equal((await tink(['webhook', 'create', '--url', `http://${host}/hook`, '--events', 'refresh:finished'])).code, 0, host)
    assertOneLineError(await tink(['webhook', 'create', '--url', 'http://128.0.0.1/x', '--events', 'refresh:finished']), 2, /https:\/\/ URL/)
  })

  test('a duplicate (Tink answers 409) is exit 4 with a hint; --json gives the error document', async () => {
    const args = ['webhook', 'create', '--url', 'https://example.com/dup', '--events', 'account:updated']
    assert.equal((await tink(args)).code, 0)
    assertOneLineError(await tink(args), 4, /already exists \(HTTP 409\) \(X-Request-ID: req-\w+\)\. See it with tink webhook list/)
    const j = await tink([...args, '--json'])
    assert.equal(j.code, 4)
    assert.equal(oneJson(j.stdout).error.status, 409)
  })

  test('a create whose answer was lost, retried into a 409: says the first attempt most likely made it and its secret is lost', async () => {
    srv.faults.push({method: 'POST', path: WEBHOOKS, commit: true})
    const r = await tink(['webhook', 'create', '--url', 'https://example.com/lost', '--events', 'refresh:finished'])
    assertOneLineError(r, 4, /most likely this command created it .*its secret was lost \(X-Request-ID: req-\w+\)\. Find it with tink webhook list, delete it/)
    assert.equal(srv.endpoints.length, 1)
    assert.equal(srv.apiRequests().length, 2)
  })

  test('a 503 then success: the retry creates it once and the secret is printed', async () => {
    srv.faults.push({method: 'POST', path: WEBHOOKS, status: 503})
    const r = await tink(['webhook', 'create', '--url', 'https://example.com/retry', '--events', 'refresh:finished', '--json'])
    assert.equal(r.code, 0, r.stderr)
    assert.equal(oneJson(r.stdout).secret, srv.secrets.get(srv.endpoints[0].id))
  })

  test('--save without a profile is refused with a hint, before anything is sent', async () => {
    const r = await tink(['webhook', 'create', '--url', 'https://example.com/s', '--events', 'refresh:finished', '--save'])
    assertOneLineError(r, 2, /--save needs a profile.*--profile/)
    assert.equal(srv.requests.length, 0)
  })
})

describe('webhook list and get', () => {
  test('list follows nextPageToken to the last page; secrets a server lists are never shown', async () => {
    for (let i = 0; i < 5; i++) assert.equal((await tink(['webhook', 'create', '--url', `https://example.com/${i}`, '--events', 'refresh:finished'])).code, 0)
    srv.requests.length = 0
    const r = await tink(['webhook', 'list', '--json'])
    assert.equal(r.code, 0, r.stderr)
    const {webhookEndpoints} = oneJson(r.stdout)
    assert.deepEqual(webhookEndpoints.map((e) => e.url), [0, 1, 2, 3, 4].map((i) => `https://example.com/${i}`))
    assert.ok(webhookEndpoints.every((e) => !('secret' in e)))
    const gets = srv.apiRequests()
    assert.equal(gets.length, 3, 'three pages of two')
    assert.equal(gets[0].query.pageToken, undefined)
    assert.ok(gets[1].query.pageToken && gets[2].query.pageToken !== gets[1].query.pageToken)
    const human = await tink(['webhook', 'list'])
    assert.equal(human.stdout.trim().split('\n').length, 5)
    assert.match(human.stdout, new RegExp(`^${srv.endpoints[4].id}  enabled   https://example.com/4  refresh:finished$`, 'm'))
    assert.doesNotMatch(human.stdout + r.stdout, /"string"|\bstring\b/)
  })

  test('get ID finds the endpoint on a later page; an unknown id is exit 4', async () => {
    for (let i = 0; i < 3; i++) await tink(['webhook', 'create', '--url', `https://example.com/g${i}`, '--events', 'account:created'])
    const id = srv.endpoints[2].id
    const r = await tink(['webhook', 'get', id, '--json'])
    assert.equal(r.code, 0, r.stderr)
    assert.equal(oneJson(r.stdout).url, 'https://example.com/g2')
    assert.ok(!('secret' in oneJson(r.stdout)))
    assertOneLineError(await tink(['webhook', 'get', 'f'.repeat(32)]), 4, /No webhook endpoint with id f{32}\. See the ids with tink webhook list/)
  })

  test("an answer that is not Tink's (no id, a page token handed out twice) is exit 5, not a wrong list or an endless one", async () => {
    srv.faults.push({method: 'GET', path: WEBHOOKS, status: 200, json: {webhookEndpoints: [{url: 'https://example.com/x', enabledEvents: []}]}})
    assertOneLineError(await tink(['webhook', 'list']), 5, /webhook list: the server's answer is not Tink's: a webhook endpoint has no id/)
    const page = {webhookEndpoints: [], nextPageToken: 'same'}
    srv.faults.push({method: 'GET', path: WEBHOOKS, status: 200, json: page}, {method: 'GET', path: WEBHOOKS, status: 200, json: page})
    assertOneLineError(await tink(['webhook', 'list']), 5, /nextPageToken "same" came back a second time/)
  })

  test('an empty list says so on stderr; --json is {"webhookEndpoints": []}', async () => {
    const r = await tink(['webhook', 'list'])
    assert.equal(r.stdout, '')
    assert.match(r.stderr, /No webhook endpoints/)
    assert.deepEqual(oneJson((await tink(['webhook', 'list', '--json'])).stdout), {webhookEndpoints: []})
  })
})

describe('webhook update and delete', () => {
  test('update sends {"webhookEndpoint": {...}} with only the fields given', async () => {
    await tink(['webhook', 'create', '--url', 'https://example.com/u', '--events', 'refresh:finished'])
    const {id} = srv.endpoints[0]
    srv.requests.length = 0
    const r = await tink(['webhook', 'update', id, '--disable', '--events', 'account:created,account:updated', '--json'])
    assert.equal(r.code, 0, r.stderr)
    const [patch] = srv.apiRequests()
    assert.equal(patch.method, 'PATCH')
    assert.equal(patch.path, `${WEBHOOKS}/${id}`)
    assert.deepEqual(patch.json, {webhookEndpoint: {enabledEvents: ['account:created', 'account:updated'], disabled: true}})
    assert.equal(oneJson(r.stdout).disabled, true)
    assert.equal((await tink(['webhook', 'update', id, '--enable'])).code, 0)
    assert.equal(srv.endpoints[0].disabled, false)
  })

  test('update with nothing to change, or --enable with --disable, is a usage error; nothing is sent', async () => {
    assertOneLineError(await tink(['webhook', 'update', 'abc']), 2, /Nothing to update/)
    assertOneLineError(await tink(['webhook', 'update', 'abc', '--enable', '--disable']), 2, /--disable and --enable cannot be used together/)
    assertOneLineError(await tink(['webhook', 'update', 'abc', '--events', 'nope']), 2, /Unknown event "nope"/)
    assert.equal(srv.requests.length, 0)
  })

  test('delete needs --yes off a terminal; with it the endpoint is gone; an unknown id is exit 4', async () => {
    await tink(['webhook', 'create', '--url', 'https://example.com/d', '--events', 'refresh:finished'])
    const {id} = srv.endpoints[0]
    assertOneLineError(await tink(['webhook', 'delete', id]), 2, /without confirmation\. Add --yes/)
    assert.equal(srv.endpoints.length, 1)
    const r = await tink(['webhook', 'delete', id, '--yes', '--json'])
    assert.equal(r.code, 0, r.stderr)
    assert.deepEqual(oneJson(r.stdout), {deleted: true, id, savedSecretRemoved: false})
    assert.equal(srv.endpoints.length, 0)
    assertOneLineError(await tink(['webhook', 'delete', id, '--yes']), 4, new RegExp(`No webhook endpoint with id ${id}`))
  })

  test('delete on a terminal asks; "n" keeps it, "y" deletes it', async () => {
    await tink(['webhook', 'create', '--url', 'https://example.com/t', '--events', 'refresh:finished'])
    const {id} = srv.endpoints[0]
    const no = await inTerminal(['webhook', 'delete', id], {prompt: /Delete webhook/, answer: 'n', env: env()})
    assert.equal(no.code, 2, no.output)
    assert.equal(srv.endpoints.length, 1)
    const yes = await inTerminal(['webhook', 'delete', id], {prompt: /Delete webhook/, answer: 'y', env: env()})
    assert.equal(yes.code, 0, yes.output)
    assert.equal(srv.endpoints.length, 0)
  })
})
