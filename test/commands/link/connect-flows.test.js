// `tink link connect` for every kind of Tink Link callback, against a purpose-built Tink server
// (the emulator is being rewritten with these flows): the built CLI as a subprocess on a loopback
// redirect URI; the test reads the Link URL from stderr and plays Tink Link's redirect with the
// parameters each flow's reference page documents (a code; credentials_id only; income_check_id,
// expense_check_id, risk_insights_id, account_verification_report_id; payment_request_id).
import {describe, test} from 'node:test'
import assert from 'node:assert/strict'
import {freePort} from '../../helpers.js'
import {tokenResponse} from '../../support/tink-server.js'
import {CREATE_PATH, DELEGATE_PATH, GRANT_PATH, oneJson, serverEnv, spawnCli, TOKEN_PATH, useTinkServer} from '../../support/cli.js'

/** Starts link connect; once the Link URL is on stderr, answers the redirect with `answer(state)`; resolves the run and the URL. */
async function connect(srv, args, answer, env = {}) {
  const port = await freePort()
  const redirect = `http://127.0.0.1:${port}/callback`
  const run = spawnCli(['link', 'connect', '--redirect-uri', redirect, '--wait', '20', ...args], {env: serverEnv(srv, env)})
  let stderr = ''
  const url = await new Promise((resolve, reject) => {
    run.child.stderr.on('data', (d) => {
      stderr += d
      const m = /^(https:\/\/link\.tink\.com\/1\.0\/\S+)$/m.exec(stderr)
      if (m) resolve(new URL(m[1]))
    })
    run.done.then((r) => reject(new Error(`ended before printing a URL: ${r.stderr}`)))
  })
  const res = await fetch(`${redirect}?${new URLSearchParams({...answer, state: url.searchParams.get('state')})}`)
  assert.equal(res.status, 200)
  return {url, r: await run.done}
}

describe('link connect without a user: one-time URLs, no delegate', () => {
  const srv = useTinkServer()

  for (const [flow, idName, extra] of [
    ['income-check/create-report', 'income_check_id', []],
    ['expense-check/create-report', 'expense_check_id', []],
    ['risk-insights/create-report', 'risk_insights_id', ['--external-reference', 'applicant-1']],
    ['account-check/create-report', 'account_verification_report_id', []],
    ['pay', 'payment_request_id', ['--payment-request-id', 'pr-9', '--market', 'GB']],
  ]) {
    test(`${flow}: the ${idName} Tink returns is printed; no token, no request to Tink`, async () => {
      const {url, r} = await connect(srv, ['--flow', flow, '--no-browser', '--json', ...extra], {[idName]: 'rep-1'})
      assert.equal(r.code, 0, r.stderr)
      assert.equal(url.pathname, `/1.0/${flow}`)
      assert.equal(url.searchParams.get('authorization_code'), null)
      assert.deepEqual(oneJson(r.stdout), {[idName]: 'rep-1'})
      assert.equal(srv.requests.length, 0)
    })
  }

  test('transactions/connect-accounts one-time: the code is exchanged; human output shows no token', async () => {
    srv.script(TOKEN_PATH, {json: tokenResponse({access_token: 'one-time-user-token', scope: 'accounts:read,transactions:read', expires_in: 7200})})
    const {r} = await connect(srv, ['--flow', 'transactions/connect-accounts', '--market', 'SE', '--no-browser'], {code: 'otc', credentials_id: 'cred-1'})
    assert.equal(r.code, 0, r.stderr)
    assert.deepEqual(srv.requests.map((q) => q.path), [TOKEN_PATH])
    assert.equal(srv.requests[0].form.code, 'otc')
    assert.match(r.stdout, /credentials_id:\s+cred-1/)
    assert.doesNotMatch(r.stdout + r.stderr, /one-time-user-token/, 'the token only with --raw or --json')
    assert.match(r.stderr, /--raw or --json/)
  })

  test('--raw with a flow that returns a report id: exit 2 before anything is listened on or sent', async () => {
    const r = await spawnCli(['link', 'connect', '--flow', 'income-check/create-report', '--raw', '--no-browser'], {env: serverEnv(srv)}).done
    assert.equal(r.code, 2, r.stderr)
    assert.match(r.stderr, /--raw prints a user token; --flow income-check\/create-report returns income_check_id, no token/)
    assert.equal(srv.requests.length, 0)
  })

  test('a payment Tink Link failed: the error with payment_request_id, exit 9', async () => {
    const {r} = await connect(srv, ['--flow', 'pay', '--payment-request-id', 'pr-9', '--market', 'GB', '--no-browser', '--json'], {error: 'AUTHENTICATION_ERROR', message: 'No', payment_request_id: 'pr-9'})
    assert.equal(r.code, 9, r.stderr)
    assert.match(oneJson(r.stdout).error.message, /payment_request_id=pr-9/)
  })
})

