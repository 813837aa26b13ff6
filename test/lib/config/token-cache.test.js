// The token cache of profiles whose secret is in the real OS keychain (gnome-keyring in a private
// D-Bus session under scripts/test.sh): a token fetched once and then served from the cache, never
// for a wrong or rotated secret; a 401 on a cached token drops it and retries once; token revoke
// and user delete drop the user's cached tokens. Environment credentials are not cached.
import assert from 'node:assert/strict'
import {after, before, describe, test} from 'node:test'
import {runTink} from '../../support/in-process.js'
import {needsKeychain} from '../../support/keychain.js'
import {client, keychainProfiles, RUN, tokenRequests} from '../../support/keychain-profiles.js'

describe('profiles with the OS keychain', () => {
  let emu
  let now = Date.now()
  const profiles = keychainProfiles(() => now)
  const {unverifiedProfile} = profiles
  before(async () => ({emu} = await profiles.start()))
  after(() => profiles.close())

  test('the token cache: the second token get sends no token request; --no-cache and token clear bypass it', async (t) => {
    if (!needsKeychain(t)) return
    const {name, env} = await unverifiedProfile('cache')
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
    const {env} = await unverifiedProfile('rot')
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
    const {env} = await unverifiedProfile('r401')
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
    const {env} = await unverifiedProfile('u401')
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

  // Issue 23: after token revoke for external id `acme|42`, token get handed out the revoked token.
  test('token revoke and user delete drop every cached token of that user, whatever its id holds; other users keep theirs', async (t) => {
    if (!needsKeychain(t)) return
    const {name, env} = await unverifiedProfile('revoke')
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
})
