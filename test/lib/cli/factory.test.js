// The Factory's HTTP clients (src/lib/cli/factory.ts): http(tuning) applies its tuning on every call.
import {describe, test} from 'node:test'
import assert from 'node:assert/strict'
import {startTinkServer} from '../../support/tink-server.js'

describe('the run\'s HTTP clients', () => {
  test('http(tuning) builds a client with that tuning on every call, not only the first (a bulk run after another request keeps its own)', async () => {
    const {Factory} = await import('../../../dist/lib/cli/factory.js')
    const {testIO} = await import('../../../dist/lib/cli/io.js')
    const {Interrupt} = await import('../../../dist/lib/cli/interrupt.js')
    const gone = await startTinkServer()
    const url = gone.url
    await gone.close()
    const f = new Factory({io: testIO(), flags: {'base-url': url, retries: 2}, version: '0.0.0', json: false, interrupt: new Interrupt(), usesProfiles: false})
    try {
      const plain = await f.http()
      assert.equal(await f.http(), plain, 'one shared client without tuning')
      const tuned = await f.http({retries: 0, backoffBaseMs: 1})
      assert.notEqual(tuned, plain)
      const once = await tuned.request({method: 'GET', path: '/x', what: 'probe'}).catch((e) => e)
      assert.match(once.message, /probe: cannot reach .*ECONNREFUSED/)
      assert.doesNotMatch(once.message, /attempts/, 'the tuned client tried once (--retries 0)')
      const thrice = await plain.request({method: 'GET', path: '/x', what: 'probe'}).catch((e) => e)
      assert.match(thrice.message, /\(after 3 attempts in \d+\.\d s\)/, 'the shared client keeps --retries 2')
    } finally {
      await f.close()
    }
  })
})
