// `tink link connect` end to end: the built CLI as a subprocess against the emulator, the Tink
// Link page opened in headless Chromium (/usr/bin/chromium via playwright-core) from the URL the
// CLI prints on stderr, a Demo Bank picked and submitted, and the CLI's output checked: a user
// token that reads /data/v2/accounts, the documented error and exit code for cancel and failure,
// a refused foreign state, and the listener's port released after timeouts and Ctrl-C. The
// non-loopback path (paste the address the browser ended on) runs in a pseudo-terminal.
// Browser tests are skipped when Chromium is absent, except under CI=true, where that fails.
import {test, before, after, describe} from 'node:test'
import assert from 'node:assert/strict'
import {spawn} from 'node:child_process'
import {readFileSync} from 'node:fs'
import {join} from 'node:path'
import {createServer} from 'node:net'

import {startEmulator} from 'tink-emulator'
import {BIN, cleanEnv, emulatorEnv, freePort, ROOT, runCli, tempDir} from '../helpers.js'
import {oneJson, spawnCli, stripAnsi} from '../support/cli.js'
import {browserSkip, finishInBrowser, launchBrowser} from '../support/link-browser.js'

const noBrowser = browserSkip
const APP_CALLBACK = 'https://app.example.com/tink/callback'

let emu
let browser
let env
let n = 0

before(async () => {
  emu = await startEmulator({seed: 5, redirectUris: [APP_CALLBACK]})
  env = {...emulatorEnv(emu), TINK_LINK_URL: emu.url}
  if (noBrowser) return
  browser = await launchBrowser()
})

after(async () => {
  await browser?.close()
  await emu?.close()
})


/** Resolves whether `port` on 127.0.0.1 can be listened on (the CLI let go of it). */
function canListen(port) {
  return new Promise((resolve) => {
    const s = createServer().once('error', () => resolve(false))
    s.listen(port, '127.0.0.1', () => s.close(() => resolve(true)))
  })
}

/** Starts `tink link connect` for a new user on a free loopback port; resolves once the Link URL is on stderr. */
async function connect(extra = []) {
  const port = await freePort()
  const ext = `browser-${process.pid}-${++n}`
  const redirect = `http://127.0.0.1:${port}/callback`
  const run = spawnCli(['link', 'connect', '--external-user-id', ext, '--create', '--market', 'GB', '--no-browser', '--json', '--redirect-uri', redirect, ...extra], {env})
  let stderr = ''
  const url = await new Promise((resolve, reject) => {
    run.child.stderr.on('data', (d) => {
      stderr += d
      const m = /^(http:\/\/\S+\/1\.0\/\S+)$/m.exec(stderr)
      if (m) resolve(m[1])
    })
    run.done.then((r) => reject(new Error(`exited ${r.code} before printing a URL: ${r.stderr}${r.stdout}`)))
  })
  return {...run, url: new URL(url), port, ext, redirect}
}

/** Opens the Link URL, picks the Demo Bank labelled `label`, submits, and returns the page text. */
async function pickInBrowser(url, label) {
  return (await finishInBrowser(url.href, {choice: label, browser})).text
}

describe('in a real browser', {skip: noBrowser}, () => {
  test('success: a connected user and a user token that reads /data/v2/accounts; the port is released', async () => {
    const run = await connect()
    assert.equal(run.url.searchParams.get('redirect_uri'), run.redirect)
    assert.match(run.url.searchParams.get('state'), /^[0-9a-f]{32}$/, 'a random state')
    const body = await pickInBrowser(run.url, 'Demo Bank (connects successfully)')
    assert.match(body, /Connected.*You can close this tab/s)
    const r = await run.done
    assert.equal(r.code, 0, r.stderr)
    const doc = oneJson(r.stdout)
    assert.equal(doc.external_user_id, run.ext)
    assert.match(doc.user_id, /^[0-9a-f]{32}$/)
    assert.match(doc.credentials_id, /^[0-9a-f]{32}$/)
    // Data v2 balances take accounts:read (Tink's scope table): balances:read belongs to the v1 balances.
    assert.equal(doc.token.scope, 'accounts:read,transactions:read,provider-consents:read,credentials:read')
    assert.match(doc.token.expires_at, /^\d{4}-\d\d-\d\dT/)
    const accounts = await fetch(`${emu.url}/data/v2/accounts`, {headers: {authorization: `Bearer ${doc.token.access_token}`}})
    assert.equal(accounts.status, 200)
    const list = (await accounts.json()).accounts
    assert.equal(list.length, 2, 'the Demo Bank connected two accounts')
    assert.ok(await canListen(run.port), 'the callback port is free again')
  })

  for (const [label, error, exit] of [
    ['Demo Bank (you cancel)', 'USER_CANCELLED', 8],
    ['Demo Bank (wrong password)', 'AUTHENTICATION_ERROR', 9],
    ['Demo Bank (unavailable)', 'TEMPORARY_ERROR', 9],
  ]) {
    test(`${label}: exit ${exit}, error ${error} with error_reason, message and tracking_id; no token`, async () => {
      const run = await connect()
      const body = await pickInBrowser(run.url, label)
      assert.match(body, new RegExp(`did not connect.*${error}`, 's'))
      const r = await run.done
      assert.equal(r.code, exit, r.stderr)
      const doc = oneJson(r.stdout)
      assert.equal(doc.error.code, error)
      assert.equal(doc.error.exitCode, exit)
      assert.match(doc.error.message, new RegExp(`^Tink Link: error=${error} error_reason=\\S+ message=".+" tracking_id=\\S+$`))
      assert.doesNotMatch(r.stdout, /access_token/)
    })
  }

  test('--raw on a localhost redirect: the token alone on stdout, and it works', async () => {
    const port = await freePort()
    const run = spawnCli(['link', 'connect', '--external-user-id', `raw-${process.pid}`, '--create', '--market', 'GB', '--no-browser', '--raw', '--redirect-uri', `http://localhost:${port}/cb`], {env})
    let stderr = ''
    const url = await new Promise((resolve) => run.child.stderr.on('data', (d) => {
      stderr += d
      const m = /^(http:\/\/\S+\/1\.0\/\S+)$/m.exec(stderr)
      if (m) resolve(new URL(m[1]))
    }))
    await pickInBrowser(url, 'Demo Bank (connects successfully)')
    const r = await run.done
    assert.equal(r.code, 0, r.stderr)
    assert.match(r.stdout, /^\S+\n$/, 'the token alone')
    const me = await fetch(`${emu.url}/data/v2/accounts`, {headers: {authorization: `Bearer ${r.stdout.trim()}`}})
    assert.equal(me.status, 200)
  })
})

