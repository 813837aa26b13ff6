import {emulatorStart, emulatorStartFlags} from '../../lib/actions/emulator-start.js'
import {commandOf} from '../../lib/cli/base-command.js'

// None of the global flags: the emulator reads no profile and sends nothing.
export default class EmulatorStart extends commandOf(emulatorStart, {flags: emulatorStartFlags, baseFlags: {}, usesProfiles: false}) {
  static override summary = 'Run a local Tink emulator in the foreground.'

  static override description = `Starts a stateful emulator of Tink's OAuth and user API (token, authorization-grant, delegate, user create/delete, revoke-all), the data endpoints (user, credentials, accounts, balances, parties, identities, transactions, provider consents) and Tink Link pages with a Demo Bank for every flow Tink documents (/1.0/<flow>), for tests, demos and practice. It is the tink-emulator package, bundled into tink. It prints its URL, the built-in client's credentials (client id tink-emulator-client, secret tink-emulator-secret, every scope Tink documents) and the registered redirect URIs (loopback http ones, https://console.tink.com/callback, https://console.us.tink.com/callback and any --redirect-uri), logs one line per request to stderr, and stops on Ctrl+C or SIGTERM.

The emulator's own choices (not Tink's): a market outside every list Tink documents is refused with 400 (Tink adds markets); emulator-only endpoints GET /__emulator/health, GET /__emulator/users, GET /__emulator/stats ({"requests","byStatus"}: what it saw), POST /__emulator/faults (body: a fault spec), POST /__emulator/rate-limit (body: N or "off"), POST /__emulator/events (emit a webhook event; tink emulator trigger sends it), GET /__emulator/deliveries (webhook delivery attempts), POST /__emulator/webhook-retry (body: ms).

Webhooks: it serves Tink's events v2 endpoints (/events/v2/webhook-endpoints) and delivers signed events (X-Tink-Signature) when a Tink Link connection completes, when --demo-data connects a new user's bank, and on tink emulator trigger, retrying on 408, 429, 500, 502, 503 and 504 as Tink does. Tink accepts https webhook URLs only; the emulator also accepts http ones on loopback (localhost, 127.0.0.1, [::1]), so no tunnel is needed on a laptop.

Fault spec: comma-separated [ENDPOINT:]KIND=VALUE entries. ENDPOINT: token, grant, delegate, create, delete. KIND: 500, 502, 503, 429, reset, reset-after-commit, malformed (a rate from 0 to 1), latency (20ms, 1s), retry-after (seconds or "date", for 429).

Exit codes: 0 stopped by SIGTERM, 130 stopped by Ctrl+C, 2 a bad flag value or an unreadable --state file, 5 it cannot listen (the port is in use, a port below 1024 without permission, a --host this machine does not have). Errors are one line on stderr; with --json, one JSON error document on stdout, as for every tink command.`

  static override examples = [
    {
      description: 'Start on a free port and point the CLI at it (run the export line it prints):',
      command: '<%= config.bin %> <%= command.id %>',
    },
    {
      description: 'Fixed port, users kept across restarts, a flaky user create and a slow network:',
      command:
        '<%= config.bin %> <%= command.id %> --port 8787 --state ./tink-emulator.json --fault "create:503=0.2,reset-after-commit=0.05,latency=20ms" --seed 42',
    },
    {
      description: 'Machine-readable start line for scripts, plus an extra client with two scopes:',
      command: '<%= config.bin %> <%= command.id %> --json --quiet --client my-app:my-secret:user:create,authorization:grant',
    },
  ]
}
