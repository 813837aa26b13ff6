// The package's own command, `tink-emulator`: what `tink emulator start` does, without the CLI.
import {test} from 'node:test'
import assert from 'node:assert/strict'
import {spawn, spawnSync} from 'node:child_process'
import {mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {fileURLToPath} from 'node:url'

const BIN = fileURLToPath(new URL('../bin/tink-emulator.js', import.meta.url))

/** Starts the bin; resolves once `marker` is on stdout. A failed test stops it (kill does nothing once it has exited). */
function start(t, args, marker = '\n') {
  const child = spawn(process.execPath, [BIN, ...args], {stdio: ['ignore', 'pipe', 'pipe']})
  t.after(() => child.kill('SIGKILL'))
  let out = ''
  let err = ''
  child.stderr.on('data', (d) => (err += d))
  // 'close': the process has exited and its stdout and stderr are read to the end.
  const exited = new Promise((resolve) => child.on('close', (code) => resolve(code)))
  const ready = new Promise((resolve, reject) => {
    child.stdout.on('data', (d) => {
      out += d
      if (out.includes(marker)) resolve()
    })
    exited.then((code) => reject(new Error(`exited ${code}: ${err}`)))
  })
  return {child, exited, ready, out: () => out, err: () => err}
}

test('banner: URL, the built-in client, registered redirect URIs, the export line; users kept in --state; SIGINT is 130', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'tink-emulator-bin-'))
  t.after(() => rmSync(dir, {recursive: true, force: true}))
  const state = join(dir, 'state.json')
  const p = start(t, ['--state', state, '--redirect-uri', 'https://app.example.com/cb', '--demo-data'], 'Stop with Ctrl+C.')
  await p.ready
  const url = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(p.out())[1]
  assert.match(p.out(), /client id: +tink-emulator-client/)
  assert.match(p.out(), /^ {2}https:\/\/console\.tink\.com\/callback$/m)
  assert.match(p.out(), /^ {2}https:\/\/app\.example\.com\/cb$/m)
  assert.match(p.out(), new RegExp(`export TINK_API_URL=${url} `))
  const form = {client_id: 'tink-emulator-client', client_secret: 'tink-emulator-secret', grant_type: 'client_credentials'}
  const ct = (await (await fetch(`${url}/api/v1/oauth/token`, {method: 'POST', body: new URLSearchParams(form)})).json()).access_token
  const created = await fetch(`${url}/api/v1/user/create`, {method: 'POST', headers: {authorization: `Bearer ${ct}`, 'content-type': 'application/json'}, body: '{"market":"SE","locale":"sv_SE","external_user_id":"kept"}'})
  assert.equal(created.status, 200)
  p.child.kill('SIGINT')
  assert.equal(await p.exited, 130)
  // Read once the process is gone: the log line is written after the answer is sent.
  assert.match(p.err(), /POST \/api\/v1\/user\/create 200/, 'one log line per request on stderr')
  assert.equal(JSON.parse(readFileSync(state, 'utf8')).users[0].external_user_id, 'kept', 'the state file is flushed on the way out')
})

test('a corrupt --state file is exit 2 and left untouched; a port in use is exit 5', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'tink-emulator-bin-'))
  t.after(() => rmSync(dir, {recursive: true, force: true}))
  const state = join(dir, 'state.json')
  writeFileSync(state, '{not json')
  const r = spawnSync(process.execPath, [BIN, '--state', state], {encoding: 'utf8'})
  assert.equal(r.status, 2, r.stderr)
  assert.match(r.stderr, /state file .* is corrupt/)
  assert.equal(readFileSync(state, 'utf8'), '{not json')

  const first = start(t, ['--json', '--quiet'])
  await first.ready
  const {port} = JSON.parse(first.out())
  const taken = spawnSync(process.execPath, [BIN, '--port', String(port)], {encoding: 'utf8'})
  assert.equal(taken.status, 5, taken.stderr)
  assert.match(taken.stderr, /cannot start/)
  first.child.kill('SIGTERM')
  assert.equal(await first.exited, 0)
})

test('--webhook-retry-ms sets the first retry interval of webhook deliveries; a negative one is exit 2', async (t) => {
  const bad = spawnSync(process.execPath, [BIN, '--webhook-retry-ms', '-5'], {encoding: 'utf8'})
  assert.equal(bad.status, 2, bad.stderr)
  const {startReceiver} = await import('./support/receiver.js')
  const rx = await startReceiver()
  t.after(() => rx.close())
  const p = start(t, ['--json', '--quiet', '--webhook-retry-ms', '50'])
  await p.ready
  const {url} = JSON.parse(p.out())
  const form = {client_id: 'tink-emulator-client', client_secret: 'tink-emulator-secret', grant_type: 'client_credentials'}
  const ct = (await (await fetch(`${url}/api/v1/oauth/token`, {method: 'POST', body: new URLSearchParams(form)})).json()).access_token
  const json = {authorization: `Bearer ${ct}`, 'content-type': 'application/json'}
  assert.equal((await fetch(`${url}/events/v2/webhook-endpoints`, {method: 'POST', headers: json, body: JSON.stringify({url: rx.url, enabledEvents: ['refresh:finished']})})).status, 200)
  const {user_id: userId} = await (await fetch(`${url}/api/v1/user/create`, {method: 'POST', headers: json, body: '{"market":"GB","locale":"en_GB"}'})).json()
  rx.answers.push(503)
  const started = Date.now()
  assert.equal((await fetch(`${url}/__emulator/events`, {method: 'POST', body: JSON.stringify({event: 'refresh:finished', userId})})).status, 202)
  await rx.waitFor(2)
  assert.ok(Date.now() - started < 2000, 'the retry came after about 50 ms, not the default 5 s')
  p.child.kill('SIGTERM')
  assert.equal(await p.exited, 0)
})
