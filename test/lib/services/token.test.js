// `tink token`'s services called directly, over a real secret store (the --insecure-storage
// file): what inspect finds out about a token without sending it, and what clear removes.
import {describe, test} from 'node:test'
import assert from 'node:assert/strict'
import {join} from 'node:path'
import {FileStore} from '../../../dist/lib/secrets/keychain.js'
import {SecretTokenCache} from '../../../dist/lib/secrets/token-cache.js'
import {clearTokens} from '../../../dist/lib/services/token/clear.js'
import {inspectionText, inspectToken} from '../../../dist/lib/services/token/inspect.js'
import {tempDir} from '../../helpers.js'

const NOW = Date.parse('2026-12-07T10:00:00Z')
const jwt = (claims) => ['{"alg":"RS256","typ":"JWT"}', JSON.stringify(claims), 'c2ln'].map((p, i) => (i < 2 ? Buffer.from(p).toString('base64url') : p)).join('.')

/** A profile "dev" with a client token and a user token in its token cache. */
async function cachedProfile() {
  const store = new FileStore(join(tempDir(), 'secrets.json'), () => {})
  const cache = new SecretTokenCache(() => ({store, namespace: 'dev'}))
  const expires = new Date(NOW + 30 * 60_000).toISOString()
  await cache.set('client-1|d1|https://api.tink.com|user:create', {access_token: 'client-tok', token_type: 'bearer', expires_in: 1800, expires_at: expires})
  await cache.set('client-1|d1|https://api.tink.com|accounts:read|external_user_id:u-7', {
    access_token: jwt({sub: 'u-7', scopes: ['accounts:read']}),
    token_type: 'bearer',
    expires_in: 1800,
    expires_at: new Date(NOW - 60_000).toISOString(),
  })
  return store
}

describe('inspectToken', () => {
  test("a cached client token: its profile, client, API, scope and time left, from the profile's cache", async () => {
    const store = await cachedProfile()
    const out = await inspectToken({token: 'client-tok', places: [{store, namespace: 'dev', profile: 'dev'}], trace: () => {}, now: () => NOW})
    assert.deepEqual(out, {
      opaque: false,
      cached: {
        kind: 'client',
        profile: 'dev',
        clientId: 'client-1',
        baseUrl: 'https://api.tink.com',
        scope: 'user:create',
        expiresAt: new Date(NOW + 30 * 60_000).toISOString(),
        expiresInSeconds: 1800,
      },
    })
    assert.match(inspectionText(out), /kind:\s+client token[\s\S]*expires:\s+in 30 min/)
  })

  test('a cached, expired user token that is a JWT: the user, "expired", and its claims marked unverified', async () => {
    const store = await cachedProfile()
    const token = jwt({sub: 'u-7', scopes: ['accounts:read']})
    const out = await inspectToken({token, places: [{store, namespace: 'dev', profile: 'dev'}], trace: () => {}, now: () => NOW})
    assert.equal(out.cached.kind, 'user')
    assert.equal(out.cached.user, 'external_user_id:u-7')
    assert.equal(out.cached.expiresInSeconds, -60)
    assert.deepEqual(out.jwt, {verified: false, header: {alg: 'RS256', typ: 'JWT'}, claims: {sub: 'u-7', scopes: ['accounts:read']}})
    const text = inspectionText(out)
    assert.match(text, /expires:\s+expired \(/)
    assert.match(text, /JWT \(decoded, UNVERIFIED: the signature is not checked\)/)
  })

  test('a token neither cached nor a JWT is opaque; an unreadable cache is traced, not fatal', async () => {
    const broken = {kind: 'file', where: 'x', get: () => Promise.reject(new Error('locked')), set: async () => {}, delete: async () => false}
    const traced = []
    const out = await inspectToken({token: 'abc.def', places: [{store: broken, namespace: 'dev', profile: 'dev'}], trace: (l) => traced.push(l)})
    assert.deepEqual(out, {opaque: true})
    assert.deepEqual(traced, ['* token cache unavailable (locked)'])
    assert.match(inspectionText(out), /^Not in the token cache of this profile\.\nAn opaque token/)
  })
})

describe('clearTokens', () => {
  test("deletes every cached token of the profile and says how many; inspect then finds none", async () => {
    const store = await cachedProfile()
    assert.deepEqual(await clearTokens({profile: {name: 'dev', store}}), {profile: 'dev', cleared: 2})
    const out = await inspectToken({token: 'client-tok', places: [{store, namespace: 'dev', profile: 'dev'}], trace: () => {}})
    assert.equal(out.cached, undefined)
    assert.deepEqual(await clearTokens({profile: {name: 'dev', store}}), {profile: 'dev', cleared: 0})
  })

  test('without a profile (credentials from the environment) nothing is cached, so nothing is cleared', async () => {
    assert.deepEqual(await clearTokens({}), {profile: undefined, cleared: 0})
  })
})
