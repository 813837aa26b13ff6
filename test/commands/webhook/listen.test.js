// `tink webhook listen` as a process (it runs until Ctrl-C, whose exit code and count are part
// of the contract): a purpose-built sender signs and retries as Tink does, a test app behind
// --forward-to answers 503 once, and the listener must pass the retry on to it.
import {after, before, describe, test} from 'node:test'
import assert from 'node:assert/strict'
import {createServer} from 'node:net'
import {freePort} from '../../helpers.js'
import {spawnCli} from '../../support/cli.js'
import {runTink} from '../../support/in-process.js'
import {assertOneLineError} from '../../support/cli.js'
import {deliver, startApp, tinkSignature} from '../../support/webhook-sender.js'

const SECRET = 'top_secret_top_secret_top_secret'

/** Starts the listener and resolves once it says where it listens. */
async function listen(args, env = {TINK_WEBHOOK_SECRET: SECRET}, input = undefined) {
  const port = await freePort()
  const run = spawnCli(['webhook', 'listen', '--port', String(port), ...args], {env, input})
  let stderr = ''
  await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no "Listening on" line; stderr: ${stderr}`)), 15_000)
    run.child.stderr.on('data', (d) => {
      stderr += d
      if (/Listening on/.test(stderr)) {
        clearTimeout(timer)
        resolve()
      }
    })
    run.done.then((r) => reject(new Error(`exited early: ${JSON.stringify(r)}`)))
  })
  return {...run, port, base: `http://127.0.0.1:${port}`}
}

const event = (name, externalUserId = 'alice') => JSON.stringify({context: {userId: 'u-1', externalUserId}, content: {credentialsId: 'c-1', status: 'UPDATED'}, event: name})

describe('with --forward-to', () => {
  let app
  before(async () => (app = await startApp([503, 200])))
  after(() => app.close())

  test("verifies, forwards the raw body and headers, passes the app's 503 on so the retry reaches it; 412 for a bad signature; Ctrl-C is exit 130 with the count", async () => {
    const l = await listen(['--path', '/hook', '--forward-to', `${app.url}/webhooks/tink`, '--json'])
    // Two spaces and key order kept: the app must get the body byte for byte.
    const body = event('refresh:finished').replace('"content"', ' "content"')
    assert.deepEqual(await deliver(`${l.base}/hook`, body, {secret: SECRET}), [503, 200], 'the sender retried once and then got the app\'s 200')
    assert.equal(app.received.length, 2)
    for (const got of app.received) {
      assert.equal(got.body, body)
      assert.equal(got.path, '/webhooks/tink')
      assert.match(got.headers['x-tink-signature'], /^t=\d+,v1=[0-9a-f]{64}$/)
      assert.equal(got.headers['user-agent'], 'Tink-Webhooks-Test')
      assert.equal(got.headers['content-type'], 'application/json')
    }

    assert.deepEqual(await deliver(`${l.base}/hook`, event('account:created'), {secret: 'not-the-secret'}), [412])
    assert.deepEqual(await deliver(`${l.base}/hook`, event('account:created'), {header: 'garbage'}), [412])
    assert.deepEqual(await deliver(`${l.base}/other`, event('account:created'), {secret: SECRET}), [404], 'only --path is served')
    assert.equal(app.received.length, 2, 'nothing unverified reaches the app')

    l.child.kill('SIGINT')
    const r = await l.done
    assert.equal(r.code, 130, r.stderr)
    assert.match(r.stderr, /Stopped: 4 events received/)
    const lines = r.stdout.trim().split('\n').map((x) => JSON.parse(x))
    assert.equal(lines.length, 4)
    assert.deepEqual(lines.map((x) => [x.event, x.verified, x.status, x.forward?.status]), [
      ['refresh:finished', true, 503, 503],
      ['refresh:finished', true, 200, 200],
      ['account:created', false, 412, undefined],
      ['account:created', false, 412, undefined],
    ])
    assert.deepEqual(lines[0].context, {userId: 'u-1', externalUserId: 'alice'})
    assert.deepEqual(lines[0].content, {credentialsId: 'c-1', status: 'UPDATED'})
    assert.ok(!Number.isNaN(Date.parse(lines[0].receivedAt)))
    assert.equal(lines[2].reason, 'bad_signature')
    assert.equal(lines[3].reason, 'malformed_header')
  })
})