describe('the callback listener', () => {
  test('a callback with another state is refused: exit 9, nothing exchanged, the browser told why', async () => {
    const run = await connect()
    const before = emu.requests.length
    const res = await fetch(`${run.redirect}?credentials_id=abc&code=stolen&state=not-the-one`)
    assert.equal(res.status, 400)
    assert.match(await res.text(), /state mismatch/)
    const r = await run.done
    assert.equal(r.code, 9)
    const doc = oneJson(r.stdout)
    assert.equal(doc.error.code, 'state_mismatch')
    assert.match(doc.error.message, /Refused the Tink Link callback.*nothing was exchanged/)
    assert.equal(emu.requests.slice(before).length, 0, 'no token request or grant after the refusal')
    assert.ok(await canListen(run.port))
  })

  test('other paths (the browser\'s favicon) get 404 and do not end the wait', async () => {
    const run = await connect(['--wait', '2'])
    assert.equal((await fetch(`http://127.0.0.1:${run.port}/favicon.ico`)).status, 404)
    const r = await run.done
    assert.equal(r.code, 10, 'still waiting until the timeout')
  })

  test('no callback within --wait: exit 10 naming --wait; the port released', async () => {
    const run = await connect(['--wait', '1'])
    const r = await run.done
    assert.equal(r.code, 10)
    const doc = oneJson(r.stdout)
    assert.equal(doc.error.code, 'link_timeout')
    assert.match(doc.error.message, /No Tink Link callback within 1 s/)
    assert.match(doc.error.hint, /--wait SECONDS/)
    assert.ok(await canListen(run.port))
  })

  test('Ctrl-C while waiting: exit 130, the port released', async () => {
    const run = await connect()
    run.child.kill('SIGINT')
    const r = await run.done
    assert.equal(r.code, 130, r.stderr)
    assert.equal(oneJson(r.stdout).error.code, 'interrupted')
    assert.ok(await canListen(run.port))
  })

  test('the port is in use: exit 5 naming the port, before any grant is minted', async () => {
    const busy = createServer()
    await new Promise((resolve) => busy.listen(0, '127.0.0.1', resolve))
    const port = busy.address().port
    try {
      const before = emu.requests.filter((q) => q.path.endsWith('/delegate')).length
      const run = spawnCli(['link', 'connect', '--external-user-id', 'busy-1', '--no-browser', '--redirect-uri', `http://127.0.0.1:${port}/callback`], {env})
      const r = await run.done
      assert.equal(r.code, 5)
      assert.match(r.stderr, new RegExp(`^Error: Cannot listen on http://127\\.0\\.0\\.1:${port} for the Tink Link callback: port ${port} is in use\\..*--redirect-uri`))
      assert.equal(emu.requests.filter((q) => q.path.endsWith('/delegate')).length, before)
    } finally {
      busy.close()
    }
  })

  test('--create with --user-id, a bad --wait, a bad flow: exit 2 before anything is sent', async () => {
    const before = emu.requests.length
    for (const [args, pattern] of [
      [['--user-id', 'abc', '--create'], /--create needs --external-user-id/],
      [['--external-user-id', 'x', '--wait', '0'], /--wait/],
      [['--external-user-id', 'x', '--flow', 'nope'], /Unknown Tink Link flow/],
    ]) {
      const r = await spawnCli(['link', 'connect', '--no-browser', ...args], {env}).done
      assert.equal(r.code, 2, r.stderr)
      assert.match(r.stderr, pattern)
    }
    assert.equal(emu.requests.length, before)
  })
})

