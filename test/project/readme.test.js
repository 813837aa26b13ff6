// The README is part of the product: its command reference must be what the commands say today,
// and each guide's shell blocks must run exactly as written (against the emulator) and show what
// the README says they show.
import assert from 'node:assert/strict'
import {execFile, spawn, spawnSync} from 'node:child_process'
import {createHmac, randomBytes} from 'node:crypto'
import {chmodSync, existsSync, readdirSync, readFileSync, writeFileSync} from 'node:fs'
import {createServer} from 'node:http'
import {join} from 'node:path'
import {after, before, describe, test} from 'node:test'
import {promisify} from 'node:util'
import {startEmulator} from 'tink-emulator'
import {BIN, cleanEnv, emulatorEnv, freePort, ROOT, runCli, tempDir} from '../helpers.js'
import {keychainProblem} from '../support/keychain.js'
import {browserSkip, finishInBrowser, recordingBrowser} from '../support/link-browser.js'

const README = readFileSync(join(ROOT, 'README.md'), 'utf8')
const RUN = randomBytes(3).toString('hex')
/** The text between two markers that each stand on a line of their own. */
const between = (text, start, end) => {
  const a = text.indexOf(`\n${start}\n`)
  const b = text.indexOf(`\n${end}`, a + 1)
  assert.ok(a >= 0 && b > a, `README has ${start} ... ${end}`)
  return text.slice(a + start.length + 2, b)
}

test('the command reference is generated from the commands and up to date (npm run readme)', async () => {
  const oclif = join(ROOT, 'node_modules', '.bin', 'oclif')
  const {stdout} = await promisify(execFile)(oclif, ['readme', '--dry-run', '--readme-path', 'README.md'], {
    cwd: ROOT,
    env: {...process.env, OCLIF_SKIP_NEW_VERSION_CHECK: 'true', OCLIF_COLUMNS: '120'},
    maxBuffer: 16 << 20,
  })
  const want = between(stdout, '<!-- commands -->', '<!-- commandsstop -->')
  const have = between(README, '<!-- commands -->', '<!-- commandsstop -->')
  assert.ok(want.includes('tink token get'), 'the generator saw the commands')
  assert.equal(have, want, 'README.md command reference is stale: run `npm run readme` and commit README.md')
})

test('bulk help says what a bulk run does: --delimiter, exit 7 for a failed write, exit 130 for a closed stdout', async () => {
  for (const verb of ['create', 'delete']) {
    const r = await runCli(['user', verb, '--help'], {env: {}})
    assert.equal(r.code, 0, r.stderr)
    const help = r.stdout.replace(/\s+/g, ' ')
    assert.match(help, /set with --delimiter/, `user ${verb}`)
    assert.match(help, /7 a write failed \(stdout or --journal/, `user ${verb}`)
    assert.match(help, /130 interrupted \(Ctrl-C.*\) or stdout was closed/, `user ${verb}`)
  }
})

test('the README documents every exit code and environment variable the code defines', () => {
  const errors = readFileSync(join(ROOT, 'src', 'lib', 'errors', 'cli-error.ts'), 'utf8')
  const codes = [...errors.slice(errors.indexOf('export const ExitCode = {'), errors.indexOf('} as const')).matchAll(/:\s*(\d+)/g)].map((m) => m[1])
  assert.ok(codes.length >= 7)
  for (const code of codes) assert.match(README, new RegExp(`^\\| ${code} \\|`, 'm'), `exit code ${code} in the table`)
  const vars = new Set()
  const sources = readdirSync(join(ROOT, 'src'), {recursive: true}).filter((f) => /\.c?ts$/.test(f)).map((f) => readFileSync(join(ROOT, 'src', f), 'utf8'))
  // Constants named TINK_* (TINK_LINK_SCOPES) are not environment variables.
  const constants = new Set(sources.flatMap((text) => [...text.matchAll(/\bconst (TINK_[A-Z_]+)\b/g)].map((m) => m[1])))
  for (const text of sources) for (const m of text.matchAll(/\b(TINK_[A-Z_]+)\b/g)) if (!constants.has(m[1])) vars.add(m[1])
  for (const v of vars) assert.ok(README.includes(`\`${v}\``) || README.includes(`${v},`) || README.includes(v), `${v} documented`)
  for (const section of ['## Troubleshooting', 'Headless Linux', 'WSL', 'Docker', '**CI**', 'Where things are stored']) assert.ok(README.includes(section), section)
})

/** The `sh` blocks of one guide, joined as one script. */
function guide(name) {
  const text = between(README, `<!-- guide:${name} -->`, '<!-- /guide -->')
  const blocks = [...text.matchAll(/```sh\n([\s\S]*?)```/g)].map((m) => m[1])
  assert.ok(blocks.length > 0, `guide ${name} has sh blocks`)
  return blocks.join('\n')
}

/** Runs `script`; `onStderr(all)` sees stderr as it grows. */
function sh(script, cwd, env, onStderr) {
  return new Promise((resolve, reject) => {
    const child = spawn('sh', ['-c', script], {cwd, env, stdio: ['ignore', 'pipe', 'pipe']})
    let stdout = ''
    let stderr = ''
    child.stdout.setEncoding('utf8').on('data', (d) => (stdout += d))
    child.stderr.setEncoding('utf8').on('data', (d) => {
      stderr += d
      onStderr?.(stderr)
    })
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000)
    child.on('error', reject)
    child.on('close', (code) => {
      clearTimeout(timer)
      resolve({code, stdout, stderr})
    })
  })
}

