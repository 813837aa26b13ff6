// The profile services called directly, as `tink login` / `tink profile add` and `tink profile
// status` call them: their dependencies (the profiles file, the keychain, the questions, the run
// the credentials are checked through) handed in as arguments, against the emulator over loopback.
// Secrets go to the 0600 file store, so no keychain is needed here (test/commands/login.test.js
// and test/lib/config/profiles.test.js cover the keychain through the commands).
import assert from 'node:assert/strict'
import {readFileSync} from 'node:fs'
import {join} from 'node:path'
import {after, before, describe, test} from 'node:test'
import {ALL_SCOPES, startEmulator} from 'tink-emulator'
import {profileSetup} from '../../../dist/lib/cli/profile-setup.js'
import {ProfileStore} from '../../../dist/lib/config/profiles.js'
import {defaultsLayer, envLayer, SettingsResolver} from '../../../dist/lib/config/settings.js'
import {toCliError} from '../../../dist/lib/errors/cli-error.js'
import {HttpClient} from '../../../dist/lib/http/client.js'
import {KeychainError} from '../../../dist/lib/secrets/keychain.js'
import {addProfile} from '../../../dist/lib/services/profile/add.js'
import {anyTokenFailed, checkProfiles, statusText} from '../../../dist/lib/services/profile/status.js'
import {TinkApi} from '../../../dist/lib/tink/api.js'
import {tempDir} from '../../helpers.js'

const client = {id: 'svc-client', secret: 'svc-secret-0123456789', scopes: [...ALL_SCOPES]}

