// Failures as a user meets them: every exit code, retries and Retry-After, odd error bodies,
// timeouts, Ctrl-C, the --json error document and the redacted --verbose trace. The built CLI
// runs as a subprocess against a scripted server on 127.0.0.1.
import {describe, test} from 'node:test'
import assert from 'node:assert/strict'
import {spawn} from 'node:child_process'
import {closeSync, existsSync, openSync, readdirSync, readFileSync, readlinkSync} from 'node:fs'
import {BIN, cleanEnv, ROOT, runCli} from './helpers.js'
import {runTink} from './support/in-process.js'
import {startTinkServer, tinkError, tokenResponse} from './support/tink-server.js'
import {assertOneLineError, CLIENT, CREATE_PATH, DELETE_PATH, GRANT_PATH, oneJson, serverEnv, spawnCli, TOKEN_PATH, useTinkServer} from './support/cli.js'

const srv = useTinkServer()

const EVERY_COMMAND = [
  ['token', 'get'],
  ['grant', 'create', '--external-user-id', 'u1', '--scope', 'accounts:read'],
  ['grant', 'delegate', '--external-user-id', 'u1', '--id-hint', 'Jane', '--redirect-uri', 'https://example.com/cb'],
  ['link', 'connect', '--external-user-id', 'u1', '--no-browser'],
  ['user', 'create', '--external-user-id', 'u1', '--market', 'GB'],
  ['user', 'delete', '--external-user-id', 'u1', '--yes'],
]

describe('missing credentials -> exit 3, one line naming the env vars, no request sent', () => {
  for (const args of EVERY_COMMAND) {
    test(`tink ${args.slice(0, 2).join(' ')}`, async () => {
      const r = await runTink(args, {env: {TINK_API_URL: srv.url}})
      assertOneLineError(r, 3, /TINK_CLIENT_ID.*TINK_CLIENT_SECRET/)
      assert.equal(srv.requests.length, 0)
    })
  }

  test('only the secret missing: says which one', async () => {
    const r = await runTink(['token', 'get'], {env: {TINK_API_URL: srv.url, TINK_CLIENT_ID: 'id'}})
    assertOneLineError(r, 3, /No client secret \(TINK_CLIENT_SECRET\) found/)
    assert.doesNotMatch(r.stderr, /No client id/)
    assert.equal(srv.requests.length, 0)
  })

  test('--json: the error document on stdout', async () => {
    const r = await runTink(['token', 'get', '--json'], {env: {TINK_API_URL: srv.url}})
    assert.equal(r.code, 3)
    const doc = oneJson(r.stdout)
    assert.equal(doc.error.code, 'missing_credentials')
    assert.match(doc.error.message, /TINK_CLIENT_ID/)
    assert.equal(srv.requests.length, 0)
  })
})

describe('bad input -> exit 2, one line saying what and how to fix, nothing sent', () => {
  const cases = [
    [['token', 'get', '--scope', 'accounts:read,,x:y'], /Empty scope/],
    [['token', 'get', '--scope', 'NotAScope'], /Invalid scope "NotAScope"/],
    [['token', 'get', '--timeout', '0'], /Invalid --timeout "0"/],
    [['token', 'get', '--region', 'mars'], /Unknown region "mars".*eu or us/],
    [['token', 'get', '--base-url', 'http://api.example.com'], /Refusing plain http:\/\/.*--allow-insecure-http/],
    [['token', 'get', '--code', 'c', '--refresh-token', 'r'], /--code|--refresh-token/],
    [['token', 'get', '--no-such-flag'], /no-such-flag/],
    [['grant', 'create', '--external-user-id', 'u1'], /Missing required flag --scope/],
    [['grant', 'create', '--scope', 'a:b'], /Neither --user-id nor --external-user-id/],
    [['grant', 'create', '--scope', 'a:b', '--user-id', 'x', '--external-user-id', 'y'], /--user-id.*--external-user-id|--external-user-id.*--user-id/],
    [['grant', 'delegate', '--external-user-id', 'u1', '--id-hint', 'Jane', '--flow', 'nope'], /Unknown Tink Link flow "nope"/],
    [['grant', 'delegate', '--external-user-id', 'u1', '--id-hint', 'Jane', '--flow', 'products/connect-accounts'], /needs --products/],
    [['grant', 'delegate', '--external-user-id', 'u1', '--id-hint', 'Jane', '--flow', 'transactions/extend-consent'], /needs --credentials-id/],
    [['grant', 'delegate', '--external-user-id', 'u1', '--id-hint', 'Jane', '--market', 'XX'], /Invalid market "XX"/],
    [['grant', 'delegate', '--external-user-id', 'u1', '--id-hint', 'Jane', '--redirect-uri', 'not a url'], /Invalid --redirect-uri/],
    [['grant', 'delegate', '--external-user-id', 'u1', '--id-hint', 'Zoë 名前'], /ISO-8859-1/],
    [['user', 'create', '--external-user-id', 'u1', '--market', 'gb'], /Invalid market "gb".*Did you mean GB\?/],
    [['user', 'create', '--external-user-id', 'u1', '--market', 'GB', '--locale', 'en-US'], /Invalid locale "en-US".*en_US/],
    [['user', 'create', '--external-user-id', 'u1', '--market', 'GB', '--retention-class', 'forever'], /PERMANENT or TEMPORARY/],
    [['user', 'create', '--external-user-id', 'u1'], /--market is required/],
    [['user', 'create', '--market', 'GB'], /--external-user-id is required/],
    [['user', 'delete', '--yes'], /Neither --user-id nor --external-user-id/],
  ]
  for (const [args, pattern] of cases) {
    test(`tink ${args.join(' ')}`, async () => {
      const r = await runTink(args, {env: serverEnv(srv)})
      assertOneLineError(r, 2, pattern)
      assert.equal(srv.requests.length, 0, 'no request sent')
    })
  }
})

