// Help a user can learn from: every command described, every flag described, examples that run
// exactly as written against a live emulator, and suggestions for typos.
// Commands are discovered from oclif.manifest.json (and the manifests of the plugins named in
// package.json), so a new command is checked the day it lands. `help` is @oclif/plugin-help's
// command, bundled into tink's own (scripts/bundle.mjs): checked as a plugin's command.
import assert from 'node:assert/strict'
import {spawn} from 'node:child_process'
import {randomBytes} from 'node:crypto'
import {chmodSync, cpSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {after, before, describe, test} from 'node:test'
import {startEmulator} from 'tink-emulator'
import {BIN, cleanEnv, freePort, ROOT, runCli, tempDir} from '../../helpers.js'
import {keychainProblem} from '../../support/keychain.js'
import {driveTerminal, assertOneLineError, oneJson} from '../../support/cli.js'
import {clientToken, delegatedCode, runLink} from '../../support/emulator-http.js'
import {browserSkip, finishInBrowser, linkUrlFrom, recordingBrowser} from '../../support/link-browser.js'
import {listenExample, webhookExampleWorld} from '../../support/webhook-examples.js'
import {customApiSteps, ENTER} from '../../support/login-wizard.js'

const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'))
const BUNDLED = {help: '@oclif/plugin-help'}
const manifestCommands = Object.values(JSON.parse(readFileSync(join(ROOT, 'oclif.manifest.json'), 'utf8')).commands)
const own = manifestCommands.filter((c) => !BUNDLED[c.id])
const plugins = [
  ...Object.entries(BUNDLED).map(([id, name]) => ({name, commands: manifestCommands.filter((c) => c.id === id)})),
  ...(pkg.oclif.plugins ?? []).map((name) => {
    const manifest = JSON.parse(readFileSync(join(ROOT, 'node_modules', name, 'oclif.manifest.json'), 'utf8'))
    return {name, commands: Object.values(manifest.commands).filter((c) => !c.hidden)}
  }),
]
const CLIENT = {id: 'tink-emulator-client', secret: 'tink-emulator-secret'}
const HEX_USER = '0123456789abcdef0123456789abcdef'
const RUN = randomBytes(3).toString('hex')
const spaced = (id) => id.replaceAll(':', ' ')

/** An example as the user reads it in --help: templates filled in. */
function expand(example, command) {
  const raw = typeof example === 'string' ? example : example.command
  return raw.replace(/^\$ /, '').replaceAll('<%= config.bin %>', 'tink').replaceAll('<%= command.id %>', spaced(command.id))
}

describe('every command describes itself', () => {
  for (const c of own) {
    test(`tink ${spaced(c.id)}: description, flag descriptions, two or more examples`, () => {
      assert.ok((c.summary ?? c.description ?? '').trim().length > 10, 'a summary or description')
      for (const [name, flag] of Object.entries(c.flags)) assert.ok(flag.description?.trim(), `--${name} has a description`)
      for (const [name, arg] of Object.entries(c.args ?? {})) assert.ok(arg.description?.trim(), `argument ${name} has a description`)
      assert.ok((c.examples ?? []).length >= 2, `at least two examples (has ${(c.examples ?? []).length})`)
      for (const e of c.examples) assert.doesNotMatch(expand(e, c), /<%/, 'no unexpanded template')
    })
  }

  test('tink --help lists every topic and command a user can run', async () => {
    const r = await runCli(['--help'])
    assert.equal(r.code, 0, r.stderr)
    for (const topic of Object.keys(pkg.oclif.topics)) assert.match(r.stdout, new RegExp(`^  ${topic}\\s`, 'm'), `topic ${topic}`)
    assert.match(r.stdout, /^ {2}completion\s/m)
    const topicHelp = await runCli(['token', '--help'])
    for (const c of own.filter((x) => x.id.startsWith('token:'))) assert.ok(topicHelp.stdout.includes(spaced(c.id)), c.id)
  })

  test('a command\'s --help shows its examples with their descriptions, on stdout', async () => {
    const c = own.find((x) => x.id === 'user:delete')
    const r = await runCli(['user', 'delete', '--help'])
    assert.equal(r.code, 0)
    assert.match(r.stdout, /EXAMPLES/)
    // Long lines wrap with a trailing backslash, as a shell continues them.
    const shown = r.stdout.replace(/ \\\n\s*/g, ' ').replace(/\s+/g, ' ')
    for (const e of c.examples) {
      assert.ok(shown.includes(`$ ${expand(e, c)}`), expand(e, c))
      if (e.description) assert.ok(shown.includes(e.description), e.description)
    }
  })
})

describe('a mistyped command', () => {
  for (const [typed, meant] of [
    [['tokn', 'get'], 'token get'],
    [['token', 'gte'], 'token get'],
    [['usr', 'create', '--external-user-id', 'x'], 'user create'],
    [['profle', 'lst'], 'profile list'],
  ]) {
    test(`tink ${typed.join(' ')} suggests tink ${meant}, exits 2, sends nothing`, async () => {
      const r = await runCli(typed)
      assert.equal(r.code, 2)
      assert.equal(r.stdout, '')
      const lines = r.stderr.trim().split('\n')
      assert.equal(lines.length, 1, r.stderr)
      assert.match(lines[0], new RegExp(`is not a tink command\\. Did you mean "tink ${meant}"\\?`))
    })
  }

  test('something not close to any command gets the pointer to --help, no wild guess', async () => {
    const r = await runCli(['frobnicate-everything'])
    assert.equal(r.code, 2)
    assert.doesNotMatch(r.stderr, /Did you mean/)
    assert.match(r.stderr, /Run tink --help/)
  })

  test('with --json the error is one JSON document on stdout', async () => {
    const r = await runCli(['tokn', 'get', '--json'])
    assert.equal(r.code, 2)
    assert.equal(r.stderr, '')
    const doc = JSON.parse(r.stdout)
    assert.equal(doc.error.code, 'unknown_command')
    assert.equal(doc.error.exitCode, 2)
    assert.match(doc.error.hint, /tink token get/)
  })
})

// Issue 23: `tink logout` suggested `login`; `tink version` and `tink completion` led nowhere.
describe('words other CLIs use lead to what tink calls them', () => {
  for (const [typed, leads] of [
    [['logout'], /tink profile remove NAME/],
    [['log-out'], /tink profile remove NAME/],
    [['signout'], /tink profile remove NAME/],
    [['auth', 'logout'], /tink profile remove NAME/],
    [['version'], /tink --version/],
    [['autocomplete'], /tink completion bash/],
    [['completions', 'bash'], /tink completion bash/],
    [['whoami'], /tink profile status/],
  ]) {
    test(`tink ${typed.join(' ')}: exit 2, one line leading to ${leads.source}`, async () => {
      const r = await runCli(typed)
      assert.equal(r.code, 2)
      assert.equal(r.stdout, '')
      const lines = r.stderr.trim().split('\n')
      assert.equal(lines.length, 1, r.stderr)
      assert.match(lines[0], leads)
      assert.doesNotMatch(lines[0], /Did you mean "tink login"/)
    })
  }
})

// Issue 23: `--scop` gave only "Nonexistent flag"; `--client-secret abc` did not say where a secret goes.
describe('a flag the command does not have', () => {
  for (const [args, meant] of [
    [['token', 'get', '--scop', 'user:read'], 'scope'],
    [['token', 'get', '--scopes=user:read'], 'scope'],
    [['user', 'create', '-e', 'x', '--marke', 'GB'], 'market'],
    [['profile', 'list', '--verbos'], 'verbose'],
    [['token', 'get', '--retry', '1'], 'retries'],
  ]) {
    test(`tink ${args.join(' ')} suggests --${meant}, exit 2, nothing sent`, async () => {
      const r = await runCli(args, {env: {TINK_API_URL: 'http://127.0.0.1:9', TINK_CLIENT_ID: 'a', TINK_CLIENT_SECRET: 'b'}})
      assert.equal(r.code, 2, r.stderr)
      const lines = r.stderr.trim().split('\n')
      assert.equal(lines.length, 1, r.stderr)
      assert.match(lines[0], new RegExp(`Did you mean --${meant}\\?`))
    })
  }

  test('a flag near nothing gets no wild guess', async () => {
    const r = await runCli(['token', 'get', '--frobnicate'])
    assert.equal(r.code, 2)
    assert.match(r.stderr, /Nonexistent flag: --frobnicate/)
    assert.doesNotMatch(r.stderr, /Did you mean/)
  })

  const SECRET = `sk-${randomBytes(6).toString('hex')}`
  for (const args of [
    ['token', 'get', '--client-secret', SECRET],
    ['token', 'get', `--client-secret=${SECRET}`],
    ['login', 'x', '--client-id', 'c', '--client-secret', SECRET],
    ['user', 'create', '-e', 'u', '--client-secret', SECRET, '--json'],
  ]) {
    const shown = args.map((a) => a.replace(SECRET, 'SECRET')).join(' ')
    test(`tink ${shown}: points at --client-secret-stdin and TINK_CLIENT_SECRET, never repeats the value`, async () => {
      const r = await runCli(args, {env: {TINK_API_URL: 'http://127.0.0.1:9'}})
      assert.equal(r.code, 2, r.stderr)
      const text = args.includes('--json') ? JSON.parse(r.stdout).error.message + ' ' + JSON.parse(r.stdout).error.hint : r.stderr
      assert.match(text, /--client-secret-stdin/)
      assert.match(text, /TINK_CLIENT_SECRET/)
      assert.ok(!(r.stdout + r.stderr).includes(SECRET), 'the value is not shown')
    })
  }

  test('a command without a secret flag says it takes none, still never repeating the value', async () => {
    const r = await runCli(['profile', 'list', '--client-secret', SECRET])
    assert.equal(r.code, 2)
    assert.match(r.stderr, /takes no client-secret/)
    assert.ok(!r.stderr.includes(SECRET))
  })

  test('a flag value that starts with dashes is a value, not a flag to check', async () => {
    const r = await runCli(['user', 'create', '-e', 'x', '--market', '--scop'], {env: {TINK_API_URL: 'http://127.0.0.1:9', TINK_CLIENT_ID: 'a', TINK_CLIENT_SECRET: 'b'}})
    assert.doesNotMatch(r.stderr, /Did you mean --scope/)
  })
})

/**
 * Examples that cannot run unattended get a documented treatment instead of a skip:
 * - interactive ones run on a real pseudo-terminal (util-linux `script`) with typed answers;
 * - `tink emulator start` runs in the foreground until stopped: it must print its URL and serve
 *   /__emulator/health, then stop cleanly on SIGTERM (exit 0).
 * A treatment listed here that matches no example fails the test (it would hide a rename).
 */
const onTerminal = {
  'tink login': (emu) => customApiSteps({name: `example-login-${RUN}`, url: emu.url, clientId: CLIENT.id, secret: CLIENT.secret}),
  'tink profile remove old-test': () => [{expect: 'Remove profile "old-test"', keys: 'y' + ENTER}],
}
const needsKeychain = new Set(['tink login'])
/**
 * `tink link connect` needs a person in a browser: headless Chromium is that person
 * (test/support/link-browser.js), handed the Link URL the way the example hands it out:
 * - 'opened': the system browser, which the test's $BROWSER records;
 * - 'stderr': printed on stderr (--no-browser), read while the process runs;
 * - 'paste': printed on stderr, and the address the browser ended on (the app's https callback,
 *   answered inside Chromium) is pasted back on stdin.
 */
const inBrowser = {
  'tink link connect --external-user-id demo-1 --create --market GB': 'opened',
  'tink link connect --user-id 0123456789abcdef0123456789abcdef --no-browser --json': 'stderr',
  'tink link connect --external-user-id user-123 --redirect-uri https://console.tink.com/callback': 'paste',
}


/**
 * The customer of `userId` connects Demo Bank through the emulator's Tink Link once `tink
 * credentials wait` (`child`) says it is waiting: a connection made before the wait began does
 * not count, however slowly the process starts.
 */
async function connectWhenWaiting(emu, userId, child) {
  await new Promise((resolve, reject) => {
    let err = ''
    child.stderr.on('data', (d) => {
      err += d
      if (err.includes('Waiting up to')) resolve()
    })
    child.on('close', () => reject(new Error(`tink credentials wait ended before it waited: ${err}`)))
  })
  const code = await delegatedCode(emu, await clientToken(emu, CLIENT), userId)
  const r = await runLink(emu, 'transactions/connect-accounts', {client_id: CLIENT.id, redirect_uri: 'http://localhost:3000/callback', authorization_code: code, market: 'GB', locale: 'en_US'}, 'demo-success')
  assert.equal(r.post.status, 303, r.post.text)
}

describe('every example runs as written against the emulator', () => {
  let port
  let base // folder with the shared fixtures: the `tink` shim, prepared profiles, seed state
  const used = new Set()
  const keychain = keychainProblem()

  before(async () => {
    base = tempDir('tink-examples-')
    // `tink` on PATH, exactly what `npm install -g` puts there: a launcher of bin/run.cjs.
    mkdirSync(join(base, 'bin'))
    writeFileSync(join(base, 'bin', 'tink'), `#!/bin/sh\nexec "${process.execPath}" "${BIN}" "$@"\n`)
    chmodSync(join(base, 'bin', 'tink'), 0o755)
    // One port for every example's emulator, so prepared profiles can name its URL.
    const probe = await startEmulator({})
    port = probe.port
    await probe.close()
    const created = new Date().toISOString()
    const user = (user_id, external_user_id) => ({user_id, external_user_id, market: 'GB', locale: 'en_US', retention_class: 'PERMANENT', created_at: created, client_id: CLIENT.id})
    writeFileSync(
      join(base, 'seed.json'),
      JSON.stringify({
        version: 1,
        users: [user('5c1a0e6d9b7f4a2e8c3d1b0a9f8e7d6c', 'user-123'), user(HEX_USER, 'jane-doe'), user('aa11aa11aa11aa11aa11aa11aa11aa11', 'bulk-alice'), user('bb22bb22bb22bb22bb22bb22bb22bb22', 'bulk-bob')],
      }),
    )
    writeFileSync(join(base, 'users.csv'), 'external_user_id,market,locale\nbulk-alice,GB,en_US\nbulk-bob,SE,sv_SE\n')
    // Profiles the examples name (us-prod, old-test), kept in a file so no keychain is needed.
    const emu = await startEmulator({port})
    mkdirSync(join(base, 'config'))
    for (const name of ['us-prod', 'old-test']) {
      const r = await runCli(['profile', 'add', name, '--base-url', emu.url, '--client-id', CLIENT.id, '--client-secret-stdin', '--insecure-storage'], {
        env: {TINK_CONFIG_DIR: join(base, 'config')},
        input: CLIENT.secret,
      })
      assert.equal(r.code, 0, r.stderr)
    }
    await emu.close()
  })

  after(() => {
    for (const key of [...Object.keys(onTerminal), ...Object.keys(inBrowser)]) assert.ok(used.has(key), `the treatment for "${key}" matches no example any more: update it`)
  })

  /** A fresh world per example: emulator with seeded users, prepared profiles, a working folder. */
  async function world(command) {
    const dir = mkdtempSync(join(base, 'example-'))
    cpSync(join(base, 'config'), join(dir, 'config'), {recursive: true})
    cpSync(join(base, 'users.csv'), join(dir, 'users.csv'))
    // user create's examples create these users, so they must not exist yet.
    if (command.id !== 'user:create') cpSync(join(base, 'seed.json'), join(dir, 'state.json'))
    // Tink's own callback, registered for every Console app: link connect's paste example and grant delegate's.
    const emu = await startEmulator({port, stateFile: join(dir, 'state.json'), redirectUris: ['https://console.tink.com/callback']})
    const env = {
      ...cleanEnv({TINK_CONFIG_DIR: join(dir, 'config')}),
      PATH: `${join(base, 'bin')}:${process.env.PATH}`,
      // One cache folder for every example: what a user's machine has after the first call (the
      // bundle's code cache), instead of a cold start each time.
      XDG_CACHE_HOME: join(base, 'cache'),
      TINK_API_URL: emu.url,
      TINK_CLIENT_ID: CLIENT.id,
      TINK_CLIENT_SECRET: CLIENT.secret,
      CLIENT_ID: CLIENT.id,
      SECRET: CLIENT.secret,
    }
    return {dir, emu, env}
  }

  const all = [...own.map((c) => ({c, from: 'tink-auth-cli'})), ...plugins.flatMap((p) => p.commands.map((c) => ({c, from: p.name})))]
  for (const {c, from} of all) {
    for (const example of c.examples ?? []) {
      const line = expand(example, c)
      test(`${line}${from === 'tink-auth-cli' ? '' : `  (${from})`}`, async (t) => {
        if (needsKeychain.has(line) && keychain) {
          if (process.env.TINK_REQUIRE_KEYCHAIN === '1') assert.fail(`TINK_REQUIRE_KEYCHAIN=1 but no Secret Service: ${keychain}`)
          return t.skip(`needs the OS keychain, which does not answer here: ${keychain}`)
        }
        const {dir, emu, env} = await world(c)
        // Until the emulator serves events v2, `tink webhook` examples run against a purpose-built server.
        const webhooks = c.id.startsWith('webhook:') ? await webhookExampleWorld(dir, env, CLIENT) : undefined
        try {
          if (line.includes('$CODE')) {
            const minted = await runCli(['grant', 'create', '--external-user-id', 'user-123', '--scope', 'accounts:read'], {env})
            assert.equal(minted.code, 0, minted.stderr)
            env.CODE = minted.stdout.trim()
          }
          if (line.includes('$TOKEN')) {
            const minted = await runCli(['token', 'get', '--external-user-id', 'user-123', '--scope', 'user:read,accounts:read', '--raw'], {env})
            assert.equal(minted.code, 0, minted.stderr)
            env.TOKEN = minted.stdout.trim()
          }
          if (c.id === 'emulator:start') return await foreground(line, dir, env)
          if (c.id === 'webhook:listen') return await listenExample(line, dir, env)
          if (onTerminal[line]) {
            used.add(line)
            const r = await driveTerminal(line, onTerminal[line](emu), {cwd: dir, env})
            assert.equal(r.code, 0, r.screen)
            if (line === 'tink login') {
              assert.match(r.screen, /saved:\s+profile example-login-/)
              const removed = await runCli(['profile', 'remove', `example-login-${RUN}`, '--yes'], {env})
              assert.equal(removed.code, 0, removed.stderr)
            }
            return
          }
          if (inBrowser[line]) {
            used.add(line)
            if (browserSkip) return t.skip(browserSkip)
            return await throughBrowser(line, inBrowser[line], dir, {...env, TINK_LINK_URL: emu.url, TINK_REDIRECT_URI: `http://localhost:${await freePort()}/callback`})
          }
          // credentials wait waits for the customer: user-123 connects Demo Bank through Tink Link meanwhile.
          let connecting
          const started = c.id === 'credentials:wait' ? (child) => (connecting = connectWhenWaiting(emu, '5c1a0e6d9b7f4a2e8c3d1b0a9f8e7d6c', child)) : undefined
          const r = await shell(line, dir, env, {started})
          await connecting
          assert.equal(r.code, 0, `exit ${r.code}\nstdout: ${r.stdout}\nstderr: ${r.stderr}`)
          if (/--json/.test(line) && !/>/.test(line)) JSON.parse(r.stdout)
          if (/> results\.ndjson/.test(line)) {
            const rows = readFileSync(join(dir, 'results.ndjson'), 'utf8').trim().split('\n').map((l) => JSON.parse(l))
            assert.equal(rows.length, 2)
            for (const row of rows) assert.match(row.status, /^(created|deleted)$/)
          }
        } finally {
          await emu.close()
          await webhooks?.close()
        }
      })
    }
  }
})


/** A `tink link connect` example with Chromium as the customer; see inBrowser. */
async function throughBrowser(line, how, cwd, env) {
  const browser = how === 'opened' ? recordingBrowser(cwd) : undefined
  if (browser) env.BROWSER = browser.BROWSER
  let child
  const run = shell(line, cwd, env, {stdin: how === 'paste' ? 'pipe' : 'ignore', started: (c) => (child = c)})
  const url = browser ? await browser.opened() : await Promise.race([linkUrlFrom(child.stderr), run.then((r) => assert.fail(`exit ${r.code} before a Link URL\nstderr: ${r.stderr}`))])
  const {address} = await finishInBrowser(url)
  if (how === 'paste') {
    assert.ok(address.startsWith('https://console.tink.com/callback?'), address)
    child.stdin.end(address + '\n')
  }
  const r = await run
  assert.equal(r.code, 0, `exit ${r.code}\nstdout: ${r.stdout}\nstderr: ${r.stderr}`)
  if (!/--json|--raw/.test(line)) {
    // A token on a screen is a secret shown: the human output names the user, the token stays in the cache.
    assert.doesNotMatch(r.stdout, /access_token/)
    assert.match(r.stdout, /^user_id:\s+\S+$/m)
    return
  }
  const token = /--raw/.test(line) ? r.stdout.trim() : JSON.parse(r.stdout).token.access_token
  assert.ok(token, r.stdout)
  const accounts = await fetch(`${env.TINK_API_URL}/data/v2/accounts`, {headers: {authorization: `Bearer ${token}`}})
  assert.equal(accounts.status, 200, 'the user token reads the connected accounts')
}

function shell(line, cwd, env, {stdin = 'ignore', started} = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn('sh', ['-c', line], {cwd, env, stdio: [stdin, 'pipe', 'pipe']})
    started?.(child)
    let stdout = ''
    let stderr = ''
    child.stdout.setEncoding('utf8').on('data', (d) => (stdout += d))
    child.stderr.setEncoding('utf8').on('data', (d) => (stderr += d))
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000)
    child.on('error', reject)
    child.on('close', (code) => {
      clearTimeout(timer)
      resolve({code, stdout, stderr})
    })
  })
}

