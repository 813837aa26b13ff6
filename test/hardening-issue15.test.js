// Issue 15, sections 2-4: secrets and trust, waits and hangs, flags and messages a new user hit.
// Behaviour tests run in process (runTink) against a scriptable loopback server; the few that are
// about the process (concurrent runs, signals) run the bin.
import assert from 'node:assert/strict'
import {mkdirSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {after, describe, test} from 'node:test'
import {runTink} from './support/in-process.js'
import {BIN, cleanEnv, runCli, tempDir} from './helpers.js'
import {CREATE_PATH, DELEGATE_PATH, DELETE_PATH, driveTerminal, GRANT_PATH, inTerminal, spawnCli, TOKEN_PATH} from './support/cli.js'
import {startTinkServer} from './support/tink-server.js'

const servers = []
after(() => Promise.all(servers.map((s) => s.close())))
/** A scriptable server; `token: true` answers every token request with a client token. */
async function server({token = false} = {}) {
  const srv = await startTinkServer()
  servers.push(srv)
  if (token) srv.script(TOKEN_PATH, {json: {access_token: 'tok-abc', token_type: 'bearer', expires_in: 1800, scope: 'user:create'}})
  return srv
}
let seq = 0
const envFor = (srv, extra = {}) => ({TINK_API_URL: srv.url, TINK_CLIENT_ID: `c15-${process.pid}-${++seq}`, TINK_CLIENT_SECRET: 'issue15-secret-value', ...extra})

describe('a URL with credentials is refused everywhere, and never shown', () => {
  const URLS = ['https://user:pa55word@api.example.com', 'https://onlyuser@api.example.com', 'http://u:p@127.0.0.1:9']
  for (const url of URLS) {
    test(`--base-url ${url}`, async () => {
      const r = await runTink(['token', 'get', '--no-cache', '--base-url', url], {env: {TINK_CLIENT_ID: 'x', TINK_CLIENT_SECRET: 'y'}})
      assert.equal(r.code, 2)
      assert.match(r.stderr, /credentials/)
      assert.doesNotMatch(r.stderr + r.stdout, /pa55word|onlyuser|u:p@/)
    })
  }
  test('TINK_API_URL and --link-base-url', async () => {
    let r = await runTink(['token', 'get', '--no-cache'], {env: {TINK_API_URL: URLS[0], TINK_CLIENT_ID: 'x', TINK_CLIENT_SECRET: 'y'}})
    assert.equal(r.code, 2)
    assert.doesNotMatch(r.stderr, /pa55word/)
    r = await runTink(['grant', 'delegate', '--external-user-id', 'u1', '--id-hint', 'J', '--link-base-url', 'https://a:pa55word@link.example.com'], {env: {TINK_CLIENT_ID: 'x', TINK_CLIENT_SECRET: 'y'}})
    assert.equal(r.code, 2)
    assert.doesNotMatch(r.stderr, /pa55word/)
  })
  test('profile add --base-url and a hand-edited config', async () => {
    const dir = tempDir()
    let r = await runTink(['profile', 'add', 'p1', '--client-id', 'cid', '--client-secret-stdin', '--base-url', URLS[0], '--no-verify'], {input: 'sec', env: {TINK_CONFIG_DIR: dir}})
    assert.equal(r.code, 2)
    assert.doesNotMatch(r.stderr, /pa55word/)
    mkdirSync(dir, {recursive: true})
    writeFileSync(join(dir, 'config.json'), JSON.stringify({active: 'h', profiles: {h: {clientId: 'cid', storage: 'file', baseUrl: URLS[0]}}}))
    r = await runTink(['profile', 'show', 'h'], {env: {TINK_CONFIG_DIR: dir}})
    assert.doesNotMatch(r.stderr + r.stdout, /pa55word/)
    r = await runTink(['token', 'get', '--no-cache'], {env: {TINK_CONFIG_DIR: dir, TINK_CLIENT_SECRET: 'y'}})
    assert.equal(r.code, 2)
    assert.match(r.stderr, /credentials/)
    assert.doesNotMatch(r.stderr, /pa55word/)
  })
})

describe('a secret echoed back in any encoding is masked in errors, headers and --verbose', () => {
  const SECRET = 'Zq9/s3cr+t väl&ue'
  const ID = 'echo-client-id'
  const b = (t) => Buffer.from(t, 'utf8')
  const FORMS = {
    base64: b(SECRET).toString('base64'),
    base64NoPad: b(SECRET).toString('base64').replace(/=+$/, ''),
    base64url: b(SECRET).toString('base64url'),
    basic: b(`${ID}:${SECRET}`).toString('base64'),
    basicUrl: b(`${ID}:${SECRET}`).toString('base64url'),
    hex: b(SECRET).toString('hex'),
    HEX: b(SECRET).toString('hex').toUpperCase(),
    unicode: [...SECRET].map((c) => '\\u' + c.charCodeAt(0).toString(16).padStart(4, '0')).join(''),
    UNICODE: [...SECRET].map((c) => '\\u' + c.charCodeAt(0).toString(16).padStart(4, '0').toUpperCase()).join(''),
    pctLower: encodeURIComponent(SECRET).replace(/%[0-9A-F]{2}/g, (h) => h.toLowerCase()),
    pctMixed: encodeURIComponent(SECRET).replace(/%([0-9A-F])([0-9A-F])/g, (_, a, c) => `%${a}${c.toLowerCase()}`),
    pctEvery: [...b(SECRET)].map((x) => '%' + x.toString(16).padStart(2, '0')).join(''),
  }
  for (const [name, form] of Object.entries(FORMS)) {
    test(name, async () => {
      const srv = await server()
      srv.script(TOKEN_PATH, {status: 400, headers: {'content-type': 'text/html', 'x-echo': form}, body: `<html><pre>rejected ${form} here</pre></html>`})
      const r = await runTink(['token', 'get', '--no-cache', '--retries', '0', '--verbose'], {env: {TINK_API_URL: srv.url, TINK_CLIENT_ID: ID, TINK_CLIENT_SECRET: SECRET}})
      assert.equal(r.code, 4, r.stderr)
      assert.ok(!(r.stdout + r.stderr).includes(form), `${name} form leaked:\n${r.stderr}`)
      const j = await runTink(['token', 'get', '--no-cache', '--retries', '0', '--json'], {env: {TINK_API_URL: srv.url, TINK_CLIENT_ID: ID, TINK_CLIENT_SECRET: SECRET}})
      assert.ok(!(j.stdout + j.stderr).includes(form), `${name} form leaked in --json`)
    })
  }
})

describe('a usage error never echoes a secret, whatever the flag syntax', () => {
  const V = 'PastedSecretVALUE42'
  const SHAPES = [[`--client-secret-stdin=${V}`], ['--client-secret', V], [`--client-secret=${V}`], [`--secret=${V}`], [V], ['--client-id', 'x', V], ['--client-secret-stdin', V], [V, 'second']]
  for (const cmd of [['token', 'get'], ['profile', 'add', 'p1'], ['login']]) {
    for (const shape of SHAPES) {
      test(`${cmd.join(' ')} ${shape.join(' ')}`, async () => {
        const r = await runTink([...cmd, ...shape], {input: ''})
        assert.equal(r.code, 2, r.stderr)
        assert.ok(!(r.stdout + r.stderr).includes(V), r.stderr)
        const j = await runTink([...cmd, ...shape, '--json'], {input: ''})
        assert.ok(!(j.stdout + j.stderr).includes(V), j.stdout)
      })
    }
  }
})

describe('server text cannot drive the terminal', () => {
  const EVIL = ['\x1b[2J\x1b[H', '\x1b]0;pwned title\x07', '\x1b]8;;http://evil\x1b\\link\x1b]8;;\x1b\\', '\x9b31m', '\x07\x08\x0d', '\x1bc', '\x1bP1$qm\x1b\\']
  const bad = /[\x00-\x08\x0b-\x1f\x7f-\x9f]/
  for (const seq of EVIL) {
    test(JSON.stringify(seq), async () => {
      const srv = await server()
      srv.script(TOKEN_PATH, {status: 400, json: {errorMessage: `bad ${seq}request`, errorCode: `code${seq}`}})
      for (const extra of [[], ['--verbose']]) {
        const r = await runTink(['token', 'get', '--no-cache', '--retries', '0', ...extra], {env: envFor(srv), stderrTTY: true, stdoutTTY: true})
        assert.equal(r.code, 4)
        assert.doesNotMatch(r.stderr, bad, JSON.stringify(r.stderr))
        assert.match(r.stderr, /bad .*request/)
      }
      srv.script(TOKEN_PATH, {status: 502, headers: {'content-type': 'text/html'}, body: `<html><title>Bad${seq}</title><body>gateway ${seq} down</body></html>`})
      const r = await runTink(['token', 'get', '--no-cache', '--retries', '0'], {env: envFor(srv), stderrTTY: true})
      assert.doesNotMatch(r.stderr, bad, JSON.stringify(r.stderr))
    })
  }
})

describe('concurrent profile writes', () => {
  test('8 concurrent profile add runs: every profile is kept, and each one\'s secret is its own', async () => {
    const dir = tempDir()
    const N = 8
    const runs = await Promise.all(Array.from({length: N}, (_, i) =>
      runCli(['profile', 'add', `p${i}`, '--client-id', `cid-${i}`, '--client-secret-stdin', '--insecure-storage', '--no-verify'], {input: `secret-${i}`, env: {TINK_CONFIG_DIR: dir}})))
    for (const r of runs) assert.equal(r.code, 0, r.stderr)
    const list = await runTink(['profile', 'list', '--json'], {env: {TINK_CONFIG_DIR: dir}})
    const names = JSON.stringify(JSON.parse(list.stdout))
    for (let i = 0; i < N; i++) assert.ok(names.includes(`"p${i}"`), `p${i} kept: ${names}`)
    const srv = await server({token: true})
    for (let i = 0; i < N; i++) {
      const r = await runTink(['token', 'get', '--no-cache', '-p', `p${i}`, '--base-url', srv.url], {env: {TINK_CONFIG_DIR: dir}})
      assert.equal(r.code, 0, r.stderr)
      assert.equal(srv.requests.at(-1).form.client_secret, `secret-${i}`)
      assert.equal(srv.requests.at(-1).form.client_id, `cid-${i}`)
    }
  })
})

describe('flag values', () => {
  const EMPTY = [['token', 'get', '--base-url', ''], ['token', 'get', '--client-id', ''], ['token', 'get', '--region', ''], ['token', 'get', '--profile', ''], ['token', 'get', '--timeout', ''],
    ['user', 'create', '--external-user-id', 'u', '--market', ''], ['user', 'create', '--external-user-id', 'u', '--market', 'GB', '--locale', ''], ['grant', 'create', '--external-user-id', 'u', '--scope', ''],
    ['user', 'create', '--file', 'x.csv', '--journal', ''], ['token', 'get', '--base-url=']]
  for (const args of EMPTY) {
    test(`empty: ${args.join(' ')}`, async () => {
      const srv = await server({token: true})
      const r = await runTink(args, {env: envFor(srv)})
      assert.equal(r.code, 2, r.stderr)
      assert.match(r.stderr, /--[\w-]+ is empty|empty/)
      assert.equal(srv.requests.length, 0, 'nothing sent')
    })
  }
  test('--timeout 1.2345 works (rounded to whole milliseconds)', async () => {
    const srv = await server({token: true})
    const r = await runTink(['token', 'get', '--no-cache', '--raw', '--timeout', '1.2345'], {env: envFor(srv)})
    assert.equal(r.code, 0, r.stderr)
    assert.equal(r.stdout, 'tok-abc\n')
  })
})

describe('user create without --locale sends the market\'s own locale', () => {
  for (const [market, locale] of [['GB', 'en_GB'], ['SE', 'sv_SE'], ['US', 'en_US'], ['DE', 'de_DE'], ['FR', 'fr_FR'], ['NO', 'no_NO'], ['FI', 'fi_FI'], ['DK', 'da_DK'], ['ES', 'es_ES'], ['IT', 'it_IT'], ['PT', 'pt_PT'], ['NL', 'nl_NL'], ['AT', 'de_DE'], ['IE', 'en_GB'], ['BE', 'nl_NL'], ['CZ', 'en_US'], ['JP', 'en_US'], ['PL', 'pl_PL'], ['EE', 'et_EE']]) {
    test(`${market} -> ${locale}`, async () => {
      const srv = await server({token: true})
      srv.script(CREATE_PATH, (req) => ({json: {user_id: 'uid-1', external_user_id: req.json.external_user_id}}))
      const r = await runTink(['user', 'create', '--external-user-id', 'u1', '--market', market], {env: envFor(srv)})
      assert.equal(r.code, 0, r.stderr)
      assert.equal(srv.requests.find((q) => q.path === CREATE_PATH).json.locale, locale)
    })
  }
  test("every market's default is one of Tink Link's 16 locales (issue 21: de_AT is not one)", async () => {
    const {ISO_COUNTRIES, TINK_LOCALES, defaultLocale} = await import('../dist/lib/tink/markets.js')
    assert.equal(TINK_LOCALES.length, 16)
    for (const m of ISO_COUNTRIES) assert.ok(TINK_LOCALES.includes(defaultLocale(m)), `${m} -> ${defaultLocale(m)}`)
  })
  test('an explicit --locale still wins', async () => {
    const srv = await server({token: true})
    srv.script(CREATE_PATH, (req) => ({json: {user_id: 'uid-1', external_user_id: req.json.external_user_id}}))
    const r = await runTink(['user', 'create', '--external-user-id', 'u1', '--market', 'SE', '--locale', 'en_US'], {env: envFor(srv)})
    assert.equal(r.code, 0, r.stderr)
    assert.equal(srv.requests.find((q) => q.path === CREATE_PATH).json.locale, 'en_US')
  })
})

describe('grant delegate for an unknown user', () => {
  test('404: the hint is the exact command that creates the user', async () => {
    const srv = await server({token: true})
    srv.script(DELEGATE_PATH, {status: 404, json: {errorMessage: 'User not found', errorCode: 'user_not_found'}})
    const r = await runTink(['grant', 'delegate', '--external-user-id', 'cust-9', '--id-hint', 'Jane', '--market', 'SE', '--redirect-uri', 'https://example.com/cb'], {env: envFor(srv)})
    assert.equal(r.code, 4, r.stderr)
    assert.match(r.stderr, /Create the user first: tink user create --external-user-id cust-9 --market SE/)
  })
})

describe('topics and aliases', () => {
  test('tink token --raw (a topic with a flag) is a usage error, exit 2, naming its commands; the flag value is not echoed', async () => {
    for (const args of [['token', '--raw'], ['user', '--secret=TopicLeak1'], ['grant', '-x']]) {
      const r = await runCli(args)
      assert.equal(r.code, 2, r.stderr)
      assert.equal(r.stdout, '')
      assert.match(r.stderr, /^Error: "tink \w+" is a topic, not a command.*tink \w+ \w+/)
      assert.doesNotMatch(r.stderr, /TopicLeak1/)
    }
    const j = await runCli(['token', '--raw', '--json'])
    assert.equal(j.code, 2)
    assert.equal(JSON.parse(j.stdout).error.exitCode, 2)
    const help = await runCli(['token', '--help'])
    assert.equal(help.code, 0)
  })
  test('emulator start --faults is an alias of --fault', async () => {
    const r = await runCli(['emulator', 'start', '--faults', 'not-a-spec', '--port', '0'])
    assert.equal(r.code, 2, r.stderr)
    assert.doesNotMatch(r.stderr, /Nonexistent flag/)
    assert.match(r.stderr, /fault/i)
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

describe('destructive commands', () => {
  test('the user delete and profile remove prompts name the profile and API host', async () => {
    const dir = tempDir()
    const srv = await server({token: true})
    const add = await runTink(['profile', 'add', 'eu-prod', '--client-id', 'cid', '--client-secret-stdin', '--insecure-storage', '--no-verify', '--base-url', srv.url], {input: 's', env: {TINK_CONFIG_DIR: dir}})
    assert.equal(add.code, 0, add.stderr)
    const host = new URL(srv.url).host
    const del = await inTerminal(['user', 'delete', '--external-user-id', 'gina'], {prompt: /Delete the user/, answer: 'n', env: {TINK_CONFIG_DIR: dir}})
    assert.match(del.output.replace(/\s+/g, ' '), new RegExp(`Delete the user with external id gina .*profile "eu-prod", API ${host}`))
    const rm = await inTerminal(['profile', 'remove', 'eu-prod'], {prompt: /Remove profile/, answer: 'n', env: {TINK_CONFIG_DIR: dir}})
    assert.match(rm.output.replace(/\s+/g, ' '), new RegExp(`Remove profile "eu-prod" \\(API ${host}\\)`))
  })

  for (const [step, _path, said] of [['grant', GRANT_PATH, /step 1 of 3.*nothing was deleted.*still exists/], ['delete', DELETE_PATH, /delete request was sent.*may be deleted.*reported as missing/]]) {
    test(`Ctrl-C during user delete (${step} step) says which step and what state the user may be in`, async () => {
      const srv = await server({token: true})
      srv.script(GRANT_PATH, step === 'grant' ? {hang: 'headers'} : {json: {code: 'c1'}})
      srv.script(TOKEN_PATH, {json: {access_token: 'tok-abc', token_type: 'bearer', expires_in: 1800, scope: 'user:delete'}})
      srv.script(DELETE_PATH, {hang: 'headers'})
      const {child, done} = spawnCli(['user', 'delete', '--external-user-id', 'u1', '--yes'], {env: envFor(srv)})
      await srv.waitForRequests(step === 'grant' ? 2 : 4)
      child.kill('SIGINT')
      const r = await done
      assert.equal(r.code, 130, r.stderr)
      assert.match(r.stderr, said)
    })
  }
})

describe('user create whose first attempt got no answer', () => {
  test('the retry\'s 409 is reported as most likely created by this command: exit 0, no hint to delete', async () => {
    const srv = await server({token: true})
    srv.script(CREATE_PATH, {destroy: true}, {status: 409, json: {errorMessage: 'User already exists', errorCode: 'user_already_exists'}})
    const r = await runTink(['user', 'create', '--external-user-id', 'lost-1', '--market', 'GB'], {env: envFor(srv)})
    assert.equal(r.code, 0, r.stderr)
    assert.match(r.stderr, /most likely this command created it/)
    assert.doesNotMatch(r.stderr, /delete/i)
    const srv2 = await server({token: true})
    srv2.script(CREATE_PATH, {destroy: true}, {status: 409, json: {errorMessage: 'User already exists', errorCode: 'user_already_exists'}})
    const j = await runTink(['user', 'create', '--external-user-id', 'lost-2', '--market', 'GB', '--json'], {env: envFor(srv2)})
    assert.equal(j.code, 0, j.stdout)
    assert.deepEqual(JSON.parse(j.stdout), {user_id: null, external_user_id: 'lost-2', created: 'probably'})
  })
  test('a 409 on the first attempt is still "already exists" (exit 4)', async () => {
    const srv = await server({token: true})
    srv.script(CREATE_PATH, {status: 409, json: {errorMessage: 'User already exists', errorCode: 'user_already_exists'}})
    const r = await runTink(['user', 'create', '--external-user-id', 'dup', '--market', 'GB'], {env: envFor(srv)})
    assert.equal(r.code, 4)
    assert.match(r.stderr, /already exists/)
  })
})

describe('long waits are announced on a terminal', () => {
  const TOKEN = {json: {access_token: 'tok-abc', token_type: 'bearer', expires_in: 1800}}
  test('a Retry-After of 3 s: what is retried and how long', async () => {
    const srv = await server()
    srv.script(TOKEN_PATH, {status: 503, headers: {'retry-after': '3'}, json: {errorMessage: 'busy'}}, TOKEN)
    const r = await runTink(['token', 'get', '--no-cache', '--raw'], {env: envFor(srv), stderrTTY: true})
    assert.equal(r.code, 0, r.stderr)
    assert.match(r.stderr, /Waiting 3 s before retrying the token request .*Retry-After/)
    srv.script(TOKEN_PATH, {status: 503, headers: {'retry-after': '3'}, json: {errorMessage: 'busy'}}, TOKEN)
    const quiet = await runTink(['token', 'get', '--no-cache', '--raw'], {env: envFor(srv)})
    assert.doesNotMatch(quiet.stderr, /Waiting/, 'not on a pipe')
  })
  test('a server slower than 2 s: what is awaited and the timeout', async () => {
    const srv = await server()
    srv.script(TOKEN_PATH, {...TOKEN, delay: 2600})
    const r = await runTink(['token', 'get', '--no-cache', '--raw', '--timeout', '20'], {env: envFor(srv), stderrTTY: true})
    assert.equal(r.code, 0, r.stderr)
    assert.match(r.stderr, /Still waiting for the token request answer from http:\/\/127\.0\.0\.1:\d+ \(gives up after 20 s\)/)
  })
})

describe('hints name what the user actually used', () => {
  test('a wrong secret from a profile: tink login NAME --force, not the environment variables', async () => {
    const dir = tempDir()
    const srv = await server()
    srv.script(TOKEN_PATH, {status: 401, json: {errorMessage: 'Client credentials are invalid', errorCode: 'invalid_client'}})
    const add = await runTink(['profile', 'add', 'acme', '--client-id', 'cid', '--client-secret-stdin', '--insecure-storage', '--no-verify', '--base-url', srv.url], {input: 'wrong', env: {TINK_CONFIG_DIR: dir}})
    assert.equal(add.code, 0, add.stderr)
    const r = await runTink(['token', 'get', '--no-cache'], {env: {TINK_CONFIG_DIR: dir}})
    assert.equal(r.code, 3, r.stderr)
    assert.match(r.stderr, /tink login acme --force/)
    assert.doesNotMatch(r.stderr, /TINK_CLIENT_SECRET/)
    const env = await runTink(['token', 'get', '--no-cache'], {env: envFor(srv)})
    assert.match(env.stderr, /TINK_CLIENT_SECRET/)
    const stdin = await runTink(['token', 'get', '--no-cache', '--client-id', 'x', '--client-secret-stdin', '--base-url', srv.url], {input: 'y'})
    assert.match(stdin.stderr, /--client-secret-stdin/)
  })
  test('token clear with environment credentials and no keychain: nothing is cached, no internal key names', async () => {
    // A subprocess: the keychain is one per process, and this one may already have a bus.
    const r = await runCli(['token', 'clear'], {env: {TINK_CLIENT_ID: 'a', TINK_CLIENT_SECRET: 'b', DBUS_SESSION_BUS_ADDRESS: 'unix:path=/nonexistent-h15-bus', DISPLAY: ''}})
    assert.equal(r.code, 0, r.stderr)
    assert.match(r.stderr, /Nothing to clear/)
    assert.doesNotMatch(r.stderr, /\(env\)|token-index/)
  })
})

describe('README for a new user', () => {
  test('quick start and install give the exact Node floor, how to run from a clone, and the registry line as once published', async () => {
    const {readFileSync} = await import('node:fs')
    const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8')
    const section = (title) => readme.split(/^## /m).find((s) => s.startsWith(title))
    const floor = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')).engines.node.replace('>=', '')
    for (const title of ['Quick start', 'Install']) {
      assert.ok(section(title).includes(`Node.js ${floor} or newer`), `${title} says Node.js ${floor}`)
      assert.match(section(title), /npm link|npx tink/)
    }
    assert.match(section('Install'), /npm install -g tink-auth-cli .*once published/)
  })
})

describe('profile set NAME KEY VALUE', () => {
  test('changes one default without the secret; client-id and unknown keys are refused; values are checked', async () => {
    const dir = tempDir()
    const env = {TINK_CONFIG_DIR: dir}
    const add = await runTink(['profile', 'add', 'acme', '--client-id', 'cid', '--client-secret-stdin', '--insecure-storage', '--no-verify', '--market', 'GB'], {input: 'sec', env})
    assert.equal(add.code, 0, add.stderr)
    for (const [key, value, field] of [['market', 'SE', 'market'], ['locale', 'sv_SE', 'locale'], ['redirect-uri', 'https://example.com/cb', 'redirectUri'], ['region', 'us', 'region'], ['base-url', 'https://api.example.com', 'baseUrl'], ['link-base-url', 'https://link.example.com', 'linkBaseUrl']]) {
      const r = await runTink(['profile', 'set', 'acme', key, value], {env})
      assert.equal(r.code, 0, r.stderr)
      const show = JSON.parse((await runTink(['profile', 'show', 'acme', '--json'], {env})).stdout)
      assert.equal(JSON.stringify(show).includes(`"${field}":"${value}"`), true, JSON.stringify(show))
    }
    const srv = await server({token: true})
    await runTink(['profile', 'set', 'acme', 'base-url', srv.url], {env})
    const tok = await runTink(['token', 'get', '--no-cache', '-p', 'acme'], {env})
    assert.equal(tok.code, 0, tok.stderr)
    assert.equal(srv.requests.at(-1).form.client_secret, 'sec', 'the stored secret is kept')
    for (const args of [['acme', 'client-id', 'other'], ['acme', 'colour', 'red'], ['acme', 'market', 'gb'], ['acme', 'base-url', 'https://u:p@h.example'], ['nosuch', 'market', 'SE']]) {
      const r = await runTink(['profile', 'set', ...args], {env})
      assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`)
    }
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
