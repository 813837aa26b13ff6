// `tink grant delegate` for an unknown user: the 404's hint is the exact command that creates it.
import assert from 'node:assert/strict'
import { describe, test} from 'node:test'
import {runTink} from '../../support/in-process.js'
import {DELEGATE_PATH} from '../../support/cli.js'
import {server, envFor} from '../../support/scripted-server.js'

describe('grant delegate for an unknown user', () => {
  test('404: the hint is the exact command that creates the user', async () => {
    const srv = await server({token: true})
    srv.script(DELEGATE_PATH, {status: 404, json: {errorMessage: 'User not found', errorCode: 'user_not_found'}})
    const r = await runTink(['grant', 'delegate', '--external-user-id', 'cust-9', '--id-hint', 'Jane', '--market', 'SE', '--redirect-uri', 'https://example.com/cb'], {env: envFor(srv)})
    assert.equal(r.code, 4, r.stderr)
    assert.match(r.stderr, /Create the user first: tink user create --external-user-id cust-9 --market SE/)
  })
})