describe('the README guides, run as written against the emulator', () => {
  let emu
  let shim
  const hasJq = spawnSync('jq', ['--version']).status === 0
  function needJq(t) {
    if (hasJq) return true
    // CI must run the guides; a developer without jq is told, not silently passed.
    if (process.env.CI) assert.fail('jq is not installed (apt-get install jq): the guides use it')
    t.skip('jq is not installed (apt-get install jq): the guides use it')
    return false
  }

  before(async () => {
    emu = await startEmulator({})
    shim = tempDir('tink-shim-')
    writeFileSync(join(shim, 'tink'), `#!/bin/sh\nexec "${process.execPath}" "${BIN}" "$@"\n`)
    chmodSync(join(shim, 'tink'), 0o755)
  })
  after(async () => emu?.close())

  const world = (env) => {
    const dir = tempDir('tink-guide-')
    return {dir, env: {...cleanEnv({XDG_CACHE_HOME: join(dir, 'cache')}), PATH: `${shim}:${process.env.PATH}`, ...env}}
  }

  test('1. engineer: users from a CSV with env credentials, NDJSON read with jq, a safe re-run', async (t) => {
    if (!needJq(t)) return
    const {dir, env} = world(emulatorEnv(emu))
    const r = await sh(guide('engineer'), dir, env)
    assert.equal(r.code, 0, `stdout: ${r.stdout}\nstderr: ${r.stderr}`)
    for (const id of ['cust-1001', 'cust-1002', 'cust-1003']) assert.match(r.stdout, new RegExp(`^${id} created [0-9a-f]{32}$`, 'm'))
    assert.match(r.stdout, /^\s+3 exists$/m, 'the re-run created nothing')
    assert.match(r.stdout, /^cust-1004 [0-9a-f]{32}$/m, '--jq: the interpolated string, raw')
    assert.match(r.stderr, /3 rows in .*: 3 created, 0 exists, 0 invalid, 0 failed/)
    const users = emu.users().filter((u) => /^cust-100[123]$/.test(u.external_user_id))
    assert.equal(users.length, 3, 'each user exactly once')
  })

  test('2. support: logged in once (a keychain profile), create the customer, print the Tink Link URL, wait until they connected in Chromium', {skip: browserSkip}, async (t) => {
    const {dir, env} = world({})
    // The suite's one probe (a write and a delete): findCredentials, a listing, crashes keytar on
    // a locked collection and failed here under the load of the whole suite.
    const problem = keychainProblem()
    const storage = problem === undefined ? [] : ['--insecure-storage']
    if (storage.length) {
      if (process.env.TINK_REQUIRE_KEYCHAIN === '1') assert.fail(`TINK_REQUIRE_KEYCHAIN=1 but the keychain does not answer: ${problem}`)
      t.diagnostic('no keychain here: the profile keeps its secret in a 0600 file instead')
    }
    // The guide's one-line login, pointed at the emulator instead of a Tink region.
    const login = await runCli(['login', 'support', '--base-url', emu.url, '--client-id', 'tink-emulator-client', '--client-secret-stdin', '--market', 'GB', ...storage], {
      env: {TINK_CONFIG_DIR: env.TINK_CONFIG_DIR},
      input: 'tink-emulator-secret',
    })
    assert.equal(login.code, 0, login.stderr)
    try {
      // The customer gets link.txt and connects once `tink credentials wait` says it waits (a
      // connection made before the wait began does not count, however slowly the guide runs).
      let waiting = false
      const run = sh(guide('support').replaceAll('cust-2001', `cust-2001-${RUN}`), dir, env, (err) => (waiting ||= err.includes('Waiting up to')))
      const linkFile = join(dir, 'link.txt')
      let text = ''
      for (let i = 0; i < 600 && !(text.endsWith('\n') && waiting); i++) {
        await new Promise((resolve) => setTimeout(resolve, 100))
        text = existsSync(linkFile) ? readFileSync(linkFile, 'utf8') : ''
      }
      const url = new URL(text.trim())
      await finishInBrowser(url.href, {choice: 'Demo Bank (connects successfully)'})
      const r = await run
      assert.equal(r.code, 0, `stdout: ${r.stdout}\nstderr: ${r.stderr}`)
      assert.match(r.stdout, /token now\s+ok/)
      assert.match(r.stdout, /^user_id:\s+[0-9a-f]{32}$/m)
      assert.ok(r.stdout.includes(text), 'cat link.txt shows the URL')
      assert.match(r.stderr, /^Waiting up to 10m for a bank connection of the user with external id "cust-2001-\w+"/m)
      assert.match(r.stdout, /^status:\s+UPDATED$/m)
      assert.match(r.stdout, /^provider:\s+uk-demobank-open-banking-redirect$/m)
      // A profile saved with the emulator's API URL points its Tink Link URLs at the emulator too
      // (issue 23: link.tink.com URLs carrying emulator codes led nowhere).
      assert.equal(url.origin + url.pathname, `${emu.url}/1.0/transactions/connect-accounts`)
      assert.equal(url.searchParams.get('redirect_uri'), 'https://console.tink.com/callback')
      // The one-time income check URL: no user, no code.
      const once = new URL(/^\S+\/1\.0\/income-check\/create-report\?\S+$/m.exec(r.stdout)[0])
      assert.equal(once.origin, emu.url)
      assert.equal(once.searchParams.get('authorization_code'), null)
      assert.equal(once.searchParams.get('market'), 'GB')
      assert.match(url.searchParams.get('authorization_code') ?? url.searchParams.get('code') ?? '', /^[0-9a-f]{32}$/)
    } finally {
      await runCli(['profile', 'remove', 'support', '--yes'], {env: {TINK_CONFIG_DIR: env.TINK_CONFIG_DIR}})
    }
  })

  test('3. pipelines: $(tink token get --raw) with curl, --json with jq, exit codes under set -e', async (t) => {
    if (!needJq(t)) return
    const {dir, env} = world(emulatorEnv(emu))
    const r = await sh(guide('pipelines'), dir, env)
    assert.equal(r.code, 0, `stdout: ${r.stdout}\nstderr: ${r.stderr}`)
    const lines = r.stdout.trim().split('\n')
    assert.match(lines[0], /^[0-9a-f]{32}$/, 'curl created a user with the raw token')
    assert.match(lines[1], /^\d{4}-\d\d-\d\dT/, 'expires_at of the exchanged user token')
    assert.match(lines[2], /^already there: \S+ \(X-Request-ID \S+\)$/)
    // set -e stops at the first failing command: credentials Tink refuses end the script with exit 3.
    const refused = await sh(guide('pipelines'), tempDir('tink-guide-'), {...env, TINK_CLIENT_ID: `unknown-${RUN}`})
    assert.equal(refused.code, 3)
    assert.equal(refused.stdout, '')
  })
  test('5. webhooks on a laptop: create, listen --forward-to an app answering 503 once, trigger; the retry reaches the app', async (t) => {
    if (!needJq(t)) return
    const got = []
    const app = createServer((req, res) => {
      const chunks = []
      req.on('data', (c) => chunks.push(c))
      req.on('end', () => {
        got.push({path: req.url, signature: req.headers['x-tink-signature'], body: Buffer.concat(chunks).toString('utf8')})
        res.writeHead(got.length === 1 ? 503 : 200).end()
      })
    })
    await new Promise((resolve) => app.listen(0, '127.0.0.1', resolve))
    try {
      // The emulator's admin setting, as --webhook-retry-ms would set it: the retry comes quickly.
      assert.equal((await fetch(`${emu.url}/__emulator/webhook-retry`, {method: 'POST', body: '100'})).status, 204)
      const {dir, env} = world({...emulatorEnv(emu), APP_URL: `http://127.0.0.1:${app.address().port}/webhooks/tink`, PORT: String(await freePort())})
      const r = await sh(guide('webhooks'), dir, env)
      assert.equal(r.code, 0, `stdout: ${r.stdout}\nstderr: ${r.stderr}`)
      assert.match(r.stdout, /^Emitted refresh:finished for user [0-9a-f]{32} to 1 webhook endpoint$/m)
      assert.match(r.stdout, /^refresh:finished verified=true app=503\nrefresh:finished verified=true app=200$/m)
      assert.equal(got.length, 2, 'the app got the delivery and its retry')
      assert.equal(got[0].body, got[1].body)
      assert.equal(got[0].path, '/webhooks/tink')
      const secret = JSON.parse(readFileSync(join(dir, 'webhook.json'), 'utf8')).secret
      for (const g of got) {
        const [, ts, v1] = /^t=(\d+),v1=([0-9a-f]{64})$/.exec(g.signature)
        assert.equal(v1, createHmac('sha256', secret).update(`${ts}.${g.body}`).digest('hex'))
      }
    } finally {
      app.closeAllConnections()
      await new Promise((resolve) => app.close(resolve))
    }
  })

  test('4. connect a bank account: link connect opens the browser (BROWSER), Demo Bank in Chromium, a user token', {skip: browserSkip}, async () => {
    const port = await freePort()
    const {dir, env} = world({...emulatorEnv(emu), TINK_LINK_URL: emu.url})
    // The guide's default redirect URI is localhost:3000; a free port here, set the way the guide says (TINK_REDIRECT_URI).
    env.TINK_REDIRECT_URI = `http://localhost:${port}/callback`
    const browser = recordingBrowser(dir)
    env.BROWSER = browser.BROWSER
    const run = sh(guide('connect'), dir, env)
    const {text} = await finishInBrowser(await browser.opened())
    assert.match(text, /You can close this tab/)
    const r = await run
    assert.equal(r.code, 0, `stdout: ${r.stdout}\nstderr: ${r.stderr}`)
    assert.match(r.stderr, /Created user demo-1/)
    assert.match(r.stdout, /^external_user_id: demo-1$/m)
    assert.match(r.stdout, /^credentials_id:\s+[0-9a-f]{32}$/m)
    assert.match(r.stdout, /^user_id:\s+[0-9a-f]{32}$/m)
    assert.doesNotMatch(r.stdout, /access_token/, 'the token only with --raw or --json')
    // The connected accounts, read with tink api for the same user.
    assert.match(r.stdout, /^Demo Current Account$/m)
  })
})

