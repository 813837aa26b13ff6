/**
 * Bulk user create/delete: the one function the `user create --file` and `user delete --file`
 * commands call. Rows stream from the input through a pool of workers to NDJSON on stdout (one
 * line per row, in completion order) and to the journal; nothing holds the whole file.
 *
 * Reused, not rebuilt: the HTTP client (retries, backoff, Retry-After, keep-alive agent) from
 * Context, the operations from TinkApi, the checks from validate.ts. Added here: the pool, the
 * shared throttle, the single-flight client token, row-level retries and outcome resolution.
 */
import {hash, randomBytes} from 'node:crypto'
import {setMaxListeners} from 'node:events'
import {readlinkSync} from 'node:fs'
import type {Factory} from '../cli/factory.js'
import {CliError, ExitCode, type ExitCodeValue, tinkSaid, usageError} from '../errors/cli-error.js'
import {TinkApi, userFields, type CreateUserInput, type TokenResult, type UserRef} from '../tink/api.js'
import {countRows, openInput, type InputFormat, type RawRow} from './input.js'
import {Journal} from './journal.js'
import {emptyCounts, plural, Progress, progressSeconds, type BulkSummary} from './render.js'
import {CREATE_COLUMNS, DELETE_COLUMNS, rowKey, validateCreateRow, validateDeleteRow, type CreateDefaults} from './rows.js'
import {SeenUsers} from './seen.js'
import {SharedClientToken} from './token.js'
import {GracefulStop} from './stop.js'
import {BulkThrottle} from './throttle.js'

export type RowStatus = 'created' | 'exists' | 'deleted' | 'not_found' | 'invalid' | 'failed'

/** One line of the NDJSON output (and of the journal). */
export interface RowResult {
  row: number
  external_user_id?: string
  user_id?: string
  status: RowStatus
  error?: Record<string, unknown>
  /** Settled by an earlier run recorded in the journal; not sent again. */
  from_journal?: true
}

export interface BulkOptions {
  op: 'create' | 'delete'
  /** Path, or "-" for standard input. */
  file: string
  format?: InputFormat
  /** CSV field delimiter; undefined = detected from the header line (",", ";" or tab). */
  delimiter?: string
  concurrency: number
  /** Requests per second for the whole run; undefined = no cap (429s still slow it down). */
  rate?: number
  journal?: string
  /** create: a user that already exists is a success (`ok`, default) or a failure (`fail`). */
  ifExists?: 'ok' | 'fail'
  /** create: values for columns a row leaves empty (the flags). */
  defaults?: CreateDefaults
  /** Seconds in-flight rows get to finish after Ctrl-C before they are abandoned. */
  graceSeconds?: number
  /** The file's row count when the caller has it already (the delete confirmation counted them). */
  rows?: number
}

export interface BulkOutcome {
  summary: BulkSummary
  exitCode: ExitCodeValue
}

/** Extra attempts of a whole row after the HTTP client's own retries gave up on it. */
const ROW_RETRIES = 2
/** Times the delete chain starts over after a code or user token was used up by a lost answer. */
const CHAIN_RESTARTS = 5
const DEFAULT_GRACE_SECONDS = 10
const BULK_BACKOFF_BASE_MS = 50
/** The error code of a row that repeats an earlier line's user. */
const DUPLICATE_ROW = 'duplicate_row'
/** Output lines held before a write even within one event-loop turn. */
const FLUSH_LINES = 256
/** A rate-limit pause at least this long is announced on stderr (shorter ones go unnoticed). */
const ANNOUNCE_PAUSE_MS = 3000

/** The row count for the delete confirmation and the progress bar; undefined for stdin. */
export async function countBulkRows(file: string, format?: InputFormat): Promise<number | undefined> {
  if (file === '-') return undefined
  return countRows(file, format)
}

/**
 * The Idempotency-Key of one create. It is derived, not random, so that a retry and a resumed
 * run can never create a second user: the same app (client id + API URL), the same request body
 * (external id, market, locale, retention) and the same run yield the same key.
 *
 * "The same run" is the journal's nonce, or a fresh nonce when there is no journal. Without it,
 * a user deleted and created again within Tink's 24 h key lifetime would be answered from the old
 * replay (the old, now deleted, user_id) instead of being created. With it, each new run sends new
 * keys: the server's duplicate check by external id (409 -> `exists`) is what keeps plain re-runs
 * safe, and the key only has to cover retries inside one run and the rows that were in flight
 * when a journaled run stopped. The body is in the key so that a row edited between a stopped
 * run and its resume is sent as a new request instead of being refused as a reused key.
 */