describe('HTTP statuses -> exit codes', () => {
  test('401 from the token endpoint -> exit 3', async () => {
    srv.script(TOKEN_PATH, tinkError(401, 'invalid_client', 'Bad client credentials'))
    const r = await runTink(['token', 'get'], {env: serverEnv(srv)})
    assertOneLineError(r, 3, /token request failed: HTTP 401: Bad client credentials \[invalid_client\] \(X-Request-ID: req-1\)/)
  })

  test('a grant refused with 401 although the client token was accepted: exit 3 naming the scope and the user, not the client secret', async () => {
    const refusal = tinkError(401, 'UNAUTHORIZED', "The client doesn't have access to the user or isn't allowed to use the scope")
    for (const [args, scope] of [
      [['grant', 'create', '--external-user-id', 'u1', '--scope', 'payment:read'], 'payment:read'],
      [['user', 'get', '--external-user-id', 'u1'], 'user:read'],
      [['api', '/data/v2/accounts', '--external-user-id', 'u1'], 'accounts:read'],
    ]) {
      srv.reset()
      srv.script(TOKEN_PATH, {json: tokenResponse()})
      srv.script(GRANT_PATH, refusal)
      const r = await runTink(args, {env: serverEnv(srv)})
      assertOneLineError(r, 3, new RegExp(`Tink refused a grant of scope "${scope}" for the user with external id "u1" \\(HTTP 401: .*\\); the client token was accepted, so this app may not grant that scope, or has no access to that user.*Tink Console`))
      assert.doesNotMatch(r.stderr, /client id and secret/)
    }
    // The token endpoint's own 401 is about the credentials, as before.
    srv.reset()
    srv.script(TOKEN_PATH, tinkError(401, 'invalid_client', 'Bad client'))
    const creds = await runTink(['grant', 'create', '--external-user-id', 'u1', '--scope', 'accounts:read'], {env: serverEnv(srv)})
    assertOneLineError(creds, 3, /token request failed: HTTP 401: Bad client \[invalid_client\].*TINK_CLIENT_ID, TINK_CLIENT_SECRET/)
  })

  test('403 (token lacks the scope) -> exit 3', async () => {
    srv.script(TOKEN_PATH, {json: tokenResponse()})
    srv.script(GRANT_PATH, tinkError(403, 'insufficient_scope', 'Token is missing scope authorization:grant'))
    const r = await runTink(['grant', 'create', '--external-user-id', 'u1', '--scope', 'accounts:read'], {env: serverEnv(srv)})
    assertOneLineError(r, 3, /HTTP 403: Token is missing scope authorization:grant/)
  })

  test('400 -> exit 4', async () => {
    srv.script(TOKEN_PATH, {json: tokenResponse()})
    srv.script(CREATE_PATH, tinkError(400, 'invalid_market', 'Market is not supported'))
    const r = await runTink(['user', 'create', '--external-user-id', 'u1', '--market', 'GB'], {env: serverEnv(srv)})
    assertOneLineError(r, 4, /user create failed: HTTP 400: Market is not supported \[invalid_market\]/)
  })

  test('404 -> exit 4', async () => {
    srv.script(TOKEN_PATH, {json: tokenResponse()})
    srv.script(GRANT_PATH, tinkError(404, 'user_not_found', 'User not found'))
    const r = await runTink(['grant', 'create', '--user-id', 'nobody', '--scope', 'accounts:read'], {env: serverEnv(srv)})
    assertOneLineError(r, 4, /HTTP 404: User not found/)
  })

  test('409 on user create -> exit 4, a clear message', async () => {
    srv.script(TOKEN_PATH, {json: tokenResponse()})
    srv.script(CREATE_PATH, tinkError(409, 'user_already_exists', 'User exists'))
    const r = await runTink(['user', 'create', '--external-user-id', 'u1', '--market', 'GB'], {env: serverEnv(srv)})
    assertOneLineError(r, 4, /A user with external id "u1" already exists \(HTTP 409\)/)
  })

  test('500 is not retried -> exit 5 after one request', async () => {
    srv.script(TOKEN_PATH, tinkError(500, 'internal_error', 'Something broke'))
    const r = await runTink(['token', 'get'], {env: serverEnv(srv)})
    assertOneLineError(r, 5, /HTTP 500: Something broke/)
    assert.equal(srv.requests.length, 1)
  })

  test('429 on every attempt -> exit 5 after 1 + --retries requests', async () => {
    srv.script(TOKEN_PATH, tinkError(429, 'rate_limited', 'Slow down', {'retry-after': '0'}))
    const r = await runTink(['token', 'get', '--retries', '2'], {env: serverEnv(srv)})
    assertOneLineError(r, 5, /HTTP 429: Slow down \[rate_limited\] \(after 3 attempts in \d+\.\d s\)/)
    assert.equal(srv.requests.length, 3)
  })

  for (const status of [502, 503, 504]) {
    test(`${status} then 200 -> retried, exit 0`, async () => {
      srv.script(TOKEN_PATH, {status, body: 'busy'}, {json: tokenResponse({access_token: 'after-retry'})})
      const r = await runTink(['token', 'get', '--raw'], {env: serverEnv(srv)})
      assert.equal(r.code, 0, r.stderr)
      assert.equal(r.stdout, 'after-retry\n')
      assert.equal(srv.requests.length, 2)
      assert.deepEqual(srv.requests[1].form, srv.requests[0].form, 'the retry sends the same request')
    })
  }

  test('--retries 0: a 503 fails at once, exit 5', async () => {
    srv.script(TOKEN_PATH, {status: 503, body: ''}, {json: tokenResponse()})
    const r = await runTink(['token', 'get', '--retries', '0'], {env: serverEnv(srv)})
    assertOneLineError(r, 5, /HTTP 503: empty body/)
    assert.equal(srv.requests.length, 1)
  })

  test('a connection reset is retried', async () => {
    srv.script(TOKEN_PATH, {destroy: true}, {json: tokenResponse({access_token: 'after-reset'})})
    const r = await runTink(['token', 'get', '--raw'], {env: serverEnv(srv)})
    assert.equal(r.code, 0, r.stderr)
    assert.equal(r.stdout, 'after-reset\n')
    assert.equal(srv.requests.length, 2)
  })

  test('nothing listening -> exit 5 naming the URL', async () => {
    const gone = await startTinkServer()
    await gone.close()
    const r = await runTink(['token', 'get', '--retries', '0'], {env: serverEnv(gone)})
    assertOneLineError(r, 5, new RegExp(`cannot reach ${gone.url.replace(/[.]/g, '\\.')} \\(ECONNREFUSED`))
  })
})

