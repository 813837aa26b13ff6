// Public API of the local Tink emulator. Other modules (tests, demo, bench,
// the `tink emulator start` command) import only from here.
export {ALL_SCOPES, BUILTIN_CLIENT, parseClientSpec, TINK_LINK_CLIENT_ID, type EmulatorClient} from './clients.js'
export {parseFaultSpec, type FaultEndpoint, type FaultSet, type FaultSpec} from './faults.js'
export {isLocale, isMarket} from './markets.js'
export {
  isLoopback,
  startEmulator,
  type EmulatorOptions,
  type EmulatorUser,
  type RecordedRequest,
  type RunningEmulator,
} from './server.js'