export function idempotencyKey(app: {clientId: string; baseUrl: string}, nonce: string, input: CreateUserInput): string {
  const body = JSON.stringify([input.external_user_id, input.market, input.locale, input.retention_class ?? null])
  // crypto.hash: one call, cheaper than a Hash object for a short input (once per row).
  const digest = hash('sha256', `tink-bulk-create/1\0${app.clientId}\0${app.baseUrl}\0${nonce}\0${body}`, 'hex')
  return `tink-bulk-${digest.slice(0, 48)}`
}

export async function runBulk(ctx: Factory, opts: BulkOptions, signal: AbortSignal): Promise<BulkOutcome> {
  const started = performance.now()
  const io = ctx.io
  const op = opts.op
  // Everything that can be wrong with the command line or the file fails here, before any request.
  const input = await openInput(opts.file, io.stdin, opts.format, opts.delimiter)
  if (input.delimiter !== undefined && input.delimiter !== ',') {
    const how = input.delimiterSource === 'flag' ? 'as --delimiter says' : 'detected from the header; --delimiter sets it'
    io.stderr.write(`Note: reading --file ${opts.file} with ${input.delimiter === '\t' ? 'tab' : `"${input.delimiter}"`} as the CSV delimiter (${how})\n`)
  }
  checkColumns(op, input.columns, opts)
  const ignored = unknownColumns(input.columns)
  if (ignored.length > 0) io.stderr.write(`Note: ignoring column(s) ${ignored.join(', ')} of --file ${opts.file}\n`)
  await ctx.preflight({needsCredentials: true})
  const {clientId} = await ctx.credentials()
  const baseUrl = await ctx.baseUrl()
  // The rows of a file, counted up front (a byte scan): what the table of users is sized for, and
  // the progress bar's total. Standard input cannot be counted; its table grows as it goes.
  const expectedRows = opts.rows ?? (await countBulkRows(opts.file, input.format).catch(() => undefined))
  const journal = opts.journal ? await Journal.open(opts.journal, {op, client_id: clientId, base_url: baseUrl}, expectedRows) : undefined
  if (journal && journal.unreadableLines > 0) {
    io.stderr.write(`Note: ${journal.unreadableLines} unreadable line(s) in --journal ${journal.path} (a run stopped mid-write); those rows are done again\n`)
  }
  const nonce = journal?.header.nonce ?? randomBytes(16).toString('hex')

  // In-flight rows keep their requests when Ctrl-C comes; stop.hard cuts them off after the grace period.
  const stop = new GracefulStop()
  // Every waiting request listens on it: that is concurrency x a few, by design.
  setMaxListeners(0, stop.hard)
  // A long pause must not look like a hang, in a CI log as on a terminal: one line per pause.
  const onPause = (ms: number): void => {
    if (ms < ANNOUNCE_PAUSE_MS) return
    const line = `Rate limited by Tink (HTTP 429): all workers pause for ${Math.ceil(ms / 1000)} s (Retry-After)`
    io.stderr.write(`${io.stderr.isTTY ? '\r\x1b[2K' : ''}${line}\n`)
  }
  const throttle = new BulkThrottle(opts.rate, stop.wait, onPause)
  // A shorter backoff base than one-off commands: a failed attempt holds up one row, not the run,
  // and rate limits are handled for every worker at once by the throttle.
  const http = await ctx.http({connections: opts.concurrency, throttle, signal: stop.hard, wait: stop.wait, backoffBaseMs: BULK_BACKOFF_BASE_MS})
  const scope = op === 'create' ? 'user:create' : 'authorization:grant'
  // The token source and the api need each other; the closure runs only after both exist. Every
  // row waits on this one token, so it gets a row's patience on top of the request's own retries:
  // a second of 503s from Tink must not end a 20,000-row run before its first row.
  const fetchToken = async (): Promise<TokenResult> => {
    for (let round = 0; ; round++) {
      try {
        return await api.clientToken(scope)
      } catch (err) {
        if (!mayRetryRow(err, round)) throw err
        await pause(round)
      }
    }
  }
  const token: SharedClientToken = new SharedClientToken(fetchToken)
  const api: TinkApi = new TinkApi({http, credentials: () => ctx.credentials(), cache: token, trace: (line) => ctx.trace(line)})

  const counts = emptyCounts()
  let rows = 0
  let skipped = 0
  let abandoned = 0
  let finished = 0
  let stopping = false
  let stoppedBecause: string | undefined
  /** Rows of the input never taken because the run stopped early; undefined when unknown or none. */
  let notProcessed: number | undefined
  let outputBroken = false

  const summary = (): BulkSummary => ({
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
    stoppedBecause,
    notProcessed: stoppedBecause === undefined ? undefined : (notProcessed ?? (opts.file === '-' ? 'unknown' : 0)),
  })

  /** Set when output could not be written (stdout or the journal): the run stops, exit 7. */
  let writeFailure: CliError | undefined
  /** Result lines stdout has taken (what a write failure reports as written). */
  let linesOut = 0
  const stopWith = (reason: string): void => {
    stopping = true
    stoppedBecause ??= reason
  }
  const onStdoutError = (err: NodeJS.ErrnoException): void => {
    if (outputBroken) return
    outputBroken = true
    // The reader went away (`| head`): nothing more can be reported, so nothing more is sent.
    if (err.code === 'EPIPE' || err.code === 'ERR_STREAM_DESTROYED') return stopWith('standard output was closed (the reader went away); no more rows were sent')
    // Anything else (a full disk, /dev/full) is output lost: said once, with what got through.
    writeFailure = new CliError(`Cannot write the results to ${stdoutName()}: ${err.message}; the first ${plural(linesOut, 'result line')} were written`, {
      exitCode: ExitCode.WRITE_FAILED,
      code: 'stdout_write_failed',
      hint: opts.journal ? `Free space and run the same command again with --journal ${opts.journal}: done rows are skipped` : 'Free space, or redirect stdout elsewhere, and run again',
    })
    stopWith(writeFailure.oneLine())
  }
  // oclif's own stdout listener rethrows every error but EPIPE (a stack trace, exit 1): the run
  // owns stdout's errors while it writes, and hands them back only when stdout is still usable.
  const otherListeners = io.stdout.listeners('error') as Array<(err: Error) => void>
  io.stdout.removeAllListeners('error')
  io.stdout.on('error', onStdoutError)

  // Ctrl-C ends the wait for the next row: from a pipe that stays open it might never come.
  /** Workers waiting for their next row, in the order they asked (see takeRow). */
  const waiting: Array<{resolve: (value: IteratorResult<RawRow>) => void; reject: (err: unknown) => void}> = []
  /** A read of the input not answered yet: at most one (a race lost to Ctrl-C leaves it behind). */
  let reading = false
  const onAbort = (): void => {
    stopping = true
    for (const w of waiting.splice(0)) w.resolve({done: true, value: undefined})
    // Nothing reads it any more; an open stdin would keep the process alive.
    if (opts.file === '-') io.stdin.destroy()
    stop.begin((opts.graceSeconds ?? DEFAULT_GRACE_SECONDS) * 1000)
  }
  if (signal.aborted) onAbort()
  else signal.addEventListener('abort', onAbort, {once: true})

  // The rows are counted up front (the table of users is sized from it), so the progress line
  // has a total and a time left on a terminal and in the plain lines alike.
  const progress = new Progress(io.stderr, expectedRows, () => finished, {
    op,
    counts,
    plainSeconds: progressSeconds(io.env),
    stdoutTTY: Boolean(io.stdout.isTTY),
  })

  // Output lines of one event-loop turn go out in one write: a write per row is a system call per
  // row on a file or pipe, a fifth of the CPU time of a large run. Still streamed, turn by turn.
  let pending: string[] = []
  let flushScheduled = false
  let draining: Promise<void> | undefined
  /** Settles when stdout has taken (or refused) the last chunk written. */
  let lastWrite: Promise<void> | undefined
  const flush = (): void => {
    flushScheduled = false
    if (pending.length === 0 || outputBroken) return
    const chunk = pending.join('')
    const count = pending.length
    pending = []
    let accepted = true
    try {
      let taken!: () => void
      lastWrite = new Promise<void>((resolve) => (taken = resolve))
      progress.hideForOutput()
      accepted = io.stdout.write(chunk, (err) => {
        // A write that fails later (ENOSPC on a file, EPIPE) reports here first: the run, not
        // oclif's listener, owns that error, even when it comes after the last row.
        if (err) onStdoutError(err)
        else linesOut += count
        taken()
      })
      progress.showAfterOutput()
    } catch (err) {
      // stdout on a file writes synchronously, and its failure (ENOSPC) is thrown, not emitted.
      return onStdoutError(err as NodeJS.ErrnoException)
    }
    if (!accepted) {
      // Back-pressure: a slow reader of stdout slows the workers instead of filling memory.
      draining = new Promise<void>((resolve) => {
        const done = (): void => {
          io.stdout.off('drain', done)
          io.stdout.off('error', done)
          draining = undefined
          resolve()
        }
        io.stdout.once('drain', done)
        io.stdout.once('error', done)
      })
    }
  }

  const emit = async (result: RowResult): Promise<void> => {
    counts[result.status]++
    finished++
    // A duplicate line is a property of the file, found again on every run; journaled, it would
    // read as a failure of its user and undo the first line's "done".
    if (journal && !result.from_journal && result.error?.code !== DUPLICATE_ROW && !writeFailure) {
      try {
        journal.append(result)
      } catch (err) {
        // The journal no longer records what is done: sending more would be work a resume cannot skip.
        if (!(err instanceof CliError)) throw err
        writeFailure = err
        stopWith(err.oneLine())
      }
    }
    if (outputBroken) return
    if (draining) await draining
    pending.push(JSON.stringify(result) + '\n')
    // Rows that need no request (invalid ones, journal skips) can finish by the thousand in one
    // turn: written every few hundred, their lines do not live long enough for V8 to move them to
    // the old generation, where 100,000 rows' worth made the heap grow.
    if (pending.length >= FLUSH_LINES) flush()
    else if (!flushScheduled) {
      flushScheduled = true
      setImmediate(flush)
    }
  }

  const failure = (err: unknown): Record<string, unknown> => {
    const e = err instanceof CliError ? err : new CliError(String((err as Error)?.message ?? err), {exitCode: ExitCode.UNEXPECTED})
    const {exitCode: _drop, ...rest} = e.toJSON().error
    return rest
  }

  /** Whether one more attempt of a row makes sense after `err`. */
  const mayRetryRow = (err: unknown, attempt: number): boolean =>
    attempt < ROW_RETRIES && !stop.hard.aborted && !token.credentialsRejected && err instanceof CliError && err.exitCode === ExitCode.UNAVAILABLE

  /** The backoff before a row's next attempt; rejects (an interruption) when Ctrl-C ends it. */
  const pause = (attempt: number): Promise<void> => stop.wait(http.backoff(attempt))

  /**
   * The first line of each user in this run's file. The same user twice in one file is a mistake
   * of the file (the second create would be a replay of the first, the second delete a no-op):
   * the later lines are reported invalid and never sent. Decided synchronously as each row is
   * taken, so line order decides which one is "first" whatever the concurrency. A few bytes per
   * distinct user (seen.ts).
   */
  const seen = journal?.rows ?? new SeenUsers({expected: expectedRows})
  const duplicateOf = (key: string | undefined, line: number): number | undefined => (key === undefined ? undefined : seen.firstLine(key, line))
  const duplicate = (line: number, first: number): Pick<RowResult, 'status' | 'error'> => ({
    status: 'invalid',
    error: {code: DUPLICATE_ROW, message: `line ${line}: duplicate of line ${first} (the same user); not sent`},
  })

  const createRow = async (raw: RawRow): Promise<RowResult> => {
    const checked = validateCreateRow(raw, opts.defaults ?? {})
    const ext = raw.fields?.external_user_id || undefined
    if (!checked.ok) return {row: raw.line, external_user_id: ext, status: 'invalid', error: {code: 'invalid_row', message: `line ${raw.line}: ${checked.reason}`}}
    const input = checked.value
    const first = duplicateOf(rowKey('create', input), raw.line)
    if (first !== undefined) return {row: raw.line, external_user_id: input.external_user_id, ...duplicate(raw.line, first)}
    const prior = journal?.done(rowKey('create', input)!)
    if (prior) return {row: raw.line, external_user_id: input.external_user_id, user_id: prior.user_id, status: prior.status, from_journal: true}
    const key = idempotencyKey({clientId, baseUrl}, nonce, input)
    for (let attempt = 0; ; attempt++) {
      try {
        if (attempt > 0) await pause(attempt - 1)
        const user = await api.createUser(input, key)
        return {row: raw.line, external_user_id: input.external_user_id, user_id: user.user_id, status: 'created'}
      } catch (err) {
        if (tinkSaid(err, 409)) {
          if (opts.ifExists === 'fail') return {row: raw.line, external_user_id: input.external_user_id, status: 'failed', error: failure(err)}
          return {row: raw.line, external_user_id: input.external_user_id, status: 'exists'}
        }
        if (!mayRetryRow(err, attempt)) return {row: raw.line, external_user_id: input.external_user_id, status: 'failed', error: failure(err)}
      }
    }
  }

  /**
   * The delete chain, step by step, so a failure can be placed: once the chain got past the grant
   * for a user, a later "user not found" means our delete went through (its answer was lost),
   * not that the user never existed.
   */
  const deleteRow = async (raw: RawRow): Promise<RowResult> => {
    const checked = validateDeleteRow(raw)
    const who = (ref: UserRef | undefined): Pick<RowResult, 'user_id' | 'external_user_id'> =>
      ref ? userFields(ref) : {external_user_id: raw.fields?.external_user_id || undefined, user_id: raw.fields?.user_id || undefined}
    if (!checked.ok) return {row: raw.line, ...who(undefined), status: 'invalid', error: {code: 'invalid_row', message: `line ${raw.line}: ${checked.reason}`}}
    const ref = checked.value
    const first = duplicateOf(rowKey('delete', who(ref)), raw.line)
    if (first !== undefined) return {row: raw.line, ...who(ref), ...duplicate(raw.line, first)}
    const prior = journal?.done(rowKey('delete', who(ref))!)
    if (prior) return {row: raw.line, ...who(ref), status: prior.status, from_journal: true}
    let pastGrant = false
    let restarts = 0
    /** The backoff owed before the next attempt (none after a chain restart). */
    let backoff: number | undefined
    for (let attempt = 0; ; attempt++) {
      try {
        if (backoff !== undefined) await pause(backoff)
        const {code} = await api.grant(ref, 'user:delete')
        pastGrant = true
        const userToken = await api.exchangeCode(code)
        await api.deleteTokenUser(userToken.access_token)
        return {row: raw.line, ...who(ref), status: 'deleted'}
      } catch (err) {
        if (tinkSaid(err, 404)) return {row: raw.line, ...who(ref), status: pastGrant ? 'deleted' : 'not_found'}
        // A code used up by a lost answer (400) or a user token of a user deleted by a lost answer
        // (401) is settled by starting the chain again: its grant then tells what happened.
        const chainRestart = pastGrant && err instanceof CliError && (err.status === 400 || err.status === 401)
        // Restarts have their own budget: three requests per chain each may meet a lost answer.
        const again = chainRestart ? restarts++ < CHAIN_RESTARTS && !stop.hard.aborted : mayRetryRow(err, attempt - restarts)
        if (!again) return {row: raw.line, ...who(ref), status: 'failed', error: failure(err)}
        backoff = chainRestart ? undefined : attempt - restarts
      }
    }
  }

  const handle = op === 'create' ? createRow : deleteRow
  const iterator = input.rows[Symbol.asyncIterator]()

  /**
   * The next row for a worker. The input is read one row at a time, whatever the concurrency, and
   * each row goes to the worker that has waited longest. Not one next() per worker: an async
   * generator queues the next() calls it has not answered yet in a chain of requests it never
   * unlinks, each holding its answer (the row, its fields, its strings), so once a request of the
   * chain lived through a young-generation collection, every later row was dragged into the old
   * generation after it and the heap grew with the file.
   */
  const takeRow = (): Promise<IteratorResult<RawRow>> =>
    new Promise((resolve, reject) => {
      waiting.push({resolve, reject})
      readRow()
    })
  const readRow = (): void => {
    if (reading || waiting.length === 0) return
    reading = true
    iterator.next().then(
      (next) => {
        reading = false
        // Nobody waits after Ctrl-C: that row is not taken.
        waiting.shift()?.resolve(next)
        readRow()
      },
      (err: unknown) => {
        reading = false
        waiting.shift()?.reject(err)
        readRow()
      },
    )
  }

  const worker = async (): Promise<void> => {
    while (!stopping) {
      const next = await takeRow()
      if (next.done) return
      rows++
      const result = await handle(next.value)
      if (result.from_journal) skipped++
      if (result.status === 'failed' && result.error?.code === 'interrupted') abandoned++
      if (token.credentialsRejected) stopWith(`the token endpoint refused the client credentials: ${token.credentialsRejected.oneLine()}`)
      if (next.value.stop !== undefined) stopWith(next.value.stop)
      await emit(result)
    }
  }

  try {
    // One token before any row: wrong credentials end the run with exit 3 and nothing sent.
    await token.get('').catch((err: unknown) => {
      if (err instanceof CliError && err.code === 'interrupted') throw new CliError('Interrupted while getting the client token: no row was sent', {exitCode: ExitCode.INTERRUPTED, code: 'interrupted'})
      throw err
    })
    progress.start()
    await Promise.all(Array.from({length: opts.concurrency}, () => worker()))
  } finally {
    flush()
    // Until the last chunk is taken, its failure is still this run's to report (exit 7).
    if (!outputBroken) await lastWrite
    progress.stop()
    stop.dispose()
    signal.removeEventListener('abort', onAbort)
    io.stdout.off('error', onStdoutError)
    if (outputBroken) io.stdout.on('error', () => undefined) // a write still under way may fail after this
    else for (const l of otherListeners) io.stdout.on('error', l)
    // Rows never taken from the input are said, not silently dropped: counted by reading on
    // (a file ends; standard input may never, so it is not waited for).
    if (stopping && !signal.aborted && !reading && opts.file !== '-') notProcessed = await countRest(iterator)
    // A generator still waiting for its next line cannot be closed until that line comes (never,
    // from an abandoned pipe): then it is left to the process exit.
    if (!reading) await iterator.return?.(undefined)
    journal?.close()
  }

  const result = summary()
  let exitCode: ExitCodeValue = ExitCode.OK
  if (counts.failed + counts.invalid > 0) exitCode = ExitCode.PARTIAL
  if (token.credentialsRejected) exitCode = ExitCode.AUTH
  // Stopped because stdout closed: interrupted from outside, as by a signal (README "Exit codes").
  if (outputBroken && !writeFailure) exitCode = ExitCode.INTERRUPTED
  if (writeFailure) exitCode = ExitCode.WRITE_FAILED
  if (signal.aborted) exitCode = ExitCode.INTERRUPTED
  return {summary: result, exitCode}
}

