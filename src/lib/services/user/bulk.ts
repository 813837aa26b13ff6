/**
 * A bulk run as `user create --file` and `user delete --file` start it: the runner
 * (src/lib/bulk/runner.ts) gets its IO, signal, app, HTTP client and API as arguments, and its
 * summary is printed here. SIGHUP (a closed terminal, a dropped SSH session) stops it as Ctrl-C
 * does, with exit 129; stderr may be gone by then, and writing the summary must not fail on that.
 */
import type {BulkHttpTuning, BulkOptions} from '../../bulk/runner.js'
import type {IO} from '../../cli/io.js'
import type {Printer} from '../../cli/output.js'
import type {RunSettings} from '../../cli/run-settings.js'
import type {ExitCodeValue} from '../../errors/cli-error.js'
import type {HttpClient} from '../../http/client.js'
import {TinkApi, type TokenCache} from '../../tink/api.js'

export interface UsersFileDeps {
  io: IO
  /** Ctrl-C or SIGTERM. */
  signal: AbortSignal
  /** The run's settings: checked before any row is read; the client credentials every worker shares. */
  run: Pick<RunSettings, 'preflight' | 'credentials' | 'baseUrl'>
  /** An HTTP client of the run's own tuning (connections, throttle, abort signal). */
  http: (tuning: BulkHttpTuning) => Promise<HttpClient>
  /** The profile's cache of user tokens, when there is a profile. */
  userTokens?: TokenCache
  print: Pick<Printer, 'trace' | 'note'>
}

/** Every row of `options.file`, created or deleted; the summary is printed on stderr. */
export async function runUsersFile(deps: UsersFileDeps, options: BulkOptions): Promise<{exitCode: ExitCodeValue}> {
  // The bulk engine (and the CSV parser's chunk) loads only for --file: a single user does not need it.
  const [{runBulk}, {formatSummary}] = await Promise.all([import('../../bulk/runner.js'), import('../../bulk/render.js')])
  const {io, run, print} = deps
  const hangup = new AbortController()
  const onHangup = (): void => {
    // The terminal is gone: what is still written to it fails, and that must not end the run.
    for (const stream of [io.stderr, io.stdout]) stream.on('error', () => undefined)
    hangup.abort('SIGHUP')
  }
  process.on('SIGHUP', onHangup)
  try {
    const {summary, exitCode} = await runBulk(
      {
        io,
        signal: AbortSignal.any([deps.signal, hangup.signal]),
        app: async () => {
          await run.preflight({needsCredentials: true})
          const {clientId} = await run.credentials()
          return {clientId, baseUrl: await run.baseUrl()}
        },
        http: deps.http,
        api: (http, cache) => new TinkApi({http, credentials: () => run.credentials(), cache, trace: (line) => print.trace(line)}),
        userTokens: deps.userTokens,
        trace: (line) => print.trace(line),
      },
      options,
    )
    print.note(formatSummary(io.stderr, summary))
    return {exitCode}
  } finally {
    process.off('SIGHUP', onHangup)
  }
}
