import {Command, Flags} from '@oclif/core'
import {CliError, ExitCode, toCliError, usageError} from '../../lib/errors.js'
import {paint, prepareColor, writeJson} from '../../lib/output.js'

// Only the type is imported statically: the emulator itself is loaded inside run(),
// so its modules cost nothing to the startup of every other command.
import type {EmulatorClient, FaultSpec, RunningEmulator} from '../../emulator/index.js'

export default class EmulatorStart extends Command {
  static override summary = 'Run a local Tink emulator in the foreground.'

  static override description = `Starts a stateful emulator of Tink's OAuth and user API (token, authorization-grant, delegate, user create/delete, revoke-all), the data endpoints (user, credentials, accounts, balances, transactions, provider consents) and Tink Link pages with a Demo Bank (/1.0/<flow>), for tests, demos and practice. It prints its URL and the built-in client's credentials (client id tink-emulator-client, secret tink-emulator-secret, all scopes), logs one line per request to stderr, and stops on Ctrl+C or SIGTERM.

Emulator-only endpoints (not part of Tink): GET /__emulator/health, GET /__emulator/users, POST /__emulator/faults (body: a fault spec).

Fault spec: comma-separated [ENDPOINT:]KIND=VALUE entries. ENDPOINT: token, grant, delegate, create, delete. KIND: 500, 502, 503, 429, reset, reset-after-commit, malformed (a rate from 0 to 1), latency (20ms, 1s), retry-after (seconds or "date", for 429).

Exit codes: 0 stopped by SIGTERM, 130 stopped by Ctrl+C, 2 a bad flag value or an unreadable --state file, 5 it cannot listen (the port is in use, a port below 1024 without permission, a --host this machine does not have). Errors are one line on stderr; with --json, one JSON error document on stdout, as for every tink command.`

  static override examples = [
    {
      description: 'Start on a free port and point the CLI at it (run the export line it prints):',
      command: '<%= config.bin %> <%= command.id %>',
    },
    {
      description: 'Fixed port, users kept across restarts, a flaky user create and a slow network:',
      command: '<%= config.bin %> <%= command.id %> --port 8787 --state ./tink-emulator.json --fault "create:503=0.2,reset-after-commit=0.05,latency=20ms" --seed 42',
    },
    {
      description: 'Machine-readable start line for scripts, plus an extra client with two scopes:',
      command: '<%= config.bin %> <%= command.id %> --json --quiet --client my-app:my-secret:user:create,authorization:grant',
    },
  ]

  static override flags = {
    port: Flags.integer({description: 'Port to listen on; 0 picks a free port.', default: 0}),
    host: Flags.string({
      description: 'Interface to bind. Default 127.0.0.1 (loopback only); anything else exposes the emulator to the network.',
    }),
    state: Flags.string({description: 'JSON file that keeps users across restarts (written atomically).'}),
    'token-ttl': Flags.integer({description: 'Lifetime in seconds of every access token. Default: 1800 for client tokens, 7200 for user tokens.'}),
    fault: Flags.string({description: 'Fault injection spec, e.g. "503=0.1,429=0.05,create:reset-after-commit=0.02,latency=20ms".'}),
    client: Flags.string({
      description: 'Extra client as ID:SECRET:scope1,scope2 (scopes omitted = all). Repeatable.',
      multiple: true,
    }),
    seed: Flags.integer({description: 'Seed for the fault random generator, for reproducible runs.'}),
    json: Flags.boolean({description: 'Print exactly one JSON line {"url","linkUrl","clientId","clientSecret","port"} on stdout and nothing else.'}),
    quiet: Flags.boolean({description: 'Do not log requests to stderr.'}),
    'redirect-uri': Flags.string({
      description: 'A redirect URI Tink Link may send users back to, besides loopback http ones (localhost, 127.0.0.1, [::1]: always allowed). Repeatable.',
      multiple: true,
    }),
    'demo-data': Flags.boolean({description: 'Give every user created one connected Demo Bank: two accounts and a few hundred transactions (follow --seed).'}),
  }

