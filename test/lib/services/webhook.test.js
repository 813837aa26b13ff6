// The webhook services called directly (src/lib/services/webhook), apart from the commands' flag
// parsing: against the purpose-built events v2 server over loopback, with the real HTTP client,
// TinkApi and file secret store. What a person would notice: a secret Tink shows only once is
// never lost, a deleted webhook's saved secret goes with it, a delivery's verdict, the listener's count.
import {after, before, beforeEach, describe, test} from 'node:test'
import assert from 'node:assert/strict'
import {createHmac} from 'node:crypto'
import {readFileSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {tempDir} from '../../helpers.js'
import {startWebhookServer, WEBHOOKS} from '../../support/webhook-server.js'
import {HttpClient} from '../../../dist/lib/http/client.js'
import {FileStore} from '../../../dist/lib/secrets/keychain.js'
import {TinkApi} from '../../../dist/lib/tink/api.js'
import {WebhookSecrets} from '../../../dist/lib/webhook/saved-secrets.js'
import {formatEndpoint, webhookEndpoints} from '../../../dist/lib/services/webhook/common.js'
import {createWebhook} from '../../../dist/lib/services/webhook/create.js'
import {deleteWebhook} from '../../../dist/lib/services/webhook/delete.js'
import {deliveryLine, deliveryRecord, listenUntilStopped} from '../../../dist/lib/services/webhook/listen.js'
import {readPayload, verifyDelivery} from '../../../dist/lib/services/webhook/verify.js'

const APP = {id: `webhook-service-${process.pid}`, secret: 'webhook-service-secret'}
const INPUT = {url: 'https://example.com/hook', enabledEvents: ['refresh:finished']}
let srv
let http
let endpoints
before(async () => {
  srv = await startWebhookServer({clients: {[APP.id]: APP.secret}})
  http = new HttpClient({baseUrl: srv.url, timeoutMs: 5000, retries: 0, userAgent: 'tink-test'})
  endpoints = webhookEndpoints(new TinkApi({http, credentials: async () => ({clientId: APP.id, clientSecret: APP.secret})}))
})
after(async () => {
  await http.close()
  await srv.close()
})
beforeEach(() => srv.reset())

/** The profile "svc"'s webhook secrets in a file store (a fresh folder unless `path` is given). */
function fileSecrets(path = join(tempDir('tink-webhook-secrets-'), 'secrets.json')) {
  return new WebhookSecrets(new FileStore(path, () => {}), 'svc')
}

describe('createWebhook', () => {
  test("without saving: Tink's endpoint and the secret it handed out, to be shown once", async () => {
    const made = await createWebhook({endpoints}, INPUT)
    assert.equal(made.secret, srv.secrets.get(made.endpoint.id))
    assert.equal(made.saved, undefined)
    assert.equal(made.saveFailure, undefined)
    assert.match(formatEndpoint(made.endpoint), new RegExp(`^id: +${made.endpoint.id}\nurl: +https://example.com/hook\nevents: +refresh:finished\nstate: +enabled`))
  })

  test('saving: the secret is kept under the webhook id, where verify and listen pick it', async () => {
    const secrets = fileSecrets()
    const made = await createWebhook({endpoints, saveIn: {secrets}}, INPUT)
    assert.deepEqual(made.saved, {profile: 'svc', where: secrets.where})
    assert.deepEqual(await secrets.pick(undefined), {id: made.endpoint.id, secret: srv.secrets.get(made.endpoint.id)})
  })

  test('a store that fails after Tink made the endpoint: the secret comes back with the failure, never lost', async () => {
    const dir = tempDir('tink-webhook-secrets-')
    writeFileSync(join(dir, 'secrets.json'), 'not json')
    const made = await createWebhook({endpoints, saveIn: {secrets: fileSecrets(join(dir, 'secrets.json'))}}, INPUT)
    assert.equal(srv.endpoints.length, 1, 'created once')
    assert.equal(made.secret, srv.secrets.get(made.endpoint.id))
    assert.equal(made.saved, undefined)
    assert.equal(made.saveFailure.exitCode, 2)
    assert.match(made.saveFailure.message, /secrets file .* is not valid JSON/)
    assert.equal(readFileSync(join(dir, 'secrets.json'), 'utf8'), 'not json', 'the broken file is left as it was')
  })

  test('an answer without a secret is exit 5 naming the endpoint to delete and create again', async () => {
    srv.faults.push({method: 'POST', path: WEBHOOKS, status: 200, json: {id: 'abc123', url: INPUT.url, enabledEvents: INPUT.enabledEvents}})
    await assert.rejects(createWebhook({endpoints}, INPUT), (err) => {
      assert.equal(err.exitCode, 5)
      assert.match(err.message, /Tink created webhook abc123 but returned no secret/)
      assert.match(err.hint, /tink webhook delete abc123/)
      return true
    })
  })
})

describe('deleteWebhook', () => {
  test("deletes the endpoint and the secret saved for it; the profile's other secrets stay", async () => {
    const secrets = fileSecrets()
    const kept = await createWebhook({endpoints, saveIn: {secrets}}, {...INPUT, url: 'https://example.com/kept'})
    const gone = await createWebhook({endpoints, saveIn: {secrets}}, INPUT)
    const warnings = []
    const done = await deleteWebhook({endpoints, saved: secrets, warn: (l) => warnings.push(l)}, gone.endpoint.id)
    assert.deepEqual(done, {deleted: true, id: gone.endpoint.id, savedSecretRemoved: true})
    assert.deepEqual(srv.endpoints.map((e) => e.id), [kept.endpoint.id])
    assert.deepEqual(await secrets.ids(), [kept.endpoint.id])
    assert.deepEqual(warnings, [])
  })

  test('an id Tink does not know is exit 4 (not found), and nothing saved is touched', async () => {
    const secrets = fileSecrets()
    await secrets.save('f'.repeat(32), 'kept')
    await assert.rejects(deleteWebhook({endpoints, saved: secrets, warn: () => {}}, 'f'.repeat(32)), (err) => {
      assert.equal(err.exitCode, 4)
      assert.equal(err.message, `No webhook endpoint with id ${'f'.repeat(32)}`)
      return true
    })
    assert.equal(await secrets.get('f'.repeat(32)), 'kept')
  })

  test('a saved secret that cannot be removed is a warning: the webhook is deleted all the same', async () => {
    const made = await createWebhook({endpoints}, INPUT)
    const dir = tempDir('tink-webhook-secrets-')
    writeFileSync(join(dir, 'secrets.json'), '[]')
    const warnings = []
    const done = await deleteWebhook({endpoints, saved: fileSecrets(join(dir, 'secrets.json')), warn: (l) => warnings.push(l)}, made.endpoint.id)
    assert.deepEqual(done, {deleted: true, id: made.endpoint.id, savedSecretRemoved: false})
    assert.equal(srv.endpoints.length, 0)
    assert.equal(warnings.length, 1)
    assert.match(warnings[0], new RegExp(`^webhook ${made.endpoint.id} is deleted, but its saved secret could not be removed: The secrets file .* holds an array`))
  })
})

// Tink's worked example (docs.tink.com/resources/api-setup/webhook-signature-validation), as in test/commands/webhook/verify.test.js.
const VECTOR = {
  secret: 'top_secret_top_secret_top_secret',
  header: 't=1620198421,v1=3808bca389150582fd78bdb5e3dfcf46f99ff168d37d60cdc13da7c5e49abefb',
  body: Buffer.from('{"context": {...}, "event": "...",  "content": {...}}'),
}

describe('verifyDelivery and readPayload', () => {
  const now = Math.floor(Date.now() / 1000)
  test("Tink's example verifies without an age limit: when it was signed", () => {
    assert.deepEqual(verifyDelivery({signature: VECTOR.header, body: VECTOR.body, secret: VECTOR.secret, maxAgeS: 0, now}), {
      valid: true,
      timestamp: 1620198421,
      signedAt: '2021-05-05T07:07:01.000Z',
    })
  })

  test("a JSON body's event is named; a stale or tampered delivery is exit 11 with a hint that fits", () => {
    const body = Buffer.from('{"event":"refresh:finished"}')
    const t = now - 10
    const header = `t=${t},v1=${createHmac('sha256', 's3cret').update(`${t}.`).update(body).digest('hex')}`
    assert.equal(verifyDelivery({signature: header, body, secret: 's3cret', maxAgeS: 300, now}).event, 'refresh:finished')
    const refused = (o, code, hint) =>
      assert.throws(
        () => verifyDelivery(o),
        (err) => err.exitCode === 11 && err.code === code && hint.test(err.hint),
      )
    refused({signature: VECTOR.header, body: VECTOR.body, secret: VECTOR.secret, maxAgeS: 300, now}, 'stale', /--max-age 0/)
    refused({signature: header, body: Buffer.from('{"event":"refresh:finishe"}'), secret: 's3cret', maxAgeS: 300, now}, 'bad_signature', /exactly as received/)
    refused({signature: 'v1=abc', body, secret: 's3cret', maxAgeS: 300, now}, 'malformed_header', /t=<unix seconds>/)
  })

  test('readPayload reads the bytes as they are; a missing file or a folder is exit 2 saying which', async () => {
    const dir = tempDir('tink-webhook-payload-')
    writeFileSync(join(dir, 'body.json'), VECTOR.body)
    assert.deepEqual(await readPayload(join(dir, 'body.json')), VECTOR.body)
    await assert.rejects(readPayload(join(dir, 'none.json')), (err) => err.exitCode === 2 && /: no such file$/.test(err.message))
    await assert.rejects(readPayload(dir), (err) => err.exitCode === 2 && /: it is a folder$/.test(err.message))
  })
})

describe('listenUntilStopped', () => {
  test('receives until the signal aborts, then resolves with the count; each delivery as a line and a record', async () => {
    const stop = new AbortController()
    const seen = []
    let url
    const done = listenUntilStopped({
      host: '127.0.0.1',
      port: 0,
      secret: 's3cret',
      maxAgeS: 300,
      signal: stop.signal,
      onListening: (u) => (url = u),
      onDelivery: (d) => seen.push(d),
    })
    while (url === undefined) await new Promise((r) => setTimeout(r, 5))
    const body = JSON.stringify({event: 'account:created', context: {externalUserId: 'cust-1'}, content: {id: 'a1'}})
    const t = Math.floor(Date.now() / 1000)
    const signature = `t=${t},v1=${createHmac('sha256', 's3cret').update(`${t}.${body}`).digest('hex')}`
    const ok = await fetch(url, {method: 'POST', body, headers: {'x-tink-signature': signature, 'content-type': 'application/json'}})
    const bad = await fetch(url, {method: 'POST', body, headers: {'x-tink-signature': `t=${t},v1=${'0'.repeat(64)}`}})
    assert.deepEqual([ok.status, bad.status], [200, 412])
    stop.abort()
    assert.equal(await done, 2)
    assert.match(deliveryLine(seen[0]), /^\S+Z {2}account:created {2}verified external_user_id=cust-1 {2}-> 200$/)
    assert.match(deliveryLine(seen[1]), /^\S+Z {2}account:created {2}REJECTED \(.+\) {2}-> 412$/)
    assert.deepEqual(Object.keys(deliveryRecord(seen[0])), ['receivedAt', 'event', 'verified', 'context', 'content', 'status'])
    assert.equal(deliveryRecord(seen[1]).reason, 'bad_signature')
    await assert.rejects(fetch(url, {method: 'POST', body}), 'the port is closed once stopped')
  })
})
