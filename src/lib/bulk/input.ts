/**
 * Streaming readers for bulk input files: CSV with a header row, or NDJSON. Both read one line at
 * a time and yield one record per data line, so a 100,000-row file never sits in memory.
 * A line that cannot be parsed is yielded as a broken record with its line number instead of
 * stopping the run: the caller reports it `invalid` and carries on.
 */
import {createReadStream} from 'node:fs'
import {open} from 'node:fs/promises'
import {extname} from 'node:path'
import type {Readable} from 'node:stream'
import {createInterface} from 'node:readline'
import {CliError, ExitCode, usageError} from '../errors/cli-error.js'
import {plural} from './render.js'

export type InputFormat = 'csv' | 'ndjson'

export type RawRow =
  | {line: number; fields: Record<string, string | undefined>; error?: undefined}
  | {line: number; error: string; fields?: Record<string, string | undefined>}

export interface OpenedInput {
  format: InputFormat
  /** CSV: the header's columns; NDJSON: undefined (keys vary per line). */
  columns?: string[]
  rows: AsyncIterable<RawRow>
}

/** `--format` wins; else the file extension; else (stdin, odd names) the first character decides. */
export function formatFromName(file: string, explicit?: string): InputFormat | undefined {
  if (explicit) return explicit === 'ndjson' ? 'ndjson' : 'csv'
  const ext = extname(file).toLowerCase()
  if (ext === '.csv') return 'csv'
  if (ext === '.ndjson' || ext === '.jsonl') return 'ndjson'
  return undefined
}

/** The readable for PATH, or stdin for "-"; a file that cannot be opened is exit 2 before anything is sent. */
async function openStream(file: string, stdin: Readable): Promise<Readable> {
  if (file === '-') return stdin
  try {
    // Opened first so a missing or unreadable file is a clean exit 2 here, not a stream error later.
    const handle = await open(file, 'r')
    // On Linux a folder opens fine and fails only on the first read: ask before that.
    if ((await handle.stat()).isDirectory()) {
      await handle.close()
      throw Object.assign(new Error('it is a folder'), {code: 'EISDIR'})
    }
    return handle.createReadStream({autoClose: true, highWaterMark: 64 * 1024})
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code
    const why = code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : code === 'EISDIR' ? 'it is a folder' : String((err as Error).message)
    throw new CliError(`Cannot read --file ${file}: ${why}`, {exitCode: ExitCode.USAGE, code: 'file_unreadable', hint: 'Give the path of a CSV or NDJSON file, or - for standard input'})
  }
}

/**
 * Opens the input and reads as far as the CSV header (or the first NDJSON line, to sniff the
 * format of stdin), so a file that is not usable at all fails with exit 2 up front.
 */
export async function openInput(file: string, stdin: Readable, explicitFormat?: string): Promise<OpenedInput> {
  const stream = await openStream(file, stdin)
  const lines = createInterface({input: stream, crlfDelay: Infinity})[Symbol.asyncIterator]()
  let lineNo = 0
  let first: string | undefined
  try {
    for (;;) {
      const next = await lines.next()
      if (next.done) break
      lineNo++
      const text = lineNo === 1 ? next.value.replace(/^\uFEFF/, '') : next.value
      if (text.trim() !== '') {
        first = text
        break
      }
    }
  } catch (err) {
    throw new CliError(`Cannot read --file ${file}: ${(err as Error).message}`, {exitCode: ExitCode.USAGE, code: 'file_unreadable'})
  }
  if (first === undefined) throw usageError(`--file ${file} is empty`, 'Give a CSV file with a header row, or NDJSON with one object per line')
  // NUL bytes or undecodable UTF-8 in the first line: an image, an archive, a spreadsheet.
  // eslint-disable-next-line no-control-regex -- a NUL byte is how a binary file shows itself
  if (/[\u0000\uFFFD]/.test(first)) {
    await lines.return?.()
    throw usageError(`--file ${file} is not a text file (it holds binary data)`, 'Give a CSV or NDJSON file in UTF-8; export spreadsheets as CSV first')
  }
  const format = formatFromName(file, explicitFormat) ?? (first.trimStart().startsWith('{') ? 'ndjson' : 'csv')
  const firstLine = lineNo

  if (format === 'ndjson') {
    return {format, rows: ndjsonRows(first, firstLine, lines)}
  }
  const header = parseCsvLine(first)
  if (typeof header === 'string') throw usageError(`--file ${file}: the CSV header on line ${firstLine} is broken: ${header}`, 'The first line must name the columns, e.g. external_user_id,market,locale,retention_class')
  const columns = header.map((c) => c.trim().toLowerCase())
  const dup = columns.find((c, i) => columns.indexOf(c) !== i)
  if (dup !== undefined) throw usageError(`--file ${file}: the CSV header names column "${dup}" twice`, 'Give each column once')
  if (columns.some((c) => c === '')) throw usageError(`--file ${file}: the CSV header on line ${firstLine} has an empty column name`, 'Name every column, e.g. external_user_id,market,locale')
  return {format, columns, rows: csvRows(columns, firstLine, lines)}
}

async function* ndjsonRows(first: string, firstLine: number, lines: AsyncIterator<string>): AsyncGenerator<RawRow> {
  try {
    yield ndjsonRow(first, firstLine)
    let lineNo = firstLine
    for (;;) {
      const next = await lines.next()
      if (next.done) return
      lineNo++
      if (next.value.trim() === '') continue
      yield ndjsonRow(next.value, lineNo)
    }
  } finally {
    // Stopping early (Ctrl-C) must release the file or stdin, or the process would not exit.
    await lines.return?.()
  }
}

