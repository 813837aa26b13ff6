// The login wizard through a real pseudo-terminal (util-linux `script`), as a person runs it:
// arrow keys in the region menu, a masked secret, defaults accepted with Enter.
import assert from 'node:assert/strict'
import {spawnSync} from 'node:child_process'
import {randomBytes} from 'node:crypto'
import {readFileSync} from 'node:fs'
import {join} from 'node:path'
import {after, before, describe, test} from 'node:test'
import {ALL_SCOPES, startEmulator} from '../dist/emulator/index.js'
import {BIN, cleanEnv, ROOT, runCli, tempDir} from './helpers.js'
import {driveTerminal} from './support/cli.js'
import {needsKeychain} from './support/keychain.js'

const RUN = randomBytes(3).toString('hex')


const ENTER = '\r'
const DOWN = '\x1b[B'

/** Runs `tink ARGS` on a pseudo-terminal, typing each step's keys once its prompt shows. */
function runOnTerminal(args, steps, env) {
  const cmd = [process.execPath, BIN, ...args].map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(' ')
  return driveTerminal(cmd, steps, {env: cleanEnv(env), label: 'login wizard'})
}

describe('tink login on a terminal', () => {
  let emu
  const SECRET = `wizard-secret-${RUN}`
  const client = {id: `wizard-${RUN}`, secret: SECRET, scopes: [...ALL_SCOPES]}
  const cleanup = []
  before(async () => {
    emu = await startEmulator({clients: [client]})
  })
  after(async () => {
    for (const [name, dir] of cleanup) await runCli(['profile', 'remove', name, '--yes'], {env: {TINK_CONFIG_DIR: dir}})
    await emu?.close()
  })

  test('the wizard asks, masks the secret, verifies with a client token, and saves', async (t) => {
    if (!needsKeychain(t)) return
    const dir = tempDir()
    const name = `wiz-${RUN}`
    cleanup.push([name, dir])
    const tokensBefore = emu.requests.filter((r) => r.path === '/api/v1/oauth/token').length
    const r = await runOnTerminal(
      ['login'],
      [
        {expect: 'Profile name', keys: name + ENTER},
        {expect: 'Region', keys: DOWN},
        {expect: 'US (api.us.tink.com)', keys: DOWN},
        {expect: 'Custom API base URL', keys: ENTER},
        {expect: 'API base URL', keys: emu.url + ENTER},
        {expect: 'Client id', keys: client.id + ENTER},
        {expect: 'Client secret', keys: SECRET + ENTER},
        {expect: 'Default market', keys: 'se'},
        {expect: 'se', keys: ENTER}, // lower case is refused with a hint ...
        {expect: 'Did you mean SE', keys: '\x7f\x7fSE' + ENTER}, // ... and corrected
        {expect: 'Default locale', keys: ENTER},
        {expect: 'Redirect URI', keys: 'https://example.com/cb' + ENTER},
      ],
      {TINK_CONFIG_DIR: dir},
    )
    assert.equal(r.code, 0, r.screen)
    assert.ok(!r.screen.includes(SECRET), 'the secret is never echoed')
    assert.match(r.screen, /Client secret \*{5,}/, 'masked input')
    assert.match(r.screen, new RegExp(`Verified: ${emu.url.replace(/[.]/g, '\\.')} issued a client token for ${client.id}`))
    assert.match(r.screen, new RegExp(`saved:\\s+profile ${name} \\(active\\)`))
    assert.equal(emu.requests.filter((x) => x.path === '/api/v1/oauth/token').length, tokensBefore + 1)

    const config = JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8'))
    assert.equal(config.active, name)
    assert.deepEqual(
      {...config.profiles[name], createdAt: undefined},
      {clientId: client.id, baseUrl: emu.url, market: 'SE', locale: 'en_US', redirectUri: 'https://example.com/cb', storage: 'keychain', createdAt: undefined},
    )
    const stored = spawnSync('secret-tool', ['lookup', 'service', 'tink-auth-cli', 'account', `${name}:client-secret`], {encoding: 'utf8'})
    assert.equal(stored.stdout, SECRET)

    // The saved profile works with no flags at all.
    const token = await runCli(['token', 'get', '--json'], {env: {TINK_CONFIG_DIR: dir}})
    assert.equal(token.code, 0, token.stderr)
  })

  test('a wrong secret is refused by the API and nothing is saved', async (t) => {
    if (!needsKeychain(t)) return
    const dir = tempDir()
    const r = await runOnTerminal(
      ['login', `bad-${RUN}`, '--base-url', emu.url, '--market', 'GB', '--locale', 'en_US', '--redirect-uri', 'https://example.com/cb'],
      [
        {expect: 'Client id', keys: client.id + ENTER},
        {expect: 'Client secret', keys: 'not-the-secret' + ENTER},
      ],
      {TINK_CONFIG_DIR: dir},
    )
    assert.equal(r.code, 3, r.screen)
    assert.match(r.screen, /refused client id .* nothing was saved/)
    assert.throws(() => readFileSync(join(dir, 'config.json')), /ENOENT/)
  })
})
