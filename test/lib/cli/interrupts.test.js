// Ctrl-C and SIGTERM: exit 130 at once while waiting on a server, during a retry's wait, during a
// single user create (saying whether the user may exist), and while reading standard input that
// stays open; with --json, the error document on stdout.
import {describe, test} from 'node:test'
import assert from 'node:assert/strict'
import {spawn} from 'node:child_process'
import {existsSync, readdirSync, readFileSync, readlinkSync} from 'node:fs'
import {BIN, cleanEnv, ROOT} from '../../helpers.js'
import {tinkError, tokenResponse} from '../../support/tink-server.js'
import {assertOneLineError, CLIENT, CREATE_PATH, oneJson, serverEnv, spawnCli, TOKEN_PATH, useTinkServer} from '../../support/cli.js'

const srv = useTinkServer()

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
