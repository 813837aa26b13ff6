// `tink credentials wait` and `credentials list --fail-on-error`: the support person's "has the
// customer connected yet?", against the emulator (the customer goes through its Tink Link page)
// and a scripted server for the statuses the emulator never produces.
import {after, before, describe, test} from 'node:test'
import assert from 'node:assert/strict'
import {BUILTIN_CLIENT, startEmulator} from 'tink-emulator'
import {emulatorEnv} from '../../helpers.js'
import {runTink} from '../../support/in-process.js'
import {clientToken, createUser, delegatedCode, runLink} from '../../support/emulator-http.js'
import {tokenResponse} from '../../support/tink-server.js'
import {GRANT_PATH, oneJson, serverEnv, spawnCli, TOKEN_PATH, useTinkServer} from '../../support/cli.js'

const REDIRECT = 'http://localhost:3000/callback'
const LIST_PATH = '/api/v1/credentials/list'
const delay = (ms) => new Promise((r) => setTimeout(r, ms))

/**
 * `tink credentials wait ...args` in process; `waiting` settles once it says it waits (a
 * connection made before the wait began does not count, however slowly the run starts).
 */
function startWait(args, env) {
  let ready
  const waiting = new Promise((resolve) => (ready = resolve))
  const run = runTink(['credentials', 'wait', ...args], {env, onStderr: (text) => text.includes('Waiting up to') && ready()})
  return {run, waiting: Promise.race([waiting, run.then((r) => assert.fail(`ended before it waited: ${r.stderr}`))])}
}

