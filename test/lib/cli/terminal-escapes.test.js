// Server text cannot drive the terminal: escape and control characters in what a server sends
// are shown harmless.
import assert from 'node:assert/strict'
import { describe, test} from 'node:test'
import {runTink} from '../../support/in-process.js'
import {TOKEN_PATH} from '../../support/cli.js'
import {server, envFor} from '../../support/scripted-server.js'

describe('server text cannot drive the terminal', () => {
  const EVIL = ['\x1b[2J\x1b[H', '\x1b]0;pwned title\x07', '\x1b]8;;http://evil\x1b\\link\x1b]8;;\x1b\\', '\x9b31m', '\x07\x08\x0d', '\x1bc', '\x1bP1$qm\x1b\\']
  const bad = /[\x00-\x08\x0b-\x1f\x7f-\x9f]/
  for (const seq of EVIL) {
    test(JSON.stringify(seq), async () => {
      const srv = await server()
      srv.script(TOKEN_PATH, {status: 400, json: {errorMessage: `bad ${seq}request`, errorCode: `code${seq}`}})
      for (const extra of [[], ['--verbose']]) {
        const r = await runTink(['token', 'get', '--no-cache', '--retries', '0', ...extra], {env: envFor(srv), stderrTTY: true, stdoutTTY: true})
        assert.equal(r.code, 4)
        assert.doesNotMatch(r.stderr, bad, JSON.stringify(r.stderr))
        assert.match(r.stderr, /bad .*request/)
      }
      srv.script(TOKEN_PATH, {status: 502, headers: {'content-type': 'text/html'}, body: `<html><title>Bad${seq}</title><body>gateway ${seq} down</body></html>`})
      const r = await runTink(['token', 'get', '--no-cache', '--retries', '0'], {env: envFor(srv), stderrTTY: true})
      assert.doesNotMatch(r.stderr, bad, JSON.stringify(r.stderr))
    })
  }
})
