// The login wizard through a real pseudo-terminal (util-linux `script`), as a person runs it:
// arrow keys in the region menu, a masked secret, defaults accepted with Enter.
import assert from 'node:assert/strict'
import {spawnSync} from 'node:child_process'
import {createRequire} from 'node:module'
import {randomBytes} from 'node:crypto'
import {readFileSync} from 'node:fs'
import {join} from 'node:path'
import {after, before, describe, test} from 'node:test'
import {ALL_SCOPES, startEmulator} from 'tink-emulator'
import {BIN, cleanEnv, runCli, tempDir} from '../helpers.js'
import {driveTerminal, TOKEN_PATH} from '../support/cli.js'
import {needsKeychain} from '../support/keychain.js'
import {runTink} from '../support/in-process.js'
import {server} from '../support/scripted-server.js'
import {customApiSteps, DOWN, ENTER} from '../support/login-wizard.js'

const RUN = randomBytes(3).toString('hex')
const require = createRequire(import.meta.url)


/** Runs `tink ARGS` on a pseudo-terminal, typing each step's keys once its prompt shows. */
function runOnTerminal(args, steps, env) {
  const cmd = [process.execPath, BIN, ...args].map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(' ')
  return driveTerminal(cmd, steps, {env: cleanEnv(env), label: 'login wizard'})
}

