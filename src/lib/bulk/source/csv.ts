/**
 * CSV rows (RFC 4180 through csv-parse: quoted fields may hold the delimiter, quotes and line
 * breaks) after a header row. Broken quoting ends reading: where a quote opens, every later line
 * could belong to the same field.
 */
import type {CsvError} from 'csv-parse'
import {parse as parseCsvSync} from 'csv-parse/sync'
import {plural} from '../render.js'
import {fatalRow, MAX_LINE_BYTES, NOT_UTF8, splitLines, type LineGuard} from './line-guard.js'
import type {RawRow} from './raw-row.js'

/** Delimiters detected from the CSV header (European Excel writes ";"). */
const DELIMITERS = [',', ';', '\t'] as const

/** The delimiter the header line uses most, outside quotes (a comma when none occurs). */
export function detectDelimiter(header: string): string {
  let best: string = ','
  let bestCount = 0
  for (const d of DELIMITERS) {
    let count = 0
    let quoted = false
    for (const ch of header) {
      if (ch === '"') quoted = !quoted
      else if (ch === d && !quoted) count++
    }
    if (count > bestCount) {
      best = d
      bestCount = count
    }
  }
  return best
}

/** The header's cells, or what is wrong with its quoting. */
export function parseHeader(text: string, delimiter: string, line: number): string[] | string {
  try {
    const [cells] = parseCsvSync(text, {delimiter, relax_column_count: true})
    return cells ?? []
  } catch (err) {
    return csvReason(err as CsvError, line)
  }
}

/**
 * CSV data records, cut at line ends: a record ends at the first line break outside a quoted
 * field, so each row is handed on as soon as its line has arrived. (A streaming csv-parse holds
 * its last record back until more input or the end comes, which from a pipe that stays open may be
 * never.) A record without quotes is split at the delimiter, exactly what RFC 4180 makes of it;
 * one with quotes is parsed whole by csv-parse, which also names what is wrong with broken quoting.
 */
export async function* csvRows(columns: string[], headerLine: number, delimiter: string, guard: LineGuard, close: () => void): AsyncGenerator<RawRow> {
  const options = {delimiter, relax_column_count: true, record_delimiter: ['\r\n', '\n'], max_record_size: MAX_LINE_BYTES}
  const scan = new QuoteScanner(delimiter)
  /** The lines of a record that spans lines (a quoted field holds a line break), and where it starts. */
  let parts: string[] = []
  let start = 0
  let size = 0
  let badLine: number | undefined
  const broken = (line: number, reason: string): RawRow => {
    const message = `broken CSV quoting: ${reason}`
    return {line, error: message, stop: `line ${line} of the input: ${message}; a quote makes every later line part of that row, so no more rows were read`}
  }
  /** The row of one complete record, or undefined for a blank line; `stop` set when reading must end. */
  const recordRow = (line: number, text: string, quoted: boolean, bad: number | undefined): RawRow | undefined => {
    if (bad !== undefined)
      return {line, error: bad === line ? `not valid UTF-8 text${NOT_UTF8.slice('is not valid UTF-8 text'.length)}` : `line ${bad} ${NOT_UTF8}`}
    let cells: string[]
    if (!quoted) {
      if (text.trim() === '') return undefined
      cells = text.split(delimiter)
    } else {
      try {
        cells = parseCsvSync(text, options)[0] ?? ['']
      } catch (err) {
        return broken(line, csvReason(err as CsvError, line))
      }
      if (cells.length === 1 && cells[0].trim() === '') return undefined
    }
    if (cells.length !== columns.length) {
      const fields: Record<string, string> = {}
      columns.forEach((c, i) => {
        if (cells[i] !== undefined) fields[c] = cells[i]!
      })
      return {line, fields, error: `has ${plural(cells.length, 'field')}, the header has ${columns.length}`}
    }
    const fields: Record<string, string> = {}
    for (let i = 0; i < columns.length; i++) fields[columns[i]] = cells[i]!
    return {line, fields}
  }
  try {
    for await (const {line, text} of splitLines(guard)) {
      if (line <= headerLine) continue
      if (parts.length === 0) {
        // The common case: a line that is a whole record.
        if (text === undefined || !text.includes('"')) {
          const row = recordRow(line, text ?? '', false, text === undefined ? line : undefined)
          if (row) yield row
          continue
        }
        start = line
        size = 0
        badLine = undefined
      }
      if (text === undefined) badLine ??= line
      parts.push(text ?? '')
      size += (text ?? '').length + 1
      if (text !== undefined) scan.feed(text)
      if (scan.open) {
        if (size > MAX_LINE_BYTES) {
          yield broken(start, `a row longer than ${MAX_LINE_BYTES / 1024 / 1024} MiB (line ${start}), most likely an unclosed quote`)
          return
        }
        scan.lineBreak()
        continue
      }
      const row = recordRow(start, parts.join('\n'), true, badLine)
      parts = []
      scan.reset()
      if (row) yield row
      if (row?.stop !== undefined) return
    }
    // The input ended inside a quoted field.
    if (parts.length > 0) {
      const row = recordRow(start, parts.join('\n'), true, badLine)
      if (row) yield row
    }
  } catch (err) {
    yield fatalRow(err)
  } finally {
    close()
  }
}

/**
 * Whether a CSV record is still inside a quoted field at the end of a line: a quote opens a field
 * only at its start (after a delimiter or at the record's start), "" inside is a quote, and any
 * other quote closes it. Quotes elsewhere are errors csv-parse reports once the record is whole.
 */
class QuoteScanner {
  open = false
  private fieldStart = true
  constructor(private readonly delimiter: string) {}

  feed(text: string): void {
    for (let i = 0; i < text.length; i++) {
      const ch = text[i]
      if (this.open) {
        if (ch === '"') {
          if (text[i + 1] === '"') i++
          else this.open = false
        }
        this.fieldStart = false
      } else if (ch === '"' && this.fieldStart) {
        this.open = true
        this.fieldStart = false
      } else {
        this.fieldStart = ch === this.delimiter
      }
    }
  }

  /** A line break inside the quoted field: its content, not the end of the record. */
  lineBreak(): void {
    this.fieldStart = false
  }

  reset(): void {
    this.open = false
    this.fieldStart = true
  }
}

/** What is wrong with a record that starts on line `start`, in words (csv-parse counts lines from the record). */
function csvReason(e: CsvError, start: number): string {
  const where = typeof e.lines === 'number' ? ` (line ${start + Math.max(1, e.lines) - 1})` : ''
  switch (e.code) {
    case 'CSV_QUOTE_NOT_CLOSED':
      return `a quoted field is never closed${where}`
    case 'INVALID_OPENING_QUOTE':
      return `a quote inside an unquoted field${where}; quote the whole field and double the quote ("")`
    case 'CSV_INVALID_CLOSING_QUOTE':
      return `unexpected text after a closing quote${where}`
    case 'CSV_MAX_RECORD_SIZE':
      return `a row longer than ${MAX_LINE_BYTES / 1024 / 1024} MiB${where}, most likely an unclosed quote`
    default:
      return `${e.message}`
  }
}