  /** --json as given, known even when parsing the other flags failed (the error must follow it). */
  private jsonOutput = false

  override async init(): Promise<void> {
    await prepareColor()
    await super.init()
  }

  async run(): Promise<void> {
    this.jsonOutput = this.argv.includes('--json')
    const {flags} = await this.parse(EmulatorStart)
    this.jsonOutput = flags.json
    const emulator = await import('../../emulator/index.js')

    if (flags.port < 0 || flags.port > 65535) throw usageError(`--port must be from 0 to 65535, got ${flags.port}`, 'Give 0 for a free port')
    if (flags['token-ttl'] !== undefined && flags['token-ttl'] <= 0) {
      throw usageError(`--token-ttl must be a positive number of seconds, got ${flags['token-ttl']}`)
    }
    let faults: FaultSpec | undefined
    let clients: EmulatorClient[] = []
    try {
      faults = flags.fault === undefined ? undefined : emulator.parseFaultSpec(flags.fault)
      clients = (flags.client ?? []).map((c) => emulator.parseClientSpec(c))
    } catch (error) {
      throw usageError((error as Error).message)
    }
    for (const uri of flags['redirect-uri'] ?? []) {
      if (!URL.canParse(uri)) throw usageError(`--redirect-uri must be an absolute URL, got ${uri}`, 'e.g. --redirect-uri https://example.com/callback')
    }
    const host = flags.host ?? '127.0.0.1'
    if (!emulator.isLoopback(host)) {
      process.stderr.write(`Warning: binding to ${host}: the emulator and its well-known client secret are reachable from the network.\n`)
    }

    let running: RunningEmulator
    try {
      running = await emulator.startEmulator({
        port: flags.port,
        host,
        stateFile: flags.state,
        tokenTtl: flags['token-ttl'],
        clients,
        faults,
        seed: flags.seed,
        redirectUris: flags['redirect-uri'],
        demoData: flags['demo-data'],
        quiet: flags.quiet,
        log: (line) => process.stderr.write(line + '\n'),
      })
    } catch (error) {
      throw startFailure(error as NodeJS.ErrnoException, flags.port, host, flags.state)
    }

    const {BUILTIN_CLIENT} = emulator
    if (flags.json) {
      process.stdout.write(JSON.stringify({url: running.url, linkUrl: running.url, clientId: BUILTIN_CLIENT.id, clientSecret: BUILTIN_CLIENT.secret, port: running.port}) + '\n')
    } else {
      const lines = [
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
        `Tink Link (Demo Bank) is served here too: ${running.url}/1.0/<flow>; loopback redirect URIs are registered${(flags['redirect-uri'] ?? []).length > 0 ? `, and ${flags['redirect-uri']!.join(', ')}` : ''}.`,
        ...(flags['demo-data'] ? ['Demo data: every user created gets a connected Demo Bank with two accounts and a few hundred transactions.'] : []),
        '',
        `Emulator-only: GET ${running.url}/__emulator/users, GET ${running.url}/__emulator/health`,
        'Stop with Ctrl+C.',
      ]
      process.stdout.write(lines.join('\n') + '\n')
    }

    // Stay in the foreground until a signal; then close so the state file is flushed.
    const signal = await new Promise<NodeJS.Signals>((resolve) => {
      process.once('SIGINT', () => resolve('SIGINT'))
      process.once('SIGTERM', () => resolve('SIGTERM'))
    })
    // If something still holds the event loop after close, do not hang the terminal.
    setTimeout(() => process.exit(process.exitCode ?? 0), 3000).unref()
    await running.close()
    if (signal === 'SIGINT') process.exitCode = 130
  }

  /** The CLI's own error style (as TinkCommand renders it), without the API commands' flags. */
  override async catch(err: unknown): Promise<void> {
    const error = toCliError(err)
    process.exitCode = error.exitCode
    if (this.jsonOutput) writeJson(process.stdout, error.toJSON())
    else process.stderr.write(`${paint(process.stderr, 'red', 'Error:')} ${error.oneLine()}\n`)
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
