// Secrets: a unique client secret, authorization code, refresh token and access tokens are
// planted, every command runs with --verbose, with --json and against a server that fails by
// echoing the request back (a proxy's error page quoting the form and the Authorization header),
// and no canary may show up in stdout or stderr (except where a command exists to print the
// token), in the config folder, or in the arguments of any process tink runs. Secret files are
// created 0600 from the first byte (seen through test/support/fs-spy.mjs), and the README says
// what is stored where.
import assert from 'node:assert/strict'
import {randomBytes} from 'node:crypto'
import {existsSync, readdirSync, readFileSync, statSync} from 'node:fs'
import {join} from 'node:path'
import {pathToFileURL} from 'node:url'
import {after, describe, test} from 'node:test'
import {BIN, cleanEnv, ROOT, runProcess, tempDir} from '../../helpers.js'
import {runTink} from '../../support/in-process.js'
import {CREATE_PATH, DELEGATE_PATH, DELETE_PATH, GRANT_PATH, spawnCli, TOKEN_PATH} from '../../support/cli.js'
import {startTinkServer} from '../../support/tink-server.js'
import {needsKeychain} from '../../support/keychain.js'

const RUN = randomBytes(4).toString('hex')
const C = {
  secret: `CANARYsecret${RUN}`,
  code: `CANARYcode${RUN}`,
  refresh: `CANARYrefresh${RUN}`,
  access: `CANARYaccess${RUN}`,
  user: `CANARYuser${RUN}`,
}
const ALL = Object.values(C)
let seq = 0
const clientId = () => `canary-client-${RUN}-${++seq}`

const servers = []
after(() => Promise.all(servers.map((s) => s.close())))

/** A Tink that answers with the canaries; `failAt` makes that path echo the request back with a 400. */
async function canaryServer(failAt) {
  const srv = await startTinkServer()
  servers.push(srv)
  const echo = (req) => ({
    status: 400,
    headers: {'content-type': 'text/html'},
    body: `<html><body><h1>400 Bad Request</h1><pre>${req.body}\nAuthorization: ${req.headers.authorization ?? ''}</pre></body></html>`,
  })
  const ok = {
    [TOKEN_PATH]: (req) => {
      if (req.form.grant_type === 'client_credentials') return {json: {access_token: C.access, token_type: 'bearer', expires_in: 1800, scope: req.form.scope}}
      return {json: {access_token: C.user, token_type: 'bearer', expires_in: 7200, scope: 'user:delete', refresh_token: `visible-refresh-${RUN}`}}
    },
    [GRANT_PATH]: (req) => ({json: {code: req.form.scope === 'user:delete' ? C.code : `visible-code-${RUN}`}}),
    [DELEGATE_PATH]: () => ({json: {code: `visible-delegated-${RUN}`}}),
    [CREATE_PATH]: (req) => ({json: {user_id: `uid-${RUN}`, external_user_id: req.json.external_user_id}}),
    // grant delegate reads the user's own market and locale (GET /api/v1/user with a user token)
    '/api/v1/user': () => ({json: {id: `uid-${RUN}`, profile: {market: 'GB', locale: 'en_GB'}}}),
    [DELETE_PATH]: () => ({status: 204}),
  }
  for (const [path, fn] of Object.entries(ok)) srv.script(path, path === failAt ? echo : fn)
  return srv
}