/** Reads the rest of the input without acting on it, counting its rows. */
async function countRest(iterator: AsyncIterator<RawRow>): Promise<number | undefined> {
  let n = 0
  try {
    for (;;) {
      const next = await iterator.next()
      if (next.done) return n
      n++
    }
  } catch {
    return undefined
  }
}

/** Where stdout goes, for an error that cannot write to it ("standard output (/dev/full)"). */
function stdoutName(): string {
  try {
    const target = readlinkSync('/proc/self/fd/1')
    return target.startsWith('/') ? `standard output (${target})` : 'standard output'
  } catch {
    return 'standard output'
  }
}

function checkColumns(op: 'create' | 'delete', columns: string[] | undefined, opts: BulkOptions): void {
  if (!columns) return
  if (op === 'create') {
    if (!columns.includes('external_user_id')) {
      throw usageError(`--file ${opts.file} has no external_user_id column`, `The header must name the columns, e.g. ${CREATE_COLUMNS.join(',')}`)
    }
    if (!columns.includes('market') && opts.defaults?.market === undefined) {
      throw usageError(`--file ${opts.file} has no market column and no --market was given`, 'Add a market column, or pass --market GB (or set TINK_MARKET) for every row')
    }
  } else if (!columns.includes('external_user_id') && !columns.includes('user_id')) {
    throw usageError(`--file ${opts.file} has neither a user_id nor an external_user_id column`, `The header must name one of them: ${DELETE_COLUMNS.join(' or ')}`)
  }
}

/** Columns no bulk command knows (exports often carry more); one file may serve both create and delete. */
export function unknownColumns(columns: string[] | undefined): string[] {
  const known: readonly string[] = [...CREATE_COLUMNS, ...DELETE_COLUMNS]
  return (columns ?? []).filter((c) => !known.includes(c))
}