describe('Retry-After', () => {
  test('in seconds: the retry waits that long', async () => {
    srv.script(TOKEN_PATH, tinkError(429, 'rate_limited', 'Slow down', {'retry-after': '1'}), {json: tokenResponse()})
    const r = await runTink(['token', 'get', '--raw'], {env: serverEnv(srv)})
    assert.equal(r.code, 0, r.stderr)
    assert.equal(srv.requests.length, 2)
    const gap = srv.requests[1].at - srv.requests[0].at
    assert.ok(gap >= 950 && gap < 2500, `waited ${Math.round(gap)} ms for Retry-After: 1`)
  })

  test('as an HTTP date: the retry waits until then', async () => {
    // HTTP dates have whole seconds: "now + 2 s" truncated means a wait of 1 to 2 s.
    srv.script(TOKEN_PATH, () => ({status: 503, body: 'maintenance', headers: {'retry-after': new Date(Date.now() + 2000).toUTCString()}}), {json: tokenResponse()})
    const r = await runTink(['token', 'get', '--raw'], {env: serverEnv(srv)})
    assert.equal(r.code, 0, r.stderr)
    assert.equal(srv.requests.length, 2)
    const gap = srv.requests[1].at - srv.requests[0].at
    assert.ok(gap >= 900 && gap < 3000, `waited ${Math.round(gap)} ms for a Retry-After date 2 s ahead`)
  })

  test('longer than the CLI waits: fails at once saying so, exit 5', async () => {
    srv.script(TOKEN_PATH, tinkError(429, 'rate_limited', 'Slow down', {'retry-after': '3600'}), {json: tokenResponse()})
    const started = Date.now()
    const r = await runTink(['token', 'get'], {env: serverEnv(srv)})
    assertOneLineError(r, 5, /Tink asked to wait 3600 s \(Retry-After\)/)
    assert.equal(srv.requests.length, 1)
    assert.ok(Date.now() - started < 4000)
  })

  test('without Retry-After the backoff is short (a fraction of a second for the first retry)', async () => {
    srv.script(TOKEN_PATH, {status: 503, body: ''}, {json: tokenResponse()})
    const r = await runTink(['token', 'get', '--raw'], {env: serverEnv(srv)})
    assert.equal(r.code, 0, r.stderr)
    const gap = srv.requests[1].at - srv.requests[0].at
    assert.ok(gap >= 100 && gap < 1500, `first backoff ${Math.round(gap)} ms`)
  })
})

