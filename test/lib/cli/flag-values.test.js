// Flag values as the parser takes them: numbers, units and their limits (--timeout 1.2345 is
// rounded to whole milliseconds).
import assert from 'node:assert/strict'
import { describe, test} from 'node:test'
import {runTink} from '../../support/in-process.js'
import {server, envFor} from '../../support/scripted-server.js'

describe('flag values', () => {
  const EMPTY = [['token', 'get', '--base-url', ''], ['token', 'get', '--client-id', ''], ['token', 'get', '--region', ''], ['token', 'get', '--profile', ''], ['token', 'get', '--timeout', ''],
    ['user', 'create', '--external-user-id', 'u', '--market', ''], ['user', 'create', '--external-user-id', 'u', '--market', 'GB', '--locale', ''], ['grant', 'create', '--external-user-id', 'u', '--scope', ''],
    ['user', 'create', '--file', 'x.csv', '--journal', ''], ['token', 'get', '--base-url=']]
  for (const args of EMPTY) {
    test(`empty: ${args.join(' ')}`, async () => {
      const srv = await server({token: true})
      const r = await runTink(args, {env: envFor(srv)})
      assert.equal(r.code, 2, r.stderr)
      assert.match(r.stderr, /--[\w-]+ is empty|empty/)
      assert.equal(srv.requests.length, 0, 'nothing sent')
    })
  }
  test('--timeout 1.2345 works (rounded to whole milliseconds)', async () => {
    const srv = await server({token: true})
    const r = await runTink(['token', 'get', '--no-cache', '--raw', '--timeout', '1.2345'], {env: envFor(srv)})
    assert.equal(r.code, 0, r.stderr)
    assert.equal(r.stdout, 'tok-abc\n')
  })
})
