// Machines without a keychain: the documented error (no silent fallback), the explicit
// --insecure-storage file store, env credentials that keep working, and keytar never loading
// for commands that need no secret. These run everywhere: no Secret Service needed.
import assert from 'node:assert/strict'
import {randomBytes} from 'node:crypto'
import {chmodSync, existsSync, lstatSync, mkdirSync, readFileSync, statSync, symlinkSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {after, before, describe, test} from 'node:test'
import {startEmulator} from 'tink-emulator'
import {runCli, tempDir} from '../../helpers.js'

const RUN = randomBytes(3).toString('hex')
const CLIENT = {id: 'tink-emulator-client', secret: 'tink-emulator-secret'}
/** What a headless box looks like to libsecret: no session bus, no X display to autolaunch one. */
const NO_KEYCHAIN = {DBUS_SESSION_BUS_ADDRESS: 'unix:path=/nonexistent', DISPLAY: ''}
const tokenRequests = (emu) => emu.requests.filter((r) => r.path === '/api/v1/oauth/token')

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
  let emu
  before(async () => {
    emu = await startEmulator()
  })
  after(() => emu?.close())

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

  describe('a config file that is not valid', () => {
    const configIn = (text) => {
      const dir = tempDir()
      writeFileSync(join(dir, 'config.json'), text)
      return dir
    }
    const oneLine = (r) => r.stderr.trim().split('\n')

    test('not JSON: exit 2 naming the file and the fix; env credentials still work, with one warning', async () => {
      const dir = configIn('{not json')
      const path = join(dir, 'config.json')
      const env = {TINK_CONFIG_DIR: dir, ...NO_KEYCHAIN}
      for (const args of [['profile', 'list'], ['profile', 'show'], ['token', 'get'], ['token', 'get', '-p', 'x', '--raw'], ['token', 'clear'], ['login', 'n', '--client-id', 'x', '--client-secret-stdin', '--insecure-storage', '--no-verify']]) {
        const r = await runCli(args, {env: {...env, ...(args.includes('-p') ? {TINK_CLIENT_ID: CLIENT.id, TINK_CLIENT_SECRET: CLIENT.secret} : {})}, input: 's'})
        assert.equal(r.code, 2, `tink ${args.join(' ')}: ${r.stderr}`)
        assert.equal(oneLine(r).length, 1, r.stderr)
        assert.ok(oneLine(r)[0].startsWith(`Error: The config file ${path} is not valid JSON`), r.stderr)
        assert.match(r.stderr, /Fix it, or move it aside/)
        assert.doesNotMatch(r.stderr, /No profiles yet/)
      }
      assert.equal(readFileSync(path, 'utf8'), '{not json', 'login did not overwrite the file')

      const before = tokenRequests(emu).length
      const ok = await runCli(['token', 'get', '--json'], {env: {...env, TINK_API_URL: emu.url, TINK_CLIENT_ID: CLIENT.id, TINK_CLIENT_SECRET: CLIENT.secret}})
      assert.equal(ok.code, 0, ok.stderr)
      assert.ok(JSON.parse(ok.stdout).access_token, 'stdout is the token document')
      assert.equal(tokenRequests(emu).length, before + 1)
      const warnings = oneLine(ok).filter(Boolean)
      assert.equal(warnings.length, 1, ok.stderr)
      assert.ok(warnings[0].startsWith(`Warning: the config file ${path} is not valid JSON`), ok.stderr)
      assert.match(warnings[0], /going on without profiles/)
    })

    test('valid JSON of the wrong shape: exit 2 saying what is wrong, not "No profiles yet"', async () => {
      for (const [text, what] of [
        ['[]', /holds an array; expected a JSON object of tink profiles/],
        ['"x"', /holds a string; expected a JSON object of tink profiles/],
        ['null', /holds null; expected a JSON object of tink profiles/],
        ['{"profiles": []}', /"profiles" = an array; expected an object of profiles/],
        ['{"profiles": {"eu": "x"}}', /profiles\.eu = a string; expected an object/],
        ['{"profiles": {"eu": {}}}', /profiles\.eu\.clientId = nothing; expected the client id/],
        ['{"profiles": {"eu": {"clientId": 7}}}', /profiles\.eu\.clientId = a number; expected the client id/],
        ['{"active": 3, "profiles": {}}', /"active" = a number; expected a profile name/],
        ['', /is empty; expected a JSON object of tink profiles/],
        [' \n\t\n', /is empty; expected a JSON object of tink profiles/],
        ['{"profiles": {"eu": {"clientId": "c", "baseUrl": "http', /is not valid JSON \(truncated or edited\?\)/],
        ['{"profiles": {"eu": {"clientId": "c", "storage": "cloud"}}}', /profiles\.eu\.storage = a string; expected "keychain" or "file"/],
        ['{"profiles": {"eu": {"clientId": "c", "region": ["us"]}}}', /profiles\.eu\.region = an array; expected a non-empty string/],
        ['{"profiles": {"eu": {"clientId": "c", "linkBaseUrl": false}}}', /profiles\.eu\.linkBaseUrl = a boolean; expected a URL/],
        ['{"profiles": {"eu": {"clientId": "c", "market": 46}}}', /profiles\.eu\.market = a number; expected a non-empty string/],
      ]) {
        const dir = configIn(text)
        const r = await runCli(['profile', 'list'], {env: {TINK_CONFIG_DIR: dir, ...NO_KEYCHAIN}})
        assert.equal(r.code, 2, `${text}: ${r.stderr}`)
        assert.equal(oneLine(r).length, 1, r.stderr)
        assert.match(r.stderr, what)
        assert.ok(r.stderr.includes(join(dir, 'config.json')), 'names the file')
        assert.doesNotMatch(r.stderr, /No profiles yet/)
        assert.match(r.stderr, /Fix it, or move it aside/)
      }
    })

    // Issue 23: a baseUrl of the wrong kind was dropped and the credentials went to api.tink.com.
    for (const [kind, value] of [['a number', 42], ['an array', ['http://127.0.0.1:9']], ['an object', {url: 'http://127.0.0.1:9'}], ['a boolean', true], ['an empty string', ''], ['null', null]]) {
      test(`a profile whose baseUrl is ${kind}: exit 2 naming the file and the key, no request anywhere, also with env credentials`, async () => {
        const dir = configIn(JSON.stringify({active: 'eu', profiles: {eu: {clientId: CLIENT.id, storage: 'file', baseUrl: value}}}))
        writeFileSync(join(dir, 'secrets.json'), JSON.stringify({'eu:client-secret': CLIENT.secret}))
        for (const env of [{}, {TINK_CLIENT_ID: CLIENT.id, TINK_CLIENT_SECRET: CLIENT.secret}, {TINK_CLIENT_ID: CLIENT.id, TINK_CLIENT_SECRET: CLIENT.secret, HTTPS_PROXY: 'http://127.0.0.1:9'}]) {
          const r = await runCli(['token', 'get', '--retries', '0', '--timeout', '2'], {env: {TINK_CONFIG_DIR: dir, ...NO_KEYCHAIN, ...env}})
          assert.equal(r.code, 2, r.stderr)
          assert.equal(oneLine(r).length, 1, r.stderr)
          assert.ok(r.stderr.includes(join(dir, 'config.json')), r.stderr)
          assert.match(r.stderr, new RegExp(`profiles\\.eu\\.baseUrl = ${kind}; expected a URL`))
          assert.doesNotMatch(r.stderr, /api\.tink\.com|cannot reach/)
        }
      })
    }

    test('a broken config file with env credentials but no API URL or region: exit 2, never the production API', async () => {
      const dir = configIn('{"profiles": {"emu": {"clientId": "c", "baseUrl": 9}}, "active": "emu"}')
      const r = await runCli(['token', 'get', '--retries', '0', '--timeout', '2'], {env: {TINK_CONFIG_DIR: dir, ...NO_KEYCHAIN, TINK_CLIENT_ID: 'c', TINK_CLIENT_SECRET: 's'}})
      assert.equal(r.code, 2, r.stderr)
      assert.doesNotMatch(r.stderr, /api\.tink\.com|cannot reach/)
      const given = await runCli(['token', 'get', '--json'], {env: {TINK_CONFIG_DIR: dir, ...NO_KEYCHAIN, TINK_CLIENT_ID: CLIENT.id, TINK_CLIENT_SECRET: CLIENT.secret, TINK_API_URL: emu.url}})
      assert.equal(given.code, 0, given.stderr)
      assert.match(given.stderr, /going on without profiles/)
    })

    test('profile add on a broken config file stores nothing: no secrets file, the config file untouched', async () => {
      for (const text of ['', '  ', '[]', '{"profiles": {"a": {"clientId": "c", "baseUrl": 1}}}', '{"profiles"']) {
        const dir = configIn(text)
        const r = await runCli(['profile', 'add', 'n', '--client-id', 'c', '--client-secret-stdin', '--insecure-storage', '--no-verify'], {env: {TINK_CONFIG_DIR: dir, ...NO_KEYCHAIN}, input: 's3cr3t-value'})
        assert.equal(r.code, 2, `${JSON.stringify(text)}: ${r.stderr}`)
        assert.equal(oneLine(r).length, 1, r.stderr)
        assert.doesNotMatch(r.stderr, /Unexpected end of JSON|s3cr3t-value/)
        assert.equal(existsSync(join(dir, 'secrets.json')), false, 'no secret stored for a profile that could not be saved')
        assert.equal(readFileSync(join(dir, 'config.json'), 'utf8'), text)
      }
    })
  })

  describe('a secrets file that is not valid (--insecure-storage)', () => {
    const SECRET = 'very-secret-value-123'
    for (const [text, what] of [
      ['', /is empty; expected a JSON object of account names and secrets/],
      ['   \n', /is empty; expected a JSON object/],
      [`{"p:client-secret": "${SECRET}`, /is not valid JSON \(truncated or edited\?\); expected a JSON object/],
      [`["${SECRET}"]`, /holds an array; expected a JSON object/],
      ['42', /holds a number; expected a JSON object/],
      [`{"p:client-secret": ["${SECRET}"]}`, /has "p:client-secret" = an array; expected the secret as a string/],
      [`{"p:client-secret": 12345}`, /has "p:client-secret" = a number; expected the secret as a string/],
    ]) {
      test(`${JSON.stringify(text).replace(SECRET, 'SECRET')}: exit 2 naming the file and the way out, the secret never shown`, async () => {
        const dir = tempDir()
        writeFileSync(join(dir, 'config.json'), JSON.stringify({active: 'p', profiles: {p: {clientId: CLIENT.id, storage: 'file', baseUrl: emu.url}}}))
        writeFileSync(join(dir, 'secrets.json'), text)
        for (const args of [['token', 'get'], ['login', 'q', '--client-id', 'x', '--client-secret-stdin', '--insecure-storage', '--no-verify']]) {
          const r = await runCli(args, {env: {TINK_CONFIG_DIR: dir, ...NO_KEYCHAIN}, input: 'other'})
          assert.equal(r.code, 2, `tink ${args.join(' ')}: ${r.stderr}`)
          const lines = r.stderr.trim().split('\n').filter((l) => !l.startsWith('Warning: secrets are in a plain file'))
          assert.equal(lines.length, 1, r.stderr)
          assert.ok(lines[0].startsWith(`Error: The secrets file ${join(dir, 'secrets.json')} `), r.stderr)
          assert.match(lines[0], what)
          assert.match(lines[0], /Fix it, or move it aside/)
          assert.ok(!r.stderr.includes(SECRET), 'the file\'s text is not quoted')
        }
        assert.equal(readFileSync(join(dir, 'secrets.json'), 'utf8'), text, 'left as it was')
      })
    }
  })

  // Issue 23: config.json replaced by a link made tink overwrite the link's target and chmod it.
  describe('no write through a link where tink keeps a file', () => {
    const TARGET_TEXT = JSON.stringify({profiles: {}}) + '\n'
    /** A folder whose `name` is a link to a file elsewhere (missing: a dangling link). */
    function planted(name, {missing = false, text = TARGET_TEXT, config} = {}) {
      const dir = tempDir()
      const elsewhere = join(tempDir(), 'precious')
      if (!missing) {
        writeFileSync(elsewhere, text)
        chmodSync(elsewhere, 0o644)
      }
      if (config !== undefined) writeFileSync(join(dir, 'config.json'), config)
      symlinkSync(elsewhere, join(dir, name))
      const intact = () => (missing ? !existsSync(elsewhere) : readFileSync(elsewhere, 'utf8') === text && (statSync(elsewhere).mode & 0o777) === 0o644)
      return {dir, link: join(dir, name), intact}
    }
    const refused = (r, path) => {
      assert.equal(r.code, 2, r.stderr)
      const lines = r.stderr.trim().split('\n').filter((l) => !l.startsWith('Warning: secrets are in a plain file'))
      assert.equal(lines.length, 1, r.stderr)
      assert.ok(lines[0].startsWith('Error: '), r.stderr)
      assert.ok(lines[0].includes(`${path} is a symbolic link`), r.stderr)
    }
    const PROFILE = JSON.stringify({active: 'p', profiles: {p: {clientId: 'c', storage: 'file', baseUrl: 'http://127.0.0.1:9'}}})
    const add = ['profile', 'add', 'n', '--client-id', 'c', '--client-secret-stdin', '--insecure-storage', '--no-verify']

    for (const missing of [false, true]) {
      const how = missing ? 'a dangling link' : 'a link to a file'
      test(`config.json is ${how}: profile add, login, use, set, remove refuse it by name and change nothing`, async () => {
        const p = planted('config.json', {missing, text: PROFILE})
        for (const args of [add, ['login', 'n', '--client-id', 'c', '--client-secret-stdin', '--insecure-storage', '--no-verify'], ['profile', 'use', 'p'], ['profile', 'set', 'p', 'market', 'SE'], ['profile', 'remove', 'p', '--yes']]) {
          const r = await runCli(args, {env: {TINK_CONFIG_DIR: p.dir, ...NO_KEYCHAIN}, input: 's'})
          if (missing && args[1] !== 'add' && args[0] !== 'login') {
            assert.notEqual(r.code, 0, r.stderr) // no such profile: nothing to change
          } else {
            refused(r, p.link)
          }
          assert.ok(p.intact(), `tink ${args.join(' ')} left the link's target as it was`)
          assert.ok(lstatSync(p.link).isSymbolicLink())
          assert.equal(existsSync(join(p.dir, 'secrets.json')), false, 'no secret stored')
        }
      })

      test(`secrets.json is ${how}: saving a secret is refused by name, the target untouched`, async () => {
        const p = planted('secrets.json', {missing, text: '{}\n'})
        const r = await runCli(add, {env: {TINK_CONFIG_DIR: p.dir, ...NO_KEYCHAIN}, input: 's'})
        refused(r, p.link)
        assert.ok(p.intact())
        assert.equal(existsSync(join(p.dir, 'config.json')), false, 'no profile saved')
      })

      test(`the lock file is ${how}: refused by name, never deleted or taken over`, async () => {
        for (const lock of ['config.json.lock', 'secrets.json.lock']) {
          const p = planted(lock, {missing, text: '12345\n', config: lock === 'secrets.json.lock' ? PROFILE : undefined})
          const args = lock === 'secrets.json.lock' ? ['profile', 'add', 'n', '--client-id', 'c', '--client-secret-stdin', '--insecure-storage', '--no-verify'] : add
          const r = await runCli(args, {env: {TINK_CONFIG_DIR: p.dir, ...NO_KEYCHAIN}, input: 's'})
          refused(r, p.link)
          assert.ok(p.intact(), lock)
          assert.ok(lstatSync(p.link).isSymbolicLink(), 'the link is still there')
        }
      })
    }

    test('--journal: a link to a missing or empty file is refused (tink would create it); a link to an earlier journal is followed', async () => {
      const dir = tempDir()
      const csv = join(dir, 'users.csv')
      writeFileSync(csv, `external_user_id,market\nlink-${RUN}-1,GB\n`)
      const env = {TINK_API_URL: emu.url, TINK_CLIENT_ID: CLIENT.id, TINK_CLIENT_SECRET: CLIENT.secret, TINK_CONFIG_DIR: join(dir, 'cfg')}
      for (const [what, make] of [['missing', () => undefined], ['empty', (t) => writeFileSync(t, '')]]) {
        const target = join(dir, `target-${what}`)
        make(target)
        const link = join(dir, `journal-${what}`)
        symlinkSync(target, link)
        const r = await runCli(['user', 'create', '--file', csv, '--journal', link], {env})
        assert.equal(r.code, 2, r.stderr)
        assert.ok(r.stderr.includes(`--journal ${link}`) && /symbolic link/.test(r.stderr), r.stderr)
        assert.equal(existsSync(target) ? readFileSync(target, 'utf8') : undefined, what === 'missing' ? undefined : '', 'nothing written through the link')
      }
      const real = join(dir, 'real.journal')
      const first = await runCli(['user', 'create', '--file', csv, '--journal', real], {env})
      assert.equal(first.code, 0, first.stderr)
      mkdirSync(join(dir, 'links'))
      symlinkSync(real, join(dir, 'links', 'j'))
      const again = await runCli(['user', 'create', '--file', csv, '--journal', join(dir, 'links', 'j')], {env})
      assert.equal(again.code, 0, again.stderr)
    })
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
