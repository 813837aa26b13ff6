// A gnome-keyring whose collection is LOCKED (a desktop session not yet unlocked, or a daemon
// started with --start only). keytar's listing (findCredentials) crashed the process there with
// SIGSEGV, and reads answer "nothing" rather than an error. Each run gets its own D-Bus session
// and keyring folder: a profile is saved while the keyring is unlocked, then the commands run in
// a second session whose daemon opens the same keyring without unlocking it.
import assert from 'node:assert/strict'
import {spawn, spawnSync} from 'node:child_process'
import {randomBytes} from 'node:crypto'
import {mkdirSync, readFileSync} from 'node:fs'
import {join} from 'node:path'
import {after, before, describe, test} from 'node:test'
import {ALL_SCOPES, startEmulator} from 'tink-emulator'
import {BIN, cleanEnv, ROOT, tempDir} from '../../helpers.js'

const RUN = randomBytes(3).toString('hex')
const has = (cmd) => spawnSync('sh', ['-c', `command -v ${cmd}`]).status === 0

/** Whether a private keyring session can be made here; else why not. */
function sessionProblem() {
  for (const cmd of ['dbus-run-session', 'gnome-keyring-daemon']) if (!has(cmd)) return `${cmd} is not installed`
  return undefined
}

/**
 * Runs `steps` (name -> {args, input}) in a fresh D-Bus session over the keyring in `dataHome`,
 * unlocked or not. Resolves name -> {code, stdout, stderr}; code 139 is the segfault.
 */
