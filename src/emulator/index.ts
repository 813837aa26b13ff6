// Public API of the local Tink emulator. Other modules (tests, demo, bench,
// the `tink emulator start` command) import only from here.
//
// Emulator-only behaviour worth knowing (none of it is part of Tink):
// - GET /__emulator/health -> {"ok":true}; GET /__emulator/users -> users array;
//   POST /__emulator/faults with a fault-spec body (empty = none) -> 204. These are
//   never faulted and never appear in `requests`.
// - `requests` keeps the last 100,000 requests by default (oldest tenth dropped at
//   once); `recordRequests: N` changes the cap, `false` turns recording off.
//   A request the emulator reset (fault) is recorded with status 0.
// - Users belong to the client that created them (external ids are unique per
//   client; another client's grant for them is a 404), as apps are on Tink.
// - Only users are persisted in `stateFile`; tokens and codes live in memory.
// - Idempotency-Key is honoured on user/create only (per client, 24 h; replays
//   carry `Idempotent-Replayed: true`).
// - Tink Link pages (/1.0/<flow>, GET form + POST choice -> 303 to redirect_uri) and the data
//   endpoints live on the same server; bank data (credentials, accounts, transactions) is kept in
//   memory only, never in `stateFile`. See spec/TINK-LINK-NOTES.md for what is Tink's and what
//   is the emulator's own choice.
// - `quiet` defaults to true for the library: pass `quiet: false` or `log` to get
//   one line per request.
export {ALL_SCOPES, BUILTIN_CLIENT, parseClientSpec, TINK_LINK_CLIENT_ID, type EmulatorClient} from './clients.js'
export {parseFaultSpec, type FaultEndpoint, type FaultSet, type FaultSpec} from './faults.js'
export {isLocale, isMarket} from '../lib/tink/markets.js'
export {
  isLoopback,
  startEmulator,
  type EmulatorOptions,
  type EmulatorUser,
  type RecordedRequest,
  type RunningEmulator,
} from './server.js'