/** `tink emulator start ...`: must print its URL, answer health checks, and stop on SIGTERM with 0. */
function foreground(line, cwd, env) {
  return new Promise((resolve, reject) => {
    const child = spawn('sh', ['-c', `exec ${line}`], {cwd, env, stdio: ['ignore', 'pipe', 'pipe']})
    let out = ''
    let err = ''
    let checked = false
    const timer = setTimeout(() => {
      child.kill('SIGKILL')
      reject(new Error(`${line}: no URL within 15 s\nstdout: ${out}\nstderr: ${err}`))
    }, 15_000)
    child.stderr.setEncoding('utf8').on('data', (d) => (err += d))
    child.stdout.setEncoding('utf8').on('data', async (d) => {
      out += d
      const url = /http:\/\/127\.0\.0\.1:\d+/.exec(out)?.[0]
      if (!url || checked) return
      checked = true
      try {
        const health = await fetch(`${url}/__emulator/health`)
        assert.deepEqual(await health.json(), {ok: true})
      } catch (error) {
        reject(error)
      }
      child.kill('SIGTERM')
    })
    child.on('close', (code) => {
      clearTimeout(timer)
      try {
        assert.ok(checked, `${line} never printed its URL\nstdout: ${out}\nstderr: ${err}`)
        assert.equal(code, 0, `exit ${code} after SIGTERM\nstderr: ${err}`)
        if (/--json/.test(line)) assert.equal(out.trim().split('\n').length, 1, 'one JSON line')
        resolve()
      } catch (error) {
        reject(error)
      }
    })
  })
}

