// `tink user create` and `tink user delete`, in process (test/support/in-process.js; the process contract is in test/e2e/),
// against the emulator (users really appear and disappear) and against a scripted server that
// checks every request of the delete chain and the Idempotency-Key of create.
import {after, before, describe, test} from 'node:test'
import assert from 'node:assert/strict'
import {ALL_SCOPES, startEmulator} from 'tink-emulator'
import {emulatorEnv} from '../../helpers.js'
import {runTink} from '../../support/in-process.js'
import {tokenResponse} from '../../support/tink-server.js'
import {assertOneLineError, CLIENT, CREATE_PATH, DELETE_PATH, GRANT_PATH, inTerminal, oneJson, serverEnv, TOKEN_PATH, USER_AGENT, useTinkServer} from '../../support/cli.js'

describe('against the emulator', () => {
  let emu
  // Its own app for the chain test, so no client token cached by an earlier test hides step 1.
  const CHAIN_APP = {id: `chain-app-${process.pid}`, secret: 'chain-secret', scopes: [...ALL_SCOPES]}
  before(async () => (emu = await startEmulator({clients: [CHAIN_APP]})))
  after(() => emu.close())

  const user = (ext) => emu.users().find((u) => u.external_user_id === ext)

  test('user delete of a user that does not exist names that user: exit 4, the request id, for either id', async () => {
    const ext = await runTink(['user', 'delete', '-e', 'nobody', '--yes'], {env: emulatorEnv(emu)})
    assertOneLineError(ext, 4, /^Error: No user with external id "nobody" \(HTTP 404\) \(X-Request-ID: [\w-]+\)/)
    assert.doesNotMatch(ext.stderr, /authorization grant/, 'not the internal step of the chain')
    const hex = 'fedcba9876543210fedcba9876543210'
    const byId = await runTink(['user', 'delete', '--user-id', hex, '--yes', '--json'], {env: emulatorEnv(emu)})
    assert.equal(byId.code, 4, byId.stderr)
    const {error} = oneJson(byId.stdout)
    assert.equal(error.message, `No user with user id "${hex}" (HTTP 404)`)
    assert.equal(error.status, 404)
    assert.ok(error.requestId, 'the request id is kept')
  })

  test('user create: human output, and the user exists with the market, locale and retention class given', async () => {
    const r = await runTink(['user', 'create', '--external-user-id', 'alice', '--market', 'SE', '--locale', 'sv_SE', '--retention-class', 'TEMPORARY'], {env: emulatorEnv(emu)})
    assert.equal(r.code, 0, r.stderr)
    const u = user('alice')
    assert.ok(u, 'created at Tink')
    assert.equal(u.market, 'SE')
    assert.equal(u.locale, 'sv_SE')
    assert.equal(u.retention_class, 'TEMPORARY')
    assert.equal(r.stdout, `user_id:          ${u.user_id}\nexternal_user_id: alice\n`)
  })

  test('user create --json: {user_id, external_user_id}; TINK_MARKET works instead of --market', async () => {
    const r = await runTink(['user', 'create', '--external-user-id', 'bob', '--json'], {env: {...emulatorEnv(emu), TINK_MARKET: 'GB'}})
    assert.equal(r.code, 0, r.stderr)
    const doc = oneJson(r.stdout)
    assert.deepEqual(doc, {user_id: user('bob').user_id, external_user_id: 'bob'})
    assert.equal(user('bob').market, 'GB')
    assert.equal(user('bob').locale, 'en_GB', "locale defaults to the market's own")
  })

  test('user create twice: the second is a clear error, exit 4; --json gives the error document', async () => {
    const args = ['user', 'create', '--external-user-id', 'carol', '--market', 'GB']
    assert.equal((await runTink(args, {env: emulatorEnv(emu)})).code, 0)
    const r = await runTink(args, {env: emulatorEnv(emu)})
    assertOneLineError(r, 4, /A user with external id "carol" already exists \(HTTP 409\) \(X-Request-ID: [\w-]+\)\. Use another --external-user-id/)
    const j = await runTink([...args, '--json'], {env: emulatorEnv(emu)})
    assert.equal(j.code, 4)
    const doc = oneJson(j.stdout)
    assert.equal(doc.error.status, 409)
    assert.equal(typeof doc.error.code, 'string')
    assert.match(doc.error.message, /already exists/)
    assert.match(doc.error.requestId, /\S/)
    assert.equal(emu.users().filter((u) => u.external_user_id === 'carol').length, 1)
  })

  test('user create --if-exists ok: an existing user is exit 0, printed as exists with no user_id; fail (the default) stays exit 4', async () => {
    const args = ['user', 'create', '--external-user-id', 'dora', '--market', 'GB']
    assert.equal((await runTink([...args, '--if-exists', 'ok'], {env: emulatorEnv(emu)})).code, 0, 'a new user is created as usual')
    const id = user('dora').user_id
    const r = await runTink([...args, '--if-exists', 'ok'], {env: emulatorEnv(emu)})
    assert.equal(r.code, 0, r.stderr)
    assert.equal(r.stdout, 'external_user_id: dora\nstatus:           exists\n')
    assert.match(r.stderr, /already exists .*no user_id/)
    assert.doesNotMatch(r.stdout + r.stderr, new RegExp(id), 'no user_id guessed')
    const j = await runTink([...args, '--if-exists', 'ok', '--json'], {env: emulatorEnv(emu)})
    assert.equal(j.code, 0, j.stderr)
    assert.deepEqual(oneJson(j.stdout), {external_user_id: 'dora', status: 'exists'})
    for (const more of [[], ['--if-exists', 'fail']]) {
      const f = await runTink([...args, ...more], {env: emulatorEnv(emu)})
      assertOneLineError(f, 4, /already exists \(HTTP 409\).*--if-exists ok/)
    }
    assert.equal(emu.users().filter((u) => u.external_user_id === 'dora').length, 1)
  })

  test('user delete --yes --json by external id: the four requests in order and the user is gone', async () => {
    const env = emulatorEnv(emu, CHAIN_APP)
    assert.equal((await runTink(['user', 'create', '--external-user-id', 'dave', '--market', 'GB'], {env})).code, 0)
    const from = emu.requests.length
    const r = await runTink(['user', 'delete', '--external-user-id', 'dave', '--yes', '--json'], {env})
    assert.equal(r.code, 0, r.stderr)
    assert.deepEqual(oneJson(r.stdout), {deleted: true, external_user_id: 'dave'})
    assert.equal(user('dave'), undefined, 'gone at Tink')
    const chain = emu.requests.slice(from)
    assert.deepEqual(chain.map((q) => [q.path, q.status]), [
      [TOKEN_PATH, 200],
      [GRANT_PATH, 200],
      [TOKEN_PATH, 200],
      [DELETE_PATH, 204],
    ])
    assert.equal(chain[0].form.scope, 'authorization:grant')
    assert.equal(chain[1].form.scope, 'user:delete')
    assert.equal(chain[2].form.grant_type, 'authorization_code')
  })

  test('user delete by --user-id, human output', async () => {
    const c = await runTink(['user', 'create', '--external-user-id', 'erin', '--market', 'GB', '--json'], {env: emulatorEnv(emu)})
    const id = oneJson(c.stdout).user_id
    const r = await runTink(['user', 'delete', '--user-id', id, '--yes'], {env: emulatorEnv(emu)})
    assert.equal(r.code, 0, r.stderr)
    assert.equal(r.stdout, `Deleted the user with user id ${id}\n`)
    assert.equal(user('erin'), undefined)
  })

  test('user delete without --yes and without a terminal: exit 2, nothing sent, the user is still there', async () => {
    assert.equal((await runTink(['user', 'create', '--external-user-id', 'frank', '--market', 'GB'], {env: emulatorEnv(emu)})).code, 0)
    const from = emu.requests.length
    const r = await runTink(['user', 'delete', '--external-user-id', 'frank'], {env: emulatorEnv(emu)})
    assertOneLineError(r, 2, /without confirmation.*--yes/)
    assert.equal(emu.requests.length, from, 'no request sent')
    assert.ok(user('frank'))
  })

  test('user delete of a user that does not exist: exit 4', async () => {
    const r = await runTink(['user', 'delete', '--external-user-id', 'nobody', '--yes'], {env: emulatorEnv(emu)})
    assertOneLineError(r, 4, /HTTP 404/)
  })

  test('on a terminal, user delete asks first: "n" keeps the user, "y" deletes it', async () => {
    assert.equal((await runTink(['user', 'create', '--external-user-id', 'gina', '--market', 'GB'], {env: emulatorEnv(emu)})).code, 0)
    const no = await inTerminal(['user', 'delete', '--external-user-id', 'gina'], {prompt: /Delete the user/, answer: 'n', env: emulatorEnv(emu)})
    assert.match(no.output, /Delete the user with external id gina/)
    assert.notEqual(no.code, 0, no.output)
    assert.ok(user('gina'), 'answering no deletes nothing')
    const yes = await inTerminal(['user', 'delete', '--external-user-id', 'gina'], {prompt: /Delete the user/, answer: 'y', env: emulatorEnv(emu)})
    assert.equal(yes.code, 0, yes.output)
    assert.match(yes.output, /Deleted the user with external id gina/)
    assert.equal(user('gina'), undefined)
  })
})

