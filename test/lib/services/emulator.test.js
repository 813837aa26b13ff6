// `tink emulator start`'s service called directly: the emulator's own parsers for --fault and
// --client, and a start that listens, says how to reach it, and reports a busy port as it is.
import {describe, test} from 'node:test'
import assert from 'node:assert/strict'
import {isLoopbackHost, parseEmulatorSpecs, startEmulator} from '../../../dist/lib/services/emulator/start.js'

const base = {host: '127.0.0.1', demoData: false, quiet: true, clients: [], log: () => {}}

describe('emulator start service', () => {
  test('a bad fault spec is a usage error (exit 2) with the parser\'s message; good specs are parsed', async () => {
    await assert.rejects(parseEmulatorSpecs({faults: '503=2', clients: []}), (err) => {
      assert.equal(err.exitCode, 2)
      assert.match(err.message, /bad fault spec entry "503=2": rate must be a number from 0 to 1/)
      return true
    })
    const specs = await parseEmulatorSpecs({faults: 'create:503=0.5', clients: ['my-app:my-secret:user:create,authorization:grant']})
    assert.equal(specs.clients[0].id, 'my-app')
    assert.deepEqual(specs.clients[0].scopes, ['user:create', 'authorization:grant'])
    assert.ok(specs.faults)
  })

  test('started on a free port: the start record and banner name a URL that answers, with the built-in client', async (t) => {
    const started = await startEmulator({...base, port: 0})
    t.after(() => started.running.close())
    const {record, banner} = started
    assert.equal(record.clientId, 'tink-emulator-client')
    assert.equal(record.port, started.running.port)
    const health = await fetch(`${record.url}/__emulator/health`)
    assert.deepEqual(await health.json(), {ok: true})
    assert.ok(banner.includes(`  export TINK_API_URL=${record.url} TINK_LINK_URL=${record.url} TINK_CLIENT_ID=tink-emulator-client TINK_CLIENT_SECRET=tink-emulator-secret`))
  })

  test('a port in use is the listen error as thrown (EADDRINUSE), for the command to word', async (t) => {
    const first = await startEmulator({...base, port: 0})
    t.after(() => first.running.close())
    await assert.rejects(startEmulator({...base, port: first.running.port}), {code: 'EADDRINUSE'})
  })

  test("loopback hosts keep it on this machine; any other host does not", async () => {
    assert.equal(await isLoopbackHost('127.0.0.1'), true)
    assert.equal(await isLoopbackHost('localhost'), true)
    assert.equal(await isLoopbackHost('0.0.0.0'), false)
  })
})