// Issue 23, quick-start noise: `npm test` printed thousands of lines of raw TAP, and the build an
// "oclif update available" notice on every run.
describe('npm test prints a readable report and the closing summary CI reads', () => {
  function fixture() {
    const dir = tempDir('tink-testsh-')
    const file = join(dir, 'sample.test.mjs')
    writeFileSync(file, `import {test} from 'node:test'
import assert from 'node:assert/strict'
test('a passing sample', () => {})
test('a failing sample', () => assert.equal(1, 2, 'the sample failure message'))
`)
    return file
  }
  // Built already and no second D-Bus session: scripts/test.sh runs the runner alone.
  const env = () => {
    const e = cleanEnv({TINK_TEST_BUILT: '1', TINK_TEST_IN_DBUS: '1'})
    delete e.NODE_TEST_CONTEXT // set by the runner running this file: the child would refuse to run files
    return e
  }

  test('off a terminal (a CI log): compact, the failure in full, the runner\'s closing summary lines, exit 1', async () => {
    const {runProcess} = await import('../../helpers.js')
    const r = await runProcess('sh', [join(ROOT, 'scripts', 'test.sh'), fixture()], {env: env()})
    assert.equal(r.code, 1, r.stdout + r.stderr)
    assert.doesNotMatch(r.stdout, /TAP version|# Subtest:|^ok \d|^not ok \d/m, 'no raw TAP')
    assert.match(r.stdout, /a failing sample/)
    assert.match(r.stdout, /the sample failure message/)
    for (const line of ['# tests 2', '# pass 1', '# fail 1', '# cancelled 0', '# skipped 0', '# todo 0']) assert.ok(r.stdout.split('\n').includes(line), `${line} in:\n${r.stdout}`)
    assert.ok(r.stdout.split('\n').length < 60, 'a short report')
  })

  test('on a terminal: the spec reporter, one line per test, and the same closing lines', async () => {
    const cmd = `sh '${join(ROOT, 'scripts', 'test.sh')}' '${fixture()}'`
    const r = await driveTerminal(cmd, [], {env: env(), label: 'npm test on a terminal'})
    assert.equal(r.code, 1, r.screen)
    assert.match(r.screen, /✔ a passing sample/)
    assert.match(r.screen, /✖ a failing sample/)
    assert.match(r.screen, /the sample failure message/)
    assert.doesNotMatch(r.screen, /TAP version|# Subtest:/)
    assert.match(r.screen, /^# pass 1\r?$/m)
    assert.match(r.screen, /^# fail 1\r?$/m)
  })

  test('the build does not check for oclif updates (no "update available" notice)', () => {
    assert.match(pkg.scripts.build, /OCLIF_SKIP_NEW_VERSION_CHECK=true oclif manifest/)
  })
})

// Help and unknown commands go through oclif's hooks and help class: run as a user does.
describe('help for something that does not exist', () => {
  test('tink help tokn --json: the JSON error document with the suggestion, exit 2, no stack trace', async () => {
    const r = await runCli(['help', 'tokn', '--json'])
    assert.equal(r.code, 2, r.stderr)
    assert.equal(r.stderr, '')
    const {error} = oneJson(r.stdout)
    assert.equal(error.code, 'unknown_command')
    assert.equal(error.exitCode, 2)
    assert.match(error.hint, /Did you mean "tink token"\?/)
  })

  for (const args of [['help', 'nosuch', '-v'], ['help', 'tokn'], ['help', 'token', 'gte'], ['tokn', '--help'], ['token', 'gte', '-h']]) {
    test(`tink ${args.join(' ')}: one line, exit 2`, async () => {
      const r = await runCli(args)
      assertOneLineError(r, 2, /^Error: "[\w ]+" is not a tink command/)
      if (args.includes('gte')) assert.match(r.stderr, /Did you mean "tink token get"\?/)
    })
  }

  test('-h is --help, for the root, a topic and a command', async () => {
    for (const args of [[], ['token'], ['token', 'get']]) {
      const short = await runCli([...args, '-h'])
      const long = await runCli([...args, '--help'])
      assert.equal(short.code, 0, short.stderr)
      assert.equal(short.stdout, long.stdout)
      assert.match(short.stdout, /USAGE/)
    }
    const help = await runCli(['help', 'token', 'get'])
    assert.equal(help.code, 0)
    assert.match(help.stdout, /\$ tink token get/)
  })
})
