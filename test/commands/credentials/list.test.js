// `tink credentials list`, in process against the emulator with demo data: provider, status and
// consent expiry.
import {after, before, test} from 'node:test'
import assert from 'node:assert/strict'
import {runTink} from '../../support/in-process.js'
import {startDemoEmulator} from '../../support/demo-emulator.js'

let emu
let env
before(async () => ({emu, env} = await startDemoEmulator('cli-api')))
after(() => emu.close())

test('credentials list: provider, status and the consent expiry in days; --json as received', async () => {
  const r = await runTink(['credentials', 'list', '--external-user-id', 'demo-1'], {env})
  assert.equal(r.code, 0, r.stderr)
  assert.match(r.stdout, /uk-demobank-open-banking-redirect +UPDATED +\d{4}-\d\d-\d\dT[\d:]+Z +\d{4}-\d\d-\d\d \(in 90 days\)/)
  const j = await runTink(['credentials', 'list', '--external-user-id', 'demo-1', '--json'], {env})
  const body = JSON.parse(j.stdout)
  assert.equal(body.credentials[0].status, 'UPDATED')
  assert.equal(typeof body.credentials[0].sessionExpiryDate, 'number')
  const missing = await runTink(['credentials', 'list', '--external-user-id', 'nobody'], {env})
  assert.equal(missing.code, 4)
})
