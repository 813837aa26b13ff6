// The emulator's client in the conformance tests (test/project/: conformance and
// conformance-beyond-seed), one of this run only: a profile's client tokens are cached per
// (client id, API URL, scopes), and a token left there by an earlier run on a reused port must not
// stand in for a request a test means to send through Prism.
import {ALL_SCOPES} from 'tink-emulator'

export const CLIENT = {id: `conformance-${process.pid}-${Date.now().toString(36)}`, secret: 'conformance-secret', scopes: [...ALL_SCOPES]}
