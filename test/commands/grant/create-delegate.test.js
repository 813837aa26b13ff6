// `tink grant create` and `tink grant delegate` as a user runs them: the built CLI in a
// subprocess, against the emulator and against a scripted server that checks what is sent and
// lets the Tink Link URL be checked byte for byte.
import {after, before, describe, test} from 'node:test'
import assert from 'node:assert/strict'
import {startEmulator} from 'tink-emulator'
import {emulatorEnv} from '../../helpers.js'
import {runTink} from '../../support/in-process.js'
import {tokenResponse} from '../../support/tink-server.js'
import {assertIsoDate, assertOneLineError, CLIENT, DELEGATE_PATH, GRANT_PATH, inTerminal, oneJson, serverEnv, TINK_LINK_ACTOR, TINK_LINK_SCOPES, TOKEN_PATH, USER_AGENT, useTinkServer} from '../../support/cli.js'

describe('against the emulator', () => {
  let emu
  let env
  before(async () => {
    emu = await startEmulator()
    env = emulatorEnv(emu)
    // A Swedish customer: the Tink Link URL must carry SE and sv_SE, the user's own.
    const r = await runTink(['user', 'create', '--external-user-id', 'grant-user', '--market', 'SE'], {env})
    assert.equal(r.code, 0, r.stderr)
  })
  after(() => emu.close())

  test('grant create prints the code alone; token get --code - exchanges it for a user token', async () => {
    const g = await runTink(['grant', 'create', '--external-user-id', 'grant-user', '--scope', 'accounts:read', '--scope', 'transactions:read'], {env})
    assert.equal(g.code, 0, g.stderr)
    assert.match(g.stdout, /^\S+\n$/)
    const t = await runTink(['token', 'get', '--code', '-', '--json'], {env, input: g.stdout})
    assert.equal(t.code, 0, t.stderr)
    const token = oneJson(t.stdout)
    assert.equal(token.scope, 'accounts:read,transactions:read')
    assert.equal(token.expires_in, 7200)
    // The code is single-use.
    const again = await runTink(['token', 'get', '--code', '-'], {env, input: g.stdout})
    assertOneLineError(again, 4, /HTTP 400/)
  })

  test('grant create --json: {"code"}', async () => {
    const r = await runTink(['grant', 'create', '--external-user-id', 'grant-user', '--scope', 'accounts:read', '--json'], {env})
    assert.equal(r.code, 0, r.stderr)
    const doc = oneJson(r.stdout)
    assert.deepEqual(Object.keys(doc), ['code'])
    assert.match(doc.code, /\S/)
  })

  test('grant create --exchange --json: the user token, same shape as token get', async () => {
    const r = await runTink(['grant', 'create', '--external-user-id', 'grant-user', '--scope', 'balances:read', '--exchange', '--json'], {env})
    assert.equal(r.code, 0, r.stderr)
    const doc = oneJson(r.stdout)
    assert.equal(doc.token_type, 'bearer')
    assert.equal(doc.scope, 'balances:read')
    assert.match(doc.access_token, /\S/)
    assertIsoDate(doc.expires_at, Date.now() + doc.expires_in * 1000)
  })

  test('grant create for an unknown user: exit 4 with Tink\'s message', async () => {
    const r = await runTink(['grant', 'create', '--external-user-id', 'no-such-user', '--scope', 'accounts:read'], {env})
    assertOneLineError(r, 4, /authorization grant failed: HTTP 404/)
  })

  test('grant delegate: the URL alone on stdout, nothing on stderr', async () => {
    const r = await runTink(['grant', 'delegate', '--external-user-id', 'grant-user', '--id-hint', 'Grant User', '--redirect-uri', 'https://example.com/cb'], {env})
    assert.equal(r.code, 0, r.stderr)
    assert.match(r.stdout, /^https:\/\/link\.tink\.com\/1\.0\/transactions\/connect-accounts\?\S+\n$/)
    const url = new URL(r.stdout.trim())
    assert.equal(url.searchParams.get('client_id'), 'tink-emulator-client')
    assert.match(url.searchParams.get('authorization_code'), /\S/)
    assert.equal(r.stderr, '')
    assert.equal(emu.requests.find((q) => q.path === DELEGATE_PATH)?.status, 200)
  })

  test("grant delegate for a user created in SE: the URL carries the user's own market and locale, read from GET /api/v1/user", async () => {
    const from = emu.requests.length
    const r = await runTink(['grant', 'delegate', '--external-user-id', 'grant-user', '--id-hint', 'Grant User', '--redirect-uri', 'https://console.tink.com/callback'], {env})
    assert.equal(r.code, 0, r.stderr)
    const url = new URL(r.stdout.trim())
    assert.equal(url.searchParams.get('market'), 'SE')
    assert.equal(url.searchParams.get('locale'), 'sv_SE')
    const sent = emu.requests.slice(from).map((q) => `${q.method} ${q.path}`)
    assert.ok(sent.includes('GET /api/v1/user'), sent.join(', '))
  })

  test('grant delegate: --market/--locale and TINK_MARKET/TINK_LOCALE override the user\'s own; a profile default never does', async () => {
    const flags = await runTink(['grant', 'delegate', '--external-user-id', 'grant-user', '--id-hint', 'G', '--redirect-uri', 'https://console.tink.com/callback', '--market', 'FI', '--locale', 'fi_FI'], {env})
    assert.equal(flags.code, 0, flags.stderr)
    assert.deepEqual([new URL(flags.stdout.trim()).searchParams.get('market'), new URL(flags.stdout.trim()).searchParams.get('locale')], ['FI', 'fi_FI'])
    const environment = await runTink(['grant', 'delegate', '--external-user-id', 'grant-user', '--id-hint', 'G', '--redirect-uri', 'https://console.tink.com/callback'], {env: {...env, TINK_MARKET: 'NO', TINK_LOCALE: 'no_NO'}})
    assert.equal(environment.code, 0, environment.stderr)
    assert.equal(new URL(environment.stdout.trim()).searchParams.get('market'), 'NO')
    // Only the locale given: the market is still the user's own.
    const half = await runTink(['grant', 'delegate', '--external-user-id', 'grant-user', '--id-hint', 'G', '--redirect-uri', 'https://console.tink.com/callback', '--locale', 'en_GB'], {env})
    assert.equal(half.code, 0, half.stderr)
    assert.deepEqual([new URL(half.stdout.trim()).searchParams.get('market'), new URL(half.stdout.trim()).searchParams.get('locale')], ['SE', 'en_GB'])
  })

  test('grant delegate without a redirect URI (no flag, env or profile): exit 2 naming the fix, nothing sent', async () => {
    const before = emu.requests.length
    const r = await runTink(['grant', 'delegate', '--external-user-id', 'grant-user', '--id-hint', 'Grant User'], {env})
    assertOneLineError(r, 2, /--redirect-uri is required.*TINK_REDIRECT_URI/)
    assert.equal(r.stdout, '')
    assert.equal(emu.requests.length, before)
  })

  test('grant delegate --json: {"code", "url"} with the code in the URL', async () => {
    const r = await runTink(['grant', 'delegate', '--external-user-id', 'grant-user', '--id-hint', 'g@example.com', '--redirect-uri', 'https://example.com/cb', '--json'], {env})
    assert.equal(r.code, 0, r.stderr)
    const doc = oneJson(r.stdout)
    assert.deepEqual(Object.keys(doc).sort(), ['code', 'url'])
    assert.equal(new URL(doc.url).searchParams.get('authorization_code'), doc.code)
    assert.equal(r.stderr, '', 'no warning with a redirect URI')
  })

  test('grant delegate without --id-hint on a terminal asks for it, and sends the answer', async () => {
    const r = await inTerminal(['grant', 'delegate', '--external-user-id', 'grant-user', '--redirect-uri', 'https://example.com/cb'], {prompt: /id hint/, answer: 'Jane Dö', env})
    assert.equal(r.code, 0, r.output)
    assert.match(r.output, /https:\/\/link\.tink\.com\/1\.0\/transactions\/connect-accounts\?/)
    const last = emu.requests.findLast((q) => q.path === DELEGATE_PATH)
    assert.equal(last.form.id_hint, 'Jane Dö')
  })

  test('grant delegate without --id-hint and no terminal: exit 2, nothing sent', async () => {
    const from = emu.requests.length
    const r = await runTink(['grant', 'delegate', '--external-user-id', 'grant-user'], {env})
    assertOneLineError(r, 2, /--id-hint is required/)
    assert.equal(emu.requests.length, from)
  })
})