describe('against the emulator: the customer connects through Tink Link while tink waits', () => {
  let emu
  let ct
  // demoData: every user starts with one UPDATED Demo Bank, which the wait must not take for the new one.
  before(async () => {
    emu = await startEmulator({demoData: true})
    ct = await clientToken(emu)
  })
  after(() => emu.close())

  async function customer(ext) {
    const userId = await createUser(emu, ct, {external_user_id: ext})
    return {userId, connect: async (bank) => {
      const code = await delegatedCode(emu, ct, userId)
      const r = await runLink(emu, 'transactions/connect-accounts', {client_id: BUILTIN_CLIENT.id, redirect_uri: REDIRECT, authorization_code: code, market: 'GB', locale: 'en_US'}, bank)
      assert.equal(r.post.status, 303, r.post.text)
      return r.query
    }}
  }

  test('a connection made after the wait began: exit 0, the new credentials printed; stderr says what it waits for and each status', async () => {
    const c = await customer('wait-ok')
    const waiting = startWait(['-e', 'wait-ok', '--wait', '30s'], emulatorEnv(emu))
    await waiting.waiting
    const q = await c.connect('demo-success')
    const r = await waiting.run
    assert.equal(r.code, 0, r.stderr)
    assert.match(r.stdout, new RegExp(`^credentials_id: +${q.credentials_id}$`, 'm'), 'the new connection, not the Demo Bank the user had')
    assert.match(r.stdout, /^status: +UPDATED$/m)
    assert.match(r.stdout, /^consent_expires: +\d{4}-\d\d-\d\d \(in 90 days\)$/m)
    const lines = r.stderr.trim().split('\n')
    assert.match(lines[0], /^Waiting up to 30s for a bank connection of the user with external id "wait-ok" created or changed from now on to reach UPDATED or an error status \(Ctrl-C stops\)\.\.\.$/)
    assert.equal(lines.filter((l) => /^Waiting/.test(l)).length, 1, 'announced once')
    assert.match(r.stderr, new RegExp(`uk-demobank-open-banking-redirect ${q.credentials_id}: UPDATED`))
  })

  test('--json: the credentials as Tink listed them', async () => {
    const c = await customer('wait-json')
    const waiting = startWait(['-e', 'wait-json', '--wait', '30', '--json'], emulatorEnv(emu))
    await waiting.waiting
    const q = await c.connect('demo-success')
    const r = await waiting.run
    assert.equal(r.code, 0, r.stderr)
    const doc = oneJson(r.stdout)
    assert.equal(doc.id, q.credentials_id)
    assert.equal(doc.status, 'UPDATED')
    assert.equal(typeof doc.statusUpdated, 'number')
  })

  test('the customer fails to log in: exit 12 with Tink\'s status and message; --json gives one error document', async () => {
    const c = await customer('wait-bad')
    const waiting = startWait(['-e', 'wait-bad', '--wait', '30s'], emulatorEnv(emu))
    await waiting.waiting
    await c.connect('demo-auth-error')
    const r = await waiting.run
    assert.equal(r.code, 12, r.stderr)
    assert.equal(r.stdout, '')
    assert.match(r.stderr, /^Error: uk-demobank-open-banking-redirect [0-9a-f]{32}: AUTHENTICATION_ERROR: Incorrect login credentials\./m)

    const c2 = await customer('wait-bad-json')
    const json = startWait(['-e', 'wait-bad-json', '--json'], emulatorEnv(emu))
    await json.waiting
    await c2.connect('demo-temporary-error')
    const j = await json.run
    assert.equal(j.code, 12, j.stderr)
    const {error} = oneJson(j.stdout)
    assert.equal(error.code, 'TEMPORARY_ERROR')
    assert.match(error.message, /TEMPORARY_ERROR: Demo Bank is temporarily unavailable\./)
    assert.equal(error.exitCode, 12)
  })

  test('nothing happens: exit 10 when --wait runs out, and the connection the user already had does not count', async () => {
    await customer('wait-idle')
    const started = Date.now()
    const r = await runTink(['credentials', 'wait', '-e', 'wait-idle', '--wait', '2s'], {env: emulatorEnv(emu)})
    assert.equal(r.code, 10, r.stderr)
    assert.ok(Date.now() - started >= 1900 && Date.now() - started < 10_000, `${Date.now() - started} ms`)
    assert.match(r.stderr, /^Error: No bank connection settled within 2s/m)
    assert.equal(r.stdout, '')
  })

  test('--credentials-id: credentials already UPDATED settle at once; an id the user does not have is exit 4', async () => {
    const c = await customer('wait-id')
    const {credentials_id: id} = await c.connect('demo-success')
    const r = await runTink(['credentials', 'wait', '-u', c.userId, '--credentials-id', id, '--json'], {env: emulatorEnv(emu)})
    assert.equal(r.code, 0, r.stderr)
    assert.equal(oneJson(r.stdout).id, id)
    const none = await runTink(['credentials', 'wait', '-u', c.userId, '--credentials-id', 'f'.repeat(32)], {env: emulatorEnv(emu)})
    assert.equal(none.code, 4, none.stderr)
    assert.match(none.stderr, /no credentials with id "f{32}".*tink credentials list/)
  })

  test('bad --wait and a missing user are usage errors (exit 2) before any request', async () => {
    const before = emu.requests?.length
    for (const [args, pattern] of [
      [['-e', 'x', '--wait', 'soon'], /Invalid --wait "soon".*10m/],
      [['-e', 'x', '--wait', '0'], /Invalid --wait "0"/],
      [['-e', 'x', '--wait', '25h'], /Invalid --wait "25h"/],
      [[], /Which user\?/],
    ]) {
      const r = await runTink(['credentials', 'wait', ...args], {env: emulatorEnv(emu)})
      assert.equal(r.code, 2, r.stderr)
      assert.match(r.stderr, pattern)
    }
    if (before !== undefined) assert.equal(emu.requests.length, before, 'nothing sent')
  })

  test('credentials list --fail-on-error: exit 0 when all are UPDATED, 12 when one is not (the list printed either way)', async () => {
    const c = await customer('list-fail')
    const ok = await runTink(['credentials', 'list', '-e', 'list-fail', '--fail-on-error'], {env: emulatorEnv(emu)})
    assert.equal(ok.code, 0, ok.stderr)
    await c.connect('demo-auth-error')
    const bad = await runTink(['credentials', 'list', '-e', 'list-fail', '--fail-on-error'], {env: emulatorEnv(emu)})
    assert.equal(bad.code, 12, bad.stderr)
    assert.match(bad.stdout, /AUTHENTICATION_ERROR/)
    assert.match(bad.stdout, /UPDATED/)
    assert.match(bad.stderr, /1 of 2 credentials not UPDATED/)
    const json = await runTink(['credentials', 'list', '-e', 'list-fail', '--fail-on-error', '--json'], {env: emulatorEnv(emu)})
    assert.equal(json.code, 12)
    assert.equal(oneJson(json.stdout).credentials.length, 2, 'the list, as Tink sent it')
    const plain = await runTink(['credentials', 'list', '-e', 'list-fail'], {env: emulatorEnv(emu)})
    assert.equal(plain.code, 0, 'without the flag, exit 0 as before')
  })
})

