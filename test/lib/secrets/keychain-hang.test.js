// A session bus (or Secret Service) that accepts connections and never answers. keytar blocks a
// threadpool thread there, and Node waits for that thread at exit: the process must end anyway,
// so these run as subprocesses and time the child to its end. Linux only (D-Bus).
import assert from 'node:assert/strict'
import {writeFileSync} from 'node:fs'
import {createServer} from 'node:net'
import {join} from 'node:path'
import {after, before, describe, test} from 'node:test'
import {startEmulator} from 'tink-emulator'
import {KEYCHAIN_TIMEOUT_MS} from '../../../dist/lib/secrets/keychain.js'
import {emulatorEnv, runCli, tempDir} from '../../helpers.js'

const linux = process.platform === 'linux'

/** A little-endian METHOD_RETURN to `serial` with one string in its body (Hello's unique name). */
function helloReply(serial) {
  const name = Buffer.from(':1.42')
  // fields: REPLY_SERIAL (5, 'u'), then SIGNATURE (8, 'g' = "s"), each struct 8-aligned
  const fields = Buffer.concat([Buffer.from([5, 1, 0x75, 0]), u32(serial), Buffer.from([8, 1, 0x67, 0, 1, 0x73, 0])])
  const body = Buffer.concat([u32(name.length), name, Buffer.from([0])])
  const fixed = Buffer.concat([Buffer.from([0x6c, 2, 1, 1]), u32(body.length), u32(1), u32(fields.length)])
  return Buffer.concat([fixed, fields, Buffer.alloc(1), body]) // the header padded to 8 before the body
}
function u32(n) {
  const b = Buffer.alloc(4)
  b.writeUInt32LE(n)
  return b
}

/**
 * A unix socket that counts connections. 'silent' reads and never writes; 'hello' completes the
 * SASL handshake and answers Hello, then never answers anything else (a hung Secret Service).
 */
async function fakeBus(mode) {
  const path = join(tempDir('tink-bus-'), 'bus')
  const bus = {connections: 0, address: `unix:path=${path}`, sockets: new Set()}
  const server = createServer((socket) => {
    bus.connections++
    bus.sockets.add(socket)
    socket.on('close', () => bus.sockets.delete(socket))
    socket.on('error', () => {})
    if (mode === 'silent') return socket.resume()
    let text = ''
    let begun = false
    socket.on('data', (d) => {
      text += d.toString('latin1')
      // The SASL lines, then binary messages: the first (serial 1) is Hello.
      while (!begun && text.includes('\r\n')) {
        const line = text.slice(0, text.indexOf('\r\n')).replace(/^\0/, '')
        text = text.slice(text.indexOf('\r\n') + 2)
        if (line.startsWith('AUTH EXTERNAL')) socket.write('OK 0123456789abcdef0123456789abcdef\r\n')
        else if (line === 'BEGIN') begun = true
        else socket.write('ERROR\r\n')
      }
      if (begun && text.includes('Hello')) {
        text = ''
        socket.write(helloReply(1))
      }
    })
  })
  await new Promise((resolve) => server.listen(path, resolve))
  bus.close = () => {
    for (const s of bus.sockets) s.destroy()
    return new Promise((resolve) => server.close(resolve))
  }
  return bus
}

/** runCli, with the wall time of the child from spawn to its end. */
async function timed(args, options) {
  const start = Date.now()
  const r = await runCli(args, {timeoutMs: 60_000, ...options})
  return {...r, ms: Date.now() - start}
}

describe('a keychain that does not answer', {skip: !linux && 'D-Bus is Linux only'}, () => {
  let emu
  before(async () => {
    emu = await startEmulator()
  })
  after(() => emu?.close())

  test('environment credentials never connect to the bus and exit at once', async () => {
    const bus = await fakeBus('silent')
    try {
      const r = await timed(['token', 'get', '--raw'], {env: {...emulatorEnv(emu), DBUS_SESSION_BUS_ADDRESS: bus.address}})
      assert.equal(r.code, 0, r.stderr)
      assert.match(r.stdout, /^\S+\n$/, 'the token')
      assert.ok(r.ms < 4000, `exited after ${r.ms} ms`)
      assert.equal(bus.connections, 0, 'the keychain was never asked')

      const clear = await timed(['token', 'clear'], {env: {...emulatorEnv(emu), DBUS_SESSION_BUS_ADDRESS: bus.address}})
      assert.equal(clear.code, 0, clear.stderr)
      assert.match(clear.stderr, /^Nothing to clear: tokens of credentials from the environment or flags are never cached/)
      assert.equal(bus.connections, 0)
    } finally {
      await bus.close()
    }
  })

  for (const mode of ['silent', 'hello']) {
    test(`a keychain profile over a bus that ${mode === 'silent' ? 'never answers' : 'answers Hello but not the Secret Service'}: exit 3 with the timeout cause, and the process ends`, async () => {
      const bus = await fakeBus(mode)
      const dir = tempDir()
      writeFileSync(join(dir, 'config.json'), JSON.stringify({active: 'kc', profiles: {kc: {clientId: 'tink-emulator-client', baseUrl: emu.url, storage: 'keychain'}}}))
      const sent = emu.requests.length
      try {
        const r = await timed(['token', 'get'], {env: {TINK_CONFIG_DIR: dir, DBUS_SESSION_BUS_ADDRESS: bus.address, DISPLAY: ''}})
        assert.equal(r.code, 3, r.stderr)
        const lines = r.stderr.trim().split('\n')
        assert.equal(lines.length, 1, r.stderr)
        assert.match(lines[0], /^Error: Cannot read kc:client-secret from the keychain: the OS keychain is unavailable: the keychain did not answer within the time limit/)
        assert.match(lines[0], /TINK_CLIENT_SECRET.*--insecure-storage/)
        assert.ok(r.ms < KEYCHAIN_TIMEOUT_MS + 2000, `the process ended after ${r.ms} ms`)
        assert.ok(bus.connections >= 1, 'the bus was asked')
        assert.equal(emu.requests.length, sent, 'no request sent')
      } finally {
        await bus.close()
      }
    })
  }
})
