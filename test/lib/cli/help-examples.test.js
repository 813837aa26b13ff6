// Every example a command's --help shows runs exactly as written against a live emulator, the
// plugins' commands included (test/support/command-manifests.js lists them).
import assert from 'node:assert/strict'
import {spawn} from 'node:child_process'
import {randomBytes} from 'node:crypto'
import {chmodSync, cpSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {after, before, describe, test} from 'node:test'
import {startEmulator} from 'tink-emulator'
import {BIN, cleanEnv, freePort, runCli, tempDir} from '../../helpers.js'
import {keychainProblem} from '../../support/keychain.js'
import {driveTerminal} from '../../support/cli.js'
import {expand, own, plugins} from '../../support/command-manifests.js'
import {clientToken, delegatedCode, runLink} from '../../support/emulator-http.js'
import {browserSkip, finishInBrowser, linkUrlFrom, recordingBrowser} from '../../support/link-browser.js'
import {listenExample, webhookExampleWorld} from '../../support/webhook-examples.js'
import {customApiSteps, ENTER} from '../../support/login-wizard.js'

const CLIENT = {id: 'tink-emulator-client', secret: 'tink-emulator-secret'}
const HEX_USER = '0123456789abcdef0123456789abcdef'
const RUN = randomBytes(3).toString('hex')

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
