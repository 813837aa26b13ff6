// The process contract of the API commands (token, grant, user, api, credentials), as a user and a script see
// it: bin/run.cjs in a subprocess against the emulator. Exit status, stdout holding exactly the
// result (one JSON document with --json), messages and errors on stderr. Behaviour in detail is
// tested in process, in test/commands/ (token/get, grant/create-delegate, user/create-delete).
import {after, before, describe, test} from 'node:test'
import assert from 'node:assert/strict'
import {ALL_SCOPES, startEmulator} from 'tink-emulator'
import {emulatorEnv, runCli, tempDir} from '../helpers.js'
import {assertOneLineError, oneJson} from '../support/cli.js'

describe('token, grant and user as processes', () => {
  let emu
  before(async () => (emu = await startEmulator()))
  after(() => emu.close())

  test('token get --raw: the token alone on stdout, nothing on stderr, exit 0', async () => {
    const r = await runCli(['token', 'get', '--scope', 'user:create', '--raw'], {env: emulatorEnv(emu)})
    assert.equal(r.code, 0, r.stderr)
    assert.match(r.stdout, /^\S+\n$/)
    assert.equal(r.stderr, '')
  })

  test('user create --json then grant create --exchange --json: one document each; user delete exit 0', async () => {
    const created = await runCli(['user', 'create', '-e', 'e2e-1', '--market', 'GB', '--json'], {env: emulatorEnv(emu)})
    assert.equal(created.code, 0, created.stderr)
    assert.equal(oneJson(created.stdout).external_user_id, 'e2e-1')
    const token = await runCli(['grant', 'create', '-e', 'e2e-1', '--scope', 'accounts:read', '--exchange', '--json'], {env: emulatorEnv(emu)})
    assert.equal(token.code, 0, token.stderr)
    assert.equal(oneJson(token.stdout).scope, 'accounts:read')
    const gone = await runCli(['user', 'delete', '-e', 'e2e-1', '--yes'], {env: emulatorEnv(emu)})
    assert.equal(gone.code, 0, gone.stderr)
    assert.equal(emu.users().length, 0)
  })

  test('a user that exists: exit 4, one line on stderr; with --json the error document on stdout', async () => {
    await runCli(['user', 'create', '-e', 'e2e-2', '--market', 'GB'], {env: emulatorEnv(emu)})
    const again = await runCli(['user', 'create', '-e', 'e2e-2', '--market', 'GB'], {env: emulatorEnv(emu)})
    assertOneLineError(again, 4, /already exists/)
    const json = await runCli(['user', 'create', '-e', 'e2e-2', '--market', 'GB', '--json'], {env: emulatorEnv(emu)})
    assert.equal(json.code, 4)
    assert.equal(oneJson(json.stdout).error.status, 409)
  })

  test('bad input: exit 2 before any request; wrong secret: exit 3; nothing listening: exit 5', async () => {
    const before = emu.requests.length
    assertOneLineError(await runCli(['user', 'create', '-e', 'x', '--market', 'ZZ'], {env: emulatorEnv(emu)}), 2, /market/i)
    assert.equal(emu.requests.length, before, 'no request sent')
    assertOneLineError(await runCli(['token', 'get', '--no-cache'], {env: {...emulatorEnv(emu), TINK_CLIENT_SECRET: 'wrong'}}), 3)
    assertOneLineError(await runCli(['token', 'get', '--no-cache', '--retries', '0'], {env: {...emulatorEnv(emu), TINK_API_URL: 'http://127.0.0.1:9'}}), 5)
  })
})

