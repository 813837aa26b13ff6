/**
 * The flags `user create --file` and `user delete --file` share, and their checks (exit 2 on bad
 * values, before anything is read or sent).
 */
import {Flags} from '@oclif/core'
import {usageError} from '../errors.js'
import type {InputFormat} from './input.js'

export const bulkFlags = {
  file: Flags.string({
    char: 'f',
    description: 'Bulk mode: a CSV (with a header row) or NDJSON file of users, one per row; - reads standard input. Prints one NDJSON line per row on stdout and a summary on stderr.',
    helpGroup: 'BULK',
  }),
  format: Flags.string({
    description: 'Format of --file. Default: from the extension (.csv, .ndjson, .jsonl), else from the first line.',
    options: ['csv', 'ndjson'],
    helpGroup: 'BULK',
  }),
  concurrency: Flags.integer({
    description: 'Requests in flight at once over the shared keep-alive connections.',
    default: 8,
    min: 1,
    max: 256,
    helpGroup: 'BULK',
  }),
  rate: Flags.string({
    description: 'Cap on requests per second for the whole run (Tink limits per app), or "off". A 429 slows all workers down either way.',
    default: 'off',
    helpGroup: 'BULK',
  }),
  journal: Flags.string({
    description: 'Append every finished row to this file as it completes; running again with the same journal skips the rows it lists as done.',
    helpGroup: 'BULK',
  }),
}

export function parseRate(value: string | undefined): number | undefined {
  if (value === undefined || value === 'off' || value === '0') return undefined
  const n = Number(value)
  if (!Number.isFinite(n) || n <= 0 || n > 100_000) throw usageError(`Invalid --rate "${value}"`, 'Give requests per second, e.g. --rate 50, or --rate off')
  return n
}

export function parseFormat(value: string | undefined): InputFormat | undefined {
  return value === 'csv' || value === 'ndjson' ? value : undefined
}

/** Flags of the single-user form that make no sense with --file. */
export function rejectWithFile(flags: Record<string, unknown>, names: string[]): void {
  const given = names.filter((n) => flags[n] !== undefined)
  if (given.length > 0) throw usageError(`--${given[0]} cannot be combined with --file`, 'Put the users in the file, one per row')
}

/** Bulk flags given without --file are a mistake worth saying so. */
export function rejectWithoutFile(flags: Record<string, unknown>, argv: readonly string[]): void {
  const bulkOnly = ['--format', '--concurrency', '--rate', '--journal', '--if-exists']
  const used = bulkOnly.find((f) => argv.some((a) => a === f || a.startsWith(f + '=')))
  if (used !== undefined && flags.file === undefined) throw usageError(`${used} needs --file`, 'Give --file PATH (or --file - for standard input) to work on many users')
}