describe('README for a new user', () => {
  test('quick start and install give the exact Node floor, how to run from a clone, and the registry line as once published', async () => {
    const {readFileSync} = await import('node:fs')
    const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8')
    const section = (title) => readme.split(/^## /m).find((s) => s.startsWith(title))
    const floor = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')).engines.node.replace('>=', '')
    for (const title of ['Quick start', 'Install']) {
      assert.ok(section(title).includes(`Node.js ${floor} or newer`), `${title} says Node.js ${floor}`)
      assert.match(section(title), /npm link|npx tink/)
    }
    assert.match(section('Install'), /npm install -g tink-auth-cli .*once published/)
  })
})

// --- the README tells users ----------------------------------------------------------------------

test('README has a Security section: what is stored where, what is redacted, how to report an issue', () => {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8')
  const start = readme.indexOf('\n## Security')
  assert.ok(start >= 0, 'a "## Security" heading')
  const section = readme.slice(start, readme.indexOf('\n## ', start + 5))
  for (const must of ['keychain', 'secrets.json', '0600', 'config.json', '--verbose', 'redact', 'Authorization', 'NODE_EXTRA_CA_CERTS', 'HTTPS_PROXY', 'argument', 'Report']) {
    assert.ok(section.toLowerCase().includes(must.toLowerCase()), `Security section mentions ${must}`)
  }
})
