/**
 * Bulk user create/delete: the one function `user create --file` and `user delete --file` call.
 * Rows stream from the row source (source/) through a pool of workers, each row through its
 * command's operation (ops/), to the result sink (sink.ts: NDJSON on stdout and the journal);
 * nothing holds the whole file. The runner owns the workers, the stop on a signal and the summary.
 *
 * Reused, not rebuilt: the HTTP client (retries, backoff, Retry-After, keep-alive agent) and the
 * operations of TinkApi, given as arguments. Added here: the pool, the shared throttle, the
 * single-flight client token, row-level retries.
 */
import {randomBytes} from 'node:crypto'
import {setMaxListeners} from 'node:events'
import type {IO} from '../cli/io.js'
import {withRenderedHint} from '../cli/render-error.js'
import {CliError, ExitCode, type ExitCodeValue} from '../errors/cli-error.js'
import type {HttpClient, HttpClientOptions, Throttle} from '../http/client.js'
import type {TinkApi, TokenCache, TokenResult} from '../tink/api.js'
import {CLIENT_SCOPES} from '../tink/scopes.js'
import {RowFeed} from './feed.js'
import {Journal} from './journal.js'
import {ROW_RETRIES, type RowContext, type RowLedger, type RowOperation} from './ops/common.js'
import {createOperation} from './ops/create.js'
import {deleteOperation} from './ops/delete.js'
import {countBulkRows, openBulkInput, type InputOptions} from './prepare.js'
import {emptyCounts, Progress, progressSeconds, type BulkSummary} from './render.js'
import {SeenUsers} from './seen.js'
import {jqLineFilter, ResultSink} from './sink.js'
import {GracefulStop} from './stop.js'
import {BulkThrottle} from './throttle.js'
import {SharedClientToken} from './token.js'
import {AdaptiveWindow} from './window.js'

export {countBulkRows} from './prepare.js'
export type {RowResult, RowStatus} from './rows.js'

export interface BulkOptions extends InputOptions {
  /** The most rows in flight: the window's upper bound (its fixed size with adaptive false). */
  concurrency: number
  /** Find the window from Tink's answers (window.ts); false keeps it at `concurrency`. Default true. */
  adaptive?: boolean
  /** Requests per second for the whole run; undefined = no cap (429s still slow it down). */
  rate?: number
  journal?: string
  /** create: a user that already exists is a success (`ok`, default) or a failure (`fail`). */
  ifExists?: 'ok' | 'fail'
  /** Seconds in-flight rows get to finish after Ctrl-C before they are abandoned. */
  graceSeconds?: number
  /** The file's row count when the caller has it already (the delete confirmation counted them). */
  rows?: number
  /** Validate every row and report what would be done; send only the token request; write no journal. */
  dryRun?: boolean
  /** --jq: a jq expression applied to each NDJSON result line (its output is what stdout gets). */
  jq?: string
}

export type BulkHttpTuning = Partial<Pick<HttpClientOptions, 'connections' | 'throttle' | 'signal' | 'wait' | 'backoffBaseMs' | 'announce' | 'maxRetryAfterMs'>>

/** What a run is given to work with, instead of reaching for the CLI's wiring. */
export interface BulkDeps {
  io: IO
  /** Aborted by a signal (Ctrl-C, SIGTERM; SIGHUP with the reason 'SIGHUP'): in-flight rows settle, no new row is taken. */
  signal: AbortSignal
  /** Checks that the credentials are there and names the app; called once the input is checked. */
  app: () => Promise<{clientId: string; baseUrl: string}>
  /** The run's HTTP client, with the bulk tuning. */
  http: (tuning: BulkHttpTuning) => Promise<HttpClient>
  /** Tink's operations over that client, with the run's one shared client token. */
  api: (http: HttpClient, tokens: TokenCache) => TinkApi
  /** The profile's token cache: the cached tokens of users this run deletes are dropped from it. */
  userTokens?: TokenCache
  /** --verbose lines (the window's changes, with their reasons). */
  trace?: (line: string) => void
}

