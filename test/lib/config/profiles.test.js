// Profiles with the real OS keychain (gnome-keyring in a private D-Bus session under
// scripts/test.sh): add/list/use/show/remove, precedence, the client-token cache, 401 refresh,
// and a canary scan proving secrets and tokens never reach the config file or --verbose output.
import assert from 'node:assert/strict'
import {spawnSync} from 'node:child_process'
import {randomBytes} from 'node:crypto'
import {readFileSync, statSync} from 'node:fs'
import {join} from 'node:path'
import {after, before, describe, test} from 'node:test'
import {ALL_SCOPES, startEmulator} from 'tink-emulator'
import {tempDir} from '../../helpers.js'
import {runTink} from '../../support/in-process.js'
import {needsKeychain} from '../../support/keychain.js'

const RUN = randomBytes(3).toString('hex')
const uniq = (label) => `t${RUN}-${label}`



function keychainLookup(account) {
  const r = spawnSync('secret-tool', ['lookup', 'service', 'tink-auth-cli', 'account', account], {encoding: 'utf8'})
  return r.status === 0 ? r.stdout : undefined
}

const tokenRequests = (emu) => emu.requests.filter((r) => r.path === '/api/v1/oauth/token')

describe('profiles with the OS keychain', () => {
  let emu
  let other
  let now = Date.now()
  const CANARY = `CANARY-${randomBytes(12).toString('hex')}`
  const client = {id: `client-${RUN}`, secret: CANARY, scopes: [...ALL_SCOPES]}
  const otherClient = {id: `other-${RUN}`, secret: `other-secret-${RUN}`, scopes: [...ALL_SCOPES]}
  /** profile name -> its config folder, for cleaning the keychain afterwards */
  const created = new Map()

  before(async () => {
    emu = await startEmulator({clients: [client], now: () => now})
    other = await startEmulator({clients: [otherClient]})
  })
  after(async () => {
    for (const [name, dir] of created) await runTink(['profile', 'remove', name, '--yes'], {env: {TINK_CONFIG_DIR: dir}})
    await emu?.close()
    await other?.close()
  })

  /** A config folder with profile `name` pointing at the emulator, made the scripted way. */
  async function addProfile(dir, name, extra = [], c = client, server = emu) {
    created.set(name, dir)
    const r = await runTink(['profile', 'add', name, '--base-url', server.url, '--client-id', c.id, '--client-secret-stdin', ...extra], {
      env: {TINK_CONFIG_DIR: dir},
      input: c.secret,
    })
    assert.equal(r.code, 0, r.stderr)
    return r
  }

  test('profile add with the secret on stdin: secret in the keychain, config 0600 without it; list, show, remove', async (t) => {
    if (!needsKeychain(t)) return
    const dir = tempDir()
    const name = uniq('eu')
    const add = await addProfile(dir, name, ['--market', 'SE', '--locale', 'sv_SE', '--json'])
    const saved = JSON.parse(add.stdout)
    assert.equal(saved.name, name)
    assert.equal(saved.active, true, 'the first profile becomes active')
    assert.equal(saved.storage, 'keychain')
    assert.equal(saved.verified, true)
    assert.equal(tokenRequests(emu).at(-1).form.client_id, client.id, 'verified against the API before saving')

    assert.equal(keychainLookup(`${name}:client-secret`), CANARY)
    const configPath = join(dir, 'config.json')
    assert.equal(statSync(configPath).mode & 0o777, 0o600)
    assert.equal(statSync(dir).mode & 0o077, 0, 'config folder is private')
    const config = readFileSync(configPath, 'utf8')
    assert.ok(!config.includes(CANARY), 'no secret in the config file')
    assert.deepEqual(JSON.parse(config).profiles[name].market, 'SE')

    const second = uniq('us')
    await addProfile(dir, second, [], otherClient, other)
    const list = await runTink(['profile', 'list'], {env: {TINK_CONFIG_DIR: dir}})
    assert.equal(list.code, 0, list.stderr)
    assert.match(list.stdout, new RegExp(`^\\*\\s+${name}\\s`, 'm'), 'active profile marked')
    assert.match(list.stdout, new RegExp(`^\\s+${second}\\s`, 'm'))
    const listJson = JSON.parse((await runTink(['profile', 'list', '--json'], {env: {TINK_CONFIG_DIR: dir}})).stdout)
    assert.deepEqual(listJson.map((p) => [p.name, p.active]).sort(), [[name, true], [second, false]].sort())

    const show = await runTink(['profile', 'show', second], {env: {TINK_CONFIG_DIR: dir}})
    assert.equal(show.code, 0, show.stderr)
    assert.match(show.stdout, new RegExp(`client id:\\s+${otherClient.id}`))
    assert.match(show.stdout, /OS keychain/)
    assert.ok(!show.stdout.includes(otherClient.secret) && !show.stderr.includes(otherClient.secret), 'show never prints the secret')

    const dup = await runTink(['profile', 'add', name, '--client-id', 'x', '--client-secret-stdin'], {env: {TINK_CONFIG_DIR: dir}, input: 's'})
    assert.equal(dup.code, 2)
    assert.match(dup.stderr, /already exists.*--force/)

    const noYes = await runTink(['profile', 'remove', second], {env: {TINK_CONFIG_DIR: dir}})
    assert.equal(noYes.code, 2)
    assert.match(noYes.stderr, /--yes/)
    await runTink(['token', 'get', '-p', second], {env: {TINK_CONFIG_DIR: dir}}) // leaves a cached token behind
    const rm = await runTink(['profile', 'remove', second, '--yes', '--json'], {env: {TINK_CONFIG_DIR: dir}})
    assert.equal(rm.code, 0, rm.stderr)
    assert.equal(JSON.parse(rm.stdout).secretsDeleted, 2, 'secret and cached token deleted')
    assert.equal(keychainLookup(`${second}:client-secret`), undefined)
    const after = JSON.parse((await runTink(['profile', 'list', '--json'], {env: {TINK_CONFIG_DIR: dir}})).stdout)
    assert.deepEqual(after.map((p) => p.name), [name])
  })

  test('switching profiles: use, -p and TINK_PROFILE pick the client and API; flag > env > active', async (t) => {
    if (!needsKeychain(t)) return
    const dir = tempDir()
    const eu = uniq('sw-eu')
    const us = uniq('sw-us')
    await addProfile(dir, eu)
    await addProfile(dir, us, ['--no-verify'], otherClient, other)
    const env = {TINK_CONFIG_DIR: dir}
    const who = async (args, extra = {}) => {
      const r = await runTink(['token', 'get', '--no-cache', '--json', ...args], {env: {...env, ...extra}})
      assert.equal(r.code, 0, r.stderr)
    }
    let before = tokenRequests(emu).length
    await who([])
    assert.equal(tokenRequests(emu).length, before + 1, 'the active profile (the first one) went to its API')
    assert.equal(tokenRequests(emu).at(-1).form.client_id, client.id)

    const use = await runTink(['profile', 'use', us], {env})
    assert.equal(use.code, 0, use.stderr)
    before = tokenRequests(other).length
    await who([])
    assert.equal(tokenRequests(other).length, before + 1, 'after use, the other profile is active')
    assert.equal(tokenRequests(other).at(-1).form.client_id, otherClient.id)

    before = tokenRequests(emu).length
    await who(['-p', eu])
    assert.equal(tokenRequests(emu).length, before + 1, '-p beats the active profile')
    await who([], {TINK_PROFILE: eu})
    assert.equal(tokenRequests(emu).length, before + 2, 'TINK_PROFILE beats the active profile')
    const o = tokenRequests(other).length
    await who(['--profile', us], {TINK_PROFILE: eu})
    assert.equal(tokenRequests(other).length, o + 1, '--profile beats TINK_PROFILE')

    const missing = await runTink(['token', 'get', '-p', 'nope'], {env})
    assert.equal(missing.code, 2)
    assert.match(missing.stderr, /No profile "nope" \(from --profile\)/)
    assert.equal(missing.stderr.trim().split('\n').length, 1)
  })

  test('precedence: env credentials beat the profile; profile defaults fill flags; --verbose names every source', async (t) => {
    if (!needsKeychain(t)) return
    const dir = tempDir()
    const name = uniq('prec')
    await addProfile(dir, name, ['--market', 'SE', '--locale', 'sv_SE'])

    const create = await runTink(['user', 'create', '--external-user-id', `u-${RUN}`, '--verbose', '--json'], {env: {TINK_CONFIG_DIR: dir}})
    assert.equal(create.code, 0, create.stderr)
    const body = emu.requests.filter((r) => r.path === '/api/v1/user/create').at(-1).json
    assert.equal(body.market, 'SE', 'market from the profile')
    assert.equal(body.locale, 'sv_SE')
    assert.match(create.stderr, new RegExp(`client id from profile ${name}; client secret from OS keychain \\(profile ${name}\\)`))

    const flagWins = await runTink(['user', 'create', '--external-user-id', `u2-${RUN}`, '--market', 'GB'], {env: {TINK_CONFIG_DIR: dir}})
    assert.equal(flagWins.code, 0, flagWins.stderr)
    assert.equal(emu.requests.filter((r) => r.path === '/api/v1/user/create').at(-1).json.market, 'GB', 'flag beats profile')

    // Env credentials for another client win over the profile (and go to the profile's API URL).
    const envWins = await runTink(['token', 'get', '--no-cache', '-v'], {
      env: {TINK_CONFIG_DIR: dir, TINK_CLIENT_ID: otherClient.id, TINK_CLIENT_SECRET: otherClient.secret, TINK_API_URL: other.url},
    })
    assert.equal(envWins.code, 0, envWins.stderr)
    assert.equal(tokenRequests(other).at(-1).form.client_id, otherClient.id)
    assert.match(envWins.stderr, /client id from env TINK_CLIENT_ID; client secret from env TINK_CLIENT_SECRET/)

    // An env client id must not be paired with the profile's stored secret.
    const half = await runTink(['token', 'get'], {env: {TINK_CONFIG_DIR: dir, TINK_CLIENT_ID: otherClient.id}})
    assert.equal(half.code, 3)
    assert.match(half.stderr, /No client secret.*TINK_CLIENT_SECRET/)

    const status = await runTink(['profile', 'status', name, '--json'], {env: {TINK_CONFIG_DIR: dir, TINK_CLIENT_ID: client.id, TINK_CLIENT_SECRET: CANARY}})
    assert.equal(status.code, 0, status.stderr)
    const [s] = JSON.parse(status.stdout)
    assert.equal(s.clientId.source, 'env')
    assert.deepEqual(s.shadowedBy, ['env TINK_CLIENT_ID', 'env TINK_CLIENT_SECRET'])
    assert.equal(s.secretStore.answers, true)
    assert.equal(s.token.ok, true)
    assert.match(status.stderr, /Warning: env TINK_CLIENT_ID and env TINK_CLIENT_SECRET shadow what profile/)
  })

  test('the token cache: the second token get sends no token request; --no-cache and token clear bypass it', async (t) => {
    if (!needsKeychain(t)) return
    const dir = tempDir()
    const name = uniq('cache')
    await addProfile(dir, name, ['--no-verify'])
    const env = {TINK_CONFIG_DIR: dir}
    const n = () => tokenRequests(emu).length
    const start = n()
    const first = await runTink(['token', 'get', '--scope', 'user:create', '--scope', 'authorization:grant', '--json'], {env})
    assert.equal(first.code, 0, first.stderr)
    assert.equal(n(), start + 1)
    // Same scope set in another order: same cache entry.
    const second = await runTink(['token', 'get', '--scope', 'authorization:grant,user:create', '--json'], {env})
    assert.equal(second.code, 0, second.stderr)
    assert.equal(n(), start + 1, 'served from the cache: no token request')
    assert.equal(JSON.parse(second.stdout).access_token, JSON.parse(first.stdout).access_token)

    const status = JSON.parse((await runTink(['profile', 'status', name, '--json', '--offline'], {env})).stdout)
    assert.equal(status[0].cachedTokens.length, 1)
    assert.equal(status[0].cachedTokens[0].scope, 'authorization:grant,user:create')
    assert.equal(status[0].cachedTokens[0].expiresAt, JSON.parse(first.stdout).expires_at)

    const bypass = await runTink(['token', 'get', '--scope', 'user:create,authorization:grant', '--no-cache', '--json'], {env})
    assert.equal(n(), start + 2, '--no-cache fetches')
    assert.notEqual(JSON.parse(bypass.stdout).access_token, JSON.parse(first.stdout).access_token)

    const clear = await runTink(['token', 'clear', '-p', name, '--json'], {env})
    assert.equal(clear.code, 0, clear.stderr)
    assert.deepEqual(JSON.parse(clear.stdout), {profile: name, cleared: 1})
    await runTink(['token', 'get', '--scope', 'user:create,authorization:grant'], {env})
    assert.equal(n(), start + 3, 'after token clear, a new token is fetched')
  })

  test('a cached token is never served for a wrong or rotated secret', async (t) => {
    if (!needsKeychain(t)) return
    const dir = tempDir()
    const name = uniq('rot')
    await addProfile(dir, name, ['--no-verify'])
    const env = {TINK_CONFIG_DIR: dir}
    const scope = ['--scope', 'accounts:read']
    const start = tokenRequests(emu).length
    const first = await runTink(['token', 'get', ...scope, '--raw'], {env})
    assert.equal(first.code, 0, first.stderr)
    const again = await runTink(['token', 'get', ...scope, '--raw'], {env})
    assert.equal(again.stdout, first.stdout, 'the right secret is served from the cache')
    assert.equal(tokenRequests(emu).length, start + 1)

    // The same client id with another secret from the environment: not the profile's credentials.
    const wrong = await runTink(['token', 'get', ...scope, '--raw'], {env: {...env, TINK_CLIENT_ID: client.id, TINK_CLIENT_SECRET: 'not-the-secret'}})
    assert.equal(wrong.code, 3, 'the server is asked, and refuses')
    assert.equal(wrong.stdout, '')
    assert.equal(tokenRequests(emu).length, start + 2)
  })

  test('environment credentials are not cached: each command fetches its own token', async () => {
    const env = {TINK_API_URL: emu.url, TINK_CLIENT_ID: client.id, TINK_CLIENT_SECRET: client.secret}
    const start = tokenRequests(emu).length
    for (let i = 0; i < 2; i++) assert.equal((await runTink(['token', 'get', '--scope', 'accounts:read', '--raw'], {env})).code, 0)
    assert.equal(tokenRequests(emu).length, start + 2)
  })

  test('a 401 on a cached token drops it, fetches a new one and retries once', async (t) => {
    if (!needsKeychain(t)) return
    const dir = tempDir()
    const name = uniq('r401')
    await addProfile(dir, name, ['--no-verify'])
    const env = {TINK_CONFIG_DIR: dir}
    const ext = `r401-${RUN}`
    assert.equal((await runTink(['user', 'create', '--external-user-id', ext, '--market', 'GB'], {env})).code, 0)
    const cached = await runTink(['token', 'get', '--scope', 'authorization:grant', '--json'], {env})
    assert.equal(cached.code, 0, cached.stderr)

    now += 2 * 3600_000 // the server's clock runs past the token's lifetime; the CLI still thinks it is fresh
    const mark = emu.requests.length
    const grant = await runTink(['grant', 'create', '--external-user-id', ext, '--scope', 'accounts:read', '--json'], {env})
    assert.equal(grant.code, 0, grant.stderr)
    assert.ok(JSON.parse(grant.stdout).code)
    const seen = emu.requests.slice(mark).map((r) => `${r.path} ${r.status}`)
    assert.deepEqual(seen, [
      '/api/v1/oauth/authorization-grant 401',
      '/api/v1/oauth/token 200',
      '/api/v1/oauth/authorization-grant 200',
    ])
    // The refreshed token replaced the dead one in the cache.
    const mark2 = tokenRequests(emu).length
    assert.equal((await runTink(['grant', 'create', '--external-user-id', ext, '--scope', 'accounts:read'], {env})).code, 0)
    assert.equal(tokenRequests(emu).length, mark2)
  })

  test('a 401 on a cached user token drops it, mints a new one (grant, exchange) and retries once', async (t) => {
    if (!needsKeychain(t)) return
    const dir = tempDir()
    const name = uniq('u401')
    await addProfile(dir, name, ['--no-verify'])
    const env = {TINK_CONFIG_DIR: dir}
    const ext = `u401-${RUN}`
    assert.equal((await runTink(['user', 'create', '--external-user-id', ext, '--market', 'GB'], {env})).code, 0)
    const first = await runTink(['user', 'get', '--external-user-id', ext, '--json'], {env})
    assert.equal(first.code, 0, first.stderr)

    now += 3 * 3600_000 // past the user token's lifetime on the server; the CLI still thinks it is fresh
    const mark = emu.requests.length
    const again = await runTink(['user', 'get', '--external-user-id', ext, '--json'], {env})
    assert.equal(again.code, 0, again.stderr)
    assert.equal(JSON.parse(again.stdout).externalUserId, ext)
    const seen = emu.requests.slice(mark).map((r) => `${r.path} ${r.status}`)
    assert.equal(seen[0], '/api/v1/user 401', seen.join(', '))
    assert.equal(seen.at(-1), '/api/v1/user 200', seen.join(', '))
    assert.ok(seen.includes('/api/v1/oauth/authorization-grant 200'), seen.join(', '))
    assert.equal(seen.filter((x) => x === '/api/v1/user 401').length, 1, 'retried once')
    // The new user token replaced the dead one in the cache.
    const mark2 = emu.requests.length
    assert.equal((await runTink(['user', 'get', '--external-user-id', ext], {env})).code, 0)
    assert.deepEqual(emu.requests.slice(mark2).map((r) => r.path), ['/api/v1/user'])
  })

  test('canary: the secret and tokens never reach the config file or --verbose output', async (t) => {
    if (!needsKeychain(t)) return
    const dir = tempDir()
    const name = uniq('canary')
    const outputs = []
    const run = async (args, extra = {}) => {
      const r = await runTink(args, {env: {TINK_CONFIG_DIR: dir, ...extra.env}, input: extra.input})
      outputs.push({args: args.join(' '), stdout: r.stdout, stderr: r.stderr})
      return r
    }
    created.set(name, dir)
    assert.equal((await run(['profile', 'add', name, '--base-url', emu.url, '--client-id', client.id, '--client-secret-stdin', '-v'], {input: CANARY})).code, 0)
    const tok = await run(['token', 'get', '--scope', 'user:create', '--json', '-v'])
    const accessToken = JSON.parse(tok.stdout).access_token
    await run(['token', 'get', '--scope', 'user:create', '-v'])
    await run(['user', 'create', '--external-user-id', `canary-${RUN}`, '--market', 'GB', '-v'])
    await run(['grant', 'create', '--external-user-id', `canary-${RUN}`, '--scope', 'accounts:read', '-v'])
    await run(['profile', 'status', '-v'])
    await run(['profile', 'show', '-v', '--json'])
    await run(['profile', 'list', '-v'])

    const config = readFileSync(join(dir, 'config.json'), 'utf8')
    assert.ok(!config.includes(CANARY), 'secret not in the config file')
    assert.ok(!config.includes(accessToken), 'token not in the config file')
    assert.ok(!/token|secret/i.test(Object.keys(JSON.parse(config).profiles[name]).join(',')))
    for (const o of outputs) {
      assert.ok(!o.stdout.includes(CANARY) && !o.stderr.includes(CANARY), `secret leaked by: tink ${o.args}`)
      assert.ok(!o.stderr.includes(accessToken), `token in the --verbose trace of: tink ${o.args}`)
    }
    assert.match(outputs[2].stderr, /using cached client token/, '--verbose says the token came from the cache')
  })

  // Issue 23: profile add on an empty config.json stored the secret in the keychain, then failed
  // on the config file (exit 1): an orphaned secret.
  test('profile add on a broken or linked config file stores nothing in the keychain (exit 2)', async (t) => {
    if (!needsKeychain(t)) return
    const {symlinkSync, writeFileSync} = await import('node:fs')
    for (const [i, plant] of [(d) => writeFileSync(join(d, 'config.json'), ''), (d) => writeFileSync(join(d, 'config.json'), '{"profiles": {"x": {"clientId": "c", "baseUrl": 5}}}'), (d) => symlinkSync(join(tempDir(), 'elsewhere.json'), join(d, 'config.json'))].entries()) {
      const dir = tempDir()
      plant(dir)
      const name = uniq(`orphan${i}`)
      const r = await runTink(['profile', 'add', name, '--base-url', emu.url, '--client-id', client.id, '--client-secret-stdin'], {env: {TINK_CONFIG_DIR: dir}, input: client.secret})
      assert.equal(r.code, 2, r.stderr)
      assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr)
      assert.equal(keychainLookup(`${name}:client-secret`), undefined, 'no secret left in the keychain')
    }
  })

  // Issue 23: after token revoke for external id `acme|42`, token get handed out the revoked token.
  test('token revoke and user delete drop every cached token of that user, whatever its id holds; other users keep theirs', async (t) => {
    if (!needsKeychain(t)) return
    const dir = tempDir()
    const name = uniq('revoke')
    await addProfile(dir, name, ['--no-verify'])
    const env = {TINK_CONFIG_DIR: dir}
    const grants = () => emu.requests.filter((r) => r.path === '/api/v1/oauth/authorization-grant').length
    const cachedUsers = async () => {
      const r = await runTink(['profile', 'status', name, '--offline', '--json'], {env})
      assert.equal(r.code, 0, r.stderr)
      const doc = JSON.parse(r.stdout)
      const h = Array.isArray(doc) ? doc[0] : doc
      return h.cachedTokens.map((c) => c.user).filter(Boolean)
    }
    const ids = [`acme|42-${RUN}`, `a|b|c-${RUN}`, `x|-${RUN}`, `|y-${RUN}`, `p|user_id:q-${RUN}`]
    const neighbours = [`acme-${RUN}`, `42-${RUN}`, `a-${RUN}`]
    for (const ext of [...ids, ...neighbours]) {
      const c = await runTink(['user', 'create', '--external-user-id', ext, '--market', 'GB'], {env})
      assert.equal(c.code, 0, `${ext}: ${c.stderr}`)
      for (const scope of ['user:read', 'accounts:read']) {
        const g = await runTink(['token', 'get', '--external-user-id', ext, '--scope', scope, '--raw'], {env})
        assert.equal(g.code, 0, `${ext}: ${g.stderr}`)
      }
    }
    for (const [i, ext] of ids.entries()) {
      const how = i % 2 === 0 ? ['token', 'revoke', '--external-user-id', ext, '--yes'] : ['user', 'delete', '--external-user-id', ext, '--yes']
      const r = await runTink(how, {env})
      assert.equal(r.code, 0, `${how.join(' ')}: ${r.stderr}`)
      if (how[0] === 'token') assert.match(r.stderr + r.stdout, /2 cached tokens dropped/)
      assert.ok(!(await cachedUsers()).includes(`external_user_id:${ext}`), `${how.join(' ')}: no cached token of ${ext} left`)
      if (how[0] === 'token') {
        const before = grants()
        const again = await runTink(['token', 'get', '--external-user-id', ext, '--scope', 'user:read', '--raw'], {env})
        assert.equal(again.code, 0, again.stderr)
        assert.equal(grants(), before + 1, `${ext}: a new token was minted, not the revoked one handed out`)
      }
    }
    const left = await cachedUsers()
    for (const ext of neighbours) assert.equal(left.filter((u) => u === `external_user_id:${ext}`).length, 2, `${ext} keeps its cached tokens: ${left}`)
    const before = grants()
    assert.equal((await runTink(['token', 'get', '--external-user-id', neighbours[0], '--scope', 'user:read', '--raw'], {env})).code, 0)
    assert.equal(grants(), before, 'a neighbour is still served from the cache')

    // Revoked by its user id, a user whose token was cached under its external id: not handed out.
    const ext = `byid|${RUN}`
    const made = await runTink(['user', 'create', '--external-user-id', ext, '--market', 'GB', '--json'], {env})
    assert.equal(made.code, 0, made.stderr)
    const userId = JSON.parse(made.stdout).user_id
    assert.equal((await runTink(['token', 'get', '-e', ext, '--scope', 'user:read', '--raw'], {env})).code, 0)
    assert.equal((await runTink(['token', 'revoke', '--user-id', userId, '--yes'], {env})).code, 0)
    const mark = grants()
    assert.equal((await runTink(['token', 'get', '-e', ext, '--scope', 'user:read', '--raw'], {env})).code, 0)
    assert.equal(grants(), mark + 1, 'the token cached under the external id was dropped too')
  })

  // Issue 23: --region us with TINK_API_URL set silently used the environment's URL.
  test('a flag that another setting overrides is named on stderr, once; nothing is said when nothing is overridden', async () => {
    const dir = tempDir()
    const env = {TINK_CONFIG_DIR: dir, TINK_CLIENT_ID: client.id, TINK_CLIENT_SECRET: client.secret}
    const lines = (r) => r.stderr.split('\n').filter((l) => / is not used /.test(l))
    const viaEnv = await runTink(['token', 'get', '--region', 'us', '--raw'], {env: {...env, TINK_API_URL: emu.url}})
    assert.equal(viaEnv.code, 0, viaEnv.stderr)
    assert.deepEqual(lines(viaEnv), ['--region us is not used for the API: TINK_API_URL is set'])
    for (const args of [['--base-url', emu.url, '--region', 'us'], ['--base-url', emu.url], []]) {
      const r = await runTink(['token', 'get', '--raw', ...args], {env: {...env, ...(args.length ? {} : {TINK_API_URL: emu.url})}})
      assert.equal(r.code, 0, r.stderr)
      assert.deepEqual(lines(r), [], `nothing overridden: ${args.join(' ')}`)
    }
    const ext = `ovr-${RUN}`
    assert.equal((await runTink(['user', 'create', '-e', ext, '--market', 'GB'], {env: {...env, TINK_API_URL: emu.url}})).code, 0)
    const link = await runTink(['grant', 'delegate', '-e', ext, '--id-hint', 'Jane', '--redirect-uri', 'http://127.0.0.1:9/cb', '--region', 'us', '--base-url', emu.url], {env: {...env, TINK_LINK_URL: emu.url}})
    assert.equal(link.code, 0, link.stderr)
    assert.deepEqual(lines(link), ['--region us is not used for Tink Link: TINK_LINK_URL is set'])

    // A profile's API URL ranks above a region flag too (another key): said, naming the profile.
    const add = await runTink(['profile', 'add', 'ovr', '--base-url', emu.url, '--client-id', client.id, '--client-secret-stdin', '--insecure-storage', '--no-verify'], {env: {TINK_CONFIG_DIR: dir}, input: client.secret})
    assert.equal(add.code, 0, add.stderr)
    const viaProfile = await runTink(['token', 'get', '--region', 'us', '--raw'], {env: {TINK_CONFIG_DIR: dir}})
    assert.equal(viaProfile.code, 0, viaProfile.stderr)
    assert.deepEqual(lines(viaProfile), ['--region us is not used for the API: profile ovr sets the API URL'])

    // --profile named explicitly, its values outranked by the environment: said, once.
    const shadow = (r) => r.stderr.split('\n').filter((l) => l.includes('--profile ovr:'))
    const creds = await runTink(['token', 'get', '-p', 'ovr', '--raw'], {env: {TINK_CONFIG_DIR: dir, TINK_CLIENT_ID: client.id, TINK_CLIENT_SECRET: client.secret}})
    assert.equal(creds.code, 0, creds.stderr)
    assert.deepEqual(shadow(creds), ['Warning: --profile ovr: its client id and client secret are not used: TINK_CLIENT_ID and TINK_CLIENT_SECRET are set'])
    const api = await runTink(['token', 'get', '--profile', 'ovr', '--raw'], {env: {TINK_CONFIG_DIR: dir, TINK_API_URL: emu.url, TINK_MARKET: 'SE'}})
    assert.equal(api.code, 0, api.stderr)
    assert.deepEqual(shadow(api), ['Warning: --profile ovr: its API URL is not used: TINK_API_URL is set'], 'the profile has no market: TINK_MARKET overrides nothing of it')
    const quiet = await runTink(['token', 'get', '-p', 'ovr', '--raw'], {env: {TINK_CONFIG_DIR: dir}})
    assert.deepEqual(shadow(quiet), [])
    const active = await runTink(['token', 'get', '--raw'], {env: {TINK_CONFIG_DIR: dir, TINK_API_URL: emu.url}})
    assert.deepEqual(shadow(active), [], 'the active profile was not named on the command line')
  })
})