describe('tink login on a terminal', () => {
  let emu
  const SECRET = `wizard-secret-${RUN}`
  const client = {id: `wizard-${RUN}`, secret: SECRET, scopes: [...ALL_SCOPES]}
  const cleanup = []
  before(async () => {
    emu = await startEmulator({clients: [client]})
  })
  after(async () => {
    for (const [name, dir] of cleanup) await runCli(['profile', 'remove', name, '--yes'], {env: {TINK_CONFIG_DIR: dir}})
    await emu?.close()
  })

  test('the wizard asks, masks the secret, verifies with a client token, and saves', async (t) => {
    if (!needsKeychain(t)) return
    const dir = tempDir()
    const name = `wiz-${RUN}`
    cleanup.push([name, dir])
    const tokensBefore = emu.requests.filter((r) => r.path === '/api/v1/oauth/token').length
    const r = await runOnTerminal(
      ['login'],
      [
        {expect: 'Profile name', keys: name + ENTER},
        {expect: 'Region', keys: DOWN},
        {expect: 'US (api.us.tink.com)', keys: DOWN},
        {expect: 'Custom API base URL', keys: ENTER},
        {expect: 'API base URL', keys: emu.url + ENTER},
        {expect: 'Tink Link base URL', keys: ENTER}, // the emulator's URL, offered as the default
        {expect: 'Client id', keys: client.id + ENTER},
        {expect: 'Client secret', keys: SECRET + ENTER},
        {expect: 'Default market', keys: 'se'},
        {expect: 'se', keys: ENTER}, // lower case is refused with a hint ...
        {expect: 'Did you mean SE', keys: '\x7f\x7fSE' + ENTER}, // ... and corrected
        {expect: 'Default locale', keys: ENTER}, // the default follows the market, as user create's: SE -> sv_SE
        {expect: 'Redirect URI', keys: 'https://example.com/cb' + ENTER},
      ],
      {TINK_CONFIG_DIR: dir},
    )
    assert.equal(r.code, 0, r.screen)
    assert.ok(!r.screen.includes(SECRET), 'the secret is never echoed')
    assert.match(r.screen, /Client secret \*{5,}/, 'masked input')
    assert.match(r.screen, new RegExp(`Verified: ${emu.url.replace(/[.]/g, '\\.')} issued a client token for ${client.id}`))
    assert.match(r.screen, new RegExp(`saved:\\s+profile ${name} \\(active\\)`))
    assert.equal(emu.requests.filter((x) => x.path === '/api/v1/oauth/token').length, tokensBefore + 1)

    const config = JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8'))
    assert.equal(config.active, name)
    assert.deepEqual(
      {...config.profiles[name], createdAt: undefined},
      {clientId: client.id, baseUrl: emu.url, linkBaseUrl: emu.url, market: 'SE', locale: 'sv_SE', redirectUri: 'https://example.com/cb', storage: 'keychain', createdAt: undefined},
    )
    const stored = spawnSync('secret-tool', ['lookup', 'service', 'tink-auth-cli', 'account', `${name}:client-secret`], {encoding: 'utf8'})
    assert.equal(stored.stdout, SECRET)

    // The saved profile works with no flags at all.
    const token = await runCli(['token', 'get', '--json'], {env: {TINK_CONFIG_DIR: dir}})
    assert.equal(token.code, 0, token.stderr)
  })

  test('a wrong secret is refused by the API, asked again (3 tries in all), and nothing is saved', async (t) => {
    if (!needsKeychain(t)) return
    const dir = tempDir()
    const r = await runOnTerminal(
      ['login', `bad-${RUN}`, '--base-url', emu.url, '--market', 'GB', '--locale', 'en_US', '--redirect-uri', 'https://example.com/cb'],
      [
        {expect: 'Client id', keys: client.id + ENTER},
        {expect: 'Client secret', keys: 'not-the-secret' + ENTER},
        {expect: 'attempt 2 of 3', keys: ''},
        {expect: 'Client id', keys: ENTER},
        {expect: 'Client secret', keys: 'still-not-it' + ENTER},
        {expect: 'attempt 3 of 3', keys: ''},
        {expect: 'Client id', keys: ENTER},
        {expect: 'Client secret', keys: 'nor-this' + ENTER},
      ],
      {TINK_CONFIG_DIR: dir},
    )
    assert.equal(r.code, 3, r.screen)
    assert.match(r.screen, /refused client id .* nothing was saved/)
    assert.throws(() => readFileSync(join(dir, 'config.json')), /ENOENT/)
  })

  test('verification goes where later commands will: env TINK_API_URL over the saved region, named; the profile keeps what was given', async () => {
    // --insecure-storage and no D-Bus: this is about where the check goes, so it runs without a keychain.
    const env = {DBUS_SESSION_BUS_ADDRESS: 'unix:path=/nonexistent', DISPLAY: ''}
    const tokens = () => emu.requests.filter((r) => r.path === '/api/v1/oauth/token')
    const dir = tempDir()
    const before = tokens().length
    // The README's support guide: the emulator's URL exported, the profile saved for region eu.
    const r = await runCli(['login', 'support', '--region', 'eu', '--client-id', client.id, '--client-secret-stdin', '--insecure-storage'], {
      env: {...env, TINK_CONFIG_DIR: dir, TINK_API_URL: emu.url},
      input: SECRET,
    })
    assert.equal(r.code, 0, r.stderr)
    assert.match(r.stderr, new RegExp(`Verifying against ${emu.url.replace(/[.]/g, '\\.')} \\(env TINK_API_URL, which overrides the profile's region eu while it is set\\)`))
    assert.equal(tokens().length, before + 1, 'the token request reached the emulator, not api.tink.com')
    assert.equal(tokens().at(-1).form.client_id, client.id)
    const saved = JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8')).profiles.support
    assert.equal(saved.region, 'eu', 'saved as given by the flags')
    assert.equal(saved.baseUrl, undefined, 'env TINK_API_URL is not copied into the profile')

    // A wrong secret is refused by the API the env names, and nothing is saved.
    const bad = await runCli(['login', 'other', '--region', 'eu', '--client-id', client.id, '--client-secret-stdin', '--insecure-storage'], {
      env: {...env, TINK_CONFIG_DIR: dir, TINK_API_URL: emu.url},
      input: 'not-the-secret',
    })
    assert.equal(bad.code, 3, bad.stderr)
    assert.match(bad.stderr, new RegExp(`${emu.url.replace(/[.]/g, '\\.')} refused client id`))
    assert.equal(JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8')).profiles.other, undefined)

    // Given on the command line, the flag is named.
    const flag = await runCli(['login', 'flagged', '--base-url', emu.url, '--client-id', client.id, '--client-secret-stdin', '--insecure-storage', '--json'], {
      env: {...env, TINK_CONFIG_DIR: dir},
      input: SECRET,
    })
    assert.equal(flag.code, 0, flag.stderr)
    assert.match(flag.stderr, new RegExp(`Verifying against ${emu.url.replace(/[.]/g, '\\.')} \\(flag --base-url\\)`))
    assert.equal(JSON.parse(flag.stdout).baseUrl, emu.url)
  })

  // Issue 23: with a keychain that cannot store the secret, the wizard asked every question and
  // then lost every answer. It now asks first, before any question.
  const NO_KEYCHAIN = {DBUS_SESSION_BUS_ADDRESS: 'unix:path=/nonexistent', DISPLAY: ''}

  test('no keychain, file store declined: said before any question, with the headless-Linux hint; nothing saved', async () => {
    const dir = tempDir()
    const r = await runOnTerminal(['login'], [{expect: 'plain file instead', keys: 'n' + ENTER}], {TINK_CONFIG_DIR: dir, ...NO_KEYCHAIN})
    assert.equal(r.code, 3, r.screen)
    assert.match(r.screen, /OS keychain is unavailable/)
    assert.match(r.screen, /nothing was saved/)
    assert.match(r.screen, /headless Linux machine.*dbus-run-session.*gnome-keyring-daemon --unlock/s)
    assert.doesNotMatch(r.screen, /Profile name|Client id/, 'no question was asked')
    assert.throws(() => readFileSync(join(dir, 'config.json')), /ENOENT/)
  })

  test('no keychain, file store accepted: the wizard goes on and saves to the 0600 file, with its warning; a custom API gets its Tink Link URL', async () => {
    const dir = tempDir()
    const name = `nokc-${RUN}`
    const r = await runOnTerminal(
      ['login'],
      [{expect: 'plain file instead', keys: 'y' + ENTER}, ...wizardSteps(name)],
      {TINK_CONFIG_DIR: dir, ...NO_KEYCHAIN},
    )
    assert.equal(r.code, 0, r.screen)
    assert.match(r.screen, /secrets are in a plain file/)
    const config = JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8'))
    assert.equal(config.profiles[name].storage, 'file')
    assert.equal(config.profiles[name].linkBaseUrl, emu.url)
    const {statSync} = await import('node:fs')
    assert.equal(statSync(join(dir, 'secrets.json')).mode & 0o777, 0o600)
    // Its Tink Link URLs point at the emulator, not link.tink.com.
    const env = {TINK_CONFIG_DIR: dir, ...NO_KEYCHAIN}
    assert.equal((await runCli(['user', 'create', '-e', `nokc-${RUN}`, '--market', 'GB'], {env})).code, 0)
    const link = await runCli(['grant', 'delegate', '-e', `nokc-${RUN}`, '--redirect-uri', 'http://127.0.0.1:9/cb', '--id-hint', 'Jane', '--json'], {env})
    assert.equal(link.code, 0, link.stderr)
    assert.ok(link.stdout.includes(emu.url) && !link.stdout.includes('link.tink.com'), link.stdout)
  })

  test('a scripted profile add with the emulator\'s URL derives its Tink Link URL and says so', async () => {
    const dir = tempDir()
    const r = await runCli(['profile', 'add', 'emu', '--base-url', emu.url, '--client-id', client.id, '--client-secret-stdin', '--insecure-storage', '--json'], {
      env: {TINK_CONFIG_DIR: dir, DBUS_SESSION_BUS_ADDRESS: 'unix:path=/nonexistent', DISPLAY: ''},
      input: SECRET,
    })
    assert.equal(r.code, 0, r.stderr)
    assert.match(r.stderr, new RegExp(`Tink Link URLs of this profile point at ${emu.url.replace(/[.]/g, '\\.')} \\(the emulator serves Tink Link at its API URL\\)`))
    assert.equal(JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8')).profiles.emu.linkBaseUrl, emu.url)

    // Pointed at the emulator later with profile set: the same rule, said.
    const env = {TINK_CONFIG_DIR: dir, DBUS_SESSION_BUS_ADDRESS: 'unix:path=/nonexistent', DISPLAY: ''}
    assert.equal((await runCli(['profile', 'add', 'later', '--region', 'eu', '--client-id', client.id, '--client-secret-stdin', '--insecure-storage', '--no-verify'], {env, input: SECRET})).code, 0)
    const set = await runCli(['profile', 'set', 'later', 'base-url', emu.url], {env})
    assert.equal(set.code, 0, set.stderr)
    assert.match(set.stderr, /link-base-url set to .* too \(the emulator serves Tink Link at its API URL\)/)
    assert.equal(JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8')).profiles.later.linkBaseUrl, emu.url)
    const remote = await runCli(['profile', 'set', 'later', 'base-url', 'https://api.example.com'], {env})
    assert.equal(remote.code, 0, remote.stderr)
    assert.equal(JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8')).profiles.later.linkBaseUrl, emu.url, 'a Link URL of its own is kept')
  })

  /** NODE_OPTIONS making keytar refuse to store the first `n` client secrets, as a collection locked after the check does. */
  function failingSets(n) {
    const preload = join(tempDir(), 'fail-sets.cjs')
    const {writeFileSync} = require('node:fs')
    writeFileSync(preload, `const Module = require('node:module')
const load = Module._load
let failed = 0
Module._load = function (request, ...rest) {
  const m = load.call(this, request, ...rest)
  if (request === 'keytar' && !m.__failing) {
    const set = m.setPassword
    m.setPassword = async (service, account, value) => {
      if (account.endsWith(':client-secret') && failed++ < ${n}) throw new Error('Cannot create an item in a locked collection')
      return set(service, account, value)
    }
    m.__failing = true
  }
  return m
}
`)
    return {NODE_OPTIONS: `--require=${preload}`}
  }
  const wizardSteps = (name) => customApiSteps({name, url: emu.url, clientId: client.id, secret: SECRET})

  test('the keychain refuses the secret after the questions: no file, then a retry that asks nothing again, saves it', async (t) => {
    if (!needsKeychain(t)) return
    const dir = tempDir()
    const name = `retry-${RUN}`
    cleanup.push([name, dir])
    const r = await runOnTerminal(['login'], [...wizardSteps(name), {expect: 'plain file instead', keys: 'n' + ENTER}, {expect: 'Try the keychain again', keys: 'y' + ENTER}], {TINK_CONFIG_DIR: dir, ...failingSets(1)})
    assert.equal(r.code, 0, r.screen)
    const afterRetry = r.screen.slice(r.screen.lastIndexOf('Try the keychain again'))
    assert.doesNotMatch(afterRetry, /Profile name|Client id|Client secret|Default market|Redirect URI/, 'nothing asked again')
    assert.match(afterRetry, new RegExp(`saved:\\s+profile ${name}`))
    assert.ok(!r.screen.includes(SECRET))
    assert.equal(JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8')).profiles[name].storage, 'keychain')
    const stored = spawnSync('secret-tool', ['lookup', 'service', 'tink-auth-cli', 'account', `${name}:client-secret`], {encoding: 'utf8'})
    assert.equal(stored.stdout, SECRET)
  })

  test('the keychain refuses the secret after the questions, everything declined: nothing saved, the command that asks nothing again', async (t) => {
    if (!needsKeychain(t)) return
    const dir = tempDir()
    const name = `declined-${RUN}`
    const r = await runOnTerminal(['login'], [...wizardSteps(name), {expect: 'plain file instead', keys: 'n' + ENTER}, {expect: 'Try the keychain again', keys: 'n' + ENTER}], {TINK_CONFIG_DIR: dir, ...failingSets(5)})
    assert.equal(r.code, 3, r.screen)
    assert.match(r.screen, /nothing was saved/)
    const flat = r.screen.replace(/\r?\n/g, ' ')
    assert.ok(flat.includes(`tink login ${name} --client-id ${client.id} --base-url ${emu.url} --market GB --locale en_GB --client-secret-stdin`), r.screen)
    assert.ok(!r.screen.includes(SECRET), 'the secret is never shown')
    assert.throws(() => readFileSync(join(dir, 'config.json')), /ENOENT/)
  })

  test('the keychain refuses the secret after the questions, file store accepted: saved there with its warning', async (t) => {
    if (!needsKeychain(t)) return
    const dir = tempDir()
    const name = `tofile-${RUN}`
    const r = await runOnTerminal(['login'], [...wizardSteps(name), {expect: 'plain file instead', keys: 'y' + ENTER}], {TINK_CONFIG_DIR: dir, ...failingSets(5)})
    assert.equal(r.code, 0, r.screen)
    assert.match(r.screen, /secrets are in a plain file/)
    assert.equal(JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8')).profiles[name].storage, 'file')
    assert.equal(JSON.parse(readFileSync(join(dir, 'secrets.json'), 'utf8'))[`${name}:client-secret`], SECRET)
  })
})

describe('login -p NAME', () => {
  test('saves the profile under NAME, not default', async () => {
    const dir = tempDir()
    for (const cmd of [['login', '-p', 'work'], ['profile', 'add', '--profile', 'other']]) {
      const r = await runTink([...cmd, '--client-id', 'cid', '--client-secret-stdin', '--insecure-storage', '--no-verify'], {input: 'sec', env: {TINK_CONFIG_DIR: dir}})
      assert.equal(r.code, 0, r.stderr)
    }
    const list = JSON.parse((await runTink(['profile', 'list', '--json'], {env: {TINK_CONFIG_DIR: dir}})).stdout)
    const names = JSON.stringify(list)
    assert.match(names, /"work"/)
    assert.match(names, /"other"/)
    assert.doesNotMatch(names, /"default"/)
    const both = await runTink(['login', 'a', '-p', 'b', '--client-id', 'cid', '--client-secret-stdin', '--no-verify'], {input: 'sec', env: {TINK_CONFIG_DIR: dir}})
    assert.equal(both.code, 2)
  })
})

describe('the login wizard checks the secret as soon as it is entered', () => {
  test('a refused secret is asked again (with the client id), keeping the other answers', async () => {
    const srv = await server()
    srv.script(TOKEN_PATH, (req) => (req.form.client_secret === 'right-secret'
      ? {json: {access_token: 'tok-abc', token_type: 'bearer', expires_in: 1800}}
      : {status: 401, json: {errorMessage: 'Client credentials are invalid', errorCode: 'invalid_client'}}))
    const dir = tempDir()
    const cmd = [process.execPath, BIN, 'login', '--base-url', srv.url, '--insecure-storage'].map((a) => `'${a}'`).join(' ')
    const r = await driveTerminal(cmd, [
      {expect: 'Profile name', keys: 'wiz\r'},
      {expect: 'Client id', keys: 'cid-1\r'},
      {expect: 'Client secret', keys: 'wrong-secret\r'},
      {expect: 'Try again', keys: ''},
      {expect: 'Client id', keys: '\r'},
      {expect: 'Client secret', keys: 'right-secret\r'},
      {expect: 'Default market', keys: '\r'},
      {expect: 'Default locale', keys: '\r'},
      {expect: 'Redirect URI', keys: '\r'},
    ], {env: cleanEnv({TINK_CONFIG_DIR: dir}), label: 'wizard retry'})
    assert.equal(r.code, 0, r.screen)
    assert.match(r.screen, /refused client id "cid-1"/)
    assert.ok(r.screen.indexOf('refused') < r.screen.indexOf('Default market'), 'checked before the other questions')
    const tokens = srv.requests.filter((q) => q.path === TOKEN_PATH)
    assert.deepEqual(tokens.map((q) => q.form.client_secret), ['wrong-secret', 'right-secret'])
    const list = JSON.parse((await runTink(['profile', 'list', '--json'], {env: {TINK_CONFIG_DIR: dir}})).stdout)
    assert.match(JSON.stringify(list), /"wiz"/)
  })
})