/** The answers of the user lookup a Link URL for an existing user makes: grant user:read, exchange, GET /api/v1/user (api-general, "Get user"). */
function scriptUser(srv, profile = {market: 'SE', locale: 'sv_SE'}) {
  srv.script(GRANT_PATH, {json: {code: 'user-read-code'}})
  srv.script('/api/v1/user', {json: {id: 'u'.repeat(32), externalUserId: 'e1', profile: {currency: 'SEK', ...profile, timeZone: 'Europe/Stockholm'}}})
}

describe('what the CLI sends, and the Tink Link URL', () => {
  const srv = useTinkServer()

  test('grant create: client token with authorization:grant, then the grant form with the bearer', async () => {
    srv.script(TOKEN_PATH, {json: tokenResponse({access_token: 'client-tok'})})
    srv.script(GRANT_PATH, {json: {code: 'code-1'}})
    const r = await runTink(['grant', 'create', '--user-id', 'uid-1', '--scope', 'accounts:read,balances:read', '--scope', 'transactions:read', '--id-hint', 'Jane Doe'], {env: serverEnv(srv)})
    assert.equal(r.code, 0, r.stderr)
    assert.equal(r.stdout, 'code-1\n')
    assert.deepEqual(srv.requests.map((q) => q.path), [TOKEN_PATH, GRANT_PATH])
    assert.deepEqual(srv.requests[0].form, {grant_type: 'client_credentials', client_id: CLIENT.id, client_secret: CLIENT.secret, scope: 'authorization:grant'})
    const g = srv.requests[1]
    assert.equal(g.method, 'POST')
    assert.equal(g.headers['content-type'], 'application/x-www-form-urlencoded')
    assert.equal(g.headers.authorization, 'Bearer client-tok')
    assert.equal(g.headers['user-agent'], USER_AGENT)
    assert.deepEqual(g.form, {user_id: 'uid-1', scope: 'accounts:read,balances:read,transactions:read', id_hint: 'Jane Doe'})
  })

  test('grant create --exchange: the code goes to the token endpoint as authorization_code', async () => {
    srv.script(TOKEN_PATH, {json: tokenResponse()}, {json: tokenResponse({access_token: 'user-tok', expires_in: 7200})})
    srv.script(GRANT_PATH, {json: {code: 'code-2'}})
    const r = await runTink(['grant', 'create', '--external-user-id', 'e1', '--scope', 'accounts:read', '--exchange', '--json'], {env: serverEnv(srv)})
    assert.equal(r.code, 0, r.stderr)
    assert.equal(oneJson(r.stdout).access_token, 'user-tok')
    assert.deepEqual(srv.requests[1].form, {external_user_id: 'e1', scope: 'accounts:read'})
    assert.deepEqual(srv.requests[2].form, {grant_type: 'authorization_code', client_id: CLIENT.id, client_secret: CLIENT.secret, code: 'code-2'})
  })

  test('grant delegate: the form has the Tink Link actor, the continuous-access scopes and the id hint', async () => {
    srv.script(TOKEN_PATH, {json: tokenResponse({access_token: 'client-tok'})}, {json: tokenResponse({access_token: 'user-tok', scope: 'user:read'})})
    srv.script(DELEGATE_PATH, {json: {code: 'dcode'}})
    scriptUser(srv)
    const r = await runTink(['grant', 'delegate', '--external-user-id', 'e1', '--id-hint', 'Jane Doe', '--redirect-uri', 'https://example.com/cb'], {env: serverEnv(srv)})
    assert.equal(r.code, 0, r.stderr)
    assert.deepEqual(srv.requests[0].form.scope, 'authorization:grant')
    const d = srv.requests[1]
    assert.equal(d.path, DELEGATE_PATH)
    assert.equal(d.headers.authorization, 'Bearer client-tok')
    assert.equal(d.headers['content-type'], 'application/x-www-form-urlencoded')
    assert.deepEqual(d.form, {external_user_id: 'e1', actor_client_id: TINK_LINK_ACTOR, scope: TINK_LINK_SCOPES, id_hint: 'Jane Doe'})
    // The user's own market and locale, read with a user:read token: never the built-in GB/en_US.
    assert.deepEqual(srv.requests.slice(2).map((q) => `${q.method} ${q.path}`), [`POST ${GRANT_PATH}`, `POST ${TOKEN_PATH}`, 'GET /api/v1/user'])
    assert.deepEqual(srv.requests[2].form, {external_user_id: 'e1', scope: 'user:read'})
    assert.equal(srv.requests[3].form.code, 'user-read-code')
    assert.equal(srv.requests[4].headers.authorization, 'Bearer user-tok')
    assert.equal(r.stdout, `https://link.tink.com/1.0/transactions/connect-accounts?client_id=${CLIENT.id}&redirect_uri=https%3A%2F%2Fexample.com%2Fcb&authorization_code=dcode&market=SE&locale=sv_SE\n`)
  })

  test('grant delegate with --market and --locale: no user lookup; a profile default market is not used for a user', async () => {
    srv.script(TOKEN_PATH, {json: tokenResponse()})
    srv.script(DELEGATE_PATH, {json: {code: 'dcode'}})
    const r = await runTink(['grant', 'delegate', '--external-user-id', 'e1', '--id-hint', 'J', '--redirect-uri', 'https://example.com/cb', '--market', 'DK', '--locale', 'da_DK'], {env: serverEnv(srv)})
    assert.equal(r.code, 0, r.stderr)
    assert.deepEqual(srv.requests.map((q) => q.path), [TOKEN_PATH, DELEGATE_PATH])
    assert.match(r.stdout, /&market=DK&locale=da_DK\n$/)
  })

  test('grant delegate with --actor-client-id, --scope and --user-id', async () => {
    srv.script(TOKEN_PATH, {json: tokenResponse()})
    srv.script(DELEGATE_PATH, {json: {code: 'dcode'}})
    scriptUser(srv)
    const r = await runTink(['grant', 'delegate', '--user-id', 'u9', '--id-hint', 'Ann', '--actor-client-id', 'actor-2', '--scope', 'accounts:read', '--scope', 'user:read', '--redirect-uri', 'https://example.com/cb'], {env: serverEnv(srv)})
    assert.equal(r.code, 0, r.stderr)
    assert.deepEqual(srv.requests[1].form, {user_id: 'u9', actor_client_id: 'actor-2', scope: 'accounts:read,user:read', id_hint: 'Ann'})
  })

  /** Runs grant delegate against the server with `code` as the answer; returns the URL printed. */
  async function linkUrl(args, {code = 'dcode', env = {}} = {}) {
    srv.reset()
    srv.script(TOKEN_PATH, {json: tokenResponse()})
    srv.script(DELEGATE_PATH, {json: {code}})
    scriptUser(srv)
    const redirect = args.includes('--redirect-uri') ? [] : ['--redirect-uri', 'https://example.com/cb']
    const r = await runTink(['grant', 'delegate', '--external-user-id', 'e1', '--id-hint', 'Jane', ...redirect, ...args], {env: serverEnv(srv, env)})
    assert.equal(r.code, 0, r.stderr)
    assert.equal(r.stdout.split('\n').length, 2, 'one line on stdout')
    return r.stdout.trim()
  }

  test('the Tink Link host follows --region; --link-base-url and TINK_LINK_URL override it', async () => {
    assert.match(await linkUrl(['--region', 'eu']), /^https:\/\/link\.tink\.com\/1\.0\//)
    assert.match(await linkUrl(['--region', 'us']), /^https:\/\/link\.us\.tink\.com\/1\.0\//)
    assert.match(await linkUrl([], {env: {TINK_REGION: 'us'}}), /^https:\/\/link\.us\.tink\.com\/1\.0\//)
    assert.match(await linkUrl(['--region', 'us', '--link-base-url', 'https://link.example.test/prefix/']), /^https:\/\/link\.example\.test\/prefix\/1\.0\/transactions\/connect-accounts\?/)
    assert.match(await linkUrl([], {env: {TINK_LINK_URL: 'https://env-link.example.test'}}), /^https:\/\/env-link\.example\.test\/1\.0\//)
  })

  test('every query value is URL-encoded: redirect_uri, state, market, locale, test, and the code itself', async () => {
    const url = await linkUrl(
      ['--redirect-uri', 'https://example.com/cb?a=1&b=two words', '--state', 'x&y=z #1', '--market', 'SE', '--locale', 'sv_SE', '--test', '--flow', 'account-check/connect'],
      {code: 'c/d+e=f&g'},
    )
    const u = new URL(url)
    assert.equal(u.origin + u.pathname, 'https://link.tink.com/1.0/account-check/connect')
    assert.deepEqual(Object.fromEntries(u.searchParams), {
      client_id: CLIENT.id,
      redirect_uri: 'https://example.com/cb?a=1&b=two words',
      authorization_code: 'c/d+e=f&g',
      market: 'SE',
      locale: 'sv_SE',
      state: 'x&y=z #1',
      test: 'true',
    })
    // The raw text: nothing that would split or end the query is left unencoded.
    assert.ok(url.includes('redirect_uri=https%3A%2F%2Fexample.com%2Fcb%3Fa%3D1%26b%3Dtwo'), url)
    assert.ok(url.includes('authorization_code=c%2Fd%2Be%3Df%26g'), url)
    assert.ok(!url.includes('#'), url)
  })

  test('flows: products/connect-accounts with products, update/extend-consent with credentials_id', async () => {
    const p = new URL(await linkUrl(['--flow', 'products/connect-accounts', '--products', 'ACCOUNT_CHECK,TRANSACTIONS']))
    assert.equal(p.pathname, '/1.0/products/connect-accounts')
    assert.equal(p.searchParams.get('products'), 'ACCOUNT_CHECK,TRANSACTIONS')
    for (const flow of ['transactions/update-consent', 'transactions/extend-consent']) {
      const u = new URL(await linkUrl(['--flow', flow, '--credentials-id', 'cred 42']))
      assert.equal(u.pathname, `/1.0/${flow}`)
      assert.equal(u.searchParams.get('credentials_id'), 'cred 42')
    }
    const def = new URL(await linkUrl([]))
    assert.equal(def.pathname, '/1.0/transactions/connect-accounts')
    assert.equal(def.searchParams.get('test'), null, 'no test=... unless --test')
    assert.equal(def.searchParams.get('state'), null)
  })

  test('grant delegate without --id-hint and no terminal: exit 2, nothing sent', async () => {
    const r = await runTink(['grant', 'delegate', '--external-user-id', 'e1'], {env: serverEnv(srv)})
    assertOneLineError(r, 2, /--id-hint is required.*--id-hint "Jane Doe"/)
    assert.equal(srv.requests.length, 0)
  })
})
