// `tink token revoke`, in process against the emulator with demo data: refused without a terminal
// or --yes; a revoked user token is refused afterwards.
import {after, before, test} from 'node:test'
import assert from 'node:assert/strict'
import {runTink} from '../../support/in-process.js'
import {startDemoEmulator} from '../../support/demo-emulator.js'

let emu
let env
before(async () => ({emu, env} = await startDemoEmulator('cli-api')))
after(() => emu.close())

const since = (n) => emu.requests.slice(n).map((r) => `${r.method} ${r.path.split('?')[0]}`)

test('token revoke: refuses without a TTY and --yes; with --yes an earlier user token is refused (exit 3)', async () => {
  const saved = await runTink(['token', 'get', '--external-user-id', 'demo-3', '--scope', 'user:read', '--raw'], {env})
  assert.equal(saved.code, 0, saved.stderr)
  const token = saved.stdout.trim()
  const ok = await runTink(['api', '/api/v1/user', '--token', '-'], {env, input: token})
  assert.equal(ok.code, 0, ok.stderr)
  const n = emu.requests.length
  const refused = await runTink(['token', 'revoke', '--external-user-id', 'demo-3'], {env})
  assert.equal(refused.code, 2)
  assert.match(refused.stderr, /without confirmation/)
  assert.deepEqual(since(n), [])
  const r = await runTink(['token', 'revoke', '--external-user-id', 'demo-3', '--yes', '--json'], {env})
  assert.equal(r.code, 0, r.stderr)
  assert.equal(JSON.parse(r.stdout).revoked, true)
  const after = await runTink(['api', '/api/v1/user', '--token', '-'], {env, input: token})
  assert.equal(after.code, 3, after.stderr)
  // A new user token is minted after revoke-all (the cached one was dropped or refused).
  const again = await runTink(['user', 'get', '--external-user-id', 'demo-3'], {env})
  assert.equal(again.code, 0, again.stderr)
})
