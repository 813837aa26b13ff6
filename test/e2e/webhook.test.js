// Webhooks end to end, as a developer runs them on a laptop: the emulator, `tink webhook create`
// for a loopback http URL, `tink webhook listen --forward-to` the developer's app, a Tink Link
// connection finished in headless Chromium, and the emulator's signed events arriving, verified,
// at the app; the app answers 503 once and gets the emulator's retry (Tink's policy) through the
// listener. The app checks each signature itself with node:crypto, as Tink's page describes.
import {after, before, test} from 'node:test'
import assert from 'node:assert/strict'
import {createHmac, timingSafeEqual} from 'node:crypto'
import {createServer} from 'node:http'

import {startEmulator} from 'tink-emulator'
import {emulatorEnv, freePort, tempDir} from '../helpers.js'
import {oneJson, spawnCli} from '../support/cli.js'
import {runTink} from '../support/in-process.js'
import {browserSkip, finishInBrowser} from '../support/link-browser.js'

const EVENTS = ['refresh:finished', 'account:created', 'account-transactions:modified']

let emu
let app
const env = {TINK_CONFIG_DIR: tempDir('tink-config-')}

/** The developer's app: records what arrives, answers 503 to the first delivery and 200 after. */
async function startApp() {
  const received = []
  const server = createServer((req, res) => {
    const chunks = []
    req.on('data', (c) => chunks.push(c))
    req.on('end', () => {
      received.push({path: req.url, headers: req.headers, body: Buffer.concat(chunks).toString('utf8')})
      res.writeHead(received.length === 1 ? 503 : 200).end()
    })
  })
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve))
  return {
    url: `http://127.0.0.1:${server.address().port}`,
    received,
    close: () => new Promise((resolve) => {
      server.close(() => resolve())
      server.closeAllConnections()
    }),
  }
}

function verify(secret, header, body) {
  const m = /(?:^|,)t=(\d+)(?:,|$)/.exec(header)
  const v1 = /(?:^|,)v1=([0-9a-f]+)(?:,|$)/.exec(header)?.[1]
  if (!m || !v1) return false
  const expected = createHmac('sha256', secret).update(`${m[1]}.${body}`).digest('hex')
  return v1.length === expected.length && timingSafeEqual(Buffer.from(v1), Buffer.from(expected))
}

before(async () => {
  emu = await startEmulator({webhookRetryMs: 100})
  app = await startApp()
})
after(async () => {
  await emu?.close()
  await app?.close()
})

test('emulator -> webhook listen --forward-to -> app: a Link connection\'s events arrive verified; a 503 is retried', {skip: browserSkip}, async () => {
  const cli = {...emulatorEnv(emu), TINK_LINK_URL: emu.url, ...env}
  const created = await runTink(['user', 'create', '--external-user-id', 'hooks-e2e', '--market', 'GB', '--locale', 'en_GB', '--json'], {env: cli})
  assert.equal(created.code, 0, created.stderr)
  const userId = oneJson(created.stdout).user_id

  const port = await freePort()
  const hook = await runTink(['webhook', 'create', '--url', `http://127.0.0.1:${port}/hook`, '--events', EVENTS.join(','), '--json'], {env: cli})
  assert.equal(hook.code, 0, hook.stderr)
  const {secret, id} = oneJson(hook.stdout)
  assert.ok(secret, 'the secret is shown once, at creation')

  const listener = spawnCli(['webhook', 'listen', '--port', String(port), '--path', '/hook', '--forward-to', `${app.url}/tink/webhooks`, '--json'], {env: {...cli, TINK_WEBHOOK_SECRET: secret}})
  let stderr = ''
  await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no "Listening on" line; stderr: ${stderr}`)), 15_000)
    listener.child.stderr.on('data', (d) => {
      stderr += d
      if (/Listening on/.test(stderr)) {
        clearTimeout(timer)
        resolve()
      }
    })
    listener.done.then((r) => reject(new Error(`listen exited early: ${JSON.stringify(r)}`)))
  })

  try {
    const link = await runTink(['grant', 'delegate', '--external-user-id', 'hooks-e2e', '--id-hint', 'Jane Doe', '--redirect-uri', 'https://console.tink.com/callback', '--json'], {env: cli})
    assert.equal(link.code, 0, link.stdout + link.stderr)
    const {address} = await finishInBrowser(oneJson(link.stdout).url)
    const credentialsId = new URL(address).searchParams.get('credentials_id')
    assert.match(credentialsId, /^[0-9a-f]{32}$/)

    // refresh:finished, then per account (the Demo Bank has two) account:created and
    // account-transactions:modified: 5 events, one of them twice (the app's 503, then the retry).
    const deadline = Date.now() + 15_000
    while (app.received.length < 6 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50))
    await new Promise((resolve) => setTimeout(resolve, 300))
    assert.equal(app.received.length, 6, `deliveries at the app: ${app.received.map((r) => r.body).join('\n')}`)
    for (const got of app.received) {
      assert.equal(got.path, '/tink/webhooks')
      assert.ok(verify(secret, got.headers['x-tink-signature'], got.body), `the app verifies ${got.body}`)
      const ev = JSON.parse(got.body)
      assert.deepEqual(ev.context, {userId, externalUserId: 'hooks-e2e'})
    }
    const events = app.received.map((r) => JSON.parse(r.body))
    const [first, ...rest] = events
    assert.deepEqual(rest.filter((e) => JSON.stringify(e) === JSON.stringify(first)).length, 1, 'the delivery answered 503 came again')
    const distinct = [...new Set(app.received.map((r) => r.body))].map((b) => JSON.parse(b))
    assert.deepEqual(distinct.map((e) => e.event).sort(), ['account-transactions:modified', 'account-transactions:modified', 'account:created', 'account:created', 'refresh:finished'])
    assert.equal(distinct.find((e) => e.event === 'refresh:finished').content.credentialsId, credentialsId)
    const retried = emu.deliveries.filter((d) => d.endpointId === id && d.status === 503)
    assert.equal(retried.length, 1)
    assert.ok(emu.deliveries.some((d) => d.endpointId === id && d.attempt === 2 && d.status === 200 && d.event === retried[0].event))
  } finally {
    listener.child.kill('SIGINT')
  }
  const r = await listener.done
  assert.equal(r.code, 130, r.stderr)
  assert.match(r.stderr, /Stopped: 6 events received/)
  const lines = r.stdout.trim().split('\n').map((l) => JSON.parse(l))
  assert.equal(lines.length, 6)
  assert.ok(lines.every((l) => l.verified === true), 'every delivery verified at the listener')
  assert.deepEqual(lines.map((l) => l.status).sort(), [200, 200, 200, 200, 200, 503])
})
