// The process contract of the profile commands: bin/run.cjs in a subprocess, the secret piped
// on stdin, the real OS keychain (a throwaway gnome-keyring under scripts/test.sh).
import {after, before, test} from 'node:test'
import assert from 'node:assert/strict'
import {startEmulator} from 'tink-emulator'
import {runCli, tempDir} from '../helpers.js'
import {oneJson} from '../support/cli.js'
import {keychainProblem} from '../support/keychain.js'

let emu
before(async () => (emu = await startEmulator()))
after(() => emu.close())

test('login, profile list --json, a command with the profile, profile remove', async (t) => {
  const problem = await keychainProblem()
  if (problem) return t.skip(problem)
  const env = {TINK_CONFIG_DIR: tempDir('tink-e2e-profile-')}
  const login = await runCli(['login', 'e2e', '--base-url', emu.url, '--client-id', 'tink-emulator-client', '--client-secret-stdin'], {env, input: 'tink-emulator-secret\n'})
  assert.equal(login.code, 0, login.stderr)
  assert.match(login.stdout, /saved: +profile e2e \(active\)/)
  const list = await runCli(['profile', 'list', '--json'], {env})
  assert.deepEqual(oneJson(`{"p":${list.stdout}}`).p.map((p) => p.name), ['e2e'])
  const token = await runCli(['token', 'get', '--raw'], {env})
  assert.equal(token.code, 0, token.stderr)
  const removed = await runCli(['profile', 'remove', 'e2e', '--yes'], {env})
  assert.equal(removed.code, 0, removed.stderr)
  assert.equal((await runCli(['token', 'get', '--raw'], {env})).code, 3, 'no credentials left')
})