function inKeyringSession(dataHome, {unlock}, steps, env) {
  const out = tempDir('tink-locked-out-')
  const runtime = tempDir('tink-locked-run-')
  const q = (s) => `'${String(s).replace(/'/g, `'\\''`)}'`
  const lines = [
    'export XDG_DATA_HOME="$1" XDG_RUNTIME_DIR="$2"',
    unlock
      ? 'printf tink-test | gnome-keyring-daemon --unlock --components=secrets >/dev/null 2>&1'
      : 'gnome-keyring-daemon --start --components=secrets >/dev/null 2>&1',
  ]
  for (const [name, step] of Object.entries(steps)) {
    const cmd = `${q(process.execPath)} ${q(BIN)} ${step.args.map(q).join(' ')}`
    const input = step.input === undefined ? '</dev/null' : `<<'EOF_INPUT'\n${step.input}\nEOF_INPUT\n`
    // A keyring unlocked a moment ago may still be creating its collection: retry a few times.
    const tries = step.retry ? 20 : 1
    lines.push(`i=0; while :; do ${cmd} >${q(join(out, name + '.out'))} 2>${q(join(out, name + '.err'))} ${input}`)
    lines.push(`rc=$?; i=$((i+1)); if [ $rc -ne 3 ] || [ $i -ge ${tries} ]; then break; fi; sleep 0.3; done; echo $rc >${q(join(out, name + '.rc'))}`)
  }
  return new Promise((resolve, reject) => {
    const child = spawn('dbus-run-session', ['--', 'sh', '-c', lines.join('\n'), 'sh', dataHome, runtime], {cwd: ROOT, env: cleanEnv(env), stdio: ['ignore', 'ignore', 'pipe']})
    let stderr = ''
    child.stderr.setEncoding('utf8').on('data', (d) => (stderr += d))
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000)
    child.on('error', reject)
    child.on('close', () => {
      clearTimeout(timer)
      const results = {}
      for (const name of Object.keys(steps)) {
        const read = (ext) => {
          try {
            return readFileSync(join(out, `${name}.${ext}`), 'utf8')
          } catch {
            return undefined
          }
        }
        const rc = read('rc')
        if (rc === undefined) return reject(new Error(`step ${name} did not run; session stderr:\n${stderr}`))
        results[name] = {code: Number(rc), stdout: read('out') ?? '', stderr: read('err') ?? ''}
      }
      resolve(results)
    })
  })
}

/** Human stderr without the lines a keyring daemon with no display may add. */
const errorLines = (r) => r.stderr.trim().split('\n').filter(Boolean)

describe('a locked gnome-keyring collection', () => {
  let emu
  const client = {id: `locked-${RUN}`, secret: `locked-secret-${RUN}`, scopes: [...ALL_SCOPES]}
  before(async () => {
    emu = await startEmulator({clients: [client]})
  })
  after(() => emu?.close())

  test('no crash: status, token get/clear, login --force and remove answer with exit codes and say the keychain may be locked', async (t) => {
    const problem = sessionProblem()
    if (problem) {
      if (process.env.TINK_REQUIRE_KEYCHAIN === '1') assert.fail(`TINK_REQUIRE_KEYCHAIN=1 but ${problem}`)
      return t.skip(problem)
    }
    const dataHome = tempDir('tink-locked-keyring-')
    mkdirSync(join(dataHome, 'keyrings'), {recursive: true})
    const name = `lk-${RUN}`
    const env = {TINK_CONFIG_DIR: tempDir()}

    const unlocked = await inKeyringSession(dataHome, {unlock: true}, {
      login: {args: ['login', name, '--base-url', emu.url, '--client-id', client.id, '--client-secret-stdin'], input: client.secret, retry: true},
      token: {args: ['token', 'get', '-p', name, '--scope', 'user:create', '--raw']},
      status: {args: ['profile', 'status', name, '--offline', '--json']},
    }, env)
    assert.equal(unlocked.login.code, 0, unlocked.login.stderr)
    assert.equal(unlocked.token.code, 0, unlocked.token.stderr)
    const [open] = JSON.parse(unlocked.status.stdout)
    assert.equal(open.secretStore.answers, true)
    assert.equal(open.secretStore.error, undefined)
    assert.equal(open.cachedTokens.length, 1, 'the cached token is found by name, without listing the keychain')

    const tokenRequests = () => emu.requests.filter((r) => r.path === '/api/v1/oauth/token').length
    const sent = tokenRequests()
    const locked = await inKeyringSession(dataHome, {unlock: false}, {
      statusOffline: {args: ['profile', 'status', name, '--offline', '--json']},
      status: {args: ['profile', 'status', name]},
      token: {args: ['token', 'get', '-p', name]},
      clear: {args: ['token', 'clear', '-p', name, '--json']},
      login: {args: ['login', name, '--force', '--base-url', emu.url, '--client-id', client.id, '--client-secret-stdin'], input: 'x'},
      remove: {args: ['profile', 'remove', name, '--yes', '--json']},
    }, env)
    for (const [step, r] of Object.entries(locked)) {
      assert.notEqual(r.code, 139, `${step} crashed (SIGSEGV): ${r.stderr}`)
      assert.doesNotMatch(r.stderr, /\n\s+at /, `${step}: no stack trace`)
    }

    const mayBeLocked = /keychain may be locked, or the entry was removed.*Unlock the keychain \(e\.g\. log in to the desktop session, or gnome-keyring-daemon --unlock\)/
    assert.equal(locked.token.code, 3, locked.token.stderr)
    assert.equal(errorLines(locked.token).length, 1, locked.token.stderr)
    assert.match(locked.token.stderr, /^Error: Profile "lk-\w+" keeps its client secret in the OS keychain/)
    assert.match(locked.token.stderr, mayBeLocked)
    assert.doesNotMatch(locked.token.stderr, /has no client secret/)

    assert.equal(locked.statusOffline.code, 0, locked.statusOffline.stderr)
    const [s] = JSON.parse(locked.statusOffline.stdout)
    assert.match(s.secretStore.error, /keychain may be locked/)
    assert.equal(locked.status.code, 3, 'status: no token can be fetched now')
    assert.match(locked.status.stdout, /token now\s+FAILED: .*keychain may be locked/)

    assert.equal(locked.clear.code, 0, locked.clear.stderr)
    assert.equal(JSON.parse(locked.clear.stdout).cleared, 0)

    assert.equal(locked.login.code, 3, locked.login.stderr)
    assert.match(locked.login.stderr, /^Error: Cannot save the client secret of profile "lk-\w+" in the OS keychain: .*keychain is locked/)
    assert.equal(tokenRequests(), sent, 'login refused before sending the verification request')

    assert.equal(locked.remove.code, 0, locked.remove.stderr)
    assert.match(locked.remove.stderr, /if the keychain is locked, it is still there: unlock it and run secret-tool clear/)
  })
})