describe('without --forward-to', () => {
  test('answers 200 to a verified delivery, 412 to a stale one, 413 to a body too large to be a delivery; one human line each; SIGTERM also stops it with the count', async () => {
    const l = await listen([])
    assert.deepEqual(await deliver(`${l.base}/anything`, event('account:updated', 'bob'), {secret: SECRET}), [200])
    const old = Math.floor(Date.now() / 1000) - 1000
    assert.deepEqual(await deliver(l.base, event('account:updated'), {header: tinkSignature(SECRET, old, event('account:updated'))}), [412])
    const huge = JSON.stringify({event: 'account:updated', content: {pad: 'x'.repeat(1024 * 1024)}})
    assert.deepEqual(await deliver(l.base, huge, {secret: SECRET}), [413])
    l.child.kill('SIGTERM')
    const r = await l.done
    assert.equal(r.code, 130, r.stderr)
    assert.match(r.stderr, /Stopped: 3 events received/)
    const lines = r.stdout.trim().split('\n')
    assert.match(lines[2], /\(no event\) {2}REJECTED \(Not checked: the body is over 1048576 bytes\) {2}-> 413$/)
    assert.match(lines[0], / {2}account:updated {2}verified external_user_id=bob {2}-> 200$/)
    assert.match(lines[1], / {2}account:updated {2}REJECTED \(Stale: signed 10\d\d s ago, more than --max-age 300 s\) {2}-> 412$/)
  })

  test('--secret-stdin: the secret piped in is the one deliveries are checked with', async () => {
    const l = await listen(['--secret-stdin'], {TINK_WEBHOOK_SECRET: 'another-secret'}, SECRET + '\n')
    assert.deepEqual(await deliver(l.base, event('account:created'), {secret: SECRET}), [200])
    assert.deepEqual(await deliver(l.base, event('account:created'), {secret: 'another-secret'}), [412])
    l.child.kill('SIGINT')
    assert.match((await l.done).stderr, /secret from stdin.*\n.*Stopped: 2 events received/s)
  })

  test('an app that cannot be reached is a 502 to the sender (so Tink retries), said on the line', async () => {
    const dead = await freePort()
    const l = await listen(['--forward-to', `http://127.0.0.1:${dead}/x`])
    assert.deepEqual(await deliver(l.base, event('payment:updated'), {secret: SECRET, retries: 0}), [502])
    l.child.kill('SIGINT')
    const r = await l.done
    assert.match(r.stdout, /payment:updated {2}verified external_user_id=alice {2}app unreachable \(ECONNREFUSED\) {2}-> 502/)
  })
})

describe('refusals before listening', () => {
  let busy
  before(async () => {
    busy = createServer()
    await new Promise((resolve) => busy.listen(0, '127.0.0.1', resolve))
  })
  after(() => new Promise((resolve) => busy.close(resolve)))

  test('a busy port is exit 5 in one line', async () => {
    const r = await runTink(['webhook', 'listen', '--port', String(busy.address().port)], {env: {TINK_WEBHOOK_SECRET: SECRET}})
    assertOneLineError(r, 5, /Cannot listen on 127\.0\.0\.1:\d+: the port is in use\. Pick another --port/)
  })

  test('no secret is exit 2; a --forward-to that is not an http URL is exit 2', async () => {
    assertOneLineError(await runTink(['webhook', 'listen', '--port', '0']), 2, /No webhook secret/)
    assertOneLineError(await runTink(['webhook', 'listen', '--port', '0', '--forward-to', 'ftp://x'], {env: {TINK_WEBHOOK_SECRET: SECRET}}), 2, /--forward-to "ftp:\/\/x" is not an http/)
    assertOneLineError(await runTink(['webhook', 'listen', '--port', '0', '--path', 'hook'], {env: {TINK_WEBHOOK_SECRET: SECRET}}), 2, /does not start with \//)
  })
})
