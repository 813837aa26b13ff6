/**
 * A bulk run as the CLI starts it (`user create --file`, `user delete --file`): the runner
 * (src/lib/bulk/runner.ts) gets its IO, signal, app, HTTP client and API as arguments, and its
 * summary is printed here. SIGHUP (a closed terminal, a dropped SSH session) stops it as Ctrl-C
 * does, with exit 129; stderr may be gone by then, and writing the summary must not fail on that.
 */
import type {BulkOptions} from '../bulk/runner.js'
import type {Factory, Outcome} from '../cli/factory.js'
import {TinkApi} from '../tink/api.js'

export async function runBulkCommand(f: Factory, opts: BulkOptions): Promise<Outcome<never>> {
  // The bulk engine (and the CSV parser's chunk) loads only for --file: a single user does not need it.
  const [{runBulk}, {formatSummary}] = await Promise.all([import('../bulk/runner.js'), import('../bulk/render.js')])
  const hangup = new AbortController()
  const onHangup = (): void => {
    // The terminal is gone: what is still written to it fails, and that must not end the run.
    for (const stream of [f.io.stderr, f.io.stdout]) stream.on('error', () => undefined)
    hangup.abort('SIGHUP')
  }
  process.on('SIGHUP', onHangup)
  try {
    // --jq is one of every command's flags, not of the bulk options the command bodies build.
    const jq = (f.flags as {jq?: string}).jq
    const {summary, exitCode} = await runBulk(
      {
        io: f.io,
        signal: AbortSignal.any([f.signal, hangup.signal]),
        app: async () => {
          await f.run.preflight({needsCredentials: true})
          const {clientId} = await f.run.credentials()
          return {clientId, baseUrl: await f.run.baseUrl()}
        },
        http: (tuning) => f.http(tuning),
        api: (http, cache) => new TinkApi({http, credentials: () => f.run.credentials(), cache, trace: (line) => f.print.trace(line)}),
        userTokens: f.profile()?.tokenCache,
        trace: (line) => f.print.trace(line),
      },
      {...opts, jq},
    )
    f.print.note(formatSummary(f.io.stderr, summary))
    return {exitCode}
  } finally {
    process.off('SIGHUP', onHangup)
  }
}