describe('link connect with a user', () => {
  const srv = useTinkServer()
  const USER = {id: 'b'.repeat(32), externalUserId: 'cust-1', profile: {market: 'SE', locale: 'sv_SE'}}

  // Each answer by what was asked: a client token, the user:read token of the lookup, or the data token.
  function scriptTink() {
    srv.script(TOKEN_PATH, (q) =>
      q.form.grant_type === 'client_credentials'
        ? {json: tokenResponse({access_token: 'client-tok'})}
        : {json: tokenResponse(q.form.code === 'read-code' ? {access_token: 'user-read-tok', scope: 'user:read'} : {access_token: 'data-user-token', scope: 'accounts:read', expires_in: 7200})},
    )
    srv.script(GRANT_PATH, (q) => ({json: {code: q.form.scope === 'user:read' ? 'read-code' : 'data-code'}}))
    srv.script('/api/v1/user', {json: USER})
    srv.script(DELEGATE_PATH, {json: {code: 'dcode'}})
  }

  test("without --create: the user_id Tink has is shown, the URL has the user's own market and locale, and the token is not printed", async () => {
    scriptTink()
    const {url, r} = await connect(srv, ['--external-user-id', 'cust-1', '--no-browser'], {credentials_id: 'cred-7'})
    assert.equal(r.code, 0, r.stderr)
    assert.equal(url.searchParams.get('market'), 'SE')
    assert.equal(url.searchParams.get('locale'), 'sv_SE')
    assert.equal(url.searchParams.get('authorization_code'), 'dcode')
    assert.match(r.stdout, new RegExp(`user_id:\\s+${USER.id}`))
    assert.match(r.stdout, /external_user_id:\s+cust-1/)
    assert.doesNotMatch(r.stdout + r.stderr, /data-user-token/)
    // continuous access: credentials_id and no code, so a grant for the data scopes is exchanged
    assert.ok(srv.requests.some((q) => q.path === GRANT_PATH && q.form.scope.startsWith('accounts:read')), srv.requests.map((q) => q.path).join(' '))
  })

  test('--json and --raw print the token', async () => {
    scriptTink()
    const {r} = await connect(srv, ['--user-id', USER.id, '--no-browser', '--json'], {credentials_id: 'cred-7'})
    assert.equal(r.code, 0, r.stderr)
    const doc = oneJson(r.stdout)
    assert.equal(doc.user_id, USER.id)
    assert.equal(doc.token.access_token, 'data-user-token')
    srv.reset()
    scriptTink()
    const raw = await connect(srv, ['--user-id', USER.id, '--no-browser', '--raw'], {credentials_id: 'cred-7'})
    assert.equal(raw.r.stdout, 'data-user-token\n')
  })

  test('--create sends the market given and its default locale, and the URL carries them without a lookup', async () => {
    srv.script(TOKEN_PATH, {json: tokenResponse({access_token: 'client-tok'})}, {json: tokenResponse({access_token: 'data-user-token', expires_in: 7200})})
    srv.script(CREATE_PATH, {json: {user_id: 'c'.repeat(32), external_user_id: 'new-1'}})
    srv.script(DELEGATE_PATH, {json: {code: 'dcode'}})
    srv.script(GRANT_PATH, {json: {code: 'g1'}})
    const {url, r} = await connect(srv, ['--external-user-id', 'new-1', '--create', '--market', 'AT', '--no-browser', '--json'], {credentials_id: 'cred-7'})
    assert.equal(r.code, 0, r.stderr)
    assert.deepEqual(srv.requests.find((q) => q.path === CREATE_PATH).json, {external_user_id: 'new-1', market: 'AT', locale: 'de_DE'})
    assert.equal(url.searchParams.get('locale'), 'de_DE')
    assert.ok(!srv.requests.some((q) => q.path === '/api/v1/user'))
    assert.equal(oneJson(r.stdout).user_id, 'c'.repeat(32))
  })

  test('no display: never says it opened a browser, says to open the URL', async () => {
    scriptTink()
    const {r} = await connect(srv, ['--user-id', USER.id, '--json'], {credentials_id: 'cred-7'}, {DISPLAY: '', WAYLAND_DISPLAY: ''})
    assert.equal(r.code, 0, r.stderr)
    assert.doesNotMatch(r.stderr, /Opened Tink Link/)
    assert.match(r.stderr, /No display to open a browser on: open this Tink Link URL in a browser yourself/)
  })
})

describe('link connect against the emulator package: a one-time report flow end to end', () => {
  test('income-check/create-report: the Demo Bank journey ends with the income_check_id the emulator returned', async () => {
    const {startEmulator} = await import('tink-emulator')
    const emu = await startEmulator({})
    try {
      const port = await freePort()
      const redirect = `http://127.0.0.1:${port}/callback`
      const env = {TINK_API_URL: emu.url, TINK_LINK_URL: emu.url, TINK_CLIENT_ID: 'tink-emulator-client', TINK_CLIENT_SECRET: 'tink-emulator-secret'}
      const run = spawnCli(['link', 'connect', '--flow', 'income-check/create-report', '--market', 'SE', '--no-browser', '--json', '--redirect-uri', redirect, '--wait', '20'], {env})
      let stderr = ''
      const url = await new Promise((resolve, reject) => {
        run.child.stderr.on('data', (d) => {
          stderr += d
          const m = /^(http:\/\/\S+\/1\.0\/income-check\/create-report\?\S+)$/m.exec(stderr)
          if (m) resolve(m[1])
        })
        run.done.then((r) => reject(new Error(`ended before printing a URL: ${r.stderr}`)))
      })
      // What the applicant's browser does: choose the Demo Bank, follow Tink Link's redirect.
      const res = await fetch(url, {method: 'POST', body: new URLSearchParams({bank: 'demo-success'}), redirect: 'manual'})
      const landed = res.headers.get('location')
      assert.ok(landed?.startsWith(`${redirect}?`), `${res.status} ${landed}`)
      await fetch(landed)
      const r = await run.done
      assert.equal(r.code, 0, r.stderr)
      const doc = oneJson(r.stdout)
      assert.equal(doc.income_check_id, new URL(landed).searchParams.get('income_check_id'))
      assert.match(doc.income_check_id, /\S/)
      assert.equal(doc.token, undefined)
    } finally {
      await emu.close()
    }
  })
})