describe('tink api, credentials list and token revoke as processes', () => {
  const API_CLIENT = {id: `e2e-api-${process.pid}-${Date.now().toString(36)}`, secret: 'e2e-api-secret', scopes: [...ALL_SCOPES]}
  let emu
  let env
  before(async () => {
    emu = await startEmulator({quiet: true, demoData: true, clients: [API_CLIENT]})
    env = {...emulatorEnv(emu, API_CLIENT), TINK_CONFIG_DIR: tempDir('tink-config-')}
    const r = await runCli(['user', 'create', '--external-user-id', 'demo-1', '--market', 'GB', '--locale', 'en_GB'], {env})
    assert.equal(r.code, 0, r.stderr)
  })
  after(() => emu.close())

  test('tink api --paginate: one JSON array on stdout, nothing on stderr, exit 0', async () => {
    const r = await runCli(['api', '/data/v2/transactions', '--external-user-id', 'demo-1', '--paginate'], {env})
    assert.equal(r.code, 0, r.stderr)
    assert.equal(r.stderr, '')
    assert.ok(JSON.parse(r.stdout).length >= 250)
  })

  test('credentials list --json: exactly one JSON document; a revoked token is exit 3 with the error on stderr', async () => {
    const j = await runCli(['credentials', 'list', '-e', 'demo-1', '--json'], {env})
    assert.equal(j.code, 0, j.stderr)
    assert.equal(JSON.parse(j.stdout).credentials.length, 1)
    const t = await runCli(['token', 'get', '-e', 'demo-1', '-s', 'user:read', '--raw'], {env})
    assert.equal(t.code, 0, t.stderr)
    const rv = await runCli(['token', 'revoke', '-e', 'demo-1', '--yes'], {env})
    assert.equal(rv.code, 0, rv.stderr)
    const r = await runCli(['api', '/api/v1/user', '--token', '-'], {env, input: t.stdout.trim()})
    assert.equal(r.code, 3)
    assert.equal(r.stdout, '')
    assert.match(r.stderr, /HTTP 401/)
  })

  test('tink api with an unknown path and no --scope: exit 2, usage error on stderr only', async () => {
    const r = await runCli(['api', '/api/v1/whatever', '-e', 'demo-1'], {env})
    assert.equal(r.code, 2)
    assert.equal(r.stdout, '')
    assert.match(r.stderr, /--scope/)
  })
})

describe('tink api --paginate --ndjson as a process', () => {
  test('streams in flat memory: 300 large pages go through a heap far smaller than all their items', async () => {
    const {createServer} = await import('node:http')
    const {spawn} = await import('node:child_process')
    const {openSync, closeSync} = await import('node:fs')
    const {BIN, cleanEnv, ROOT} = await import('../helpers.js')
    const PAGES = 300
    const ITEMS = 2000
    let served = 0
    // Every page: 2,000 items of ~150 bytes (under the client's 1 MiB body cap); 300 pages hold
    // ~90 MB of JSON, several times the heap the CLI is given below.
    const server = createServer((req, res) => {
      const n = Number(new URL(req.url, 'http://x').searchParams.get('pageToken') ?? 0)
      served++
      const items = Array.from({length: ITEMS}, (_, i) => ({id: `${n}-${i}`, description: 'x'.repeat(100), amount: i}))
      res.writeHead(200, {'content-type': 'application/json'})
      res.end(JSON.stringify({transactions: items, nextPageToken: n + 1 < PAGES ? String(n + 1) : ''}))
    })
    await new Promise((r) => server.listen(0, '127.0.0.1', r))
    const out = openSync('/dev/null', 'w')
    try {
      const env = cleanEnv({TINK_API_URL: `http://127.0.0.1:${server.address().port}`})
      const child = spawn(process.execPath, ['--max-old-space-size=64', BIN, 'api', '/data/v2/transactions', '--token', '-', '--paginate', '--ndjson'], {cwd: ROOT, env, stdio: ['pipe', out, 'pipe']})
      child.stdin.end('tok')
      let stderr = ''
      child.stderr.setEncoding('utf8').on('data', (d) => (stderr += d))
      const code = await new Promise((resolve) => child.on('close', resolve))
      assert.equal(code, 0, stderr.slice(0, 2000))
      assert.equal(served, PAGES)
    } finally {
      closeSync(out)
      server.close()
    }
  })
})
