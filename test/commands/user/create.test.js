// `tink user create`: without --locale it sends the market's own locale (an explicit one wins),
// and a retry's 409 after a first attempt that got no answer is reported as most likely created
// by this command; in process against a scripted server.
import assert from 'node:assert/strict'
import { describe, test} from 'node:test'
import {runTink} from '../../support/in-process.js'
import {CREATE_PATH} from '../../support/cli.js'
import {server, envFor} from '../../support/scripted-server.js'

describe('user create without --locale sends the market\'s own locale', () => {
  for (const [market, locale] of [['GB', 'en_GB'], ['SE', 'sv_SE'], ['US', 'en_US'], ['DE', 'de_DE'], ['FR', 'fr_FR'], ['NO', 'no_NO'], ['FI', 'fi_FI'], ['DK', 'da_DK'], ['ES', 'es_ES'], ['IT', 'it_IT'], ['PT', 'pt_PT'], ['NL', 'nl_NL'], ['AT', 'de_DE'], ['IE', 'en_GB'], ['BE', 'nl_NL'], ['CZ', 'en_US'], ['JP', 'en_US'], ['PL', 'pl_PL'], ['EE', 'et_EE']]) {
    test(`${market} -> ${locale}`, async () => {
      const srv = await server({token: true})
      srv.script(CREATE_PATH, (req) => ({json: {user_id: 'uid-1', external_user_id: req.json.external_user_id}}))
      const r = await runTink(['user', 'create', '--external-user-id', 'u1', '--market', market], {env: envFor(srv)})
      assert.equal(r.code, 0, r.stderr)
      assert.equal(srv.requests.find((q) => q.path === CREATE_PATH).json.locale, locale)
    })
  }
  test("every market's default is one of Tink Link's 16 locales (issue 21: de_AT is not one)", async () => {
    const {ISO_COUNTRIES, TINK_LOCALES, defaultLocale} = await import('../../../dist/lib/tink/markets.js')
    assert.equal(TINK_LOCALES.length, 16)
    for (const m of ISO_COUNTRIES) assert.ok(TINK_LOCALES.includes(defaultLocale(m)), `${m} -> ${defaultLocale(m)}`)
  })
  test('an explicit --locale still wins', async () => {
    const srv = await server({token: true})
    srv.script(CREATE_PATH, (req) => ({json: {user_id: 'uid-1', external_user_id: req.json.external_user_id}}))
    const r = await runTink(['user', 'create', '--external-user-id', 'u1', '--market', 'SE', '--locale', 'en_US'], {env: envFor(srv)})
    assert.equal(r.code, 0, r.stderr)
    assert.equal(srv.requests.find((q) => q.path === CREATE_PATH).json.locale, 'en_US')
  })
})

describe('user create whose first attempt got no answer', () => {
  test('the retry\'s 409 is reported as most likely created by this command: exit 0, no hint to delete', async () => {
    const srv = await server({token: true})
    srv.script(CREATE_PATH, {destroy: true}, {status: 409, json: {errorMessage: 'User already exists', errorCode: 'user_already_exists'}})
    const r = await runTink(['user', 'create', '--external-user-id', 'lost-1', '--market', 'GB'], {env: envFor(srv)})
    assert.equal(r.code, 0, r.stderr)
    assert.match(r.stderr, /most likely this command created it/)
    assert.doesNotMatch(r.stderr, /delete/i)
    const srv2 = await server({token: true})
    srv2.script(CREATE_PATH, {destroy: true}, {status: 409, json: {errorMessage: 'User already exists', errorCode: 'user_already_exists'}})
    const j = await runTink(['user', 'create', '--external-user-id', 'lost-2', '--market', 'GB', '--json'], {env: envFor(srv2)})
    assert.equal(j.code, 0, j.stdout)
    assert.deepEqual(JSON.parse(j.stdout), {user_id: null, external_user_id: 'lost-2', created: 'probably'})
  })
  test('a 409 on the first attempt is still "already exists" (exit 4)', async () => {
    const srv = await server({token: true})
    srv.script(CREATE_PATH, {status: 409, json: {errorMessage: 'User already exists', errorCode: 'user_already_exists'}})
    const r = await runTink(['user', 'create', '--external-user-id', 'dup', '--market', 'GB'], {env: envFor(srv)})
    assert.equal(r.code, 4)
    assert.match(r.stderr, /already exists/)
  })
})
