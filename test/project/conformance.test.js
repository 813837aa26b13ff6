// Third-party conformance: Stoplight Prism checks the CLI's requests and the emulator's answers
// against spec/tink-oauth.openapi.yaml, so neither can drift from the contract unnoticed (our own
// emulator agreeing with our own CLI proves nothing about the spec).
//   - proxy mode: Prism between the real `tink` commands and the emulator validates both
//     directions of every call; zero errors allowed, warnings (undeclared statuses) printed.
//   - mock mode: Prism answers with values generated from the spec ("code": "string",
//     "expires_in": -2147483648); every command must still work and never trust that lifetime.
// The spec against the shared seed, and the operations added beyond it: conformance-beyond-seed.
import {test, describe, before, after, afterEach} from 'node:test'
import assert from 'node:assert/strict'

import {startEmulator} from 'tink-emulator'
import {emulatorEnv, freePort, tempDir} from '../helpers.js'
import {runTink} from '../support/in-process.js'
import {countAllReceived, countReceived, scanLog, startPrism} from '../support/prism.js'
import {spawnCli} from '../support/cli.js'
import {runLink} from '../support/emulator-http.js'
import {CLIENT} from '../support/conformance-client.js'

const TOKEN = '/api/v1/oauth/token'
const GRANT = '/api/v1/oauth/authorization-grant'
const LINK = 'https://link.tink.com/1.0/transactions/connect-accounts?'

let emu
let proxy
let mock
const warnings = []

before(async () => {
  emu = await startEmulator({quiet: true, clients: [CLIENT]})
  // Both Prisms start at once (about a second each); each is kept even if the other fails, so
  // `after` can stop it.
  const [p, m] = await Promise.allSettled([startPrism({mode: 'proxy', upstream: emu.url}), startPrism({mode: 'mock'})])
  if (p.status === 'fulfilled') proxy = p.value
  if (m.status === 'fulfilled') mock = m.value
  for (const r of [p, m]) if (r.status === 'rejected') throw r.reason
})

after(async () => {
  await Promise.all([proxy?.close(), mock?.close()])
  await emu?.close()
})

/**
 * Runs `tink ...args` against a Prism, and returns the result with what Prism logged meanwhile
 * and how many Tink requests reached the emulator.
 */
async function viaPrism(prism, args, {input, env = {}, stdoutTTY = false} = {}) {
  const mark = prism.mark()
  const before = emu.requests.length
  const r = await runTink(args, {input, env: {...cliEnv(prism), ...env}, stdoutTTY})
  await prism.settle()
  const log = prism.since(mark)
  const found = scanLog(log)
  warnings.push(...found.warnings)
  return {...r, mode: prism.mode, log, ...found, received: countAllReceived(log), forwarded: emu.requests.slice(before).map((req) => req.path)}
}

// One private config folder for the file (helpers would make one per run).
const CONFIG = tempDir('tink-config-')

function cliEnv(prism) {
  return {...emulatorEnv(emu, CLIENT), TINK_API_URL: prism.url, TINK_CONFIG_DIR: CONFIG}
}

function show(r) {
  return `exit ${r.code}\nstdout: ${r.stdout}\nstderr: ${r.stderr}\nPrism log:\n${r.log}`
}

/** Exit 0, zero Prism errors, and every request went through Prism to the emulator. */
function assertConforms(step, r) {
  assert.equal(r.code, 0, `${step} failed: ${show(r)}`)
  assert.deepEqual(r.errors, [], `${step}: Prism found spec violations: ${show(r)}`)
  assert.ok(r.received > 0, `${step}: no request reached Prism: ${show(r)}`)
  if (r.mode === 'proxy') {
    assert.equal(r.forwarded.length, r.received, `${step}: every request Prism received reached the emulator, and only those: ${show(r)}`)
  }
  return JSON.parse(r.stdout)
}