describe('what the CLI sends', () => {
  const srv = useTinkServer()

  test('user create: a client token with user:create, then a JSON body with the bearer, User-Agent and an Idempotency-Key', async () => {
    srv.script(TOKEN_PATH, {json: tokenResponse({access_token: 'client-tok'})})
    srv.script(CREATE_PATH, {json: {user_id: 'u-123', external_user_id: 'ext-1'}})
    const r = await runTink(['user', 'create', '--external-user-id', 'ext-1', '--market', 'DE', '--locale', 'de_DE', '--retention-class', 'permanent', '--json'], {env: serverEnv(srv)})
    assert.equal(r.code, 0, r.stderr)
    assert.deepEqual(oneJson(r.stdout), {user_id: 'u-123', external_user_id: 'ext-1'})
    assert.deepEqual(srv.requests.map((q) => `${q.method} ${q.path}`), [`POST ${TOKEN_PATH}`, `POST ${CREATE_PATH}`])
    assert.deepEqual(srv.requests[0].form, {grant_type: 'client_credentials', client_id: CLIENT.id, client_secret: CLIENT.secret, scope: 'user:create'})
    const create = srv.requests[1]
    assert.equal(create.headers['content-type'], 'application/json')
    assert.equal(create.headers.authorization, 'Bearer client-tok')
    assert.equal(create.headers['user-agent'], USER_AGENT)
    assert.match(create.headers['idempotency-key'], /^[0-9a-f-]{36}$/)
    assert.deepEqual(create.json, {external_user_id: 'ext-1', market: 'DE', locale: 'de_DE', retention_class: 'PERMANENT'})
  })

  test('user create --if-exists ok: a 409 that is not Tink\'s (a proxy page) is still a failure', async () => {
    srv.script(TOKEN_PATH, {json: tokenResponse()})
    srv.script(CREATE_PATH, {status: 409, headers: {'content-type': 'text/html'}, body: '<html>conflict</html>'})
    const r = await runTink(['user', 'create', '--external-user-id', 'ext-9', '--market', 'GB', '--if-exists', 'ok', '--retries', '0'], {env: serverEnv(srv)})
    assert.equal(r.code, 5, r.stderr)
    assert.equal(r.stdout, '')
  })

  test('user create retried after 503 and a reset: the same Idempotency-Key every time, one token request', async () => {
    srv.script(TOKEN_PATH, {json: tokenResponse()})
    srv.script(CREATE_PATH, {status: 503, body: ''}, {destroy: true}, {json: {user_id: 'u-9', external_user_id: 'ext-2'}})
    const r = await runTink(['user', 'create', '--external-user-id', 'ext-2', '--market', 'GB', '--json'], {env: serverEnv(srv)})
    assert.equal(r.code, 0, r.stderr)
    const creates = srv.to(CREATE_PATH)
    assert.equal(creates.length, 3)
    const keys = new Set(creates.map((q) => q.headers['idempotency-key']))
    assert.equal(keys.size, 1, 'one key for all attempts')
    assert.equal(srv.to(TOKEN_PATH).length, 1)
    // A new invocation is a new operation: a new key.
    srv.reset()
    srv.script(TOKEN_PATH, {json: tokenResponse()})
    srv.script(CREATE_PATH, {json: {user_id: 'u-10', external_user_id: 'ext-3'}})
    assert.equal((await runTink(['user', 'create', '--external-user-id', 'ext-3', '--market', 'GB'], {env: serverEnv(srv)})).code, 0)
    assert.ok(!keys.has(srv.to(CREATE_PATH)[0].headers['idempotency-key']))
  })

  test('user delete: the four requests in order, each with the right credentials', async () => {
    srv.script(TOKEN_PATH, {json: tokenResponse({access_token: 'client-tok', scope: 'authorization:grant'})}, {json: tokenResponse({access_token: 'user-tok', scope: 'user:delete', expires_in: 7200})})
    srv.script(GRANT_PATH, {json: {code: 'the-code'}})
    srv.script(DELETE_PATH, {status: 204})
    const r = await runTink(['user', 'delete', '--external-user-id', 'ext-1', '--yes', '--json'], {env: serverEnv(srv)})
    assert.equal(r.code, 0, r.stderr)
    assert.deepEqual(oneJson(r.stdout), {deleted: true, external_user_id: 'ext-1'})
    const [t1, g, t2, d] = srv.requests
    assert.equal(srv.requests.length, 4)
    assert.equal(t1.path, TOKEN_PATH)
    assert.deepEqual(t1.form, {grant_type: 'client_credentials', client_id: CLIENT.id, client_secret: CLIENT.secret, scope: 'authorization:grant'})
    assert.equal(g.path, GRANT_PATH)
    assert.equal(g.headers.authorization, 'Bearer client-tok')
    assert.equal(g.headers['content-type'], 'application/x-www-form-urlencoded')
    assert.deepEqual(g.form, {external_user_id: 'ext-1', scope: 'user:delete'})
    assert.equal(t2.path, TOKEN_PATH)
    assert.deepEqual(t2.form, {grant_type: 'authorization_code', client_id: CLIENT.id, client_secret: CLIENT.secret, code: 'the-code'})
    assert.equal(d.path, DELETE_PATH)
    assert.equal(d.method, 'POST')
    assert.equal(d.headers.authorization, 'Bearer user-tok')
    assert.equal(d.body, '')
    for (const q of srv.requests) assert.equal(q.headers['user-agent'], USER_AGENT)
  })

  test('user delete --user-id sends user_id, not external_user_id', async () => {
    srv.script(TOKEN_PATH, {json: tokenResponse()})
    srv.script(GRANT_PATH, {json: {code: 'c'}})
    srv.script(DELETE_PATH, {status: 204})
    const r = await runTink(['user', 'delete', '--user-id', 'abc123', '--yes', '--json'], {env: serverEnv(srv)})
    assert.equal(r.code, 0, r.stderr)
    assert.deepEqual(oneJson(r.stdout), {deleted: true, user_id: 'abc123'})
    assert.deepEqual(srv.to(GRANT_PATH)[0].form, {user_id: 'abc123', scope: 'user:delete'})
  })

  test('user delete refused by Tink at the last step: exit 3, and the message says which step', async () => {
    srv.script(TOKEN_PATH, {json: tokenResponse()})
    srv.script(GRANT_PATH, {json: {code: 'c'}})
    srv.script(DELETE_PATH, {status: 401, json: {errorMessage: 'Token expired', errorCode: 'token_expired'}})
    const r = await runTink(['user', 'delete', '--external-user-id', 'x', '--yes'], {env: serverEnv(srv)})
    assertOneLineError(r, 3, /user delete failed: HTTP 401: Token expired/)
  })

  test('user delete without --yes on no terminal: nothing at all is sent', async () => {
    const r = await runTink(['user', 'delete', '--external-user-id', 'ext-1'], {env: serverEnv(srv)})
    assertOneLineError(r, 2, /Refusing to delete/)
    assert.equal(srv.requests.length, 0)
  })
})

