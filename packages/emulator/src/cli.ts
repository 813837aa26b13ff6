/** `tink-emulator`: the emulator as a command of its own, for test suites and CI that do not use the tink CLI. */
import {parseArgs} from 'node:util'

import {BUILTIN_CLIENT, type EmulatorClient, parseClientSpec} from './clients.js'
import {type FaultSpec, parseFaultSpec} from './faults.js'
import {isLoopback, type RunningEmulator, startEmulator} from './server.js'

export const HELP = `Usage: tink-emulator [options]

A local emulator of Tink's OAuth, user and data API and of Tink Link's Demo Bank pages, in the
foreground until Ctrl+C or SIGTERM.

Options:
  --port N             Port to listen on; 0 (default) picks a free port.
  --host HOST          Interface to bind (default 127.0.0.1, loopback only).
  --state FILE         JSON file that keeps users across restarts (written atomically).
  --token-ttl SECONDS  Lifetime of every access token (default 1800 client, 7200 user).
  --fault SPEC         Fault injection, e.g. "503=0.1,create:reset-after-commit=0.02,latency=20ms".
  --client ID:SECRET[:SCOPES]  An extra client (scopes omitted = every Tink scope). Repeatable.
  --seed N             Seed for faults and demo data, for reproducible runs.
  --redirect-uri URI   A redirect URI to register besides loopback http ones and Tink Console's
                       callbacks (https://console.tink.com/callback, https://console.us.tink.com/callback). Repeatable.
  --demo-data          Every user created gets a connected Demo Bank.
  --rate-limit N       At most N requests a second per client id (a token bucket with a burst of N);
                       beyond it 429 with Retry-After. Change it while running: POST /__emulator/rate-limit.
  --webhook-retry-ms N First interval before a webhook delivery is retried (default 5000; it doubles
                       for each of the 3 retries). Change it while running: POST /__emulator/webhook-retry.
  --json               Print one JSON line {"url","linkUrl","clientId","clientSecret","port","redirectUris"} and nothing else.
  --quiet              Do not log requests to stderr.
  -h, --help           Show this help.

The emulator's own choices (not Tink's): a market outside every list Tink documents is refused
with 400 (Tink adds markets; the live service may accept more); emulator-only endpoints are
GET /__emulator/health, GET /__emulator/users, GET /__emulator/stats ({"requests","byStatus"}),
POST /__emulator/faults (a fault spec), POST /__emulator/rate-limit (N or "off"),
POST /__emulator/events ({"event","userId"|"externalUserId","data"?}: emit a webhook event),
GET /__emulator/deliveries (webhook delivery attempts) and POST /__emulator/webhook-retry (ms).

Webhooks (events v2, /events/v2/webhook-endpoints): Tink accepts https URLs only; the emulator
also accepts http URLs on loopback (localhost, 127.0.0.1, [::1]) so a laptop needs no tunnel.
It delivers signed events (X-Tink-Signature) when a Tink Link connection completes, when
--demo-data connects a user's bank, and on POST /__emulator/events; a delivery answered 408, 429,
500, 502, 503 or 504 is retried up to 3 times, one that cannot connect is not.

Exit codes: 0 stopped by SIGTERM, 130 stopped by Ctrl+C, 2 a bad option, 5 it cannot listen.
`

/** The lines `tink-emulator` (and `tink emulator start`) print once listening. */
/** What `--json` prints once the emulator listens: the one object both `tink-emulator` and `tink emulator start` print. */
export function startRecord(running: RunningEmulator) {
  return {
    url: running.url,
    linkUrl: running.url,
    clientId: BUILTIN_CLIENT.id,
    clientSecret: BUILTIN_CLIENT.secret,
    port: running.port,
    redirectUris: running.registeredRedirectUris,
  }
}

export function startBanner(running: RunningEmulator, clients: EmulatorClient[], demoData: boolean): string[] {
  return [
    `Tink emulator listening on ${running.url}`,
    '',
    'Built-in client (all scopes):',
    `  client id:     ${BUILTIN_CLIENT.id}`,
    `  client secret: ${BUILTIN_CLIENT.secret}`,
    ...clients.map((c) => `Extra client:    ${c.id} (scopes: ${c.scopes.join(',')})`),
    '',
    'Point the tink CLI at it:',
    `  export TINK_API_URL=${running.url} TINK_LINK_URL=${running.url} TINK_CLIENT_ID=${BUILTIN_CLIENT.id} TINK_CLIENT_SECRET=${BUILTIN_CLIENT.secret}`,
    '',
    `Tink Link (Demo Bank) is served here too: ${running.url}/1.0/<flow>`,
    'Registered redirect URIs: loopback http ones (http://localhost, http://127.0.0.1, http://[::1], any port and path)',
    ...running.registeredRedirectUris.map((u) => `  ${u}`),
    ...(demoData ? ['Demo data: every user created gets a connected Demo Bank with two accounts and a few hundred transactions.'] : []),
    ...(running.rateLimit !== undefined ? [`Rate limit: ${running.rateLimit} requests a second per client id (429 with Retry-After beyond it).`] : []),
    '',
    `Emulator-only: GET ${running.url}/__emulator/users, GET ${running.url}/__emulator/health, GET ${running.url}/__emulator/stats`,
    `Webhooks: ${running.url}/events/v2/webhook-endpoints takes https URLs (as Tink) and loopback http ones; emit an event with POST ${running.url}/__emulator/events`,
    'Stop with Ctrl+C.',
  ]
}

