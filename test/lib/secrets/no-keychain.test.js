// Machines without a keychain: the documented error (no silent fallback), the explicit
// --insecure-storage file store, env credentials that keep working, and keytar never loading
// for commands that need no secret. These run everywhere: no Secret Service needed. Files tink
// keeps that are not valid: invalid-config-and-secrets-files; links in their place: no-write-through-links.
import assert from 'node:assert/strict'
import {existsSync, readFileSync, statSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {describe, test} from 'node:test'
import {runCli, tempDir} from '../../helpers.js'
import {CLIENT, emulatorForSuite, NO_KEYCHAIN, RUN, tokenRequests} from '../../support/no-keychain.js'

/** NODE_OPTIONS that make `import('keytar')` throw, to prove who loads it. */
function blockKeytar() {
  // keytar is CommonJS and loaded with require: refuse it the way a missing package is refused.
  const dir = tempDir()
  const preload = join(dir, 'block-keytar.cjs')
  writeFileSync(
    preload,
    `const Module = require('node:module')
const resolve = Module._resolveFilename
Module._resolveFilename = function (request, ...rest) {
  if (request === 'keytar') throw Object.assign(new Error("Cannot find module 'keytar'"), {code: 'MODULE_NOT_FOUND'})
  return resolve.call(this, request, ...rest)
}
`,
  )
  return {NODE_OPTIONS: `--require=${preload}`}
}

describe('without a keychain', () => {
  const emu = emulatorForSuite()

  test('login fails with the cause and the two ways on, before any request, saving nothing', async () => {
    const dir = tempDir()
    const before = emu.requests.length
    const r = await runCli(['login', `kc-${RUN}`, '--base-url', emu.url, '--client-id', CLIENT.id, '--client-secret-stdin'], {
      env: {TINK_CONFIG_DIR: dir, ...NO_KEYCHAIN},
      input: CLIENT.secret,
    })
    assert.equal(r.code, 3, r.stderr)
    assert.equal(r.stdout, '')
    const lines = r.stderr.trim().split('\n')
    assert.equal(lines.length, 1, r.stderr)
    // Worded for what login was doing (saving), not "Cannot read ... from the keychain".
    assert.match(lines[0], new RegExp(`^Error: Cannot save the client secret of profile "kc-${RUN}" in the OS keychain: the OS keychain is unavailable: no D-Bus session`))
    assert.match(lines[0], /TINK_CLIENT_ID and TINK_CLIENT_SECRET/)
    assert.match(lines[0], /tink login --insecure-storage/)
    assert.doesNotMatch(r.stderr, /at .*\.js:\d+/, 'no stack trace')
    assert.equal(emu.requests.length, before, 'no request sent')
    assert.equal(existsSync(join(dir, 'config.json')), false, 'nothing saved')
    assert.equal(existsSync(join(dir, 'secrets.json')), false, 'no silent fallback to a file')

    const json = await runCli(['login', `kc-${RUN}`, '--base-url', emu.url, '--client-id', CLIENT.id, '--client-secret-stdin', '--json'], {
      env: {TINK_CONFIG_DIR: dir, ...NO_KEYCHAIN},
      input: CLIENT.secret,
    })
    assert.equal(json.code, 3)
    assert.equal(JSON.parse(json.stdout).error.code, 'keychain_unavailable')
  })

  test('--insecure-storage: a separate 0600 file, storage: file in the config, a warning on every use', async () => {
    const dir = tempDir()
    const name = `file-${RUN}`
    const env = {TINK_CONFIG_DIR: dir, ...NO_KEYCHAIN}
    const add = await runCli(['login', name, '--base-url', emu.url, '--client-id', CLIENT.id, '--client-secret-stdin', '--insecure-storage', '--json'], {
      env,
      input: CLIENT.secret,
    })
    assert.equal(add.code, 0, add.stderr)
    assert.equal(JSON.parse(add.stdout).storage, 'file')
    const secrets = join(dir, 'secrets.json')
    assert.equal(statSync(secrets).mode & 0o777, 0o600)
    assert.equal(statSync(join(dir, 'config.json')).mode & 0o777, 0o600)
    const config = readFileSync(join(dir, 'config.json'), 'utf8')
    assert.equal(JSON.parse(config).profiles[name].storage, 'file')
    assert.ok(!config.includes(CLIENT.secret), 'the secret is not in the config file')
    assert.match(add.stderr, /Warning: secrets are in a plain file .*secrets\.json, mode 0600/)

    const first = await runCli(['token', 'get', '--scope', 'user:create', '--json'], {env})
    assert.equal(first.code, 0, first.stderr)
    assert.equal(first.stderr.trim().split('\n').filter((l) => /^Warning: secrets are in a plain file/.test(l)).length, 1, 'one warning line per run')
    assert.doesNotThrow(() => JSON.parse(first.stdout), 'stdout stays one JSON document')
    const n = tokenRequests(emu).length
    const second = await runCli(['token', 'get', '--scope', 'user:create', '--json'], {env})
    assert.equal(tokenRequests(emu).length, n, 'token cached in the file store')
    assert.equal(JSON.parse(second.stdout).access_token, JSON.parse(first.stdout).access_token)
    assert.match(second.stderr, /Warning: secrets are in a plain file/)
    assert.ok(!readFileSync(join(dir, 'config.json'), 'utf8').includes(JSON.parse(first.stdout).access_token), 'token not in the config file')
    assert.equal(statSync(secrets).mode & 0o777, 0o600, 'still 0600 after rewriting')

    const rm = await runCli(['profile', 'remove', name, '--yes', '--json'], {env})
    assert.equal(rm.code, 0, rm.stderr)
    assert.equal(JSON.parse(rm.stdout).secretsDeleted, 2)
    assert.deepEqual(JSON.parse(readFileSync(secrets, 'utf8')), {})
  })

  test('a keychain profile on a machine without one: the documented error; env credentials still work', async () => {
    const dir = tempDir()
    // A profile saved elsewhere (config copied over): storage keychain, but no keychain here.
    writeFileSync(join(dir, 'config.json'), JSON.stringify({active: 'copied', profiles: {copied: {clientId: CLIENT.id, baseUrl: emu.url, storage: 'keychain'}}}))
    const before = emu.requests.length
    const r = await runCli(['token', 'get'], {env: {TINK_CONFIG_DIR: dir, ...NO_KEYCHAIN}})
    assert.equal(r.code, 3)
    assert.match(r.stderr, /^Error: Cannot read copied:client-secret from the keychain: the OS keychain is unavailable: no D-Bus session.*TINK_CLIENT_SECRET.*--insecure-storage/)
    assert.equal(emu.requests.length, before, 'no request sent')

    const env = await runCli(['token', 'get', '--json'], {env: {TINK_CONFIG_DIR: dir, ...NO_KEYCHAIN, TINK_CLIENT_ID: CLIENT.id, TINK_CLIENT_SECRET: CLIENT.secret}})
    assert.equal(env.code, 0, env.stderr)
    assert.equal(env.stderr, '', 'no keychain warning: env credentials are the headless way')

    const status = await runCli(['profile', 'status', 'copied', '--offline', '--json'], {env: {TINK_CONFIG_DIR: dir, ...NO_KEYCHAIN}})
    const [s] = JSON.parse(status.stdout)
    assert.equal(s.secretStore.answers, false)
    assert.match(s.secretStore.error, /no D-Bus session/)
  })

  test('keytar loads only for commands that need a secret; when it is missing the error says so', async () => {
    const dir = tempDir()
    writeFileSync(join(dir, 'config.json'), JSON.stringify({active: 'kc', profiles: {kc: {clientId: CLIENT.id, baseUrl: emu.url, storage: 'keychain'}}}))
    const env = {TINK_CONFIG_DIR: dir, ...blockKeytar()}
    for (const args of [['profile', 'list'], ['profile', 'show', 'kc'], ['profile', 'use', 'kc'], ['token', 'get', '--help'], ['user', 'create', '--external-user-id', 'x', '--market', 'nope']]) {
      const r = await runCli(args, {env})
      assert.doesNotMatch(r.stderr, /keytar|keychain/, `tink ${args.join(' ')} loaded keytar: ${r.stderr}`)
      assert.ok(r.code === 0 || r.code === 2, `tink ${args.join(' ')}: ${r.code} ${r.stderr}`)
    }
    const needs = await runCli(['token', 'get'], {env})
    assert.equal(needs.code, 3)
    assert.match(needs.stderr, /keytar \(the optional keychain module\) is not installed/)
    // With env credentials a missing keytar only means no cache.
    const withEnv = await runCli(['token', 'get', '--raw'], {env: {...env, TINK_CLIENT_ID: CLIENT.id, TINK_CLIENT_SECRET: CLIENT.secret}})
    assert.equal(withEnv.code, 0, withEnv.stderr)
  })

  test('bad input: exit 2, one line, nothing saved', async () => {
    const dir = tempDir()
    const cases = [
      [['profile', 'add', 'bad:name', '--client-id', 'x', '--client-secret-stdin'], 's', /Invalid profile name "bad:name"/],
      [['profile', 'add', 'ok', '--client-secret-stdin'], 's', /--client-id is required/],
      [['profile', 'add', 'ok', '--client-id', 'x'], undefined, /client secret is required on standard input/],
      [['profile', 'add', 'ok', '--client-id', 'x', '--client-secret-stdin', '--region', 'mars'], 's', /Unknown region "mars"/],
      [['profile', 'add', 'ok', '--client-id', 'x', '--client-secret-stdin', '--market', 'gb'], 's', /Invalid market "gb".*GB/],
      [['profile', 'use', 'ghost'], undefined, /No profile "ghost"/],
      [['profile', 'show'], undefined, /No active profile/],
    ]
    for (const [args, input, re] of cases) {
      const r = await runCli(args, {env: {TINK_CONFIG_DIR: dir, ...NO_KEYCHAIN}, input})
      assert.equal(r.code, 2, `tink ${args.join(' ')}: ${r.stderr}`)
      assert.match(r.stderr, re)
      assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr)
    }
    assert.equal(existsSync(join(dir, 'config.json')), false)
  })

  test('a piped secret is never taken as a missing NAME argument', async () => {
    const dir = tempDir()
    const env = {TINK_CONFIG_DIR: dir, ...NO_KEYCHAIN}
    const secret = `PipedSecret${RUN}`
    const add = await runCli(['login', '--base-url', emu.url, '--client-id', CLIENT.id, '--client-secret-stdin', '--insecure-storage', '--no-verify', '--json'], {env, input: secret})
    assert.equal(add.code, 0, add.stderr)
    assert.equal(JSON.parse(add.stdout).name, 'default', 'NAME omitted: the profile is "default"')
    assert.deepEqual(Object.keys(JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8')).profiles), ['default'])
    assert.ok(!readFileSync(join(dir, 'config.json'), 'utf8').includes(secret), 'the secret is not a profile name in the config file')
    assert.equal(JSON.parse(readFileSync(join(dir, 'secrets.json'), 'utf8'))['default:client-secret'], secret, 'the secret went where secrets go')

    const empty = tempDir()
    const show = await runCli(['profile', 'show'], {env: {TINK_CONFIG_DIR: empty, ...NO_KEYCHAIN}, input: 'MySecretValue123'})
    assert.equal(show.code, 2)
    assert.match(show.stderr, /^Error: No active profile/)
    assert.ok(!show.stderr.includes('MySecretValue123') && !show.stdout.includes('MySecretValue123'), 'stdin is not echoed as a profile name')
    const use = await runCli(['profile', 'use'], {env, input: 'default'})
    assert.equal(use.code, 2, 'a required NAME must be on the command line')
    assert.match(use.stderr, /Missing 1 required arg/)
  })

  test('profile list, use, show and remove refuse the API flags they would ignore; status names an argument as such', async () => {
    const dir = tempDir()
    const env = {TINK_CONFIG_DIR: dir, ...NO_KEYCHAIN}
    const name = `flags-${RUN}`
    const add = await runCli(['login', name, '--base-url', emu.url, '--client-id', CLIENT.id, '--client-secret-stdin', '--insecure-storage', '--no-verify'], {env, input: CLIENT.secret})
    assert.equal(add.code, 0, add.stderr)
    for (const [args, flag] of [
      [['profile', 'list', '--timeout', '0'], '--timeout'],
      [['profile', 'list', '--client-secret-stdin'], '--client-secret-stdin'],
      [['profile', 'show', name, '--region', 'us'], '--region'],
      [['profile', 'use', name, '--base-url', emu.url], '--base-url'],
      [['profile', 'remove', name, '--yes', '--retries', '1'], '--retries'],
      [['profile', 'show', '-p', name], '-p'],
    ]) {
      const r = await runCli(args, {env, input: 'typed-secret'})
      assert.equal(r.code, 2, `tink ${args.join(' ')}: ${r.stderr}`)
      assert.match(r.stderr, /^Error: Nonexistent flag/, `tink ${args.join(' ')}`)
      assert.ok(r.stderr.includes(flag), r.stderr)
      assert.equal(r.stderr.trim().split('\n').length, 1)
    }
    const help = await runCli(['profile', 'list', '--help'], {env})
    assert.doesNotMatch(help.stdout, /--timeout|--client-secret-stdin|--base-url/, 'help does not offer them')
    assert.ok(existsSync(join(dir, 'config.json')) && JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8')).profiles[name], 'remove with a refused flag removed nothing')
    // -v and --json still work where they are useful.
    assert.equal((await runCli(['profile', 'list', '-v', '--json'], {env})).code, 0)

    const status = await runCli(['profile', 'status', name, '--offline', '-v'], {env})
    assert.equal(status.code, 0, status.stderr)
    assert.match(status.stderr, new RegExp(`profile ${name} \\(argument\\)`))
    assert.doesNotMatch(status.stderr, /\(--profile\)/)
  })

  test('a cached token that cannot be read is ignored and replaced, said with --verbose; the command works', async () => {
    const dir = tempDir()
    const env = {TINK_CONFIG_DIR: dir, ...NO_KEYCHAIN}
    const add = await runCli(['profile', 'add', 'tc', '--base-url', emu.url, '--client-id', CLIENT.id, '--client-secret-stdin', '--insecure-storage'], {env, input: CLIENT.secret})
    assert.equal(add.code, 0, add.stderr)
    assert.equal((await runCli(['token', 'get', '--raw'], {env})).code, 0)
    const file = join(dir, 'secrets.json')
    const tokenAccount = () => Object.keys(JSON.parse(readFileSync(file, 'utf8'))).find((k) => k.startsWith('tc:token:') && k !== 'tc:token-index')
    const account = tokenAccount()
    assert.ok(account, 'a token was cached')
    for (const garbage of ['{"key": "tc|trunc', '[]', '42', '{"key": 1}']) {
      const data = JSON.parse(readFileSync(file, 'utf8'))
      data[account] = garbage
      writeFileSync(file, JSON.stringify(data))
      const before = tokenRequests(emu).length
      const r = await runCli(['token', 'get', '--raw', '--verbose'], {env})
      assert.equal(r.code, 0, r.stderr)
      assert.match(r.stderr, /a cached token could not be read; getting a new one/)
      assert.equal(tokenRequests(emu).length, before + 1, 'a new token was fetched')
      const entry = JSON.parse(JSON.parse(readFileSync(file, 'utf8'))[account])
      assert.equal(entry.token.access_token, r.stdout.trim(), 'the entry was rebuilt')
    }
    // The index that lists the cached tokens, unreadable: said, and a new one written.
    for (const garbage of ['["tc:token:', '{}', '7']) {
      const data = JSON.parse(readFileSync(file, 'utf8'))
      data['tc:token-index'] = garbage
      data[account] = 'unreadable too'
      writeFileSync(file, JSON.stringify(data))
      const r = await runCli(['token', 'get', '--raw', '--verbose'], {env})
      assert.equal(r.code, 0, r.stderr)
      assert.match(r.stderr, /the token cache's index could not be read; starting a new one/)
      assert.deepEqual(JSON.parse(JSON.parse(readFileSync(file, 'utf8'))['tc:token-index']), [account], 'the index was rebuilt')
    }
  })

  test('the config write failing after the secret was stored puts the secret store back: no orphan, no mismatched secret', async () => {
    const dir = tempDir()
    const env = {TINK_CONFIG_DIR: dir, ...NO_KEYCHAIN}
    const add = (name, secret, extra = []) => runCli(['profile', 'add', name, '--client-id', `id-${name}`, '--client-secret-stdin', '--insecure-storage', '--no-verify', ...extra], {env, input: secret})
    assert.equal((await add('kept', 'secret-A')).code, 0)
    // Another live tink run holds the config lock past the wait: the config write fails.
    const lock = join(dir, 'config.json.lock')
    writeFileSync(lock, String(process.pid))
    const {utimesSync} = await import('node:fs')
    const fresher = setInterval(() => utimesSync(lock, new Date(), new Date()), 1000) // never stale
    const [fresh, replaced] = await Promise.all([add('fresh', 'secret-F'), add('kept', 'secret-B', ['--force'])]).finally(() => clearInterval(fresher))
    for (const r of [fresh, replaced]) {
      assert.equal(r.code, 5, r.stderr)
      assert.match(r.stderr, /locked by another tink run/)
    }
    const secrets = JSON.parse(readFileSync(join(dir, 'secrets.json'), 'utf8'))
    assert.equal(secrets['fresh:client-secret'], undefined, 'no secret left for a profile never saved')
    assert.equal(secrets['kept:client-secret'], 'secret-A', 'the old profile keeps its own secret')
    assert.equal(JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8')).profiles.kept.clientId, 'id-kept')
  })
})