describe('odd answers', () => {
  test('an HTML error page (a proxy): its text in the message, exit 5', async () => {
    srv.script(TOKEN_PATH, {
      status: 502,
      headers: {'content-type': 'text/html'},
      body: '<html><head><title>502</title></head><body><h1>Bad Gateway</h1><p>upstream nginx is down</p></body></html>',
    })
    const r = await runTink(['token', 'get', '--retries', '0'], {env: serverEnv(srv)})
    assertOneLineError(r, 5, /HTTP 502: non-JSON body: "502 Bad Gateway upstream nginx is down"/)
  })

  test('an HTML 400: exit 4 with the excerpt', async () => {
    srv.script(TOKEN_PATH, {status: 400, headers: {'content-type': 'text/html'}, body: '<h1>Request blocked by WAF</h1>'})
    const r = await runTink(['token', 'get'], {env: serverEnv(srv)})
    assertOneLineError(r, 4, /HTTP 400: non-JSON body: "Request blocked by WAF"/)
  })

  test('a 200 that is not JSON: exit 5, pointing at --base-url', async () => {
    srv.script(TOKEN_PATH, {status: 200, headers: {'content-type': 'text/html'}, body: '<html>Welcome to nginx</html>'})
    const r = await runTink(['token', 'get'], {env: serverEnv(srv)})
    assertOneLineError(r, 5, /not JSON.*--base-url/)
  })

  test('--timeout 1 against a server that never answers: exit 5 promptly', async () => {
    srv.script(TOKEN_PATH, {hang: 'headers'})
    const started = Date.now()
    const r = await runTink(['token', 'get', '--timeout', '1', '--retries', '0'], {env: serverEnv(srv)})
    const ms = Date.now() - started
    assertOneLineError(r, 5, /did not answer within 1 s/)
    assert.ok(ms < 4000, `took ${ms} ms`)
  })

  test('--timeout 1 against a body that never ends: exit 5 promptly', async () => {
    srv.script(TOKEN_PATH, {hang: 'body', json: tokenResponse()})
    const started = Date.now()
    const r = await runTink(['token', 'get', '--timeout', '1', '--retries', '0'], {env: serverEnv(srv)})
    const ms = Date.now() - started
    assertOneLineError(r, 5, /within 1 s/)
    assert.ok(ms < 4000, `took ${ms} ms`)
  })
})

