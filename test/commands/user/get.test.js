// `tink user get`, in process against the emulator with demo data; and one "user not found" that
// user get, credentials list, api -e and user delete all say the same way.
import {after, before, test} from 'node:test'
import assert from 'node:assert/strict'
import {runTink} from '../../support/in-process.js'
import {startDemoEmulator} from '../../support/demo-emulator.js'

let emu
let env
before(async () => ({emu, env} = await startDemoEmulator('cli-api')))
after(() => emu.close())

test('user get: the user, and --json as received', async () => {
  const r = await runTink(['user', 'get', '--external-user-id', 'demo-1'], {env})
  assert.equal(r.code, 0, r.stderr)
  assert.match(r.stdout, /external_user_id: +demo-1/)
  assert.match(r.stdout, /market: +GB/)
  const j = await runTink(['user', 'get', '--external-user-id', 'demo-1', '--json'], {env})
  assert.equal(JSON.parse(j.stdout).externalUserId, 'demo-1')
  const missing = await runTink(['user', 'get', '--external-user-id', 'nobody'], {env})
  assert.equal(missing.code, 4)
  const which = await runTink(['user', 'get'], {env})
  assert.equal(which.code, 2)
})

test('one "user not found": user get, credentials list, api -e and user delete say the same, exit 4', async () => {
  const runs = {
    'user get': ['user', 'get', '-e', 'nobody'],
    'credentials list': ['credentials', 'list', '-e', 'nobody'],
    'api -e': ['api', '/data/v2/accounts', '-e', 'nobody'],
    'token get -e': ['token', 'get', '-e', 'nobody', '--scope', 'accounts:read'],
    'user delete': ['user', 'delete', '-e', 'nobody', '--yes'],
  }
  for (const [name, args] of Object.entries(runs)) {
    const r = await runTink(args, {env})
    assert.equal(r.code, 4, `${name}: ${r.stderr}`)
    assert.match(r.stderr, /^Error: No user with external id "nobody" \(HTTP 404\) \(X-Request-ID: [^)]+\)\. Check the id, and that this client created the user/, name)
    assert.equal(r.stderr.split('\n').length, 2, `${name}: one line`)
  }
  const byId = await runTink(['user', 'get', '-u', '0123456789abcdef0123456789abcdef', '--json'], {env})
  assert.equal(byId.code, 4)
  assert.equal(JSON.parse(byId.stdout).error.message, 'No user with user id "0123456789abcdef0123456789abcdef" (HTTP 404)')
})