function ndjsonRow(text: string, line: number): RawRow {
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch {
    return {line, error: 'not valid JSON; each line must be one JSON object'}
  }
  if (!value || typeof value !== 'object' || Array.isArray(value)) return {line, error: 'not a JSON object; each line must be one object such as {"external_user_id":"u1"}'}
  const fields: Record<string, string | undefined> = {}
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
    if (v === null || v === undefined) continue
    if (typeof v !== 'string') return {line, fields: stringFields(value as Record<string, unknown>), error: `field "${k}" must be a string`}
    fields[k.toLowerCase()] = v
  }
  return {line, fields}
}

/** The string-valued fields of a broken NDJSON object, so its line can still name the user. */
function stringFields(value: Record<string, unknown>): Record<string, string> {
  const out: Record<string, string> = {}
  for (const [k, v] of Object.entries(value)) if (typeof v === 'string') out[k.toLowerCase()] = v
  return out
}

async function* csvRows(columns: string[], headerLine: number, lines: AsyncIterator<string>): AsyncGenerator<RawRow> {
  try {
    yield* csvBody(columns, headerLine, lines)
  } finally {
    await lines.return?.()
  }
}

async function* csvBody(columns: string[], headerLine: number, lines: AsyncIterator<string>): AsyncGenerator<RawRow> {
  let lineNo = headerLine
  for (;;) {
    const next = await lines.next()
    if (next.done) return
    lineNo++
    if (next.value.trim() === '') continue
    const cells = parseCsvLine(next.value)
    if (typeof cells === 'string') {
      yield {line: lineNo, error: `broken CSV quoting: ${cells}`, fields: guessFirstCells(columns, next.value)}
      continue
    }
    if (cells.length !== columns.length) {
      const fields: Record<string, string> = {}
      columns.forEach((c, i) => {
        if (cells[i] !== undefined) fields[c] = cells[i]
      })
      yield {line: lineNo, fields, error: `has ${plural(cells.length, 'field')}, the header has ${columns.length}`}
      continue
    }
    const fields: Record<string, string> = {}
    for (let i = 0; i < columns.length; i++) fields[columns[i]] = cells[i]
    yield {line: lineNo, fields}
  }
}

/** Best effort for a line with broken quoting: the unquoted leading cells, to name the row in the report. */
function guessFirstCells(columns: string[], text: string): Record<string, string> {
  const fields: Record<string, string> = {}
  const parts = text.split(',')
  for (let i = 0; i < columns.length && i < parts.length; i++) {
    if (parts[i].includes('"')) break
    fields[columns[i]] = parts[i]
  }
  return fields
}

/**
 * One CSV record from one line (RFC 4180 quoting: "a, b" and "" for a quote). A record never
 * spans lines here: no column of this file (ids, market, locale) may hold a newline, and an
 * unterminated quote would otherwise swallow the rest of the file into one row. Returns the
 * cells, or a string saying what is broken.
 */
export function parseCsvLine(line: string): string[] | string {
  const cells: string[] = []
  let i = 0
  const n = line.length
  for (;;) {
    if (i < n && line[i] === '"') {
      let cell = ''
      i++
      for (;;) {
        const q = line.indexOf('"', i)
        if (q < 0) return `unterminated quoted field starting at column ${cells.length + 1}`
        cell += line.slice(i, q)
        if (line[q + 1] === '"') {
          cell += '"'
          i = q + 2
          continue
        }
        i = q + 1
        break
      }
      if (i < n && line[i] !== ',') return `unexpected text after the closing quote of column ${cells.length + 1}`
      cells.push(cell)
    } else {
      const comma = line.indexOf(',', i)
      const end = comma < 0 ? n : comma
      const cell = line.slice(i, end)
      if (cell.includes('"')) return `a quote inside unquoted column ${cells.length + 1}; quote the whole field and double the quote ("")`
      cells.push(cell)
      i = end
    }
    if (i >= n) return cells
    i++ // past the comma
    if (i === n) {
      cells.push('')
      return cells
    }
  }
}

/**
 * Data lines in a file (non-blank lines, minus the header for CSV): the progress total and the
 * count the delete prompt shows. A byte scan, so it costs milliseconds even for 100,000 rows.
 */
export async function countRows(file: string, explicitFormat?: string): Promise<number> {
  let count = 0
  let inLine = false
  let blank = true
  let firstByte: number | undefined
  const stream = createReadStream(file, {highWaterMark: 256 * 1024})
  try {
    for await (const chunk of stream) {
      const buf = chunk as Buffer
      for (let i = 0; i < buf.length; i++) {
        const b = buf[i]
        if (b === 10) {
          if (inLine && !blank) count++
          inLine = false
          blank = true
        } else {
          inLine = true
          if (b !== 13 && b !== 32 && b !== 9) {
            blank = false
            firstByte ??= b
          }
        }
      }
    }
  } catch (err) {
    await openStream(file, process.stdin) // the same one-line error as a real read
    throw err
  }
  if (inLine && !blank) count++
  const format = formatFromName(file, explicitFormat) ?? (firstByte === 0x7b ? 'ndjson' : 'csv')
  return format === 'csv' ? Math.max(0, count - 1) : count
}