describe('Ctrl-C', () => {
  test('SIGINT with --json while waiting on a hanging server -> exit 130, only the error document on stdout', async () => {
    srv.script(TOKEN_PATH, {hang: 'headers'})
    const {child, done} = spawnCli(['token', 'get', '--json'], {env: serverEnv(srv)})
    await srv.waitForRequests(1)
    const started = Date.now()
    child.kill('SIGINT')
    const r = await done
    assert.equal(r.code, 130, r.stderr)
    assert.ok(Date.now() - started < 2000, 'stops at once')
    // --json promises one JSON document on stdout, failures included: the interruption is one.
    assert.deepEqual(oneJson(r.stdout).error, {code: 'interrupted', message: 'Interrupted', exitCode: 130})
    assert.equal(r.stderr, '')
  })

  test('SIGINT while waiting on a hanging server -> exit 130 promptly, nothing on stdout, "Interrupted" on stderr', async () => {
    srv.script(TOKEN_PATH, {hang: 'headers'})
    const {child, done} = spawnCli(['token', 'get'], {env: serverEnv(srv)})
    await srv.waitForRequests(1)
    const started = Date.now()
    child.kill('SIGINT')
    const r = await done
    assert.equal(r.code, 130)
    assert.ok(Date.now() - started < 2000, 'stops at once')
    assert.equal(r.stdout, '')
    assert.equal(r.stderr, 'Error: Interrupted\n')
  })

  test('SIGINT during the wait for a retry -> exit 130 at once, no further request', async () => {
    srv.script(TOKEN_PATH, tinkError(429, 'rate_limited', 'Slow down', {'retry-after': '30'}), {json: tokenResponse()})
    const {child, done} = spawnCli(['user', 'delete', '--external-user-id', 'u1', '--yes'], {env: serverEnv(srv)})
    await srv.waitForRequests(1)
    await new Promise((resolve) => setTimeout(resolve, 200))
    const started = Date.now()
    child.kill('SIGINT')
    const r = await done
    assert.equal(r.code, 130, r.stderr)
    assert.ok(Date.now() - started < 2000, 'does not sit out the Retry-After')
    assert.equal(srv.requests.length, 1)
    assert.equal(r.stdout, '')
  })
})

describe('Ctrl-C during a single user create', () => {
  test('after the create request was sent: exit 130, says the user may exist and how to check', async () => {
    srv.script(TOKEN_PATH, {json: tokenResponse()})
    srv.script(CREATE_PATH, {hang: 'headers'})
    const {child, done} = spawnCli(['user', 'create', '--external-user-id', 'acme-7', '--market', 'SE'], {env: serverEnv(srv)})
    await srv.waitForRequests(2)
    child.kill('SIGINT')
    const r = await done
    assertOneLineError(r, 130, /^Error: Interrupted after the user create request was sent; the user with external id "acme-7" may exist\. To check: tink user get --external-user-id acme-7 \(exit 4 means it was not created\)$/m)
  })

  test('before it was sent (waiting for the client token): nothing was created', async () => {
    srv.script(TOKEN_PATH, {hang: 'headers'})
    const {child, done} = spawnCli(['user', 'create', '--external-user-id', 'acme-8', '--market', 'SE', '--json'], {env: serverEnv(srv)})
    await srv.waitForRequests(1)
    child.kill('SIGINT')
    const r = await done
    assert.equal(r.code, 130, r.stderr)
    assert.match(oneJson(r.stdout).error.message, /the user create request was not sent: no user with external id "acme-8" was created/)
  })
})

