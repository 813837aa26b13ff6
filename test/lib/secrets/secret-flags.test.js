// A secret is never accepted on the command line (it would stand in `ps` and the shell history).
import {test} from 'node:test'
import assert from 'node:assert/strict'
import {runTink} from '../../support/in-process.js'
import {CLIENT, serverEnv, useTinkServer} from '../../support/cli.js'

const srv = useTinkServer()

test('a secret is never accepted on the command line', async () => {
  const r = await runTink(['token', 'get', '--client-secret', CLIENT.secret], {env: serverEnv(srv)})
  assert.equal(r.code, 2)
  assert.ok(!r.stderr.includes(CLIENT.secret) || /Nonexistent flag/.test(r.stderr))
  assert.equal(srv.requests.length, 0)
})
