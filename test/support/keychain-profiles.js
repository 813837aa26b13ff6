// Profiles made the scripted way (`tink profile add ... --client-secret-stdin`) against emulators
// with clients of their own, the secret in the OS keychain, and removed again (their keychain
// entries with them) when the suite ends: test/lib/config/profiles.test.js and token-cache.test.js.
import assert from 'node:assert/strict'
import {randomBytes} from 'node:crypto'
import {ALL_SCOPES, startEmulator} from 'tink-emulator'
import {tempDir} from '../helpers.js'
import {runTink} from './in-process.js'

export const RUN = randomBytes(3).toString('hex')
export const uniq = (label) => `t${RUN}-${label}`
export const CANARY = `CANARY-${randomBytes(12).toString('hex')}`
/** The client of `emu`: its secret is the CANARY. */
export const client = {id: `client-${RUN}`, secret: CANARY, scopes: [...ALL_SCOPES]}
/** The client of `other`. */
export const otherClient = {id: `other-${RUN}`, secret: `other-secret-${RUN}`, scopes: [...ALL_SCOPES]}

export const tokenRequests = (emu) => emu.requests.filter((r) => r.path === '/api/v1/oauth/token')

/**
 * The two emulators a suite's profiles point at (`emu` with `client`, on the clock `now` when
 * given; `other` with `otherClient`): start() them in before(), close() them in after().
 */
export function keychainProfiles(now) {
  let emu
  let other
  /** profile name -> its config folder, for cleaning the keychain afterwards */
  const created = new Map()

  async function start() {
    emu = await startEmulator({clients: [client], now})
    other = await startEmulator({clients: [otherClient]})
    return {emu, other}
  }
  async function close() {
    for (const [name, dir] of created) await runTink(['profile', 'remove', name, '--yes'], {env: {TINK_CONFIG_DIR: dir}})
    await emu?.close()
    await other?.close()
  }

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

  /** A fresh config folder with profile `uniq(label)`, saved unverified: its name and the env that selects it. */
  async function unverifiedProfile(label) {
    const dir = tempDir()
    const name = uniq(label)
    await addProfile(dir, name, ['--no-verify'])
    return {name, env: {TINK_CONFIG_DIR: dir}}
  }

  return {start, close, created, addProfile, unverifiedProfile}
}
