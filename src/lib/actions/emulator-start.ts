/** `tink emulator start`: the local Tink emulator in the foreground until Ctrl-C or SIGTERM. */
import {Flags} from '@oclif/core'
import type {Factory, Outcome} from '../cli/factory.js'
import type {CommandFlags} from '../cli/flags.js'
import {CliError, ExitCode, usageError} from '../errors/cli-error.js'

// Only the type is imported statically: the emulator package (tink-emulator, bundled into the
// CLI at build time) is loaded inside the body, so it costs nothing to the startup of every other command.
import type {EmulatorClient, FaultSpec, RunningEmulator} from 'tink-emulator'

export const emulatorStartFlags = {
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
  'demo-data': Flags.boolean({description: 'Give every user created one connected Demo Bank: two accounts and a few hundred transactions (follow --seed).'}),
  'webhook-retry-ms': Flags.integer({
    description:
      'First interval in ms before a webhook delivery answered 408, 429 or 5xx is retried (default 5000; it doubles for each of the 3 retries). Change it while running: POST /__emulator/webhook-retry.',
  }),
}
export async function emulatorStart(f: Factory, flags: CommandFlags<typeof emulatorStartFlags>): Promise<Outcome<undefined>> {
  const {io} = f
  const emulator = await import('tink-emulator')

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
    io.stderr.write(`Warning: binding to ${host}: the emulator and its well-known client secret are reachable from the network.\n`)
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
      rateLimit: flags['rate-limit'],
      webhookRetryMs: flags['webhook-retry-ms'],
      quiet: flags.quiet,
      log: (line) => io.stderr.write(line + '\n'),
    })
  } catch (error) {
    throw startFailure(error as NodeJS.ErrnoException, flags.port, host, flags.state)
  }

  if (flags.json) {
    io.stdout.write(JSON.stringify(emulator.startRecord(running)) + '\n')
  } else {
    io.stdout.write(emulator.startBanner(running, clients, flags['demo-data']).join('\n') + '\n')
  }

  // Stay in the foreground until Ctrl-C or SIGTERM; then close so the state file is flushed.
  if (!f.signal.aborted) await new Promise((resolve) => f.signal.addEventListener('abort', resolve, {once: true}))
  const code = f.interrupt.by === 'SIGTERM' ? ExitCode.OK : ExitCode.INTERRUPTED
  // If something still holds the event loop after close, do not hang the terminal.
  setTimeout(() => process.exit(code), 3000).unref()
  await running.close()
  return {exitCode: code}
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