// [name, args, stdin, the path whose failure is tried, canaries the command exists to print]
const COMMANDS = [
  ['token get (client credentials)', ['token', 'get', '--no-cache'], undefined, TOKEN_PATH, [C.access]],
  ['token get --code -', ['token', 'get', '--code', '-'], C.code, TOKEN_PATH, [C.user]],
  ['token get --refresh-token -', ['token', 'get', '--refresh-token', '-'], C.refresh, TOKEN_PATH, [C.user]],
  ['token get --client-secret-stdin', ['token', 'get', '--no-cache', '--client-secret-stdin'], C.secret, TOKEN_PATH, [C.access]],
  ['grant create', ['grant', 'create', '--external-user-id', 'u1', '--scope', 'accounts:read'], undefined, GRANT_PATH, []],
  ['grant create --exchange', ['grant', 'create', '--external-user-id', 'u1', '--scope', 'user:delete', '--exchange'], undefined, TOKEN_PATH, [C.user]],
  ['grant delegate', ['grant', 'delegate', '--external-user-id', 'u1', '--id-hint', 'Jane', '--redirect-uri', 'https://example.com/cb'], undefined, DELEGATE_PATH, []],
  ['user create', ['user', 'create', '--external-user-id', 'u1', '--market', 'GB'], undefined, CREATE_PATH, []],
  ['user delete', ['user', 'delete', '--external-user-id', 'u1', '--yes'], undefined, DELETE_PATH, []],
]

function leaks(text, allowed = []) {
  return ALL.filter((c) => !allowed.includes(c) && text.includes(c))
}

