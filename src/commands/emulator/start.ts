import {Flags} from '@oclif/core'
import {command} from '../../lib/cli/base-command.js'
import type {Factory, Outcome} from '../../lib/cli/factory.js'
import {CliError, ExitCode, usageError} from '../../lib/errors/cli-error.js'
import {isLoopbackHost, parseEmulatorSpecs, startEmulator, type StartedEmulator} from '../../lib/services/emulator/start.js'

// None of the global flags: the emulator reads no profile and sends nothing.
export default class EmulatorStart extends command({
  flags: {
    port: Flags.integer({description: 'Port to listen on; 0 picks a free port.', default: 0}),
    host: Flags.string({
      description: 'Interface to bind. Default 127.0.0.1 (loopback only); anything else exposes the emulator to the network.',
    }),
    state: Flags.string({description: 'JSON file that keeps users across restarts (written atomically).'}),
    'token-ttl': Flags.integer({description: 'Lifetime in seconds of every access token. Default: 1800 for client tokens, 7200 for user tokens.'}),
    fault: Flags.string({aliases: ['faults'], description: 'Fault injection spec, e.g. "503=0.1,429=0.05,create:reset-after-commit=0.02,latency=20ms".'}),
    client: Flags.string({
      description: 'Extra client as ID:SECRET:scope1,scope2 (scopes omitted = all). Repeatable.',
      multiple: true,
    }),
    seed: Flags.integer({description: 'Seed for the fault random generator, for reproducible runs.'}),
    json: Flags.boolean({
      description: 'Print exactly one JSON line {"url","linkUrl","clientId","clientSecret","port","redirectUris"} on stdout and nothing else.',
    }),
    quiet: Flags.boolean({description: 'Do not log requests to stderr.'}),
    'redirect-uri': Flags.string({
      description:
        "A redirect URI Tink Link may send users back to, besides loopback http ones (localhost, 127.0.0.1, [::1]) and Tink Console's callbacks (https://console.tink.com/callback, https://console.us.tink.com/callback): always registered. Repeatable.",
      multiple: true,
    }),
    'rate-limit': Flags.integer({
      description:
        'At most N requests a second per client id (a token bucket with a burst of N); beyond it 429 with Retry-After and Tink\'s error body. Change it while running: POST /__emulator/rate-limit with N or "off".',
    }),
    'demo-data': Flags.boolean({
      description: 'Give every user created one connected Demo Bank: two accounts and a few hundred transactions (follow --seed).',
    }),
    'webhook-retry-ms': Flags.integer({
      description:
        'First interval in ms before a webhook delivery answered 408, 429 or 5xx is retried (default 5000; it doubles for each of the 3 retries). Change it while running: POST /__emulator/webhook-retry.',
    }),
  },
  baseFlags: {},
  usesProfiles: false,
}) {
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

  protected async main(f: Factory): Promise<Outcome<undefined>> {
    const {flags} = this
    const {io} = f
    if (flags.port < 0 || flags.port > 65535) throw usageError(`--port must be from 0 to 65535, got ${flags.port}`, 'Give 0 for a free port')
    if (flags['rate-limit'] !== undefined && flags['rate-limit'] < 1) {
      throw usageError(`--rate-limit must be a whole number of requests a second, 1 or more, got ${flags['rate-limit']}`)
    }
    if (flags['webhook-retry-ms'] !== undefined && flags['webhook-retry-ms'] < 0) {
      throw usageError(`--webhook-retry-ms must be a whole number of milliseconds, 0 or more, got ${flags['webhook-retry-ms']}`)
    }
    if (flags['token-ttl'] !== undefined && flags['token-ttl'] <= 0) {
      throw usageError(`--token-ttl must be a positive number of seconds, got ${flags['token-ttl']}`)
    }
    const specs = await parseEmulatorSpecs({faults: flags.fault, clients: flags.client ?? []})
    for (const uri of flags['redirect-uri'] ?? []) {
      if (!URL.canParse(uri)) throw usageError(`--redirect-uri must be an absolute URL, got ${uri}`, 'e.g. --redirect-uri https://example.com/callback')
    }
    const host = flags.host ?? '127.0.0.1'
    if (!(await isLoopbackHost(host))) {
      io.stderr.write(`Warning: binding to ${host}: the emulator and its well-known client secret are reachable from the network.\n`)
    }

    let started: StartedEmulator
    try {
      started = await startEmulator({
        ...specs,
        port: flags.port,
        host,
        stateFile: flags.state,
        tokenTtl: flags['token-ttl'],
        seed: flags.seed,
        redirectUris: flags['redirect-uri'],
        demoData: flags['demo-data'],
        rateLimit: flags['rate-limit'],
        webhookRetryMs: flags['webhook-retry-ms'],
        quiet: flags.quiet,
        log: (line) => io.stderr.write(line + '\n'),
      })
    } catch (error) {
      throw startFailure(error as NodeJS.ErrnoException, flags.port, host, flags.state)
    }
    io.stdout.write(flags.json ? JSON.stringify(started.record) + '\n' : started.banner.join('\n') + '\n')

    // Stay in the foreground until Ctrl-C or SIGTERM; then close so the state file is flushed.
    if (!f.signal.aborted) await new Promise((resolve) => f.signal.addEventListener('abort', resolve, {once: true}))
    const code = f.interrupt.by === 'SIGTERM' ? ExitCode.OK : ExitCode.INTERRUPTED
    // If something still holds the event loop after close, do not hang the terminal.
    setTimeout(() => process.exit(code), 3000).unref()
    await started.running.close()
    return {exitCode: code}
  }
}

/** Why the emulator could not start, as a documented exit code: 5 cannot listen, 2 a bad --state file. */
function startFailure(e: NodeJS.ErrnoException, port: number, host: string, state: string | undefined): CliError {
  const listen = (message: string, hint: string): CliError =>
    new CliError(`cannot start the emulator: ${message}`, {exitCode: ExitCode.UNAVAILABLE, code: 'cannot_listen', hint, cause: e})
  switch (e.code) {
    case 'EADDRINUSE':
      return listen(`port ${port} on ${host} is already in use`, 'Stop what uses it, pick another --port, or give --port 0 for a free one')
    case 'EACCES':
      return listen(`no permission to listen on port ${port} of ${host}`, 'Use a port of 1024 or above, or --port 0 for a free one')
    case 'EADDRNOTAVAIL':
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return listen(`--host ${host} is not an address of this machine`, 'Leave --host out for 127.0.0.1, or give an address this machine has')
    default:
      if (state !== undefined && /state file/.test(e.message)) return new CliError(e.message, {exitCode: ExitCode.USAGE, code: 'invalid_state_file', cause: e})
      return listen(e.message, 'Check --port and --host')
  }
}