describe('a redirect URI that is not loopback: paste the address back', () => {
  test('in a terminal: the URL is shown, the pasted address is parsed, a token is printed', async () => {
    const line = [process.execPath, BIN, 'link', 'connect', '--external-user-id', `paste-${process.pid}`, '--create', '--market', 'GB', '--redirect-uri', APP_CALLBACK]
      .map((a) => `'${a}'`)
      .join(' ')
    const child = spawn('script', ['-qfec', line, '/dev/null'], {cwd: ROOT, env: cleanEnv(env), stdio: ['pipe', 'pipe', 'pipe']})
    let screen = ''
    let pasted = false
    const done = new Promise((resolve) => child.on('close', (code) => resolve(code)))
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000)
    child.stdout.setEncoding('utf8').on('data', async (d) => {
      screen += d
      const text = stripAnsi(screen)
      const m = /(http:\/\/\S+\/1\.0\/\S+)/.exec(text)
      if (!pasted && m && /Paste the address the browser ended on/.test(text)) {
        pasted = true
        // What the customer's browser does: submit the Demo Bank choice and land on the app's callback.
        const res = await fetch(m[1], {method: 'POST', body: new URLSearchParams({bank: 'demo-success'}), redirect: 'manual'})
        const landed = res.headers.get('location')
        assert.ok(landed.startsWith(`${APP_CALLBACK}?`), landed)
        child.stdin.write(landed + '\r')
      }
    })
    const code = await done
    clearTimeout(timer)
    const text = stripAnsi(screen)
    assert.equal(code, 0, text)
    assert.ok(pasted, text)
    assert.match(text, /credentials_id:\s+[0-9a-f]{32}/)
    assert.match(text, /user_id:\s+[0-9a-f]{32}/)
    // A token on a terminal is a secret on a screen: only --raw or --json print it.
    assert.doesNotMatch(text, /access_token/)
    assert.match(text, /print it with --raw or --json/)
  })

  test('on stdin (no terminal): a pasted address with a foreign state is refused, exit 9', async () => {
    const r = await spawnCli(['link', 'connect', '--external-user-id', `stdin-${process.pid}`, '--create', '--market', 'GB', '--json', '--redirect-uri', APP_CALLBACK], {env, input: `${APP_CALLBACK}?credentials_id=c&state=foreign\n`}).done
    assert.equal(r.code, 9, r.stderr)
    assert.equal(oneJson(r.stdout).error.code, 'state_mismatch')
    assert.match(r.stderr, /^http:\/\/\S+\/1\.0\/transactions\/connect-accounts\?/m, 'the URL was shown')
  })
})

describe('the token cache', () => {
  test("the user token lands in the profile's token cache, keyed by the sorted scopes", async () => {
    const config = tempDir('tink-link-cache-')
    const login = await runCli(['login', 'linked', '--base-url', emu.url, '--client-id', 'tink-emulator-client', '--client-secret-stdin', '--insecure-storage', '--no-verify'], {
      env: {TINK_CONFIG_DIR: config},
      input: 'tink-emulator-secret',
    })
    assert.equal(login.code, 0, login.stderr)
    const port = await freePort()
    const run = spawnCli(['link', 'connect', '-e', `cached-${process.pid}`, '--create', '--market', 'GB', '--no-browser', '--json', '--redirect-uri', `http://127.0.0.1:${port}/callback`], {
      env: {TINK_CONFIG_DIR: config, TINK_LINK_URL: emu.url},
    })
    let stderr = ''
    run.child.stderr.on('data', async (d) => {
      stderr += d
      const m = /^(http:\/\/\S+\/1\.0\/\S+)$/m.exec(stderr)
      if (m && !run.sent) {
        run.sent = true
        const res = await fetch(m[1], {method: 'POST', body: new URLSearchParams({bank: 'demo-success'}), redirect: 'manual'})
        await fetch(res.headers.get('location'))
      }
    })
    const r = await run.done
    assert.equal(r.code, 0, r.stderr)
    const token = oneJson(r.stdout).token
    const status = await runCli(['profile', 'status', 'linked', '--json'], {env: {TINK_CONFIG_DIR: config}})
    assert.equal(status.code, 0, status.stderr)
    const cached = JSON.parse(status.stdout)[0].cachedTokens
    const entry = cached.find((c) => c.scope === 'accounts:read,credentials:read,provider-consents:read,transactions:read')
    assert.ok(entry, JSON.stringify(cached))
    assert.equal(entry.expiresAt, token.expires_at)
    assert.ok(readFileSync(join(config, 'secrets.json'), 'utf8').includes(token.access_token), 'stored in the profile secret store')
  })
})
