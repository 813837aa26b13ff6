// The emulator with demo data (seed 7) and three users (demo-1, demo-2, demo-3), for the in-process
// tests of the commands that read a user's data (api, user get, credentials list, token revoke and
// inspect): started before the test file's tests, closed after them.
import assert from 'node:assert/strict'
import {after, before} from 'node:test'
import {ALL_SCOPES, startEmulator} from 'tink-emulator'
import {emulatorEnv, tempDir} from '../helpers.js'
import {runTink} from './in-process.js'

/** `{client, emu, env}`: `emu` and `env` are set once the file's first `before` hook has run. */
export function useDemoEmulator(name) {
  // A client of this run only: a profile's user tokens are cached per app, base URL, user and scopes.
  const demo = {client: {id: `${name}-${process.pid}-${Date.now().toString(36)}`, secret: `${name}-secret`, scopes: [...ALL_SCOPES]}}
  const config = tempDir('tink-config-')
  before(async () => {
    demo.emu = await startEmulator({quiet: true, demoData: true, seed: 7, clients: [demo.client]})
    demo.env = {...emulatorEnv(demo.emu, demo.client), TINK_CONFIG_DIR: config}
    for (const id of ['demo-1', 'demo-2', 'demo-3']) {
      const r = await runTink(['user', 'create', '--external-user-id', id, '--market', 'GB', '--locale', 'en_GB'], {env: demo.env})
      assert.equal(r.code, 0, r.stderr)
    }
  })
  after(() => demo.emu.close())
  return demo
}