describe('every command through Prism proxy (--errors) in front of the emulator', () => {
  const ext = `conformance-${process.pid}`
  let userId

  // Warnings are printed with the test that caused them (node --test shows diagnostics).
  afterEach((t) => {
    for (const w of warnings.splice(0)) t.diagnostic(`Prism warning (reviewed, not a failure): ${w}`)
  })

  test('user create --external-user-id', async () => {
    const r = await viaPrism(proxy, ['user', 'create', '--external-user-id', ext, '--market', 'GB', '--locale', 'en_US', '--json'])
    const out = assertConforms('user create', r)
    assert.match(out.user_id, /^[0-9a-f]{32}$/)
    assert.equal(out.external_user_id, ext)
    userId = out.user_id
  })

  test('token get: client credentials, then --code and --refresh-token from stdin', async () => {
    const client = assertConforms('token get', await viaPrism(proxy, ['token', 'get', '--scope', 'authorization:grant', '--json']))
    assert.equal(client.scope, 'authorization:grant')
    assert.equal(client.expires_in, 1800)
    assert.ok(Math.abs(Date.parse(client.expires_at) - (Date.now() + 1800_000)) < 60_000, `expires_at ${client.expires_at}`)

    const {code} = assertConforms('grant create', await viaPrism(proxy, ['grant', 'create', '--external-user-id', ext, '--scope', 'accounts:read,user:read', '--json']))
    const user = assertConforms('token get --code -', await viaPrism(proxy, ['token', 'get', '--code', '-', '--json'], {input: code + '\n'}))
    assert.equal(user.scope, 'accounts:read,user:read')
    assert.equal(typeof user.refresh_token, 'string')

    const r = await viaPrism(proxy, ['token', 'get', '--refresh-token', '-', '--json'], {input: user.refresh_token + '\n'})
    const renewed = assertConforms('token get --refresh-token -', r)
    assert.equal(countReceived(r.log, TOKEN), 1)
    assert.notEqual(renewed.access_token, user.access_token, 'a renewed token')
    assert.equal(renewed.scope, 'accounts:read,user:read')
    assert.equal(typeof renewed.refresh_token, 'string')
    assert.notEqual(renewed.refresh_token, user.refresh_token, 'refresh tokens rotate')
  })

  test('grant create, grant create --exchange, grant delegate --id-hint', async () => {
    const g = assertConforms('grant create', await viaPrism(proxy, ['grant', 'create', '--external-user-id', ext, '--scope', 'accounts:read', '--json']))
    assert.match(g.code, /^\S{16,}$/)

    const x = await viaPrism(proxy, ['grant', 'create', '--external-user-id', ext, '--scope', 'accounts:read,transactions:read', '--exchange', '--json'])
    const token = assertConforms('grant create --exchange', x)
    assert.equal(token.scope, 'accounts:read,transactions:read')
    assert.equal(token.expires_in, 7200)
    assert.equal(countReceived(x.log, GRANT), 1, 'one grant, then the exchange')

    const d = await viaPrism(proxy, ['grant', 'delegate', '--external-user-id', ext, '--id-hint', 'Jane Doe', '--redirect-uri', 'https://example.com/callback', '--json'])
    const link = assertConforms('grant delegate', d)
    assert.equal(countReceived(d.log, `${GRANT}/delegate`), 1)
    assert.ok(link.url.startsWith(LINK), link.url)
    const q = new URL(link.url).searchParams
    assert.equal(q.get('authorization_code'), link.code)
    assert.equal(q.get('client_id'), CLIENT.id)
    assert.equal(q.get('redirect_uri'), 'https://example.com/callback')
    const delegated = emu.requests.filter((req) => req.path === `${GRANT}/delegate`).at(-1)
    assert.equal(delegated.form.id_hint, 'Jane Doe')
    assert.equal(delegated.form.actor_client_id, 'df05e4b379934cd09963197cc855bfe9')
  })

  test('404 for an unknown user (declared beyond the seed) passes through with no violation, and the CLI reports it', async () => {
    const r = await viaPrism(proxy, ['grant', 'create', '--external-user-id', `${ext}-nobody`, '--scope', 'accounts:read', '--json'])
    assert.equal(r.code, 4, show(r))
    const {error} = JSON.parse(r.stdout)
    assert.equal(error.status, 404)
    assert.match(error.message, /User not found/)
    assert.ok(error.requestId, 'the X-Request-ID survives the proxy')
    assert.deepEqual(r.errors, [], show(r))
    assert.deepEqual(r.warnings, [], show(r))
  })

  test('an undeclared status (409 for a user that exists) passes through as a warning, and the CLI reports it', async () => {
    const r = await viaPrism(proxy, ['user', 'create', '--external-user-id', ext, '--market', 'GB', '--locale', 'en_US', '--json'])
    assert.equal(r.code, 4, show(r))
    assert.equal(JSON.parse(r.stdout).error.status, 409)
    assert.deepEqual(r.errors, [], show(r))
    assert.ok(r.warnings.some((w) => /Unable to match the returned status code/.test(w)), `Prism warned about 409: ${show(r)}`)
  })

  test('--user-id is a live-service form the spec does not declare: Prism rejects it (422) and nothing reaches the emulator', async () => {
    // The spec's AuthorizationGrantRequest requires external_user_id; Tink also takes user_id
    // (TINK-API-NOTES.md), so the CLI keeps --user-id, and this test pins down the mismatch.
    const r = await viaPrism(proxy, ['grant', 'create', '--user-id', userId ?? '0123456789abcdef0123456789abcdef', '--scope', 'accounts:read', '--json'])
    assert.equal(r.code, 4, show(r))
    const {error} = JSON.parse(r.stdout)
    assert.equal(error.status, 422)
    assert.match(error.message, /^authorization grant failed: HTTP 422/)
    assert.ok(r.errors.some((e) => /UNPROCESSABLE_ENTITY/.test(e)), `Prism flagged the request: ${show(r)}`)
    assert.equal(r.forwarded.includes(GRANT), false, `the grant request never reached the emulator: ${show(r)}`)
  })

  test('user get, credentials list, api, token revoke (the operations beyond the seed, with the seed\'s grant and token)', async () => {
    const user = assertConforms('user get', await viaPrism(proxy, ['user', 'get', '--external-user-id', ext, '--json']))
    assert.equal(user.externalUserId, ext)
    const creds = assertConforms('credentials list', await viaPrism(proxy, ['credentials', 'list', '--external-user-id', ext, '--json']))
    assert.deepEqual(creds.credentials, [], 'no bank connected yet')
    const profile = assertConforms('api /api/v1/user/profile', await viaPrism(proxy, ['api', '/api/v1/user/profile', '--external-user-id', ext]))
    assert.equal(profile.market, 'GB')
    const r = await viaPrism(proxy, ['token', 'revoke', '--external-user-id', ext, '--yes', '--json'])
    assertConforms('token revoke', r)
    assert.equal(countReceived(r.log, '/api/v1/oauth/revoke-all'), 1)
  })

  test('link connect: every request of the flow (user create, delegate, grant, token) conforms', async () => {
    const mark = proxy.mark()
    const before = emu.requests.length
    const redirect = `http://127.0.0.1:${await freePort()}/callback`
    // The API through Prism; Tink Link is the emulator's own page, completed as its form posts.
    const run = spawnCli(['link', 'connect', '--external-user-id', `${ext}-link`, '--create', '--market', 'GB', '--no-browser', '--json', '--redirect-uri', redirect], {env: {...cliEnv(proxy), TINK_LINK_URL: emu.url}})
    let stderr = ''
    const url = await new Promise((resolve, reject) => {
      run.child.stderr.on('data', (d) => {
        stderr += d
        const m = /^(http:\/\/\S+\/1\.0\/\S+)$/m.exec(stderr)
        if (m) resolve(new URL(m[1]))
      })
      run.done.then((r) => reject(new Error(`exited ${r.code} before printing a URL: ${r.stderr}${r.stdout}`)))
    })
    const {location} = await runLink(emu, url.pathname.slice('/1.0/'.length), Object.fromEntries(url.searchParams), 'demo-success')
    await fetch(location)
    const r = await run.done
    await proxy.settle()
    const log = proxy.since(mark)
    const found = scanLog(log)
    assert.equal(r.code, 0, show({...r, log}))
    assert.ok(JSON.parse(r.stdout).token.access_token, 'a user token')
    assert.deepEqual(found.errors, [], `Prism found spec violations: ${log}`)
    const sent = emu.requests.slice(before).map((q) => q.path).filter((path) => path.startsWith('/api/'))
    for (const path of ['/api/v1/user/create', '/api/v1/oauth/authorization-grant/delegate', '/api/v1/oauth/authorization-grant', '/api/v1/oauth/token']) assert.ok(sent.includes(path), `${path} went through Prism: ${sent}`)
    assert.equal(countAllReceived(log), sent.length, 'every API request of the flow went through Prism')
  })

  test('user delete --external-user-id --yes (grant, exchange, delete)', async () => {
    const r = await viaPrism(proxy, ['user', 'delete', '--external-user-id', ext, '--yes', '--json'])
    const out = assertConforms('user delete', r)
    assert.deepEqual(out, {deleted: true, external_user_id: ext})
    assert.equal(countReceived(r.log, '/api/v1/user/delete'), 1)
    assert.equal(emu.users().some((u) => u.external_user_id === ext), false, 'the user is gone')
  })

  test('webhook create (an https URL), list, get, update, delete: the commands conform', async () => {
    const url = `https://app.example.com/tink/${process.pid}`
    const made = assertConforms('webhook create', await viaPrism(proxy, ['webhook', 'create', '--url', url, '--events', 'refresh:finished,account:created', '--description', 'conformance', '--json']))
    assert.match(made.secret, /\S/, 'create shows the secret once')
    const listed = assertConforms('webhook list', await viaPrism(proxy, ['webhook', 'list', '--json']))
    assert.ok(JSON.stringify(listed).includes(made.id), 'the new webhook is listed')
    const got = assertConforms('webhook get', await viaPrism(proxy, ['webhook', 'get', made.id, '--json']))
    assert.equal(got.url, url)
    const updated = assertConforms('webhook update', await viaPrism(proxy, ['webhook', 'update', made.id, '--description', 'renamed', '--disable', '--json']))
    assert.equal(updated.description, 'renamed')
    assert.equal(updated.disabled, true)
    assertConforms('webhook delete', await viaPrism(proxy, ['webhook', 'delete', made.id, '--yes', '--json']))
    const after = assertConforms('webhook list after delete', await viaPrism(proxy, ['webhook', 'list', '--json']))
    assert.ok(!JSON.stringify(after).includes(made.id), 'the webhook is gone')
  })
})