describe('a full stdout (/dev/full) in single commands', {skip: !existsSync('/dev/full') && 'needs /dev/full'}, () => {
  /** Runs tink with stdout on /dev/full: every write to it fails with ENOSPC. */
  function toDevFull(args, env) {
    const fd = openSync('/dev/full', 'w')
    const child = spawn(process.execPath, [BIN, ...args], {cwd: ROOT, env: cleanEnv(env), stdio: ['ignore', fd, 'pipe']})
    closeSync(fd)
    let stderr = ''
    child.stderr.setEncoding('utf8').on('data', (d) => (stderr += d))
    return new Promise((resolve) => child.on('close', (code) => resolve({code, stderr})))
  }

  test('token get --json, token get --raw, user create, an error document: one line naming the failed write, exit 7', async () => {
    const runs = [
      [['token', 'get', '--json'], () => srv.script(TOKEN_PATH, {json: tokenResponse()})],
      [['token', 'get', '--raw'], () => srv.script(TOKEN_PATH, {json: tokenResponse()})],
      [['user', 'create', '--external-user-id', 'full-1', '--market', 'SE'], () => (srv.script(TOKEN_PATH, {json: tokenResponse()}), srv.script(CREATE_PATH, {json: {user_id: 'u-full-1'}}))],
      [['token', 'get', '--json'], () => srv.script(TOKEN_PATH, tinkError(500, 'internal_error', 'Broken'))],
    ]
    for (const [args, script] of runs) {
      srv.reset()
      script()
      const r = await toDevFull(args, serverEnv(srv))
      assert.equal(r.code, 7, `${args.join(' ')}: ${r.stderr}`)
      assert.match(r.stderr, /^Error: Cannot write to standard output \(ENOSPC: no space left on device, write\); the output of this command is incomplete\. Free space, or redirect standard output elsewhere\n$/, args.join(' '))
    }
  })

  test('--version, --help and a command\'s help: the same line, exit 7, no stack trace', async () => {
    for (const args of [['--version'], ['--help'], ['token', 'get', '--help'], ['user', '--help']]) {
      const r = await toDevFull(args, {})
      assert.equal(r.code, 7, `${args.join(' ')}: ${r.stderr}`)
      assert.match(r.stderr, /^Error: Cannot write to standard output \(ENOSPC: no space left on device, write\); the output of this command is incomplete\. Free space, or redirect standard output elsewhere\n$/, args.join(' '))
    }
  })
})

/** Starts tink with a stdin that stays open (a producer that never finishes), as a pipe would. */
function spawnWithOpenStdin(args, env) {
  const child = spawn(process.execPath, [BIN, ...args], {cwd: ROOT, env: cleanEnv(env), stdio: ['pipe', 'pipe', 'pipe']})
  let stdout = ''
  let stderr = ''
  child.stdout.setEncoding('utf8').on('data', (d) => (stdout += d))
  child.stderr.setEncoding('utf8').on('data', (d) => (stderr += d))
  // An ignored signal would leave it waiting for stdin forever: the test fails instead of hanging.
  const done = new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL')
      reject(new Error(`tink ${args.join(' ')} still running 10 s after start; stderr: ${stderr}`))
    }, 10_000)
    child.on('close', (code, signal) => {
      clearTimeout(timer)
      resolve({code, signal, stdout, stderr})
    })
  })
  return {child, done}
}

/**
 * Resolves once `pid` reads its stdin: fd 0 is in one of its epoll sets (libuv adds it when a read
 * starts). By then tink has its signal handlers; before, a signal would just kill Node.
 */
async function readingStdin(pid) {
  for (let i = 0; i < 1000; i++) {
    for (const fd of readdirSync(`/proc/${pid}/fd`)) {
      let link = ''
      try {
        link = readlinkSync(`/proc/${pid}/fd/${fd}`)
      } catch {
        continue
      }
      if (link === 'anon_inode:[eventpoll]' && /^tfd:\s+0\s/m.test(readFileSync(`/proc/${pid}/fdinfo/${fd}`, 'utf8'))) return
    }
    await new Promise((resolve) => setTimeout(resolve, 10))
  }
  throw new Error(`pid ${pid} never read its standard input`)
}

describe('a signal while reading standard input that stays open', {skip: !existsSync('/proc/self/status') && 'needs /proc'}, () => {
  test('SIGTERM during --client-secret-stdin: exit 130 at once, one line "Interrupted", nothing sent', async () => {
    const {child, done} = spawnWithOpenStdin(['token', 'get', '--client-secret-stdin'], {TINK_API_URL: srv.url, TINK_CLIENT_ID: CLIENT.id})
    child.stdin.write('half-a-sec')
    await readingStdin(child.pid)
    const started = Date.now()
    child.kill('SIGTERM')
    const r = await done
    assert.equal(r.code, 130, r.stderr)
    assert.ok(Date.now() - started < 2000, 'does not wait for stdin to close')
    assert.equal(r.stdout, '')
    assert.equal(r.stderr, 'Error: Interrupted\n')
    assert.equal(srv.requests.length, 0)
  })

  test('SIGINT during --code - with --json: exit 130, the error document on stdout', async () => {
    const {child, done} = spawnWithOpenStdin(['token', 'get', '--code', '-', '--json'], serverEnv(srv))
    await readingStdin(child.pid)
    child.kill('SIGINT')
    const r = await done
    assert.equal(r.code, 130, r.stderr)
    assert.deepEqual(oneJson(r.stdout).error, {code: 'interrupted', message: 'Interrupted', exitCode: 130})
    assert.equal(r.stderr, '')
    assert.equal(srv.requests.length, 0)
  })
})