describe('profile services', () => {
  let emu
  before(async () => {
    emu = await startEmulator({clients: [client]})
  })
  after(async () => {
    await emu?.close()
  })
  const tokenRequests = () => emu.requests.filter((r) => r.path === '/api/v1/oauth/token').length

  /** A fresh profiles file; `env` is what later commands would see (TINK_API_URL ...). */
  function setup(env = {}) {
    const dir = tempDir('tink-svc-')
    const fullEnv = {TINK_CONFIG_DIR: dir, ...env}
    const notes = []
    const warnings = []
    const clients = []
    const deps = {
      store: ProfileStore.load(fullEnv),
      keychain: {
        checkWritable: async () => assert.fail('the keychain is not asked for a profile kept in the file store'),
      },
      // As the command's: env over the layers given, then the built-in defaults.
      runWith: (layers) => {
        const settings = new SettingsResolver([envLayer(fullEnv), ...layers, defaultsLayer()])
        const baseUrl = async () => (await settings.get('baseUrl'))?.value ?? 'https://api.tink.com'
        return {
          settings: () => settings,
          baseUrl,
          http: async () => {
            const http = new HttpClient({baseUrl: await baseUrl(), timeoutMs: 5000, retries: 0, userAgent: 'tink-test'})
            clients.push(http)
            return http
          },
          close: async () => Promise.all(clients.map((c) => c.close())),
        }
      },
      note: (line) => notes.push(line),
      warn: (line) => warnings.push(line),
    }
    return {dir, env: fullEnv, deps, notes, warnings}
  }

  const options = (given, more = {}) => ({
    given: {clientId: client.id, clientSecret: client.secret, ...given},
    storage: 'file',
    replace: false,
    verify: true,
    makeActive: false,
    allowInsecureHttp: false,
    origins: {baseUrl: 'flag --base-url'},
    ...more,
  })

  test('add verifies against the API before saving, says where, and gives a loopback API its Tink Link URL', async () => {
    const {dir, deps, notes} = setup()
    const before = tokenRequests()
    const {profile, secretStore} = await addProfile(options({name: 'ok', baseUrl: emu.url}), deps)
    assert.equal(tokenRequests(), before + 1)
    assert.equal(profile.name, 'ok')
    assert.equal(profile.active, true, 'the first profile becomes the active one')
    assert.equal(profile.linkBaseUrl, emu.url)
    assert.equal(secretStore.kind, 'file')
    assert.ok(notes.some((n) => n === `Verifying against ${emu.url} (flag --base-url)`), notes.join('\n'))
    assert.ok(notes.some((n) => n.startsWith(`Verified: ${emu.url} issued a client token for ${client.id}`)))
    assert.ok(notes.some((n) => n.includes('Tink Link URLs of this profile point at')))
    assert.match(readFileSync(join(dir, 'secrets.json'), 'utf8'), new RegExp(client.secret))
    assert.doesNotMatch(readFileSync(join(dir, 'config.json'), 'utf8'), new RegExp(client.secret))
  })

  test('add: a refused secret is exit 3 with nothing saved; env TINK_API_URL is where it verifies, named as overriding', async () => {
    const {dir, deps, notes} = setup({TINK_API_URL: emu.url})
    const err = await addProfile(options({name: 'bad', region: 'us', clientSecret: 'wrong'}, {origins: {region: 'flag --region'}}), deps).then(
      () => assert.fail('saved with a wrong secret'),
      (e) => e,
    )
    assert.equal(err.exitCode, 3)
    assert.match(err.message, new RegExp(`^${emu.url} refused client id "${client.id}" with that secret: .*; nothing was saved$`))
    assert.ok(notes.some((n) => n === `Verifying against ${emu.url} (env TINK_API_URL, which overrides the profile's region us while it is set)`), notes.join('\n'))
    assert.equal(ProfileStore.load({TINK_CONFIG_DIR: dir}).has('bad'), false)
  })

  test('add: a keychain that cannot save is said before any request is sent', async () => {
    const {deps} = setup()
    const probes = []
    deps.keychain = {
      checkWritable: async (account, action) => {
        probes.push(account)
        throw new KeychainError('no_dbus', '', action)
      },
    }
    const before = tokenRequests()
    await assert.rejects(addProfile(options({name: 'kc', baseUrl: emu.url}, {storage: 'keychain'}), deps), {
      message: /^Cannot save the client secret of profile "kc" in the OS keychain: the OS keychain is unavailable: no D-Bus session/,
    })
    assert.deepEqual(probes, ['kc:probe'])
    assert.equal(tokenRequests(), before, 'no request was sent')
    assert.equal(deps.store.has('kc'), false)
  })

  test('add with the questions: the storage is settled first, the credentials checked once inside the wizard, and saving goes through its fallback', async () => {
    const {deps} = setup()
    const calls = []
    deps.prompts = {
      storage: async (_dir, name) => (calls.push(`storage ${name}`), 'file'),
      answers: async (given, checks) => {
        calls.push('answers')
        assert.equal(checks.exists('asked'), false)
        await checks.credentials({clientId: client.id, clientSecret: client.secret, baseUrl: emu.url})
        return {...given, name: 'asked', clientId: client.id, clientSecret: client.secret, baseUrl: emu.url, replace: false}
      },
      save: async (_dir, input, save) => (calls.push(`save ${input.storage}`), save()),
    }
    const before = tokenRequests()
    const {profile} = await addProfile(options({}, {storage: 'keychain', origins: {}}), deps)
    assert.deepEqual(calls, ['storage (login)', 'answers', 'save file'])
    assert.equal(tokenRequests(), before + 1, 'verified in the wizard, not again before saving')
    assert.equal(profile.storage, 'file')
  })

  test('status: each profile through its own run; a refused token fails the check (exit 3), --offline sends nothing', async () => {
    const {env, deps} = setup()
    await addProfile(options({name: 'good', baseUrl: emu.url}), deps)
    await addProfile(options({name: 'stale', baseUrl: emu.url}, {makeActive: false}), deps)
    // The client's secret was rotated: what "stale" keeps is refused.
    const stale = {...options({name: 'stale', baseUrl: emu.url, clientSecret: 'rotated-away'}), replace: true, verify: false}
    await addProfile(stale, deps)
    const store = ProfileStore.load(env)
    const origins = []
    const runFor = (name, origin) => {
      origins.push(`${name}: ${origin}`)
      const s = profileSetup({store, flag: name, flagOrigin: origin, env, warn: () => {}, trace: () => {}})
      const settings = new SettingsResolver([envLayer(env), ...s.layers, defaultsLayer()])
      let http
      return {
        secretStore: () => s.secretStore,
        settings: () => settings,
        baseUrl: async () => (await settings.get('baseUrl')).value,
        clientToken: async () => {
          http = new HttpClient({baseUrl: emu.url, timeoutMs: 5000, retries: 0, userAgent: 'tink-test'})
          const get = async (key) => (await settings.get(key)).value
          return new TinkApi({http, credentials: async () => ({clientId: await get('clientId'), clientSecret: await get('clientSecret')})}).clientToken()
        },
        errorLine: (err) => toCliError(err).oneLine(),
        close: async () => http?.close(),
      }
    }
    const health = await checkProfiles(store, {offline: false}, runFor)
    assert.deepEqual(origins, ['good: every profile in turn', 'stale: every profile in turn'])
    const [good, bad] = health
    assert.equal(good.token.ok, true)
    assert.equal(typeof good.token.expiresIn, 'number')
    assert.deepEqual(good.clientSecret, {source: 'file', origin: good.clientSecret.origin})
    assert.equal(good.secretStore.answers, true)
    assert.equal(bad.token.ok, false)
    assert.match(bad.token.error, /401|invalid|refused/i)
    assert.equal(anyTokenFailed(health), true)
    const text = statusText(health)
    assert.match(text, /^good \(active\)\n {2}client id {6}svc-client \(from /m)
    assert.match(text, /^ {2}token now {6}FAILED: /m)

    const requests = tokenRequests()
    const offline = await checkProfiles(store, {name: 'stale', offline: true}, runFor)
    assert.equal(tokenRequests(), requests, '--offline sends nothing')
    assert.equal(offline.length, 1)
    assert.deepEqual(offline[0].token, {ok: false, skipped: true})
    assert.equal(anyTokenFailed(offline), false)
    assert.match(statusText(offline), /token now {6}not checked \(--offline\)/)
    assert.equal(origins.at(-1), 'stale: argument')
  })
})
