// The emulator with demo data (seed 7) and three users (demo-1, demo-2, demo-3), for the in-process
// tests of the commands that read a user's data (api, user get, credentials list, token revoke and
// inspect), started in the file's `before` hook.
import assert from 'node:assert/strict'
import {ALL_SCOPES, startEmulator} from 'tink-emulator'
import {emulatorEnv, tempDir} from '../helpers.js'
import {runTink} from './in-process.js'

/** `{client, emu, env}`: the emulator started for a client of this run, the users created. */
export async function startDemoEmulator(name) {
  // A client of this run only: a profile's user tokens are cached per app, base URL, user and scopes.
  const client = {id: `${name}-${process.pid}-${Date.now().toString(36)}`, secret: `${name}-secret`, scopes: [...ALL_SCOPES]}
  const emu = await startEmulator({quiet: true, demoData: true, seed: 7, clients: [client]})
  const env = {...emulatorEnv(emu, client), TINK_CONFIG_DIR: tempDir('tink-config-')}
  for (const id of ['demo-1', 'demo-2', 'demo-3']) {
    const r = await runTink(['user', 'create', '--external-user-id', id, '--market', 'GB', '--locale', 'en_GB'], {env})
    assert.equal(r.code, 0, r.stderr)
  }
  return {client, emu, env}
}
