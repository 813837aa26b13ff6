/**
 * What both row operations share: how a row is told it was settled without a request (a duplicate
 * line of this file, a row an earlier run's journal lists as done), the retry budget of a row, and
 * the error object a failed row carries.
 */
import {withRenderedHint} from '../../cli/render-error.js'
import type {TinkApi} from '../../tink/api.js'
import type {DoneRow} from '../journal.js'
import {DUPLICATE_ROW, type RowResult} from '../rows.js'
import type {RawRow} from '../source/raw-row.js'

/** One row in, its result out; never throws for a row's own failure. */
export type RowOperation = (raw: RawRow) => Promise<RowResult>

/** The users this run knows by row key (seen.ts, or the journal's table when resuming). */
export interface RowLedger {
  /** The first line of this run that named `key`; undefined (and `line` recorded) when this is it. */
  firstLine(key: string, line: number): number | undefined
  /** What an earlier run settled `key` with, from the journal. */
  done(key: string): DoneRow | undefined
}

export interface RowContext {
  api: TinkApi
  ledger: RowLedger
  /** Whether one more attempt of a row makes sense after `err` (attempt counts from 0). */
  mayRetry(err: unknown, attempt: number): boolean
  /** The backoff before a row's next attempt; rejects, as an interruption, when the run is stopping. */
  pause(attempt: number): Promise<void>
  /** Aborted when the grace period after a stop is over: in-flight rows are cut off. */
  hard: AbortSignal
  /** --dry-run: a valid row that is still to do is reported as what would be done, and nothing is sent. */
  dryRun?: boolean
}

/** Extra attempts of a whole row after the HTTP client's own retries gave up on it. */
export const ROW_RETRIES = 2

/**
 * How a row is settled before any request: a later line of the same user is invalid (the second
 * create would be a replay of the first, the second delete a no-op); a row the journal lists as
 * done is reported from it. Decided synchronously as the row is taken, so line order decides which
 * line is "first" whatever the concurrency.
 */
export function settledBefore(
  ledger: RowLedger,
  key: string | undefined,
  line: number,
): ({duplicateOf: number} & Partial<DoneRow>) | (DoneRow & {duplicateOf?: undefined}) | undefined {
  if (key === undefined) return undefined
  const first = ledger.firstLine(key, line)
  if (first !== undefined) return {duplicateOf: first}
  return ledger.done(key)
}

/** The result fields of a line that repeats an earlier line's user. */
export function duplicateRow(line: number, first: number): Pick<RowResult, 'status' | 'error'> {
  return {status: 'invalid', error: {code: DUPLICATE_ROW, message: `line ${line}: duplicate of line ${first} (the same user); not sent`}}
}

/** The result of a row that failed validation. */
export function invalidRow(line: number, reason: string): Pick<RowResult, 'status' | 'error'> {
  return {status: 'invalid', error: {code: 'invalid_row', message: `line ${line}: ${reason}`}}
}

/** The error object of a failed row: the CLI's error JSON without its exit code, with the hint the renderer would give. */
export function failure(err: unknown): Record<string, unknown> {
  const {exitCode: _drop, ...rest} = withRenderedHint(err).toJSON().error
  return rest
}