describe("user create: Tink's markets and locales (issue 21)", () => {
  const srv = useTinkServer()
  const created = () => srv.requests.filter((q) => q.path === CREATE_PATH).map((q) => q.json)

  function scriptCreate() {
    srv.script(TOKEN_PATH, {json: tokenResponse()})
    srv.script(CREATE_PATH, (q) => ({json: {user_id: `u-${q.json.external_user_id}`, external_user_id: q.json.external_user_id}}))
  }

  test('a market outside every Tink list is a warning, not an error; it is sent with en_US', async () => {
    scriptCreate()
    const r = await runTink(['user', 'create', '--external-user-id', 'jp-1', '--market', 'JP', '--json'], {env: serverEnv(srv)})
    assert.equal(r.code, 0, r.stderr)
    assert.match(r.stderr, /^Warning: market JP is in none of Tink's market lists \(AT BE CZ DE DK EE ES FI FR GB IE IT LT LV NL NO PL PT SE US\)/)
    assert.deepEqual(created(), [{external_user_id: 'jp-1', market: 'JP', locale: 'en_US'}])
    const se = await runTink(['user', 'create', '--external-user-id', 'se-1', '--market', 'SE'], {env: serverEnv(srv)})
    assert.equal(se.stderr, '', 'no warning for a Tink market')
  })

  test('a locale Tink Link does not list (de_AT) is a warning; sent as given', async () => {
    scriptCreate()
    const r = await runTink(['user', 'create', '--external-user-id', 'at-1', '--market', 'AT', '--locale', 'de_AT'], {env: serverEnv(srv)})
    assert.equal(r.code, 0, r.stderr)
    assert.match(r.stderr, /^Warning: locale de_AT is not one of Tink Link's locales/)
    assert.equal(created()[0].locale, 'de_AT')
  })

  test('--retention-class in either case is sent upper case', async () => {
    scriptCreate()
    for (const value of ['temporary', 'Temporary', 'TEMPORARY']) {
      const r = await runTink(['user', 'create', '--external-user-id', `t-${value}`, '--market', 'GB', '--retention-class', value], {env: serverEnv(srv)})
      assert.equal(r.code, 0, r.stderr)
    }
    assert.deepEqual(created().map((b) => b.retention_class), ['TEMPORARY', 'TEMPORARY', 'TEMPORARY'])
  })

  test('bulk: a market outside Tink lists is warned about once per run and market, never per row; every row is created', async () => {
    scriptCreate()
    const input = 'external_user_id,market\nb1,JP\nb2,JP\nb3,CH\nb4,SE\nb5,JP\n'
    const r = await runTink(['user', 'create', '--file', '-', '--concurrency', '1'], {env: serverEnv(srv), input})
    assert.equal(r.code, 0, r.stderr)
    const warnings = r.stderr.split('\n').filter((l) => l.startsWith('Warning: market'))
    assert.deepEqual(warnings.map((l) => /market (\w+)/.exec(l)[1]), ['JP', 'CH'])
    assert.equal(created().length, 5)
    assert.deepEqual(created().find((b) => b.external_user_id === 'b3'), {external_user_id: 'b3', market: 'CH', locale: 'en_US'})
  })

  test("the help says the default locale is tink's choice", async () => {
    const {readFileSync} = await import('node:fs')
    const manifest = JSON.parse(readFileSync(new URL('../../../oclif.manifest.json', import.meta.url), 'utf8'))
    assert.match(manifest.commands['user:create'].flags.locale.description, /tink's choice: Tink documents none per market/)
    assert.match(manifest.commands['user:create'].description, /AT de_DE, BE nl_NL, IE en_GB, SE sv_SE/)
  })
})
