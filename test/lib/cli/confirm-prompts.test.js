// The confirmation prompts of destructive commands (user delete, profile remove) name the
// profile and the API host they act on.
import assert from 'node:assert/strict'
import { describe, test} from 'node:test'
import {runTink} from '../../support/in-process.js'
import {tempDir} from '../../helpers.js'
import {DELETE_PATH, GRANT_PATH, inTerminal, spawnCli, TOKEN_PATH} from '../../support/cli.js'
import {server, envFor} from '../../support/scripted-server.js'

describe('destructive commands', () => {
  test('the user delete and profile remove prompts name the profile and API host', async () => {
    const dir = tempDir()
    const srv = await server({token: true})
    const add = await runTink(['profile', 'add', 'eu-prod', '--client-id', 'cid', '--client-secret-stdin', '--insecure-storage', '--no-verify', '--base-url', srv.url], {input: 's', env: {TINK_CONFIG_DIR: dir}})
    assert.equal(add.code, 0, add.stderr)
    const host = new URL(srv.url).host
    const del = await inTerminal(['user', 'delete', '--external-user-id', 'gina'], {prompt: /Delete the user/, answer: 'n', env: {TINK_CONFIG_DIR: dir}})
    assert.match(del.output.replace(/\s+/g, ' '), new RegExp(`Delete the user with external id gina .*profile "eu-prod", API ${host}`))
    const rm = await inTerminal(['profile', 'remove', 'eu-prod'], {prompt: /Remove profile/, answer: 'n', env: {TINK_CONFIG_DIR: dir}})
    assert.match(rm.output.replace(/\s+/g, ' '), new RegExp(`Remove profile "eu-prod" \\(API ${host}\\)`))
  })

  for (const [step, _path, said] of [['grant', GRANT_PATH, /step 1 of 3.*nothing was deleted.*still exists/], ['delete', DELETE_PATH, /delete request was sent.*may be deleted.*reported as missing/]]) {
    test(`Ctrl-C during user delete (${step} step) says which step and what state the user may be in`, async () => {
      const srv = await server({token: true})
      srv.script(GRANT_PATH, step === 'grant' ? {hang: 'headers'} : {json: {code: 'c1'}})
      srv.script(TOKEN_PATH, {json: {access_token: 'tok-abc', token_type: 'bearer', expires_in: 1800, scope: 'user:delete'}})
      srv.script(DELETE_PATH, {hang: 'headers'})
      const {child, done} = spawnCli(['user', 'delete', '--external-user-id', 'u1', '--yes'], {env: envFor(srv)})
      await srv.waitForRequests(step === 'grant' ? 2 : 4)
      child.kill('SIGINT')
      const r = await done
      assert.equal(r.code, 130, r.stderr)
      assert.match(r.stderr, said)
    })
  }
})
