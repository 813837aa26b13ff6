// Issue 23, the bulk items: how a bulk run stops and what it says about it. SIGHUP (a closed
// terminal) is a stop like Ctrl-C, exit 129; a Retry-After past the cap stops the run within
// seconds; a shared pause is announced once, never per row; a re-run from a journal says which
// rows were done earlier; an external id with an invisible character is an invalid row. Against a
// purpose-built server over loopback (its answers are set per test); signals with the built CLI as
// a subprocess, the rest in process.
import {test, describe, before, after, beforeEach} from 'node:test'
import assert from 'node:assert/strict'
import {spawn} from 'node:child_process'
import {createServer} from 'node:http'
import {readFileSync} from 'node:fs'
import {join} from 'node:path'
import {BIN, ROOT, cleanEnv, tempDir} from '../../helpers.js'
import {runTink} from '../../support/in-process.js'
import {csv, fileWriter, lines} from '../../support/bulk.js'

const dir = tempDir('tink-bulk-stops-')
const file = fileWriter(dir)
const journalRows = (path) => readFileSync(path, 'utf8').trim().split('\n').slice(1).map((l) => JSON.parse(l))

describe('bulk stops', () => {
  let server
  let env
  /** External ids of the creates the server answered 200, in order. */
  let created
  /** Every create request that arrived (answered or not). */
  let arrived
  /** (n) => {status, headers, body} for the nth create (from 1), or undefined for a created user. */
  let reply
  let delayMs
  /** (n) => the nth token request's answer {status, body}, or undefined for a token. */
  let tokenReply
  let tokens
  beforeEach(() => {
    tokenReply = undefined
    tokens = 0
    created = []
    arrived = 0
    reply = () => undefined
    delayMs = 0
  })
  before(async () => {
    server = createServer((req, res) => {
      let body = ''
      req.setEncoding('utf8').on('data', (d) => (body += d))
      req.on('end', () => {
        if (req.url === '/api/v1/oauth/token') {
          const special = tokenReply?.(++tokens)
          if (special) {
            res.writeHead(special.status, {'content-type': 'application/json'})
            return res.end(special.body)
          }
          res.writeHead(200, {'content-type': 'application/json'})
          return res.end(JSON.stringify({access_token: 'tok', token_type: 'bearer', expires_in: 1800, scope: 'user:create'}))
        }
        const n = ++arrived
        const special = reply(n)
        setTimeout(() => {
          if (special) {
            res.writeHead(special.status, {'content-type': 'application/json', ...special.headers})
            return res.end(special.body)
          }
          const ext = JSON.parse(body).external_user_id
          created.push(ext)
          res.writeHead(200, {'content-type': 'application/json'})
          res.end(JSON.stringify({user_id: String(n).padStart(32, '0'), external_user_id: ext}))
        }, delayMs)
      })
    })
    await new Promise((r) => server.listen(0, '127.0.0.1', r))
    env = {TINK_API_URL: `http://127.0.0.1:${server.address().port}`, TINK_CLIENT_ID: 'c', TINK_CLIENT_SECRET: 's'}
  })
  after(() => server.close())

  /** Runs `user create --file` as a subprocess and sends `sig` once `afterCreates` creates arrived. */
  async function signalled(sig, f, journal, {afterCreates = 6, closeStderr = false} = {}) {
    const child = spawn(process.execPath, [BIN, 'user', 'create', '--file', f, '--concurrency', '4', '--journal', journal], {cwd: ROOT, env: cleanEnv(env), stdio: ['ignore', 'pipe', 'pipe']})
    let stdout = ''
    let stderr = ''
    child.stdout.setEncoding('utf8').on('data', (d) => (stdout += d))
    if (closeStderr) child.stderr.destroy()
    else child.stderr.setEncoding('utf8').on('data', (d) => (stderr += d))
    const closed = new Promise((resolve) => child.on('close', (code, signal) => resolve({code, signal})))
    while (arrived < afterCreates) await new Promise((r) => setTimeout(r, 10))
    child.kill(sig)
    const {code, signal} = await closed
    return {code, signal, stdout, stderr}
  }

  for (const closeStderr of [false, true]) {
    test(`SIGHUP settles the rows in flight, reports and journals every user Tink created, exits 129${closeStderr ? ', with stderr already gone' : ' with the summary'}`, async () => {
      delayMs = 300
      const f = file(`hup-${closeStderr}.csv`, csv(40, `hup-${closeStderr}-`))
      const journal = join(dir, `hup-${closeStderr}.journal`)
      const r = await signalled('SIGHUP', f, journal, {closeStderr})
      assert.equal(r.signal, null, 'killed by the signal instead of handling it')
      assert.equal(r.code, 129, r.stderr)
      const reported = lines(r.stdout)
      assert.deepEqual(reported.filter((x) => x.status === 'created').map((x) => x.external_user_id).sort(), [...created].sort(), 'stdout and Tink disagree')
      assert.deepEqual(journalRows(journal).filter((x) => x.status === 'created').map((x) => x.external_user_id).sort(), [...created].sort(), 'the journal and Tink disagree')
      assert.ok(created.length >= 6, `only ${created.length} created`)
      if (!closeStderr) {
        assert.match(r.stderr, new RegExp(`^Interrupted: ${reported.length} rows in `, 'm'))
        assert.match(r.stderr, new RegExp(`^${40 - reported.length} rows of the input were not processed`, 'm'))
      }
    })
  }

  test('a failed row carries the hint the renderer gives (Tink is failing); refused credentials stop the run with how to fix them', async () => {
    reply = () => ({status: 500, headers: {}, body: '{"errorMessage":"boom","errorCode":"internal"}'})
    const f = file('hint.csv', csv(3, 'hint-'))
    const r = await runTink(['user', 'create', '--file', f, '--concurrency', '1', '--json'], {env})
    const rows = lines(r.stdout)
    assert.equal(rows.length, 3, r.stderr)
    for (const row of rows) {
      assert.equal(row.status, 'failed')
      assert.match(row.error.hint, /Tink is failing/, JSON.stringify(row))
    }
    // The first token lives a second (Tink renews a minute before expiry); its renewal is refused mid-run.
    reply = () => undefined
    delayMs = 100
    tokenReply = (n) => (n === 1 ? {status: 200, body: JSON.stringify({access_token: 'tok', token_type: 'bearer', expires_in: 61, scope: 'user:create'})} : {status: 401, body: '{"errorMessage":"bad client","errorCode":"client_invalid"}'})
    const refused = await runTink(['user', 'create', '--file', file('hint-2.csv', csv(30, 'hint2-')), '--concurrency', '1'], {env})
    assert.equal(refused.code, 3, refused.stderr)
    assert.match(refused.stderr, /refused the client credentials: .*Check the client id and secret \(TINK_CLIENT_ID, TINK_CLIENT_SECRET\)/)
  })

  test('SIGINT: the summary says how many rows of the input were not processed', async () => {
    delayMs = 200
    const f = file('int.csv', csv(30, 'int-'))
    const r = await signalled('SIGINT', f, join(dir, 'int.journal'), {afterCreates: 4})
    assert.equal(r.code, 130, r.stderr)
    const reported = lines(r.stdout).length
    assert.match(r.stderr, new RegExp(`^${30 - reported} rows of the input were not processed`, 'm'))
  })

  test('a Retry-After past the 120 s cap: no more sending, rows in flight settle, the rest not processed, journal flushed, ends within seconds (exit 5)', async () => {
    reply = (n) => (n > 5 ? {status: 429, headers: {'retry-after': '99999'}, body: '{"errorMessage":"slow down","errorCode":"rate_limited"}'} : undefined)
    const f = file('cap.csv', csv(50, 'cap-'))
    const journal = join(dir, 'cap.journal')
    const started = performance.now()
    const r = await runTink(['user', 'create', '--file', f, '--concurrency', '2', '--journal', journal], {env})
    const ms = performance.now() - started
    assert.equal(r.code, 5, r.stderr)
    assert.ok(ms < 5000, `took ${Math.round(ms)} ms`)
    assert.ok(arrived <= 5 + 2, `${arrived} creates were sent, some after Tink said to stop`)
    assert.match(r.stderr, /Tink asked to be called again in 99999 s \(Retry-After\), at \d{4}-\d\d-\d\dT[\d:.]+Z, later than the 120 s this CLI waits/)
    assert.doesNotMatch(r.stderr, /pause for 120 s/)
    const reported = lines(r.stdout)
    const notSent = reported.filter((x) => x.error?.code === 'not_sent').length
    const notProcessed = 50 - reported.length + notSent
    assert.match(r.stderr, new RegExp(`^${notProcessed} rows of the input were not processed: run the same command again with --journal `, 'm'))
    assert.deepEqual(journalRows(journal).filter((x) => x.status === 'created').map((x) => x.external_user_id).sort(), [...created].sort())
    assert.equal(created.length, 5)
  })

  for (const stderrTTY of [true, false]) {
    test(`a shared pause longer than 2 s is announced once on stderr, never once per row (stderr ${stderrTTY ? 'a terminal' : 'a log'})`, async () => {
      reply = (n) => (n <= 4 ? {status: 429, headers: {'retry-after': '3'}, body: '{"errorMessage":"slow down","errorCode":"rate_limited"}'} : undefined)
      delayMs = 50
      const f = file(`pause-${stderrTTY}.csv`, csv(8, `pause-${stderrTTY}-`))
      const r = await runTink(['user', 'create', '--file', f, '--concurrency', '4'], {env, stderrTTY, columns: 120})
      assert.equal(r.code, 0, r.stderr)
      const said = r.stderr.split(/\n|\r\x1b\[2K/).filter((l) => /wait|pause/i.test(l))
      assert.deepEqual(said, ['Rate limited by Tink (HTTP 429): all workers pause for 3 s (Retry-After)'], JSON.stringify(r.stderr))
    })
  }

  test('a re-run from a journal counts the rows done earlier as "done earlier", not as created; NDJSON keeps their status and from_journal', async () => {
    const journal = join(dir, 'again.journal')
    const first = await runTink(['user', 'create', '--file', file('again-1.csv', csv(5, 'again-')), '--journal', journal], {env})
    assert.equal(first.code, 0, first.stderr)
    const r = await runTink(['user', 'create', '--file', file('again-2.csv', csv(7, 'again-')), '--journal', journal], {env})
    assert.equal(r.code, 0, r.stderr)
    assert.match(r.stderr, /^7 rows in [\d.]+ s.*: 2 created, 0 exists, 0 invalid, 0 failed, 5 done earlier$/m)
    const rows = lines(r.stdout)
    assert.equal(rows.filter((x) => x.from_journal === true && x.status === 'created').length, 5)
    assert.equal(rows.filter((x) => !x.from_journal && x.status === 'created').length, 2)
  })

  test('zero-width and bidirectional-override characters in an external id make the row invalid, naming the row and the code point; nothing is sent for it', async () => {
    const f = file('invisible.csv', 'external_user_id,market\nok-1,GB\nzw\u200b-2,GB\nbidi-\u202e3,GB\nok-4,GB\nuser\u20665,GB\n')
    const r = await runTink(['user', 'create', '--file', f], {env})
    assert.equal(r.code, 6, r.stderr)
    const rows = lines(r.stdout)
    const invalid = rows.filter((x) => x.status === 'invalid').sort((a, b) => a.row - b.row)
    assert.deepEqual(invalid.map((x) => x.row), [3, 4, 6])
    assert.match(invalid[0].error.message, /^line 3: external_user_id holds the invisible character U\+200B at position 3/)
    assert.match(invalid[1].error.message, /^line 4: .*U\+202E at position 6/)
    assert.match(invalid[2].error.message, /^line 6: .*U\+2066/)
    assert.deepEqual(created.sort(), ['ok-1', 'ok-4'].sort())
    const del = await runTink(['user', 'delete', '--file', file('invisible-del.csv', 'user_id\nabc\u200d\n'), '--yes'], {env})
    assert.equal(del.code, 6, del.stderr)
    assert.match(lines(del.stdout)[0].error.message, /^line 2: user_id holds the invisible character U\+200D/)
  })
})