export interface BulkOutcome {
  summary: BulkSummary
  exitCode: ExitCodeValue
}

const DEFAULT_GRACE_SECONDS = 10
const BULK_BACKOFF_BASE_MS = 50
/** A rate-limit pause longer than this is announced on stderr (about 2 s, as single commands do). */
const ANNOUNCE_PAUSE_MS = 2000
/** The longest Retry-After a run pauses for; a longer one stops it (single commands refuse it too). */
const MAX_RETRY_AFTER_MS = 120_000

export async function runBulk(deps: BulkDeps, opts: BulkOptions): Promise<BulkOutcome> {
  const started = performance.now()
  const {io, signal} = deps
  const op = opts.op
  // Everything that can be wrong with the command line or the file fails here, before any request.
  const input = await openBulkInput(io, opts)
  const app = await deps.app()
  // The rows of a file, counted up front (a byte scan): what the table of users is sized for, and
  // the progress bar's total. Standard input cannot be counted; its table grows as it goes.
  const expectedRows = opts.rows ?? (await countBulkRows(opts.file, input.format).catch(() => undefined))
  const journalHeader = {op, client_id: app.clientId, base_url: app.baseUrl}
  const journal = !opts.journal
    ? undefined
    : opts.dryRun
      ? await Journal.read(opts.journal, journalHeader, expectedRows)
      : await Journal.open(opts.journal, journalHeader, expectedRows)
  if (journal && journal.unreadableLines > 0) {
    io.stderr.write(`Note: ${journal.unreadableLines} unreadable line(s) in --journal ${journal.path} (a run stopped mid-write); those rows are done again\n`)
  }

  // In-flight rows keep their requests when Ctrl-C comes; stop.hard cuts them off after the grace period.
  const stop = new GracefulStop()
  // Every waiting request listens on it: that is concurrency x a few, by design.
  setMaxListeners(0, stop.hard)
  // A long pause must not look like a hang, in a CI log as on a terminal: one line per pause.
  const onPause = (ms: number): void => {
    if (ms <= ANNOUNCE_PAUSE_MS) return
    const line = `Rate limited by Tink (HTTP 429): all workers pause for ${Math.round(ms / 1000)} s (Retry-After)`
    io.stderr.write(`${io.stderr.isTTY ? '\r\x1b[2K' : ''}${line}\n`)
  }
  // Tink asked to be called again later than a run should wait: stop taking rows, settle those in
  // flight, and say when and how to go on.
  const onTooLong = (): void => {
    stopWith(`${throttle.closed}, later than the ${MAX_RETRY_AFTER_MS / 1000} s this CLI waits; no more rows were sent`)
    feed.release()
    stop.begin((opts.graceSeconds ?? DEFAULT_GRACE_SECONDS) * 1000)
  }
  const throttle: BulkThrottle = new BulkThrottle(
    opts.rate,
    stop.wait,
    onPause,
    MAX_RETRY_AFTER_MS,
    onTooLong,
    opts.adaptive === false ? undefined : deps.trace,
  )
  const flight = new AdaptiveWindow({max: opts.concurrency, adaptive: opts.adaptive !== false, log: deps.trace})
  // The client tells the throttle about 429s and the window about every answer.
  const pacing: Throttle = {
    acquire: () => throttle.acquire(),
    rateLimited: (ms, sentAt) => throttle.rateLimited(ms, sentAt),
    answered: (status, sentAt) => {
      throttle.answered(status)
      flight.answered(status, sentAt)
    },
  }
  // A shorter backoff base than one-off commands: a failed attempt holds up one row, not the run,
  // and rate limits are handled for every worker at once by the throttle.
  // No per-request announcements: a shared pause is said once (onPause), never once per row.
  const http = await deps.http({
    connections: opts.concurrency,
    throttle: pacing,
    signal: stop.hard,
    wait: stop.wait,
    backoffBaseMs: BULK_BACKOFF_BASE_MS,
    announce: undefined,
    maxRetryAfterMs: MAX_RETRY_AFTER_MS,
  })
  const scope = op === 'create' ? CLIENT_SCOPES.createUser : CLIENT_SCOPES.grant
  /** Whether one more attempt of a row makes sense after `err`. */
  const mayRetry = (err: unknown, attempt: number): boolean =>
    attempt < ROW_RETRIES &&
    !stop.hard.aborted &&
    !throttle.closed &&
    !token.credentialsRejected &&
    err instanceof CliError &&
    err.exitCode === ExitCode.UNAVAILABLE
  /** The backoff before a row's next attempt; rejects (an interruption) when Ctrl-C ends it. */
  const pause = (attempt: number): Promise<void> => stop.wait(http.backoff(attempt))
  // Every row waits on this one token, so it gets a row's patience on top of the request's own
  // retries: a second of 503s from Tink must not end a 20,000-row run before its first row.
  const fetchToken = async (): Promise<TokenResult> => {
    for (let round = 0; ; round++) {
      try {
        return await api.clientToken(scope)
      } catch (err) {
        if (!mayRetry(err, round)) throw err
        await pause(round)
      }
    }
  }
  const token: SharedClientToken = new SharedClientToken(fetchToken, Date.now, deps.userTokens)
  const api = deps.api(http, token)

  const counts = emptyCounts()
  let rows = 0
  let skipped = 0
  let abandoned = 0
  /** Rows taken but never sent because the run stopped sending (a Retry-After past the cap). */
  let notSent = 0
  let finished = 0
  let stopping = false
  let stoppedBecause: string | undefined
  /** Rows of the input never taken because the run stopped early; undefined when unknown or none. */
  let notProcessed: number | undefined
  const stopWith = (reason: string): void => {
    stopping = true
    stoppedBecause ??= reason
    flight.release()
  }

  // The rows are counted up front (the table of users is sized from it), so the progress line
  // has a total and a time left on a terminal and in the plain lines alike.
  const progress = new Progress(io.stderr, expectedRows, () => finished, {
    op,
    counts,
    plainSeconds: progressSeconds(io.env),
    stdoutTTY: Boolean(io.stdout.isTTY),
    earlier: () => skipped,
    dryRun: opts.dryRun,
    window: () => flight.current,
  })
  // A dry run reads the journal (its done rows are skipped) but writes nothing to it.
  const sink = new ResultSink({
    io,
    journal: opts.dryRun ? undefined : journal,
    progress,
    onStop: stopWith,
    journalFlag: opts.journal,
    jq: opts.jq === undefined ? undefined : await jqLineFilter(opts.jq),
  })
  const feed = new RowFeed(input.rows)

  const onAbort = (): void => {
    stopping = true
    flight.release()
    // The bar leaves the terminal at once: the grace period may redraw nothing under the ^C.
    progress.stop()
    // Ctrl-C ends the wait for the next row: from a pipe that stays open it might never come.
    feed.release()
    // Nothing reads it any more; an open stdin would keep the process alive.
    if (opts.file === '-') io.stdin.destroy()
    stop.begin((opts.graceSeconds ?? DEFAULT_GRACE_SECONDS) * 1000)
  }
  if (signal.aborted) onAbort()
  else signal.addEventListener('abort', onAbort, {once: true})

  // The first line of each user in this run's file (duplicates) and, resuming, the journal's
  // settled rows: one compact table (seen.ts), the journal's when there is one.
  const seen = journal?.rows ?? new SeenUsers({expected: expectedRows})
  const ledger: RowLedger = {firstLine: (key, line) => seen.firstLine(key, line), done: (key) => journal?.done(key)}
  const ctx: RowContext = {api, ledger, mayRetry, pause, hard: stop.hard, dryRun: opts.dryRun}
  const handle: RowOperation =
    op === 'create'
      ? createOperation(ctx, {app, nonce: journal?.header.nonce ?? randomBytes(16).toString('hex'), defaults: opts.defaults ?? {}, ifExists: opts.ifExists})
      : deleteOperation(ctx)

  const worker = async (): Promise<void> => {
    while (!stopping) {
      const place = flight.enter()
      if (place) await place
      const next = stopping ? undefined : await feed.take()
      if (!next || next.done) return flight.leave()
      rows++
      const result = await handle(next.value)
      flight.leave()
      if (result.from_journal) skipped++
      if (result.status === 'failed' && result.error?.code === 'interrupted') abandoned++
      if (result.status === 'failed' && result.error?.code === 'not_sent') notSent++
      if (token.credentialsRejected) stopWith(`the token endpoint refused the client credentials: ${withRenderedHint(token.credentialsRejected).oneLine()}`)
      if (next.value.stop !== undefined) stopWith(next.value.stop)
      // A row an earlier run did is "done earlier", not this run's "created".
      if (!result.from_journal) counts[result.status]++
      finished++
      await sink.write(result)
    }
  }

  try {
    // One token before any row: wrong credentials end the run with exit 3 and nothing sent.
    await token.get('').catch((err: unknown) => {
      if (err instanceof CliError && err.code === 'interrupted')
        throw new CliError('Interrupted while getting the client token: no row was sent', {exitCode: ExitCode.INTERRUPTED, code: 'interrupted'})
      throw err
    })
    progress.start()
    await Promise.all(Array.from({length: opts.concurrency}, () => worker()))
  } finally {
    // Deleted users' cached tokens go, whatever stopped the run.
    await token.flushDrops().catch((err: unknown) => deps.trace?.(`* cached tokens of deleted users not dropped (${(err as Error).message})`))
    await sink.close()
    progress.stop()
    stop.dispose()
    signal.removeEventListener('abort', onAbort)
    // Rows never taken from the input are said, not silently dropped: counted by reading on
    // (a file ends; standard input may never, so it is not waited for).
    if (stopping && opts.file !== '-') notProcessed = await feed.countRest()
    await feed.close()
    journal?.close()
  }

  const summary: BulkSummary = {
    op,
    counts,
    skipped,
    rows,
    elapsedMs: performance.now() - started,
    interrupted: signal.aborted,
    abandoned,
    rateLimitPauses: throttle.brakes,
    tokenFetches: token.fetches,
    journal: journal?.path,
    dryRun: opts.dryRun,
    stoppedBecause,
    notProcessed: stoppedBecause === undefined && !signal.aborted ? undefined : opts.file === '-' ? 'unknown' : (notProcessed ?? 0) + notSent,
    jqFailures: sink.jqFailures,
  }
  let exitCode: ExitCodeValue = ExitCode.OK
  if (counts.failed + counts.invalid > 0) exitCode = ExitCode.PARTIAL
  // Tink asked for a pause longer than the cap: as a single command's 429 after its retries.
  if (throttle.closed) exitCode = ExitCode.UNAVAILABLE
  if (token.credentialsRejected) exitCode = ExitCode.AUTH
  // Stopped because stdout closed: interrupted from outside, as by a signal (README "Exit codes").
  if (sink.outputBroken && !sink.writeFailure) exitCode = ExitCode.INTERRUPTED
  if (sink.writeFailure) exitCode = ExitCode.WRITE_FAILED
  if (signal.aborted) exitCode = signal.reason === 'SIGHUP' ? ExitCode.HANGUP : ExitCode.INTERRUPTED
  // Every row done, but --jq failed on some results: as a single command's --jq failing on its answer.
  if (exitCode === ExitCode.OK && sink.jqFailures > 0) exitCode = ExitCode.USAGE
  return {summary, exitCode}
}