describe('every command against Prism mock (--errors): spec-generated answers', () => {
  test('token get: a negative expires_in gives no expires_at and is never cached', async () => {
    // A profile's credentials (env credentials are never cached at all), in the file store.
    const config = tempDir('tink-config-')
    const env = {TINK_CONFIG_DIR: config, TINK_CLIENT_ID: undefined, TINK_CLIENT_SECRET: undefined, TINK_API_URL: undefined}
    const add = await runTink(['profile', 'add', 'prism', '--base-url', mock.url, '--client-id', CLIENT.id, '--client-secret-stdin', '--insecure-storage', '--no-verify'], {env, input: CLIENT.secret})
    assert.equal(add.code, 0, add.stderr)
    const mark = mock.mark()
    const first = await viaPrism(mock, ['token', 'get', '--scope', 'user:create', '--json'], {env})
    const t1 = assertConforms('token get (mock)', first)
    assert.equal(t1.access_token, 'string')
    assert.ok(t1.expires_in < 0, `Prism's generated lifetime: ${t1.expires_in}`)
    assert.equal('expires_at' in t1, false, `no expires_at from expires_in ${t1.expires_in}`)

    const human = await viaPrism(mock, ['token', 'get', '--scope', 'user:create'], {env, stdoutTTY: true})
    assert.equal(human.code, 0, show(human))
    assert.match(human.stdout, /^access_token:\s+string$/m)
    assert.doesNotMatch(human.stdout, /expires_at/)

    const raw = await viaPrism(mock, ['token', 'get', '--scope', 'user:create', '--raw'], {env})
    assert.equal(raw.code, 0, show(raw))
    assert.equal(raw.stdout, 'string\n')
    // Same client, URL, scope and config: a cached token would have spared these requests.
    assert.equal(countReceived(mock.since(mark), TOKEN), 3, 'every token get asked Prism: nothing was cached')
  })

  test('token get --code - and --refresh-token -: exit 0, no expires_at', async () => {
    const [code, refresh] = await Promise.all([
      viaPrism(mock, ['token', 'get', '--code', '-', '--json'], {input: 'string\n'}),
      viaPrism(mock, ['token', 'get', '--refresh-token', '-', '--json'], {input: 'string\n'}),
    ])
    for (const [step, r] of [['--code', code], ['--refresh-token', refresh]]) {
      const t = assertConforms(`token get ${step} (mock)`, r)
      assert.equal(t.access_token, 'string')
      assert.equal('expires_at' in t, false)
    }
  })

  test('user create, grant create (+ --exchange), grant delegate, user delete: exit 0 with the generated values', async () => {
    const mark = mock.mark()
    const [created, grant, exchanged, delegated, deleted] = await Promise.all([
      runTink(['user', 'create', '--external-user-id', 'mock-user', '--market', 'GB', '--locale', 'en_US', '--json'], {env: mockEnv()}),
      runTink(['grant', 'create', '--external-user-id', 'mock-user', '--scope', 'accounts:read', '--json'], {env: mockEnv()}),
      runTink(['grant', 'create', '--external-user-id', 'mock-user', '--scope', 'accounts:read', '--exchange', '--json'], {env: mockEnv()}),
      runTink(['grant', 'delegate', '--external-user-id', 'mock-user', '--id-hint', 'Jane Doe', '--redirect-uri', 'https://example.com/callback', '--json'], {env: mockEnv()}),
      runTink(['user', 'delete', '--external-user-id', 'mock-user', '--yes', '--json'], {env: mockEnv()}),
    ])
    await mock.settle()
    const log = mock.since(mark)
    const ctx = (r) => `exit ${r.code}\nstdout: ${r.stdout}\nstderr: ${r.stderr}\nPrism log:\n${log}`
    for (const r of [created, grant, exchanged, delegated, deleted]) assert.equal(r.code, 0, ctx(r))
    assert.deepEqual(scanLog(log).errors, [], `Prism mock rejected a request: ${log}`)

    assert.deepEqual(JSON.parse(created.stdout), {user_id: 'string', external_user_id: 'string'})
    assert.deepEqual(JSON.parse(grant.stdout), {code: 'string'})
    const token = JSON.parse(exchanged.stdout)
    assert.equal(token.access_token, 'string')
    assert.equal('expires_at' in token, false)
    const link = JSON.parse(delegated.stdout)
    assert.equal(link.code, 'string')
    assert.ok(link.url.startsWith(LINK), link.url)
    assert.equal(new URL(link.url).searchParams.get('authorization_code'), 'string')
    assert.deepEqual(JSON.parse(deleted.stdout), {deleted: true, external_user_id: 'mock-user'})
    // 5 commands: create (token+create), grant (token+grant), exchange (token+grant+token),
    // delegate (token+delegate, then the user's market and locale: token+grant+token+GET user),
    // delete (token+grant+token+delete).
    assert.equal(countAllReceived(log), 17, `requests Prism received:\n${log}`)
  })
})

function mockEnv() {
  return cliEnv(mock)
}
