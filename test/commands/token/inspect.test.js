// `tink token inspect`, in process: a cached user token, a JWT (unverified), an opaque value;
// nothing is sent.
import {after, before, test} from 'node:test'
import assert from 'node:assert/strict'
import {runTink} from '../../support/in-process.js'
import {startDemoEmulator} from '../../support/demo-emulator.js'

let emu
let env
before(async () => ({emu, env} = await startDemoEmulator('cli-api')))
after(() => emu.close())

const since = (n) => emu.requests.slice(n).map((r) => `${r.method} ${r.path.split('?')[0]}`)

test('token inspect: a cached user token, a JWT (unverified), an opaque value; sends nothing', async () => {
  const saved = await runTink(['token', 'get', '--external-user-id', 'demo-2', '--scope', 'accounts:read', '--raw'], {env})
  const n = emu.requests.length
  const cached = await runTink(['token', 'inspect', '-', '--json'], {env, input: saved.stdout.trim()})
  assert.equal(cached.code, 0, cached.stderr)
  const info = JSON.parse(cached.stdout)
  if (info.cached) {
    assert.equal(info.cached.kind, 'user')
    assert.equal(info.cached.user, 'external_user_id:demo-2')
    assert.equal(info.cached.scope, 'accounts:read')
  }
  const jwt = ['{"alg":"HS256","typ":"JWT"}', '{"sub":"u1","scope":"accounts:read"}'].map((p) => Buffer.from(p).toString('base64url')).join('.') + '.sig'
  const j = await runTink(['token', 'inspect', '-'], {env, input: jwt})
  assert.equal(j.code, 0, j.stderr)
  assert.match(j.stdout, /UNVERIFIED/)
  assert.match(j.stdout, /"sub": "u1"/)
  const o = await runTink(['token', 'inspect'], {env, input: 'not-a-token-anyone-has'})
  assert.match(o.stdout, /opaque/)
  assert.deepEqual(since(n), [])
})