const fail = (message: string): number => {
  process.stderr.write(`tink-emulator: ${message}\n`)
  return 2
}

const integer = (name: string, v: string | undefined, min: number, max = Number.MAX_SAFE_INTEGER): number | string | undefined => {
  if (v === undefined) return undefined
  const n = Number(v)
  return Number.isInteger(n) && n >= min && n <= max
    ? n
    : `--${name} must be a whole number from ${min}${max < Number.MAX_SAFE_INTEGER ? ` to ${max}` : ''}, got ${v}`
}

export async function main(argv: string[]): Promise<number> {
  let values
  try {
    values = parseArgs({
      args: argv,
      strict: true,
      options: {
        port: {type: 'string'},
        host: {type: 'string'},
        state: {type: 'string'},
        'token-ttl': {type: 'string'},
        fault: {type: 'string'},
        client: {type: 'string', multiple: true},
        seed: {type: 'string'},
        'redirect-uri': {type: 'string', multiple: true},
        'demo-data': {type: 'boolean'},
        'rate-limit': {type: 'string'},
        'webhook-retry-ms': {type: 'string'},
        json: {type: 'boolean'},
        quiet: {type: 'boolean'},
        help: {type: 'boolean', short: 'h'},
      },
    }).values
  } catch (error) {
    return fail(`${(error as Error).message} (see --help)`)
  }
  if (values.help) {
    process.stdout.write(HELP)
    return 0
  }
  const port = integer('port', values.port, 0, 65535)
  const ttl = integer('token-ttl', values['token-ttl'], 1)
  const seed = integer('seed', values.seed, 0)
  const rateLimit = integer('rate-limit', values['rate-limit'], 1)
  const webhookRetryMs = integer('webhook-retry-ms', values['webhook-retry-ms'], 0)
  for (const v of [port, ttl, seed, rateLimit, webhookRetryMs]) if (typeof v === 'string') return fail(v)
  let faults: FaultSpec | undefined
  let clients: EmulatorClient[]
  try {
    faults = values.fault === undefined ? undefined : parseFaultSpec(values.fault)
    clients = (values.client ?? []).map(parseClientSpec)
  } catch (error) {
    return fail((error as Error).message)
  }
  for (const uri of values['redirect-uri'] ?? []) if (!URL.canParse(uri)) return fail(`--redirect-uri must be an absolute URL, got ${uri}`)
  const host = values.host ?? '127.0.0.1'
  if (!isLoopback(host)) process.stderr.write(`Warning: binding to ${host}: the emulator and its well-known client secret are reachable from the network.\n`)

  let running: RunningEmulator
  try {
    running = await startEmulator({
      port: port as number | undefined,
      host,
      stateFile: values.state,
      tokenTtl: ttl as number | undefined,
      clients,
      faults,
      seed: seed as number | undefined,
      redirectUris: values['redirect-uri'],
      demoData: values['demo-data'],
      rateLimit: rateLimit as number | undefined,
      webhookRetryMs: webhookRetryMs as number | undefined,
      quiet: values.quiet ?? false,
      log: (line) => process.stderr.write(line + '\n'),
    })
  } catch (error) {
    const e = error as NodeJS.ErrnoException
    process.stderr.write(`tink-emulator: cannot start: ${e.message}\n`)
    return e.code === undefined && /state file/.test(e.message) ? 2 : 5
  }
  if (values.json) {
    process.stdout.write(JSON.stringify(startRecord(running)) + '\n')
  } else {
    process.stdout.write(startBanner(running, clients, values['demo-data'] ?? false).join('\n') + '\n')
  }
  const signal = await new Promise<NodeJS.Signals>((resolve) => {
    process.once('SIGINT', () => resolve('SIGINT'))
    process.once('SIGTERM', () => resolve('SIGTERM'))
  })
  await running.close()
  return signal === 'SIGTERM' ? 0 : 130
}
