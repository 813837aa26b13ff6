// What the tests of a machine without a keychain share (test/lib/secrets/: no-keychain,
// invalid-config-and-secrets-files, no-write-through-links): the environment of a headless box,
// the emulator's own client and an emulator for a describe block, a tag for the names a run
// creates, and the token requests an emulator saw.
import {randomBytes} from 'node:crypto'
import {after, before} from 'node:test'
import {startEmulator} from 'tink-emulator'

export const RUN = randomBytes(3).toString('hex')
export const CLIENT = {id: 'tink-emulator-client', secret: 'tink-emulator-secret'}
/** What a headless box looks like to libsecret: no session bus, no X display to autolaunch one. */
export const NO_KEYCHAIN = {DBUS_SESSION_BUS_ADDRESS: 'unix:path=/nonexistent', DISPLAY: ''}
export const tokenRequests = (emu) => emu.requests.filter((r) => r.path === '/api/v1/oauth/token')

/**
 * The emulator the tests of the calling describe block share: started in its `before`, closed in
 * its `after`. Its `url` and `requests` are there once `before` has run.
 */
export function emulatorForSuite() {
  let emu
  before(async () => {
    emu = await startEmulator()
  })
  after(() => emu?.close())
  return {
    get url() {
      return emu.url
    },
    get requests() {
      return emu.requests
    },
  }
}
