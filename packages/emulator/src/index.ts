// Public API of the local Tink emulator (the package `tink-emulator`). It imports nothing from
// the tink CLI: its tables are written from Tink's documentation, so it is an independent oracle.
//
// Emulator-only behaviour worth knowing (none of it is part of Tink):
// - GET /__emulator/health -> {"ok":true}; GET /__emulator/users -> users array;
//   POST /__emulator/faults with a fault-spec body (empty = none) -> 204. These are
//   never faulted and never appear in `requests`.
// - `requests` keeps the last 100,000 requests by default (oldest tenth dropped at
//   once); `recordRequests: N` changes the cap, `false` turns recording off.
//   A request the emulator reset (fault) is recorded with status 0.
// - Users belong to the client that created them (external ids are unique per client; another
//   client's grant for them is Tink's 401), as apps are on Tink.
// - Only users and webhook endpoints are persisted in `stateFile`; tokens and codes live in memory.
// - Idempotency-Key is honoured on user/create only (per client, 24 h; replays
//   carry `Idempotent-Replayed: true`).
// - A market outside every Tink list is refused (400; on Link pages INVALID_PARAMETER_MARKET):
//   the emulator's choice, since Tink adds markets.
// - Tink Link pages (/1.0/<flow>, GET form + POST choice -> 303 to redirect_uri) and the data
//   endpoints live on the same server; bank data is kept in memory only.
// - Webhooks (events v2): endpoints persist in `stateFile` with their secrets; http URLs on loopback
//   are accepted besides https (Tink: https only). POST /__emulator/events emits an event;
//   GET /__emulator/deliveries lists attempts; `webhookRetryMs` sets the first retry interval.
// - `quiet` defaults to true for the library: pass `quiet: false` or `log` to get one line per request.
export {ALL_SCOPES, BUILTIN_CLIENT, parseClientSpec, TINK_CONSOLE_REDIRECT_URIS, TINK_LINK_CLIENT_ID, type EmulatorClient} from './clients.js'
export {parseFaultSpec, type FaultEndpoint, type FaultSet, type FaultSpec} from './faults.js'
export {isLinkLocale, isTinkMarket, isUserLocale, LINK_LOCALES, TINK_MARKETS} from './tables/markets.js'
export {LINK_FLOWS, LINK_FLOW_NAMES, LINK_PRODUCTS, type FlowSpec} from './tables/flows.js'
export {TINK_SCOPES} from './tables/scopes.js'
export {TINK_EVENTS} from './tables/events.js'
export {tinkSignature, type DeliveryAttempt} from './webhook-delivery.js'
export {HELP as EMULATOR_HELP, startBanner, startRecord} from './cli.js'
export {isLoopback, startEmulator, type EmulatorOptions, type EmulatorUser, type RecordedRequest, type RunningEmulator} from './server.js'
