// --jq: jq itself (WebAssembly) on the --json answer, printed as gh prints it, compared with
// Debian's jq (/usr/bin/jq -r -c: strings raw, other values compact JSON, one a line).
import {after, before, describe, test} from 'node:test'
import assert from 'node:assert/strict'
import {spawn, spawnSync} from 'node:child_process'
import {readFileSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {startEmulator} from 'tink-emulator'
import {BIN, cleanEnv, emulatorEnv, ROOT, tempDir} from '../../helpers.js'
import {runTink} from '../../support/in-process.js'
import {tokenResponse} from '../../support/tink-server.js'
import {GRANT_PATH, oneJson, serverEnv, TOKEN_PATH, useTinkServer} from '../../support/cli.js'

const JQ = '/usr/bin/jq'
const hasJq = spawnSync(JQ, ['--version']).status === 0
const jqSkip = hasJq || process.env.CI ? false : `${JQ} is absent (apt-get install jq)`
const LIST_PATH = '/api/v1/credentials/list'

/** Debian's jq on `doc`, as gh prints --jq results. */
function debianJq(expr, doc) {
  const r = spawnSync(JQ, ['-r', '-c', expr], {input: JSON.stringify(doc), encoding: 'utf8'})
  assert.equal(r.status, 0, r.stderr)
  return r.stdout
}

// Values people filter: commas, quotes, tabs, backslashes and non-ASCII text for @csv and @tsv.
const CREDENTIALS = {
  credentials: [
    {id: 'a1', providerName: 'uk-demobank-open-banking-redirect', status: 'UPDATED', statusUpdated: 1764779362000, statusPayload: 'Analyzed 2 accounts, "checking" & savings', fields: {}},
    {id: 'b2', providerName: 'se-bänk ✓', status: 'AUTHENTICATION_ERROR', statusUpdated: 1764779363000, statusPayload: 'tab\there, back\\slash', fields: {username: 'x'}},
    {id: 'c3', providerName: 'de-bank', status: 'TEMPORARY_ERROR', statusUpdated: 1764779364000, statusPayload: null, sessionExpiryDate: 1772555362000},
  ],
}

const CASES = [
  ['a path', '.credentials[0].providerName'],
  ['each element', '.credentials[].id'],
  ['an optional path that is missing', '.credentials[2].statusPayload, .credentials[0].nothing?'],
  ['length', '.credentials | length'],
  ['keys', '.credentials[1] | keys'],
  ['select', '.credentials[] | select(.status != "UPDATED") | .id'],
  ['select that matches nothing', '.credentials[] | select(.status == "DELETED")'],
  ['map', '.credentials | map(.status)'],
  ['map to objects', '.credentials | map({id, status, n: (.fields | length)})'],
  ['@csv', '.credentials[] | [.providerName, .status, .statusPayload, .statusUpdated] | @csv'],
  ['@tsv', '.credentials[] | [.providerName, .status, .statusPayload] | @tsv'],
  ['string interpolation', '.credentials[] | "\\(.providerName): \\(.status) (\\(.statusUpdated / 1000 | floor))"'],
  ['paths', '[paths(type == "number")]'],
  ['an object, compact', '.credentials[1]'],
  ['a string with a newline, raw', '"two\\nlines"'],
]

describe('--jq against a scripted answer, compared with Debian jq', {skip: jqSkip}, () => {
  const srv = useTinkServer()
  const script = () => {
    srv.script(TOKEN_PATH, {json: tokenResponse()})
    srv.script(GRANT_PATH, {json: {code: 'g'}})
    srv.script(LIST_PATH, {json: CREDENTIALS})
  }

  for (const [name, expr] of CASES) {
    test(`${name}: ${expr}`, async () => {
      script()
      const r = await runTink(['credentials', 'list', '-e', 'x', '--jq', expr], {env: serverEnv(srv)})
      assert.equal(r.code, 0, r.stderr)
      assert.equal(r.stdout, debianJq(expr, CREDENTIALS))
    })
  }

  test('--jq implies --json: no table, and the same as --json piped to jq', async () => {
    script()
    const r = await runTink(['credentials', 'list', '-e', 'x', '--jq', '.', '--json'], {env: serverEnv(srv)})
    assert.equal(r.code, 0, r.stderr)
    assert.doesNotMatch(r.stdout, /PROVIDER/)
    assert.deepEqual(JSON.parse(r.stdout), CREDENTIALS)
    assert.equal(r.stdout, JSON.stringify(CREDENTIALS) + '\n', 'compact, one line')
  })
})

describe('--jq and the machine contract', () => {
  const srv = useTinkServer()

  test('a bad expression: exit 2 naming the problem, before any request', async () => {
    for (const [expr, pattern] of [
      ['.credentials[', /Invalid --jq expression: syntax error, unexpected end of file/],
      ['.credentials | nosuchfn', /Invalid --jq expression: nosuchfn\/0 is not defined/],
      ['$x', /Invalid --jq expression: \$x is not defined/],
    ]) {
      const r = await runTink(['credentials', 'list', '-e', 'x', '--jq', expr], {env: serverEnv(srv)})
      assert.equal(r.code, 2, r.stderr)
      assert.match(oneJson(r.stdout).error.message, pattern)
      assert.equal(oneJson(r.stdout).error.code, 'invalid_usage')
    }
    assert.deepEqual(srv.requests, [], 'nothing was sent')
  })

  test('an error answer stays the one JSON error document, unfiltered', async () => {
    srv.script(TOKEN_PATH, {status: 401, json: {errorMessage: 'bad client', errorCode: 'unauthorized'}})
    const r = await runTink(['token', 'get', '--no-cache', '--retries', '0', '--jq', '.access_token'], {env: serverEnv(srv)})
    assert.equal(r.code, 3, r.stderr)
    const {error} = oneJson(r.stdout)
    assert.equal(error.status, 401)
    assert.match(error.message, /bad client/)
  })

  test('an expression that fails on the answer: exit 2, jq\'s message, one JSON error document', async () => {
    srv.script(TOKEN_PATH, {json: tokenResponse({access_token: 'tok'})})
    const r = await runTink(['token', 'get', '--no-cache', '--jq', '.access_token | .[0]'], {env: serverEnv(srv)})
    assert.equal(r.code, 2, r.stderr)
    assert.match(oneJson(r.stdout).error.message, /--jq failed on the answer: Cannot index string with number/)
  })

  test('--jq with --file (bulk NDJSON, filtered per line: test/lib/bulk/jq-lines.test.js): a bad expression is exit 2 before anything is sent', async () => {
    for (const args of [['user', 'create', '--file', '-', '--market', 'GB'], ['user', 'delete', '--file', '-', '--yes']]) {
      const r = await runTink([...args, '--jq', '.status |'], {env: serverEnv(srv), input: 'external_user_id\nx1\n'})
      assert.equal(r.code, 2, r.stderr)
      assert.match(oneJson(r.stdout).error.message, /^Invalid --jq expression: syntax error/)
    }
    assert.deepEqual(srv.requests, [], 'nothing was sent')
  })

  test('--jq with --raw is refused', async () => {
    const r = await runTink(['token', 'get', '--raw', '--jq', '.access_token'], {env: serverEnv(srv)})
    assert.equal(r.code, 2)
    assert.match(r.stdout + r.stderr, /--jq and --raw cannot be used together/)
    assert.deepEqual(srv.requests, [])
  })
})

describe('--jq on the built CLI', () => {
  let emu
  before(async () => (emu = await startEmulator()))
  after(() => emu.close())

  /** The CLI as a subprocess, recording which bundle chunks it read. */
  function run(args) {
    const dir = tempDir('tink-jq-')
    const log = join(dir, 'read.txt')
    const preload = join(dir, 'record.cjs')
    writeFileSync(
      preload,
      `const fs = require('node:fs'); const read = fs.readFileSync; const seen = new Set()
fs.readFileSync = function (p, ...rest) { if (typeof p === 'string' && p.includes('chunks')) seen.add(require('node:path').basename(p)); return read.call(this, p, ...rest) }
process.on('exit', () => fs.writeFileSync(${JSON.stringify(log)}, [...seen].join('\\n')))\n`,
    )
    // Not spawnSync: the emulator answers from this process's event loop.
    const child = spawn(process.execPath, ['-r', preload, BIN, ...args], {cwd: ROOT, env: cleanEnv({...emulatorEnv(emu), XDG_CACHE_HOME: join(dir, 'cache')}), stdio: ['ignore', 'pipe', 'pipe']})
    let stdout = ''
    let stderr = ''
    child.stdout.setEncoding('utf8').on('data', (d) => (stdout += d))
    child.stderr.setEncoding('utf8').on('data', (d) => (stderr += d))
    return new Promise((resolve) => child.on('close', (code) => resolve({code, stdout, stderr, read: readFileSync(log, 'utf8').split('\n').filter(Boolean)})))
  }

  test('jq loads only when --jq is given; with it, every command with --json takes it', async () => {
    const plain = await run(['token', 'get', '--scope', 'user:create', '--json'])
    assert.equal(plain.code, 0, plain.stderr)
    assert.ok(plain.read.includes('undici.cjs'), `the recorder sees chunks: ${plain.read}`)
    assert.ok(!plain.read.includes('jq-wasm.cjs'), 'no jq without --jq')
    const jq = await run(['user', 'create', '-e', 'jq-built', '--market', 'SE', '--jq', '"\\(.external_user_id) \\(.user_id | length)"'])
    assert.equal(jq.code, 0, jq.stderr)
    assert.equal(jq.stdout, 'jq-built 32\n')
    assert.ok(jq.read.includes('jq-wasm.cjs'))
  })
})