describe('--json error document', () => {
  test('{"error": {status, code, message, requestId}} on stdout with Tink\'s X-Request-ID', async () => {
    srv.script(TOKEN_PATH, {json: tokenResponse()})
    srv.script(CREATE_PATH, tinkError(409, 'user_already_exists', 'User exists', {'x-request-id': 'tink-req-4711'}))
    const r = await runTink(['user', 'create', '--external-user-id', 'u1', '--market', 'GB', '--json'], {env: serverEnv(srv)})
    assert.equal(r.code, 4)
    const doc = oneJson(r.stdout)
    assert.deepEqual(Object.keys(doc), ['error'])
    assert.equal(doc.error.status, 409)
    assert.equal(doc.error.code, 'user_already_exists')
    assert.match(doc.error.message, /already exists/)
    assert.equal(doc.error.requestId, 'tink-req-4711')
    assert.doesNotMatch(r.stderr, /Error:/, 'the error is not printed twice')
  })

  test('--raw with --json: a usage error, as a JSON document (exit 2)', async () => {
    const r = await runTink(['token', 'get', '--raw', '--json'], {env: serverEnv(srv)})
    assert.equal(r.code, 2)
    assert.match(oneJson(r.stdout).error.message, /--raw/)
    assert.equal(srv.requests.length, 0)
  })

  test('a usage error is a JSON document too (exit 2)', async () => {
    const r = await runTink(['user', 'create', '--external-user-id', 'u1', '--market', 'gb', '--json'], {env: serverEnv(srv)})
    assert.equal(r.code, 2)
    const doc = oneJson(r.stdout)
    assert.equal(doc.error.code, 'invalid_usage')
    assert.match(doc.error.message, /Invalid market "gb"/)
    assert.equal(srv.requests.length, 0)
  })

  test('an error without X-Request-ID still has status, code and message', async () => {
    srv.script(TOKEN_PATH, {status: 503, body: '', headers: {'x-request-id': null}})
    const r = await runTink(['token', 'get', '--json', '--retries', '0'], {env: serverEnv(srv)})
    assert.equal(r.code, 5)
    const doc = oneJson(r.stdout)
    assert.equal(doc.error.status, 503)
    assert.equal(typeof doc.error.code, 'string')
    assert.equal(typeof doc.error.message, 'string')
    assert.equal(doc.error.requestId, undefined)
  })
})