describe('canary: no secret or token in any output', {concurrency: 2}, () => {
  for (const [name, args, input, failAt, prints] of COMMANDS) {
    const env = (srv) => ({
      TINK_API_URL: srv.url,
      TINK_CLIENT_ID: clientId(),
      ...(args.includes('--client-secret-stdin') ? {} : {TINK_CLIENT_SECRET: C.secret}),
    })

    test(`${name}: --verbose succeeds, only the printed token on stdout, nothing on stderr`, async () => {
      const srv = await canaryServer()
      const r = await runTink([...args, '--verbose'], {env: env(srv), input})
      assert.equal(r.code, 0, r.stderr)
      assert.match(r.stderr, /> POST /, 'the trace is there')
      assert.deepEqual(leaks(r.stderr), [], 'stderr')
      assert.deepEqual(leaks(r.stdout, prints), [], 'stdout')
    })

    test(`${name}: --json --verbose succeeds, one JSON document holding only what it exists to print`, async () => {
      const srv = await canaryServer()
      const r = await runTink([...args, '--json', '--verbose'], {env: env(srv), input})
      assert.equal(r.code, 0, r.stderr)
      JSON.parse(r.stdout)
      assert.deepEqual(leaks(r.stderr), [], 'stderr')
      assert.deepEqual(leaks(r.stdout, prints), [], 'stdout')
    })

    test(`${name}: a server echoing the request in its error page: the error and trace mask every secret`, async () => {
      const srv = await canaryServer(failAt)
      const plain = await runTink([...args, '--verbose'], {env: env(srv), input})
      assert.equal(plain.code, 4, plain.stderr)
      assert.match(plain.stderr, /HTTP 400: non-JSON body: "400 Bad Request /, 'the echo is shown')
      // The excerpt is 120 characters: the token request's echo reaches client_secret within them.
      if (failAt === TOKEN_PATH) assert.match(plain.stderr, /^Error: .*client_secret=\*\*\*/m, 'masked, not cut off')
      assert.deepEqual(leaks(plain.stdout + plain.stderr), [])
      const json = await runTink([...args, '--json'], {env: env(srv), input})
      assert.equal(json.code, 4)
      assert.equal(JSON.parse(json.stdout).error.status, 400)
      assert.deepEqual(leaks(json.stdout + json.stderr), [])
    })
  }

  test('a secret given as a flag is refused without repeating it', async () => {
    const r = await runTink(['token', 'get', `--client-secret=${C.secret}`], {env: {TINK_CLIENT_ID: clientId()}})
    assert.equal(r.code, 2)
    assert.deepEqual(leaks(r.stdout + r.stderr), [])
  })

  // Issue 23: `tink token inspect TOKEN` took the token as an argument (shell history, ps).
  for (const [what, args] of [['a JWT', ['eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ1MSJ9.c2ln']], ['an opaque token', [C.secret]], ['a token and -', [C.secret, '-']], ['a token with --json', ['--json', C.secret]]]) {
    test(`token inspect refuses ${what} as an argument without repeating it: standard input only`, async () => {
      const r = await runTink(['token', 'inspect', ...args], {env: {}, input: 'x'})
      assert.equal(r.code, 2, r.stderr)
      const text = args.includes('--json') ? JSON.parse(r.stdout).error.message + JSON.parse(r.stdout).error.hint : r.stderr
      if (!args.includes('-')) {
        assert.match(text, /standard input only/)
        assert.match(text, /printf '%s' "\$TOKEN" \| tink token inspect -/)
      }
      for (const a of args) if (a !== '-' && a !== '--json') assert.ok(!(r.stdout + r.stderr).includes(a), 'the argument is not shown')
    })
  }

  test('token inspect reads the token from standard input (-, or no argument with a pipe)', async () => {
    for (const args of [['-'], []]) {
      const r = await runTink(['token', 'inspect', ...args, '--json'], {env: {}, input: 'opaque-token-value'})
      assert.equal(r.code, 0, r.stderr)
      assert.equal(JSON.parse(r.stdout).opaque, true)
    }
  })
})

// --- echoes in other encodings ------------------------------------------------------------------

// A secret made of the characters that encodings change: a server echoing it JSON-escaped, URL-
// encoded (spaces as + or %20, hex in either case), URL-encoded twice or HTML-escaped must not show
// it in any of those forms, in the error line, the --json document or the --verbose trace.
const TRICKY = `CANARY" \\+/=&%x'<${RUN}>`
function forms(s) {
  const uri = encodeURIComponent(s)
  const form = new URLSearchParams({x: s}).toString().slice(2)
  const once = [uri, form, uri.replace(/%20/g, '+')]
  const all = [s, JSON.stringify(s).slice(1, -1), ...once, ...once.map((e) => encodeURIComponent(e)), ...once.map(lowerHex)]
  all.push(s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;'))
  return [...new Set(all)]
}
const lowerHex = (e) => e.replace(/%[0-9A-F]{2}/g, (h) => h.toLowerCase())
/** A JSON string body as some writers make it: quotes and HTML-special characters as \\u00XX. */
const jsonUnicode = (s) => [...s].map((c) => ('<>&\'"'.includes(c) ? '\\u' + c.charCodeAt(0).toString(16).padStart(4, '0') : c === '\\' ? '\\\\' : c)).join('')
const ECHOES = {
  'JSON error body (JSON-escaped)': (sent) => ({status: 400, json: {errorMessage: `Invalid client_secret ${sent} for client`, errorCode: 'invalid_request'}}),
  'JSON with \\u escapes': (sent) => ({status: 400, headers: {'content-type': 'application/json'}, body: `{"errorMessage":"bad secret ${jsonUnicode(sent)}"}`}),
  'URL-encoded (%20)': (sent) => ({status: 400, body: `bad request: secret=${encodeURIComponent(sent)}`}),
  'form-encoded (+)': (sent) => ({status: 400, body: `bad request: ${new URLSearchParams({client_secret: sent})}`}),
  'URL-encoded, lower-case hex': (sent) => ({status: 400, body: `bad request: secret=${lowerHex(encodeURIComponent(sent))}`}),
  'double URL-encoded (%252B)': (sent) => ({status: 400, body: `bad request: next=${encodeURIComponent(new URLSearchParams({client_secret: sent}).toString())}`}),
  'HTML-escaped': (sent) => ({status: 400, headers: {'content-type': 'text/html'}, body: `<p>secret ${sent.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;')}</p>`}),
}

describe('canary: a secret echoed in an encoded form is masked too', {concurrency: 2}, () => {
  const encoded = forms(TRICKY)
  const leaked = (text) => encoded.filter((f) => text.includes(f))
  for (const [name, reply] of Object.entries(ECHOES)) {
    test(`${name}: error line, --json document and --verbose trace`, async () => {
      const srv = await startTinkServer()
      servers.push(srv)
      srv.script(TOKEN_PATH, (req) => reply(req.form.client_secret))
      const env = {TINK_API_URL: srv.url, TINK_CLIENT_ID: clientId()}
      const plain = await runTink(['token', 'get', '--no-cache', '--client-secret-stdin', '--verbose'], {env, input: TRICKY})
      assert.equal(plain.code, 4, plain.stderr)
      assert.equal(srv.requests[0].form.client_secret, TRICKY, 'the secret was sent as given')
      assert.match(plain.stderr, /^Error: token request failed: HTTP 400: .*\*\*\*/m, 'the echo is shown, masked')
      assert.deepEqual(leaked(plain.stdout + plain.stderr), [])
      const json = await runTink(['token', 'get', '--no-cache', '--client-secret-stdin', '--json'], {env, input: TRICKY})
      assert.equal(json.code, 4)
      assert.match(JSON.parse(json.stdout).error.message, /\*\*\*/)
      assert.deepEqual(leaked(json.stdout + json.stderr), [])
    })
  }

  test('a short secret is masked where it stands as a value, not where it is a word of the message', async () => {
    const srv = await startTinkServer()
    servers.push(srv)
    srv.script(TOKEN_PATH, (req) => ({
      status: 401,
      json: {errorMessage: `Unknown client or wrong client secret (got client_secret=${req.form.client_secret}, "${req.form.client_secret}")`, errorCode: 'invalid_client'},
    }))
    const r = await runTink(['token', 'get', '--no-cache', '--client-secret-stdin', '--verbose'], {env: {TINK_API_URL: srv.url, TINK_CLIENT_ID: clientId()}, input: 'wrong'})
    assert.equal(r.code, 3, r.stderr)
    const error = r.stderr.split('\n').find((l) => l.startsWith('Error: '))
    assert.match(error, /Unknown client or wrong client secret \(got client_secret=\*\*\*, "\*\*\*"\)/)
  })
})

// --- the keychain and the config folder ------------------------------------------------------

function filesUnder(dir) {
  if (!existsSync(dir)) return []
  return readdirSync(dir, {recursive: true}).map((f) => join(dir, f)).filter((f) => statSync(f).isFile())
}

describe('profiles: the config folder holds no secret', () => {
  test('keychain profile: add, list, show, status, token get, grant, token clear, remove; every one --verbose and --json', async (t) => {
    if (!needsKeychain(t)) return
    const srv = await canaryServer()
    const dir = tempDir('tink-canary-config-')
    const name = `canary-${RUN}`
    const env = {TINK_CONFIG_DIR: dir}
    const outputs = []
    const run = async (args, input, allowed = []) => {
      for (const mode of [['--verbose'], ['--json', '--verbose']]) {
        const r = await runTink([...args, ...mode], {env, input})
        outputs.push({args, r, allowed})
      }
    }
    try {
      await run(['profile', 'add', name, '--base-url', srv.url, '--client-id', clientId(), '--client-secret-stdin', '--force'], C.secret)
      await run(['profile', 'list'])
      await run(['profile', 'show', name])
      await run(['profile', 'status', name])
      await run(['token', 'get'], undefined, [C.access])
      await run(['grant', 'create', '--external-user-id', 'u1', '--scope', 'accounts:read'])
      await run(['user', 'delete', '--external-user-id', 'u1', '--yes'])
      await run(['token', 'clear'])
      for (const {args, r, allowed} of outputs) {
        assert.notEqual(r.code, 1, `tink ${args.join(' ')}: ${r.stderr}`)
        assert.deepEqual(leaks(r.stderr), [], `stderr of tink ${args.join(' ')}`)
        assert.deepEqual(leaks(r.stdout, allowed), [], `stdout of tink ${args.join(' ')}`)
      }
      const files = filesUnder(dir)
      assert.ok(files.some((f) => f.endsWith('config.json')), 'the profile was saved')
      for (const f of files) assert.deepEqual(leaks(readFileSync(f, 'utf8')), [], f)
      assert.equal(statSync(join(dir, 'config.json')).mode & 0o777, 0o600)
      assert.equal(statSync(dir).mode & 0o777, 0o700)
    } finally {
      await runTink(['profile', 'remove', name, '--yes'], {env})
    }
  })
})

// --- files that hold secrets: 0600 from the first byte -----------------------------------------

const SPY = pathToFileURL(join(ROOT, 'test', 'support', 'fs-spy.mjs')).href

/** Runs the CLI under umask 000 (so nothing narrows a mode by luck) with the fs recorder loaded. */
async function spied(args, {env, input}) {
  const log = join(tempDir('tink-fslog-'), 'calls.json')
  // Async: the server answering the CLI lives in this process.
  const r = await runProcess('sh', ['-c', 'umask 000; exec "$0" "$@"', process.execPath, BIN, ...args], {
    env: {...cleanEnv(env), NODE_OPTIONS: `--import=${SPY}`, TINK_TEST_FS_LOG: log},
    input: input ?? '',
  })
  return {...r, calls: existsSync(log) ? JSON.parse(readFileSync(log, 'utf8')) : []}
}

describe('secret files are created 0600, never widened', () => {
  test('--insecure-storage: secrets.json is written to a new file opened 0600 exclusively, then renamed; the folder is 0700', async () => {
    const srv = await canaryServer()
    const dir = join(tempDir('tink-modes-'), 'config')
    const r = await spied(['profile', 'add', 'file-prof', '--base-url', srv.url, '--client-id', clientId(), '--client-secret-stdin', '--insecure-storage'], {env: {TINK_CONFIG_DIR: dir}, input: C.secret})
    assert.equal(r.code, 0, r.stderr)
    const secrets = join(dir, 'secrets.json')
    assert.equal(statSync(secrets).mode & 0o777, 0o600)
    assert.equal(statSync(join(dir, 'config.json')).mode & 0o777, 0o600)
    assert.equal(statSync(dir).mode & 0o777, 0o700)
    assert.ok(readFileSync(secrets, 'utf8').includes(C.secret), 'the opt-in file holds the secret')
    assert.deepEqual(leaks(readFileSync(join(dir, 'config.json'), 'utf8')), [], 'the config file does not')

    const renames = r.calls.filter((c) => /^rename/.test(c.call) && c.to === secrets)
    assert.ok(renames.length >= 1, `secrets.json came from a rename: ${JSON.stringify(r.calls)}`)
    for (const {path: tmp} of renames) {
      const opens = r.calls.filter((c) => c.path === tmp && /open|write/i.test(c.call) && c.flags !== 'r')
      assert.ok(opens.length >= 1, `${tmp} was created`)
      for (const o of opens) {
        assert.equal(o.mode, 0o600, `${tmp} created with mode 0600, got ${o.mode?.toString(8)}`)
        assert.match(String(o.flags), /x/, `${tmp} opened exclusively (no following a planted symlink)`)
      }
    }
    const widened = r.calls.filter((c) => /chmod/.test(c.call) && c.path.startsWith(dir) && (c.mode & 0o077) !== 0)
    assert.deepEqual(widened, [], 'no chmod ever opened a file in the config folder to others')
    const direct = r.calls.filter((c) => c.path === secrets && /open|write/i.test(c.call) && c.flags !== 'r')
    assert.deepEqual(direct, [], 'secrets.json is never written in place')
  })

  test('--journal (bulk): created 0600 from the start, and it holds no secret or token', async () => {
    const srv = await canaryServer()
    const dir = tempDir('tink-journal-')
    const csv = join(dir, 'users.csv')
    const {writeFileSync} = await import('node:fs')
    writeFileSync(csv, 'external_user_id,market\nj1,GB\nj2,SE\n')
    const journal = join(dir, 'run.journal')
    const r = await spied(['user', 'create', '--file', csv, '--journal', journal], {env: {TINK_API_URL: srv.url, TINK_CLIENT_ID: clientId(), TINK_CLIENT_SECRET: C.secret, TINK_CONFIG_DIR: join(dir, 'cfg')}})
    assert.equal(r.code, 0, r.stderr)
    assert.equal(statSync(journal).mode & 0o777, 0o600)
    const opens = r.calls.filter((c) => c.path === journal && /open|write/i.test(c.call) && c.flags !== 'r')
    assert.ok(opens.length >= 1 && opens.every((o) => o.mode === 0o600), JSON.stringify(opens))
    assert.deepEqual(leaks(readFileSync(journal, 'utf8') + r.stdout + r.stderr), [])
  })
})

// --- process arguments --------------------------------------------------------------------------

/** Every process below `pid` (children, grandchildren, ...), read from /proc. */
function descendants(pid) {
  const parent = new Map()
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8')
      parent.set(Number(entry), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]))
    } catch {
      // gone already
    }
  }
  const out = []
  const walk = (p) => {
    for (const [child, pp] of parent) if (pp === p) out.push(child) && walk(child)
  }
  walk(pid)
  return out
}

