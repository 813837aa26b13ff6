// Concurrent profile writes: runs of profile add at the same time keep every profile and each
// one's own secret (the lock of src/lib/config/lock.ts).
import assert from 'node:assert/strict'
import { describe, test} from 'node:test'
import {runTink} from '../../support/in-process.js'
import {runCli, tempDir} from '../../helpers.js'
import {server} from '../../support/scripted-server.js'

describe('concurrent profile writes', () => {
  test('8 concurrent profile add runs: every profile is kept, and each one\'s secret is its own', async () => {
    const dir = tempDir()
    const N = 8
    const runs = await Promise.all(Array.from({length: N}, (_, i) =>
      runCli(['profile', 'add', `p${i}`, '--client-id', `cid-${i}`, '--client-secret-stdin', '--insecure-storage', '--no-verify'], {input: `secret-${i}`, env: {TINK_CONFIG_DIR: dir}})))
    for (const r of runs) assert.equal(r.code, 0, r.stderr)
    const list = await runTink(['profile', 'list', '--json'], {env: {TINK_CONFIG_DIR: dir}})
    const names = JSON.stringify(JSON.parse(list.stdout))
    for (let i = 0; i < N; i++) assert.ok(names.includes(`"p${i}"`), `p${i} kept: ${names}`)
    const srv = await server({token: true})
    for (let i = 0; i < N; i++) {
      const r = await runTink(['token', 'get', '--no-cache', '-p', `p${i}`, '--base-url', srv.url], {env: {TINK_CONFIG_DIR: dir}})
      assert.equal(r.code, 0, r.stderr)
      assert.equal(srv.requests.at(-1).form.client_secret, `secret-${i}`)
      assert.equal(srv.requests.at(-1).form.client_id, `cid-${i}`)
    }
  })
})
