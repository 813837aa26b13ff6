// What the tests of a machine without a keychain share (test/lib/secrets/: no-keychain,
// invalid-config-and-secrets-files, no-write-through-links): the environment of a headless box,
// the emulator's own client, a tag for the names a run creates, and the token requests an emulator saw.
import {randomBytes} from 'node:crypto'

export const RUN = randomBytes(3).toString('hex')
export const CLIENT = {id: 'tink-emulator-client', secret: 'tink-emulator-secret'}
/** What a headless box looks like to libsecret: no session bus, no X display to autolaunch one. */
export const NO_KEYCHAIN = {DBUS_SESSION_BUS_ADDRESS: 'unix:path=/nonexistent', DISPLAY: ''}
export const tokenRequests = (emu) => emu.requests.filter((r) => r.path === '/api/v1/oauth/token')
