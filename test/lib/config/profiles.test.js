// Profiles with the real OS keychain (gnome-keyring in a private D-Bus session under
// scripts/test.sh): add/list/use/show/remove, precedence, a flag another setting overrides named,
// a broken config file that stores nothing, and a canary scan proving secrets and tokens never
// reach the config file or --verbose output. The token cache: test/lib/config/token-cache.test.js.
import assert from 'node:assert/strict'
import {spawnSync} from 'node:child_process'
import {readFileSync, statSync} from 'node:fs'
import {join} from 'node:path'
import {after, before, describe, test} from 'node:test'
import {tempDir} from '../../helpers.js'
import {runTink} from '../../support/in-process.js'
import {needsKeychain} from '../../support/keychain.js'
import {CANARY, client, keychainProfiles, otherClient, RUN, tokenRequests, uniq} from '../../support/keychain-profiles.js'

function keychainLookup(account) {
  const r = spawnSync('secret-tool', ['lookup', 'service', 'tink-auth-cli', 'account', account], {encoding: 'utf8'})
  return r.status === 0 ? r.stdout : undefined
}

describe('profiles with the OS keychain', () => {
  let emu
  let other
  const profiles = keychainProfiles()
  const {created, addProfile} = profiles
  before(async () => ({emu, other} = await profiles.start()))
  after(() => profiles.close())

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