describe('statuses the emulator does not produce (a scripted server)', () => {
  const srv = useTinkServer()
  const cred = (over) => ({id: 'c'.repeat(32), providerName: 'se-bank', status: 'AUTHENTICATING', statusUpdated: Date.now(), updated: Date.now(), ...over})
  const tokens = () => {
    srv.script(TOKEN_PATH, {json: tokenResponse()})
    srv.script(GRANT_PATH, {json: {code: 'g'}})
  }

  for (const status of ['PERMANENT_ERROR', 'SESSION_EXPIRED']) {
    test(`AUTHENTICATING, then ${status}: one status line per change, then exit 12 with Tink's message`, async () => {
      tokens()
      const old = {id: 'o'.repeat(32), providerName: 'old-bank', status: 'UPDATED', statusUpdated: Date.now() - 86_400_000, updated: 0}
      srv.script(LIST_PATH, {json: {credentials: [old]}}, () => ({json: {credentials: [old, cred()]}}), () => ({json: {credentials: [old, cred()]}}), () => ({json: {credentials: [old, cred({status, statusPayload: `bank says ${status}`})]}}))
      const r = await runTink(['credentials', 'wait', '-e', 'x', '--wait', '60s'], {env: serverEnv(srv)})
      assert.equal(r.code, 12, r.stderr)
      assert.equal(r.stderr.match(/se-bank c{32}: AUTHENTICATING/g)?.length, 1, r.stderr)
      assert.match(r.stderr, new RegExp(`se-bank c{32}: ${status}\\n`))
      assert.match(r.stderr, new RegExp(`^Error: se-bank c{32}: ${status}: bank says ${status}`, 'm'))
      assert.doesNotMatch(r.stderr, /old-bank/, 'the connection from before the wait is not reported')
      const polls = srv.requests.filter((q) => q.path === LIST_PATH)
      assert.equal(polls.length, 4)
      const gaps = polls.slice(1).map((q, i) => q.at - polls[i].at)
      assert.ok(gaps[2] > gaps[0] * 1.5, `backoff: ${gaps.map(Math.round)}`)
    })
  }

  test('--credentials-id: credentials that are no longer listed are DELETED (exit 12)', async () => {
    tokens()
    srv.script(LIST_PATH, {json: {credentials: [cred()]}}, {json: {credentials: []}})
    const r = await runTink(['credentials', 'wait', '-e', 'x', '--credentials-id', 'c'.repeat(32), '--json'], {env: serverEnv(srv)})
    assert.equal(r.code, 12, r.stderr)
    assert.equal(oneJson(r.stdout).error.code, 'DELETED')
  })

  test('Ctrl-C while waiting: exit 130, one line, nothing on stdout', async () => {
    tokens()
    srv.script(LIST_PATH, {json: {credentials: []}})
    const {child, done} = spawnCli(['credentials', 'wait', '-e', 'x'], {env: serverEnv(srv)})
    let seen = ''
    await new Promise((resolve) => child.stderr.on('data', (d) => (seen += d) && /Waiting up to 10m/.test(seen) && resolve()))
    await delay(300)
    child.kill('SIGINT')
    const r = await done
    assert.equal(r.code, 130, r.stderr)
    assert.equal(r.stdout, '')
    assert.match(r.stderr, /^Error: Interrupted while waiting for the bank connection/m)
    assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace')
  })
})