function cmdline(pid) {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ')
  } catch {
    return ''
  }
}

describe('no secret in the arguments of tink or anything it runs', {skip: !existsSync('/proc/self/cmdline') && 'needs /proc'}, () => {
  const CASES = [
    // [name, args, stdin, env has the secret, token endpoint hangs for this grant type, requests before the hang]
    ['token get --code -, secret from the environment', ['token', 'get', '--code', '-'], C.code, true, 'authorization_code', 1],
    ['token get, secret from stdin', ['token', 'get', '--no-cache', '--client-secret-stdin'], C.secret, false, 'client_credentials', 1],
    ['user delete, waiting on the last step with the user token', ['user', 'delete', '--external-user-id', 'u1', '--yes'], undefined, true, undefined, 4],
  ]
  for (const [name, args, input, envSecret, hangOn, waitFor] of CASES) {
    test(`${name}: /proc/<pid>/cmdline of tink and its children holds no canary`, async () => {
      const srv = await startTinkServer()
      servers.push(srv)
      srv.script(TOKEN_PATH, (req) =>
        req.form.grant_type === hangOn ? {hang: 'headers'} : {json: {access_token: req.form.grant_type === 'client_credentials' ? C.access : C.user, expires_in: 1800}},
      )
      srv.script(GRANT_PATH, {json: {code: C.code}})
      srv.script(DELETE_PATH, {hang: 'headers'})
      const env = {TINK_API_URL: srv.url, TINK_CLIENT_ID: clientId(), ...(envSecret ? {TINK_CLIENT_SECRET: C.secret} : {})}
      const {child, done} = spawnCli(args, {env, input})
      await srv.waitForRequests(waitFor)
      const seen = []
      for (let i = 0; i < 5; i++) {
        for (const pid of [child.pid, ...descendants(child.pid)]) seen.push(`${pid}: ${cmdline(pid)}`)
        await new Promise((resolve) => setTimeout(resolve, 40))
      }
      child.kill('SIGINT')
      const r = await done
      assert.equal(r.code, 130, r.stderr)
      assert.ok(seen.some((l) => l.includes('bin/run.cjs')), 'the CLI itself was seen')
      assert.deepEqual(leaks(seen.join('\n')), [], seen.join('\n'))
    })
  }

  test('tink emulator start: neither it nor anything it spawns carries a secret in its arguments', async () => {
    const {child, done} = spawnCli(['emulator', 'start', '--json', '--quiet', '--client', `extra-${RUN}:${C.secret}:user:create`])
    let out = ''
    await new Promise((resolve) => child.stdout.on('data', (d) => (out += d) && out.includes('\n') && resolve()))
    const seen = [child.pid, ...descendants(child.pid)].map((pid) => cmdline(pid))
    child.kill('SIGTERM')
    await done
    // --client takes ID:SECRET for the emulator's own fake clients: that is the emulator's argv
    // by design; what matters is that nothing further down gets it (or the built-in secret).
    assert.deepEqual(seen.slice(1).filter((l) => l.includes(C.secret) || l.includes('tink-emulator-secret')), [])
    assert.equal(seen.length, 1, `the emulator spawns nothing: ${seen.join(' | ')}`)
  })
})
