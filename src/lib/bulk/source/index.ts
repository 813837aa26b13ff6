/**
 * The row source: opens the input (open.ts), guards its lines (line-guard.ts), and sniffs what it
 * is from the first non-blank line (binary, not UTF-8, NDJSON or CSV, the CSV delimiter and
 * header), so an input that is not usable at all fails with exit 2 before anything is sent. The
 * rows then stream from ndjson.ts or csv.ts, one record per data row; nothing holds the file.
 */
import type {Readable} from 'node:stream'
import {CliError, usageError} from '../../errors/cli-error.js'
import {csvRows, detectDelimiter, parseHeader} from './csv.js'
import {LineGuard, NOT_UTF8, splitLines, type GuardLine} from './line-guard.js'
import {ndjsonRows} from './ndjson.js'
import {formatFromName, openStream, unreadable} from './open.js'
import type {InputFormat, RawRow} from './raw-row.js'

export type {InputFormat, RawRow} from './raw-row.js'
export {countRows} from './open.js'

export interface OpenedInput {
  format: InputFormat
  /** CSV: the header's columns; NDJSON: undefined (keys vary per line). */
  columns?: string[]
  /** CSV: the field delimiter in use. */
  delimiter?: string
  /** CSV: how the delimiter was chosen, when it is not the plain comma default. */
  delimiterSource?: 'flag' | 'header'
  rows: AsyncIterable<RawRow>
}

/** Opens the input and reads as far as the first non-blank line (the CSV header, or the first NDJSON line that tells stdin's format). */
export async function openInput(file: string, stdin: Readable, explicitFormat?: string, explicitDelimiter?: string): Promise<OpenedInput> {
  const stream = await openStream(file, stdin)
  const guessed = formatFromName(file, explicitFormat)
  // Stdin of unknown format is guarded as bytes; its first line then decides.
  const guard = new LineGuard(guessed === 'ndjson' ? 'lines' : 'bytes')
  let failure: unknown
  stream.on('error', (err) => guard.destroy(err))
  guard.on('error', (err) => (failure ??= err))
  stream.pipe(guard)
  await guard.first()
  if (failure !== undefined) {
    stream.destroy()
    if (failure instanceof CliError) throw failure
    throw unreadable(file, (failure as Error).message)
  }
  const first = guard.firstLine
  if (first === undefined) throw usageError(`--file ${file} is empty`, 'Give a CSV file with a header row, or NDJSON with one object per line')
  const close = (): void => {
    stream.unpipe(guard)
    stream.destroy()
    guard.destroy()
  }
  // Binary before UTF-8: a PNG's first line is not UTF-8 either, but "save it as UTF-8" would mislead.
  if (guard.binary || first.text?.includes('\u0000')) {
    close()
    throw usageError(`--file ${file} is not a text file (it holds binary data)`, 'Give a CSV or NDJSON file in UTF-8; export spreadsheets as CSV first')
  }
  if (first.text === undefined) {
    close()
    throw usageError(`--file ${file}: line ${first.line} ${NOT_UTF8}`)
  }
  const format = guessed ?? (first.text.trimStart().startsWith('{') ? 'ndjson' : 'csv')
  if (format === 'ndjson') {
    // Guarded as bytes (stdin sniffed as NDJSON): split into lines here.
    const lines = guessed === 'ndjson' ? (guard as AsyncIterable<GuardLine>) : splitLines(guard)
    return {format, rows: ndjsonRows(lines, close)}
  }
  const delimiter = explicitDelimiter ?? detectDelimiter(first.text)
  const header = parseHeader(first.text, delimiter, first.line)
  if (typeof header === 'string') {
    close()
    throw usageError(
      `--file ${file}: the CSV header on line ${first.line} is broken: ${header}`,
      'The first line must name the columns, e.g. external_user_id,market,locale,retention_class',
    )
  }
  const columns = header.map((c) => c.trim().toLowerCase())
  const dup = columns.find((c, i) => columns.indexOf(c) !== i)
  const fail = (message: string, hint: string): never => {
    close()
    throw usageError(message, hint)
  }
  if (dup !== undefined) fail(`--file ${file}: the CSV header names column "${dup}" twice`, 'Give each column once')
  if (columns.some((c) => c === ''))
    fail(`--file ${file}: the CSV header on line ${first.line} has an empty column name`, 'Name every column, e.g. external_user_id,market,locale')
  return {
    format,
    columns,
    delimiter,
    delimiterSource: explicitDelimiter !== undefined ? 'flag' : delimiter !== ',' ? 'header' : undefined,
    rows: csvRows(columns, first.line, delimiter, guard, close),
  }
}
