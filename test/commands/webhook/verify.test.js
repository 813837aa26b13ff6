// `tink webhook verify`, in process: Tink's worked example from its signature page as a test
// vector, then what a receiver must refuse (tampered body, wrong secret, stale, malformed header),
// and the secret saved with `webhook create --save` in the real keychain under the profile.
import {after, before, describe, test} from 'node:test'
import assert from 'node:assert/strict'
import {createHmac} from 'node:crypto'
import {readdirSync, readFileSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {tempDir} from '../../helpers.js'
import {runTink} from '../../support/in-process.js'
import {assertOneLineError, oneJson} from '../../support/cli.js'
import {needsKeychain} from '../../support/keychain.js'
import {startWebhookServer} from '../../support/webhook-server.js'

// docs.tink.com/resources/api-setup/webhook-signature-validation (Tiny-doc docs/tink_docs_home/resources/api-setup/webhook-signature-validation):
// the body literally as the page gives it, two spaces before "content".
const VECTOR = {
  secret: 'top_secret_top_secret_top_secret',
  t: 1620198421,
  body: '{"context": {...}, "event": "...",  "content": {...}}',
  v1: '3808bca389150582fd78bdb5e3dfcf46f99ff168d37d60cdc13da7c5e49abefb',
}
const HEADER = `t=${VECTOR.t},v1=${VECTOR.v1}`

const dir = tempDir('tink-webhook-verify-')
const file = (name, text) => {
  const path = join(dir, name)
  writeFileSync(path, text)
  return path
}
const vectorFile = file('vector.json', VECTOR.body)
const sign = (secret, t, body) => `t=${t},v1=${createHmac('sha256', secret).update(`${t}.${body}`).digest('hex')}`
const now = () => Math.floor(Date.now() / 1000)
/** `opts.secret`: TINK_WEBHOOK_SECRET (Tink's example secret unless given; undefined: not set). */
const verify = (args, opts = {}) => {
  const secret = 'secret' in opts ? opts.secret : VECTOR.secret
  return runTink(['webhook', 'verify', ...args], {input: opts.input, env: secret === undefined ? {} : {TINK_WEBHOOK_SECRET: secret}})
}

describe("Tink's signature page example", () => {
  test('verifies with --max-age 0 (its timestamp is from 2021): exit 0, the time it was signed', async () => {
    const r = await verify(['--signature', HEADER, '--payload', vectorFile, '--max-age', '0'])
    assert.equal(r.code, 0, r.stderr)
    assert.equal(r.stdout, 'Valid signature, signed at 2021-05-05T07:07:01.000Z\n')
    const j = await verify(['--signature', HEADER, '--payload', vectorFile, '--max-age', '0', '--json'])
    assert.deepEqual(oneJson(j.stdout), {valid: true, timestamp: VECTOR.t, signedAt: '2021-05-05T07:07:01.000Z'})
  })

  test('the secret from --secret-stdin, the body from a file; or the body from stdin with the secret in the environment', async () => {
    const a = await verify(['--signature', HEADER, '--payload', vectorFile, '--max-age', '0', '--secret-stdin'], {secret: undefined, input: VECTOR.secret + '\n'})
    assert.equal(a.code, 0, a.stderr)
    const b = await verify(['--signature', HEADER, '--payload', '-', '--max-age', '0'], {input: VECTOR.body})
    assert.equal(b.code, 0, b.stderr)
  })

  test('with the default --max-age it is refused as stale: exit 11, one line', async () => {
    assertOneLineError(await verify(['--signature', HEADER, '--payload', vectorFile]), 11, /^Error: Stale: signed \d+ s ago, more than --max-age 300 s/)
  })

  test('a tampered body (one space less) or a wrong secret is a bad signature: exit 11', async () => {
    const tampered = file('tampered.json', VECTOR.body.replace('",  "', '", "'))
    assertOneLineError(await verify(['--signature', HEADER, '--payload', tampered, '--max-age', '0']), 11, /^Error: Bad signature/)
    assertOneLineError(await verify(['--signature', HEADER, '--payload', file('nl.json', VECTOR.body + '\n'), '--max-age', '0']), 11, /Bad signature.*no newline added/)
    assertOneLineError(await verify(['--signature', HEADER, '--payload', vectorFile, '--max-age', '0'], {secret: 'top_secret_top_secret_top_secreT'}), 11, /Bad signature/)
  })

  test('unknown keys in the header are ignored, in any order; one matching v1 among several is enough', async () => {
    for (const header of [`v0=deadbeef,t=${VECTOR.t},scheme=x,v1=${VECTOR.v1}`, `t=${VECTOR.t},v1=${'0'.repeat(64)},v1=${VECTOR.v1}`, ` t=${VECTOR.t} , v1=${VECTOR.v1} `]) {
      const r = await verify(['--signature', header, '--payload', vectorFile, '--max-age', '0'])
      assert.equal(r.code, 0, `${header}: ${r.stderr}`)
    }
  })

  test('a missing or malformed header is exit 11 saying what is wrong with it', async () => {
    const cases = [
      [`v1=${VECTOR.v1}`, /Malformed X-Tink-Signature header: it has no t/],
      [`t=${VECTOR.t}`, /Malformed X-Tink-Signature header: it has no v1/],
      [`t=yesterday,v1=${VECTOR.v1}`, /t is not a Unix timestamp/],
      [`t=1,t=${VECTOR.t},v1=${VECTOR.v1}`, /more than one t/],
      ['garbage', /Malformed X-Tink-Signature header/],
    ]
    for (const [header, pattern] of cases) assertOneLineError(await verify(['--signature', header, '--payload', vectorFile, '--max-age', '0']), 11, pattern)
    assertOneLineError(await verify(['--signature', `t=${VECTOR.t},v1=zz`, '--payload', vectorFile, '--max-age', '0']), 11, /Bad signature/)
    assertOneLineError(await verify(['--payload', vectorFile]), 2, /Missing required flag --signature/)
  })

  test('--json: the error document with the reason as its code and exit code 11', async () => {
    const r = await verify(['--signature', HEADER, '--payload', vectorFile, '--json'])
    assert.equal(r.code, 11)
    const {error} = oneJson(r.stdout)
    assert.equal(error.code, 'stale')
    assert.equal(error.exitCode, 11)
  })
})

describe('the age check and the secret', () => {
  test('a fresh signature passes the default limit; one older than --max-age does not', async () => {
    const body = '{"event":"refresh:finished","context":{"userId":"u1"},"content":{}}'
    const payload = file('fresh.json', body)
    const ok = await verify(['--signature', sign(VECTOR.secret, now() - 5, body), '--payload', payload])
    assert.equal(ok.code, 0, ok.stderr)
    assert.match(ok.stdout, /^Valid signature for a refresh:finished event, signed at /)
    assert.equal((await verify(['--signature', sign(VECTOR.secret, now() - 100, body), '--payload', payload, '--max-age', '120'])).code, 0)
    assertOneLineError(await verify(['--signature', sign(VECTOR.secret, now() - 200, body), '--payload', payload, '--max-age', '120']), 11, /Stale: signed 2\d\d s ago, more than --max-age 120 s/)
  })

  test('no secret anywhere is exit 2 naming the three ways to give one', async () => {
    assertOneLineError(await verify(['--signature', HEADER, '--payload', vectorFile], {secret: undefined}), 2, /No webhook secret.*--secret-stdin, set TINK_WEBHOOK_SECRET, or save it with tink webhook create --save/)
  })

  test('--payload - with --secret-stdin is a usage error (one stdin); an unreadable --payload is exit 2', async () => {
    assertOneLineError(await verify(['--signature', HEADER, '--payload', '-', '--secret-stdin'], {secret: undefined, input: 'x'}), 2, /--payload - and --secret-stdin both read standard input/)
    assertOneLineError(await verify(['--signature', HEADER, '--payload', join(dir, 'missing.json')]), 2, /Cannot read --payload .*no such file/)
  })

  test('the secret never shows, not even with --verbose', async () => {
    const r = await verify(['--signature', HEADER, '--payload', vectorFile, '-v'])
    assert.doesNotMatch(r.stdout + r.stderr, /top_secret/)
    assert.match(r.stderr, /webhook secret from env TINK_WEBHOOK_SECRET/)
  })
})

describe('a secret saved with webhook create --save', () => {
  const APP = {id: `webhook-save-app-${process.pid}`, secret: 'webhook-save-secret'}
  const config = tempDir('tink-webhook-profile-')
  const name = `wh${process.pid}`
  let srv
  before(async () => (srv = await startWebhookServer({clients: {[APP.id]: APP.secret}})))
  after(async () => {
    for (const e of [...(srv?.endpoints ?? [])]) await runTink(['webhook', 'delete', e.id, '--yes', '--profile', name], {env: {TINK_CONFIG_DIR: config}})
    await runTink(['profile', 'remove', name, '--yes'], {env: {TINK_CONFIG_DIR: config}})
    await srv?.close()
  })
  const inProfile = (args, opts = {}) => runTink([...args, '--profile', name], {...opts, env: {TINK_CONFIG_DIR: config, ...opts.env}})

  test('is kept in the keychain under the profile and the webhook id, never printed nor in the config folder; verify and delete use it', async (t) => {
    if (!needsKeychain(t)) return
    const add = await runTink(['profile', 'add', name, '--base-url', srv.url, '--client-id', APP.id, '--client-secret-stdin'], {env: {TINK_CONFIG_DIR: config}, input: APP.secret})
    assert.equal(add.code, 0, add.stderr)

    const first = await inProfile(['webhook', 'create', '--url', 'https://example.com/a', '--events', 'refresh:finished', '--save', '--json'])
    assert.equal(first.code, 0, first.stderr)
    const doc = oneJson(first.stdout)
    const secretA = srv.secrets.get(doc.id)
    assert.equal(doc.secret, undefined)
    assert.equal(doc.savedSecret.profile, name)
    assert.match(first.stderr, new RegExp(`Saved the webhook secret in the OS keychain .*profile ${name}, webhook ${doc.id}`))
    assert.doesNotMatch(first.stdout + first.stderr, new RegExp(secretA))
    for (const f of readdirSync(config, {recursive: true})) {
      let text = ''
      try {
        text = readFileSync(join(config, f), 'utf8')
      } catch {
        continue
      }
      assert.ok(!text.includes(secretA), `${f} holds no webhook secret`)
    }

    // Exactly one saved: verify finds it without being told.
    const body = '{"event":"account:created","context":{},"content":{}}'
    const payload = file('saved.json', body)
    const ok = await inProfile(['webhook', 'verify', '--signature', sign(secretA, now(), body), '--payload', payload])
    assert.equal(ok.code, 0, ok.stderr)

    const second = await inProfile(['webhook', 'create', '--url', 'https://example.com/b', '--events', 'refresh:finished', '--save', '--json'])
    assert.equal(second.code, 0, second.stderr)
    const idB = oneJson(second.stdout).id
    const secretB = srv.secrets.get(idB)
    assertOneLineError(await inProfile(['webhook', 'verify', '--signature', sign(secretB, now(), body), '--payload', payload]), 2, /saved secrets for 2 webhooks.*Pick one with --webhook-id/)
    assert.equal((await inProfile(['webhook', 'verify', '--webhook-id', idB, '--signature', sign(secretB, now(), body), '--payload', payload])).code, 0)
    assertOneLineError(await inProfile(['webhook', 'verify', '--webhook-id', doc.id, '--signature', sign(secretB, now(), body), '--payload', payload]), 11, /Bad signature/)

    // Deleting the webhook drops its saved secret; the other one is then the only one.
    const del = await inProfile(['webhook', 'delete', idB, '--yes', '--json'])
    assert.equal(oneJson(del.stdout).savedSecretRemoved, true)
    assertOneLineError(await inProfile(['webhook', 'verify', '--webhook-id', idB, '--signature', sign(secretB, now(), body), '--payload', payload]), 2, new RegExp(`No saved secret for webhook ${idB}`))
    assert.equal((await inProfile(['webhook', 'verify', '--signature', sign(secretA, now(), body), '--payload', payload])).code, 0)

    // Removing the profile takes its webhook secrets with it: a new profile of the same name has none.
    const removed = await runTink(['profile', 'remove', name, '--yes'], {env: {TINK_CONFIG_DIR: config}})
    assert.equal(removed.code, 0, removed.stderr)
    const again = await runTink(['profile', 'add', name, '--base-url', srv.url, '--client-id', APP.id, '--client-secret-stdin'], {env: {TINK_CONFIG_DIR: config}, input: APP.secret})
    assert.equal(again.code, 0, again.stderr)
    assertOneLineError(await inProfile(['webhook', 'verify', '--webhook-id', doc.id, '--signature', sign(secretA, now(), body), '--payload', payload]), 2, new RegExp(`No saved secret for webhook ${doc.id}`))
    assertOneLineError(await inProfile(['webhook', 'verify', '--signature', sign(secretA, now(), body), '--payload', payload]), 2, /has no saved webhook secret/)
  })
})
