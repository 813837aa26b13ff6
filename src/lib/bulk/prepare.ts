/**
 * What a bulk run checks before it sends anything: the input can be read and has the columns its
 * command needs (exit 2, one line), with notes on stderr for a non-comma delimiter and for columns
 * no bulk command knows.
 */
import type {IO} from '../cli/io.js'
import {usageError} from '../errors/cli-error.js'
import {CREATE_COLUMNS, DELETE_COLUMNS, type CreateDefaults} from './rows.js'
import {countRows, openInput, type InputFormat, type OpenedInput} from './source/index.js'

export interface InputOptions {
  op: 'create' | 'delete'
  /** Path, or "-" for standard input. */
  file: string
  format?: InputFormat
  /** CSV field delimiter; undefined = detected from the header line (",", ";" or tab). */
  delimiter?: string
  /** create: values for columns a row leaves empty (the flags). */
  defaults?: CreateDefaults
}

/** The row count for the delete confirmation and the progress bar; undefined for stdin. */
export async function countBulkRows(file: string, format?: InputFormat): Promise<number | undefined> {
  if (file === '-') return undefined
  return countRows(file, format)
}

/** Opens the input and checks its columns; everything wrong with the file fails here. */
export async function openBulkInput(io: IO, opts: InputOptions): Promise<OpenedInput> {
  const input = await openInput(opts.file, io.stdin, opts.format, opts.delimiter)
  if (input.delimiter !== undefined && input.delimiter !== ',') {
    const how = input.delimiterSource === 'flag' ? 'as --delimiter says' : 'detected from the header; --delimiter sets it'
    io.stderr.write(`Note: reading --file ${opts.file} with ${input.delimiter === '\t' ? 'tab' : `"${input.delimiter}"`} as the CSV delimiter (${how})\n`)
  }
  checkColumns(input.columns, opts)
  const ignored = unknownColumns(input.columns)
  if (ignored.length > 0) io.stderr.write(`Note: ignoring column(s) ${ignored.join(', ')} of --file ${opts.file}\n`)
  return input
}

function checkColumns(columns: string[] | undefined, opts: InputOptions): void {
  if (!columns) return
  if (opts.op === 'create') {
    if (!columns.includes('external_user_id')) {
      throw usageError(`--file ${opts.file} has no external_user_id column`, `The header must name the columns, e.g. ${CREATE_COLUMNS.join(',')}`)
    }
    if (!columns.includes('market') && opts.defaults?.market === undefined) {
      throw usageError(
        `--file ${opts.file} has no market column and no --market was given`,
        'Add a market column, or pass --market GB (or set TINK_MARKET) for every row',
      )
    }
  } else if (!columns.includes('external_user_id') && !columns.includes('user_id')) {
    throw usageError(
      `--file ${opts.file} has neither a user_id nor an external_user_id column`,
      `The header must name one of them: ${DELETE_COLUMNS.join(' or ')}`,
    )
  }
}

/** Columns no bulk command knows (exports often carry more); one file may serve both create and delete. */
export function unknownColumns(columns: string[] | undefined): string[] {
  const known: readonly string[] = [...CREATE_COLUMNS, ...DELETE_COLUMNS]
  return (columns ?? []).filter((c) => !known.includes(c))
}