describe('--verbose', () => {
  const CANARY = {
    secret: 'CANARY-client-secret-91a',
    clientToken: 'CANARY-client-token-27b',
    code: 'CANARY-code-55c',
    userToken: 'CANARY-user-token-13d',
    refresh: 'CANARY-refresh-token-84e',
  }

  function assertNoCanary(text) {
    for (const [name, value] of Object.entries(CANARY)) assert.ok(!text.includes(value), `${name} leaked into:\n${text}`)
  }

  test('the delete chain traced: method, URL, status, timing, headers; every secret is ***', async () => {
    srv.script(TOKEN_PATH, {json: tokenResponse({access_token: CANARY.clientToken})}, {json: tokenResponse({access_token: CANARY.userToken, refresh_token: CANARY.refresh})})
    srv.script(GRANT_PATH, {json: {code: CANARY.code}})
    srv.script(DELETE_PATH, {status: 204})
    const r = await runTink(['user', 'delete', '--external-user-id', 'u1', '--yes', '--verbose'], {env: serverEnv(srv, {TINK_CLIENT_SECRET: CANARY.secret})})
    assert.equal(r.code, 0, r.stderr)
    assert.equal(srv.requests.length, 4, 'the chain ran')
    assertNoCanary(r.stderr)
    assertNoCanary(r.stdout)
    assert.match(r.stderr, new RegExp(`> POST ${srv.url}/api/v1/oauth/token`))
    assert.match(r.stderr, new RegExp(`> POST ${srv.url}/api/v1/user/delete`))
    assert.match(r.stderr, /< 200 \(\d+ ms\)/)
    assert.match(r.stderr, /< 204 \(\d+ ms\)/)
    assert.match(r.stderr, /> user-agent: tink-auth-cli\//)
    assert.match(r.stderr, /< x-request-id: req-1/)
    assert.match(r.stderr, /client_secret=\*\*\*/)
    assert.match(r.stderr, /code=\*\*\*/)
    assert.match(r.stderr, /authorization: Bearer \*\*\*/)
    assert.match(r.stderr, /"access_token":"\*\*\*"/)
    assert.match(r.stderr, /"refresh_token":"\*\*\*"/)
    assert.match(r.stderr, /"code":"\*\*\*"/)
    assert.match(r.stdout, /Deleted the user/)
  })

  test('refresh token from stdin and a failing answer: nothing secret in the trace or the error', async () => {
    srv.script(TOKEN_PATH, {status: 503, body: ''}, tinkError(400, 'invalid_grant', 'Refresh token expired'))
    const r = await runTink(['token', 'get', '--refresh-token', '-', '-v'], {env: serverEnv(srv, {TINK_CLIENT_SECRET: CANARY.secret}), input: CANARY.refresh})
    assert.equal(r.code, 4)
    assertNoCanary(r.stderr)
    assert.match(r.stderr, /refresh_token=\*\*\*/)
    assert.match(r.stderr, /\* retry 1\/3 in \d+ ms/)
    assert.match(r.stderr, /Error: token request failed: HTTP 400/)
  })

  test('--verbose with --json: the trace on stderr, stdout still exactly one JSON document', async () => {
    srv.script(TOKEN_PATH, {json: tokenResponse({access_token: CANARY.clientToken})})
    const r = await runTink(['token', 'get', '--json', '--verbose'], {env: serverEnv(srv, {TINK_CLIENT_SECRET: CANARY.secret})})
    assert.equal(r.code, 0, r.stderr)
    assert.equal(oneJson(r.stdout).access_token, CANARY.clientToken, 'the token itself is the output asked for')
    assert.match(r.stderr, /> POST /)
    assertNoCanary(r.stderr)
  })

  test('without --verbose there is no trace', async () => {
    srv.script(TOKEN_PATH, {json: tokenResponse()})
    const r = await runTink(['token', 'get', '--raw'], {env: serverEnv(srv)})
    assert.equal(r.code, 0)
    assert.equal(r.stderr, '')
  })
})

test('a secret is never accepted on the command line', async () => {
  const r = await runTink(['token', 'get', '--client-secret', CLIENT.secret], {env: serverEnv(srv)})
  assert.equal(r.code, 2)
  assert.ok(!r.stderr.includes(CLIENT.secret) || /Nonexistent flag/.test(r.stderr))
  assert.equal(srv.requests.length, 0)
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

describe('the run\'s HTTP clients', () => {
  test('http(tuning) builds a client with that tuning on every call, not only the first (a bulk run after another request keeps its own)', async () => {
    const {Factory} = await import('../dist/lib/cli/factory.js')
    const {testIO} = await import('../dist/lib/cli/io.js')
    const {Interrupt} = await import('../dist/lib/cli/interrupt.js')
    const gone = await startTinkServer()
    const url = gone.url
    await gone.close()
    const f = new Factory({io: testIO(), flags: {'base-url': url, retries: 2}, version: '0.0.0', json: false, interrupt: new Interrupt(), usesProfiles: false})
    try {
      const plain = await f.http()
      assert.equal(await f.http(), plain, 'one shared client without tuning')
      const tuned = await f.http({retries: 0, backoffBaseMs: 1})
      assert.notEqual(tuned, plain)
      const once = await tuned.request({method: 'GET', path: '/x', what: 'probe'}).catch((e) => e)
      assert.match(once.message, /probe: cannot reach .*ECONNREFUSED/)
      assert.doesNotMatch(once.message, /attempts/, 'the tuned client tried once (--retries 0)')
      const thrice = await plain.request({method: 'GET', path: '/x', what: 'probe'}).catch((e) => e)
      assert.match(thrice.message, /\(after 3 attempts in \d+\.\d s\)/, 'the shared client keeps --retries 2')
    } finally {
      await f.close()
    }
  })
})
