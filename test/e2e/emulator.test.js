// `tink emulator start` as a user runs it: the built CLI in a subprocess.
import {after, before, describe, test} from 'node:test'
import assert from 'node:assert/strict'
import {spawn, spawnSync} from 'node:child_process'
import {createHmac} from 'node:crypto'
import {createServer} from 'node:http'
import {fileURLToPath} from 'node:url'
import {request} from 'undici'
import {startEmulator} from 'tink-emulator'

import {emulatorEnv, runCli} from '../helpers.js'
import {assertOneLineError, oneJson} from '../support/cli.js'
import {startHookReceiver} from '../support/hook-receiver.js'

const ROOT = fileURLToPath(new URL('../..', import.meta.url))
const RUN = fileURLToPath(new URL('../../bin/run.cjs', import.meta.url))

function start(args) {
  const child = spawn(process.execPath, [RUN, 'emulator', 'start', ...args], {cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe']})
  let stdout = ''
  let stderr = ''
  child.stdout.setEncoding('utf8').on('data', (d) => (stdout += d))
  child.stderr.setEncoding('utf8').on('data', (d) => (stderr += d))
  const exited = new Promise((resolve) => child.on('exit', (code, signal) => resolve({code, signal})))
  const firstLine = new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no output in 15 s; stderr: ${stderr}`)), 15_000)
    const onData = () => {
      if (stdout.includes('\n')) {
        clearTimeout(timer)
        child.stdout.off('data', onData)
        resolve(stdout.slice(0, stdout.indexOf('\n')))
      }
    }
    child.stdout.on('data', onData)
    exited.then(() => reject(new Error(`exited early; stderr: ${stderr}`)))
  })
  return {child, exited, firstLine, out: () => stdout, err: () => stderr}
}

async function emuToken(emu, scope) {
  return (await token(emu.url, scope)).data.access_token
}

async function token(url, scope = 'user:create') {
  const res = await request(`${url}/api/v1/oauth/token`, {
    method: 'POST',
    headers: {'content-type': 'application/x-www-form-urlencoded'},
    body: `grant_type=client_credentials&client_id=tink-emulator-client&client_secret=tink-emulator-secret&scope=${scope}`,
  })
  return {status: res.statusCode, data: await res.body.json()}
}

test('emulator start --port 0 --json: one JSON line, serves tokens, exits 0 on SIGTERM', async () => {
  const p = start(['--port', '0', '--json'])
  const line = await p.firstLine
  const info = JSON.parse(line)
  assert.deepEqual(Object.keys(info).sort(), ['clientId', 'clientSecret', 'linkUrl', 'port', 'redirectUris', 'url'])
  assert.deepEqual(info.redirectUris, ['https://console.tink.com/callback', 'https://console.us.tink.com/callback'])
  assert.equal(info.clientId, 'tink-emulator-client')
  assert.equal(info.clientSecret, 'tink-emulator-secret')
  assert.equal(info.url, `http://127.0.0.1:${info.port}`)
  const r = await token(info.url)
  assert.equal(r.status, 200)
  assert.equal(r.data.scope, 'user:create')
  p.child.kill('SIGTERM')
  const {code} = await p.exited
  assert.equal(code, 0)
  assert.equal(p.out(), line + '\n', 'nothing but the JSON line on stdout')
  assert.match(p.err(), /POST \/api\/v1\/oauth\/token 200/, 'one log line per request on stderr')
})

test('human output shows the URL, credentials and the export line; --quiet silences the log; SIGINT stops it', async () => {
  const p = start(['--quiet', '--fault', 'create:503=1', '--client', 'app2:s2:user:create', '--seed', '1', '--token-ttl', '60'])
  const first = await p.firstLine
  const url = /(http:\/\/127\.0\.0\.1:\d+)/.exec(first)[1]
  const r = await token(url)
  assert.equal(r.data.expires_in, 60)
  p.child.kill('SIGINT')
  const {code} = await p.exited
  assert.equal(code, 130, 'Ctrl+C is exit 130, as --help says')
  assert.match(p.out(), /tink-emulator-secret/)
  assert.match(p.out(), new RegExp(`export TINK_API_URL=${url} TINK_LINK_URL=${url} TINK_CLIENT_ID=tink-emulator-client TINK_CLIENT_SECRET=tink-emulator-secret`))
  assert.doesNotMatch(p.err(), /POST \//, '--quiet: no request log')
})

test('bad flag values -> one-line error, exit 2', () => {
  for (const args of [['--port', '70000'], ['--fault', '503=7'], ['--client', 'no-secret'], ['--token-ttl', '0'], ['--redirect-uri', 'not-a-url'], ['--rate-limit', '0'], ['--webhook-retry-ms=-1']]) {
    const r = spawnSync(process.execPath, [RUN, 'emulator', 'start', ...args], {cwd: ROOT, encoding: 'utf8', timeout: 15_000})
    assert.equal(r.status, 2, `${args.join(' ')}: ${r.stderr}`)
    assert.equal(r.stdout, '')
    assert.match(r.stderr, /Error/)
  }
})

test('a non-loopback --host is allowed only explicitly, with a warning', async () => {
  const p = start(['--host', '0.0.0.0', '--json', '--quiet'])
  const info = JSON.parse(await p.firstLine)
  assert.equal((await token(info.url)).status, 200)
  p.child.kill('SIGTERM')
  assert.equal((await p.exited).code, 0)
  assert.match(p.err(), /Warning: binding to 0\.0\.0\.0/)
})

test('emulator start prints the registered redirect URIs: loopback, Tink Console\'s callbacks and --redirect-uri ones', async (t) => {
  const p = start(['--port', '0', '--quiet', '--redirect-uri', 'https://app.example.com/cb', '--rate-limit', '50'])
  t.after(() => p.child.kill('SIGKILL'))
  await p.firstLine
  await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no banner: ${p.out()}`)), 15_000)
    const poll = setInterval(() => {
      if (p.out().includes('Stop with Ctrl+C.')) {
        clearInterval(poll)
        clearTimeout(timer)
        resolve()
      }
    }, 20)
  })
  p.child.kill('SIGTERM')
  await p.exited
  const out = p.out()
  assert.match(out, /Registered redirect URIs: loopback http ones/)
  assert.match(out, /^Rate limit: 50 requests a second per client id/m)
  for (const uri of ['https://console.tink.com/callback', 'https://console.us.tink.com/callback', 'https://app.example.com/cb']) assert.match(out, new RegExp(`^  ${uri.replaceAll('.', '\\.')}$`, 'm'))
})

test('a port already in use: one line in the CLI style, exit 5; with --json the error document on stdout', async () => {
  const {createServer} = await import('node:net')
  const busy = createServer()
  await new Promise((resolve) => busy.listen(0, '127.0.0.1', resolve))
  const port = String(busy.address().port)
  try {
    const plain = spawnSync(process.execPath, [RUN, 'emulator', 'start', '--port', port], {cwd: ROOT, encoding: 'utf8', timeout: 15_000})
    assert.equal(plain.status, 5, plain.stderr)
    assert.equal(plain.stdout, '')
    assert.equal(plain.stderr, `Error: cannot start the emulator: port ${port} on 127.0.0.1 is already in use. Stop what uses it, pick another --port, or give --port 0 for a free one\n`)
    const json = spawnSync(process.execPath, [RUN, 'emulator', 'start', '--port', port, '--json'], {cwd: ROOT, encoding: 'utf8', timeout: 15_000})
    assert.equal(json.status, 5, json.stderr)
    assert.equal(json.stderr, '')
    assert.deepEqual(JSON.parse(json.stdout).error, {
      code: 'cannot_listen',
      message: `cannot start the emulator: port ${port} on 127.0.0.1 is already in use`,
      hint: 'Stop what uses it, pick another --port, or give --port 0 for a free one',
      exitCode: 5,
    })
  } finally {
    busy.close()
  }
})

test('bad flags with --json: exactly one JSON error document on stdout, exit 2', () => {
  for (const args of [['--port', '70000'], ['--port', 'abc'], ['--fault', '503=7'], ['--nosuch']]) {
    const r = spawnSync(process.execPath, [RUN, 'emulator', 'start', '--json', ...args], {cwd: ROOT, encoding: 'utf8', timeout: 15_000})
    assert.equal(r.status, 2, `${args.join(' ')}: ${r.stderr}`)
    assert.equal(r.stderr, '', args.join(' '))
    const {error} = JSON.parse(r.stdout)
    assert.equal(error.exitCode, 2)
    assert.equal(error.code, 'invalid_usage')
  }
  const plain = spawnSync(process.execPath, [RUN, 'emulator', 'start', '--port', '70000'], {cwd: ROOT, encoding: 'utf8', timeout: 15_000})
  assert.equal(plain.stderr, 'Error: --port must be from 0 to 65535, got 70000. Give 0 for a free port\n')
})

test('--help documents the exit codes', () => {
  const r = spawnSync(process.execPath, [RUN, 'emulator', 'start', '--help'], {cwd: ROOT, encoding: 'utf8', timeout: 15_000})
  assert.match(r.stdout.replace(/\s+/g, ' '), /Exit codes: 0 stopped by SIGTERM, 130 stopped by Ctrl\+C, 2 a bad flag value or an unreadable --state file, 5 it cannot listen/)
})

test('SIGTERM stops it cleanly: exit 0, and a user created just before is in the --state file', async () => {
  const {mkdtempSync, readFileSync} = await import('node:fs')
  const {tmpdir} = await import('node:os')
  const {join} = await import('node:path')
  const state = join(mkdtempSync(join(tmpdir(), 'tink-emu-state-')), 'state.json')
  const p = start(['--json', '--quiet', '--state', state])
  const {url} = JSON.parse(await p.firstLine)
  const {data} = await token(url)
  const res = await request(`${url}/api/v1/user/create`, {
    method: 'POST',
    headers: {authorization: `Bearer ${data.access_token}`, 'content-type': 'application/json'},
    body: JSON.stringify({external_user_id: 'kept-on-sigterm', market: 'GB', locale: 'en_US'}),
  })
  assert.equal(res.statusCode, 200)
  await res.body.dump()
  p.child.kill('SIGTERM')
  assert.equal((await p.exited).code, 0)
  assert.ok(JSON.parse(readFileSync(state, 'utf8')).users.some((u) => u.external_user_id === 'kept-on-sigterm'))
})

describe('tink emulator trigger', () => {
  let emu
  let rx
  let secret
  before(async () => {
    emu = await startEmulator({webhookRetryMs: 10})
    rx = await startHookReceiver()
    const ct = await emuToken(emu, 'webhook-endpoints')
    const made = await request(`${emu.url}/events/v2/webhook-endpoints`, {
      method: 'POST',
      headers: {authorization: `Bearer ${ct}`, 'content-type': 'application/json'},
      body: JSON.stringify({url: rx.url, enabledEvents: ['refresh:finished']}),
    })
    secret = (await made.body.json()).secret
    const ut = await emuToken(emu, 'user:create')
    await request(`${emu.url}/api/v1/user/create`, {method: 'POST', headers: {authorization: `Bearer ${ut}`, 'content-type': 'application/json'}, body: JSON.stringify({external_user_id: 'trigger-user', market: 'GB', locale: 'en_GB'})}).then((r) => r.body.text())
  })
  after(async () => {
    await emu?.close()
    await rx?.close()
  })

  test('emits the event: the subscribed endpoint receives it signed, with --data as content; --json prints the answer', async () => {
    const r = await runCli(['emulator', 'trigger', 'refresh:finished', '--external-user-id', 'trigger-user', '--data', '{"credentialsStatus":"TEMPORARY_ERROR"}', '--json'], {env: emulatorEnv(emu)})
    assert.equal(r.code, 0, r.stderr)
    const out = oneJson(r.stdout)
    assert.equal(out.event, 'refresh:finished')
    assert.equal(out.endpoints, 1)
    const [d] = await rx.waitFor(1)
    const body = JSON.parse(d.body)
    assert.equal(body.event, 'refresh:finished')
    assert.deepEqual(body.context, {userId: out.userId, externalUserId: 'trigger-user'})
    assert.equal(body.content.credentialsStatus, 'TEMPORARY_ERROR')
    const [, t, v1] = /^t=(\d+),v1=([0-9a-f]{64})$/.exec(d.headers['x-tink-signature'])
    assert.equal(v1, createHmac('sha256', secret).update(`${t}.${d.body}`).digest('hex'))
  })

  test('no endpoint subscribed: exit 0, and stderr says nothing was delivered', async () => {
    const r = await runCli(['emulator', 'trigger', 'account:created', '--external-user-id', 'trigger-user'], {env: emulatorEnv(emu)})
    assert.equal(r.code, 0, r.stderr)
    assert.match(r.stdout, /^Emitted account:created for user [0-9a-f]{32} to 0 webhook endpoints\n$/)
    assert.match(r.stderr, /nothing was delivered/)
  })

  test('an unknown event is a usage error listing Tink\'s events; nothing is sent', async () => {
    const before = emu.requests.length
    const r = await runCli(['emulator', 'trigger', 'refresh:done', '--external-user-id', 'trigger-user'], {env: emulatorEnv(emu)})
    assertOneLineError(r, 2, /Unknown event "refresh:done"/)
    assert.match(r.stderr, /refresh:finished/)
    assert.match(r.stderr, /account-transactions:modified/)
    assert.equal(emu.requests.length, before)
  })

  test('bad --data, no user, both users: usage errors', async () => {
    assertOneLineError(await runCli(['emulator', 'trigger', 'refresh:finished', '--user-id', 'ab', '--data', '{'], {env: emulatorEnv(emu)}), 2, /--data is not valid JSON/)
    assertOneLineError(await runCli(['emulator', 'trigger', 'refresh:finished', '--user-id', 'ab', '--data', '[1]'], {env: emulatorEnv(emu)}), 2, /--data must be a JSON object/)
    assertOneLineError(await runCli(['emulator', 'trigger', 'refresh:finished'], {env: emulatorEnv(emu)}), 2, /Which user/)
  })

  test('an unknown user: exit 4 with the emulator\'s message', async () => {
    const r = await runCli(['emulator', 'trigger', 'refresh:finished', '--external-user-id', 'nobody'], {env: emulatorEnv(emu)})
    assertOneLineError(r, 4, /nobody/)
  })

  test('no emulator listening at the base URL: exit 5 in one line', async () => {
    const {freePort} = await import('../helpers.js')
    const r = await runCli(['emulator', 'trigger', 'refresh:finished', '--external-user-id', 'x', '--base-url', `http://127.0.0.1:${await freePort()}`, '--retries', '0'], {env: {}})
    assertOneLineError(r, 5)
  })

  test('a base URL that is not an emulator is refused in one line before any trigger is sent', async () => {
    const seen = []
    const srv = createServer((req, res) => {
      seen.push(`${req.method} ${req.url}`)
      res.writeHead(404, {'content-type': 'application/json'}).end('{"errorMessage":"not found","errorCode":"not_found"}')
    })
    await new Promise((resolve) => srv.listen(0, '127.0.0.1', resolve))
    try {
      const r = await runCli(['emulator', 'trigger', 'refresh:finished', '--external-user-id', 'x', '--base-url', `http://127.0.0.1:${srv.address().port}`], {env: {}})
      assertOneLineError(r, 2, /is not a tink emulator/)
      assert.deepEqual(seen, ['GET /__emulator/health'])
    } finally {
      srv.closeAllConnections()
      await new Promise((resolve) => srv.close(resolve))
    }
  })
})
