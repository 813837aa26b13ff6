// `tink emulator start` as a user runs it: the built CLI in a subprocess.
import {test} from 'node:test'
import assert from 'node:assert/strict'
import {spawn, spawnSync} from 'node:child_process'
import {fileURLToPath} from 'node:url'
import {request} from 'undici'

const ROOT = fileURLToPath(new URL('..', import.meta.url))
const RUN = fileURLToPath(new URL('../bin/run.cjs', import.meta.url))

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

async function token(url) {
  const res = await request(`${url}/api/v1/oauth/token`, {
    method: 'POST',
    headers: {'content-type': 'application/x-www-form-urlencoded'},
    body: 'grant_type=client_credentials&client_id=tink-emulator-client&client_secret=tink-emulator-secret&scope=user:create',
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
  for (const args of [['--port', '70000'], ['--fault', '503=7'], ['--client', 'no-secret'], ['--token-ttl', '0'], ['--redirect-uri', 'not-a-url'], ['--rate-limit', '0']]) {
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
