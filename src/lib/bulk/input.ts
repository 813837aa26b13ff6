/**
 * Streaming readers for bulk input files: CSV (RFC 4180, through csv-parse: quoted fields may
 * hold the delimiter, quotes and line breaks) with a header row, or NDJSON. Both stream, with
 * back-pressure, and yield one record per data row, so a million-row file never sits in memory.
 * A row that cannot be used is yielded as a broken record with its line number instead of stopping
 * the run: the caller reports it `invalid` and carries on. Broken CSV quoting is the exception:
 * where a quote opens, every later line could belong to the same field, so reading stops there.
 *
 * Under both formats, LineGuard checks the bytes line by line first: text must be UTF-8 (a Latin-1
 * export is refused line by line, never decoded to U+FFFD and sent) and no line may be longer than
 * MAX_LINE_BYTES (a stream without line breaks is an error, not a growing buffer).
 */
import {constants, createReadStream, statSync} from 'node:fs'
import {open} from 'node:fs/promises'
import {isUtf8} from 'node:buffer'
import {extname} from 'node:path'
import {Transform, type Readable, type TransformCallback} from 'node:stream'
import type {CsvError} from 'csv-parse'
import {parse as parseCsvSync} from 'csv-parse/sync'
import {CliError, ExitCode, usageError} from '../errors/cli-error.js'
import {plural} from './render.js'

export type InputFormat = 'csv' | 'ndjson'

export type RawRow =
  | {line: number; fields: Record<string, string | undefined>; error?: undefined; stop?: undefined}
  /** stop: the input cannot be read past this row (broken CSV quoting): the run takes no more rows. */
  | {line: number; error: string; fields?: Record<string, string | undefined>; stop?: string}

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

/** The longest line read (and, for CSV, the largest record): beyond it the input is refused. */
export const MAX_LINE_BYTES = 1024 * 1024
/** Delimiters detected from the CSV header (European Excel writes ";"). */
const DELIMITERS = [',', ';', '\t'] as const
/** What the guard reads ahead of the rows in bytes mode: about one chunk of the file stream. */
const READ_AHEAD_BYTES = 64 * 1024
/** Bytes looked at for NUL to tell a binary file from text (as git and grep do), before any line is judged. */
const BINARY_SNIFF_BYTES = 8000

const NOT_UTF8 = 'is not valid UTF-8 text (a Latin-1 or Windows-1252 export?); save the file as UTF-8 (CSV UTF-8 in Excel) and run again'

/** `--format` wins; else the file extension; else (stdin, odd names) the first character decides. */
export function formatFromName(file: string, explicit?: string): InputFormat | undefined {
  if (explicit) return explicit === 'ndjson' ? 'ndjson' : 'csv'
  const ext = extname(file).toLowerCase()
  if (ext === '.csv') return 'csv'
  if (ext === '.ndjson' || ext === '.jsonl') return 'ndjson'
  return undefined
}

function unreadable(file: string, why: string): CliError {
  return new CliError(`Cannot read --file ${file}: ${why}`, {exitCode: ExitCode.USAGE, code: 'file_unreadable', hint: 'Give the path of a CSV or NDJSON file, or - for standard input'})
}

/** What kind of thing `path` is when it is not a regular file ('a folder', 'a named pipe (FIFO)'...). */
function notRegular(path: string): string | undefined {
  let st
  try {
    st = statSync(path)
  } catch {
    return undefined // the open that follows says why (no such file, permission denied)
  }
  if (st.isFile()) return undefined
  if (st.isDirectory()) return 'it is a folder'
  if (st.isFIFO()) return 'it is a named pipe (FIFO), not a regular file; pipe it into --file - instead'
  if (st.isCharacterDevice() || st.isBlockDevice()) return 'it is a device, not a regular file'
  return 'it is not a regular file'
}

/** The readable for PATH, or stdin for "-"; a file that cannot be opened is exit 2 before anything is sent. */
async function openStream(file: string, stdin: Readable): Promise<Readable> {
  if (file === '-') return stdin
  try {
    // Asked before opening: opening a FIFO waits for a writer, and a device (/dev/zero) never ends.
    const why = notRegular(file)
    if (why) throw unreadable(file, why)
    // O_NONBLOCK: a FIFO put in its place since the check still cannot hang the open.
    const handle = await open(file, constants.O_RDONLY | constants.O_NONBLOCK)
    const again = (await handle.stat()).isFile()
    if (!again) {
      await handle.close()
      throw unreadable(file, 'it is not a regular file')
    }
    return handle.createReadStream({autoClose: true, highWaterMark: 64 * 1024})
  } catch (err) {
    if (err instanceof CliError) throw err
    const code = (err as NodeJS.ErrnoException).code
    throw unreadable(file, code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : code === 'EISDIR' ? 'it is a folder' : String((err as Error).message))
  }
}

/**
 * Bytes in, the same bytes out (CSV) or one object per line (NDJSON), after checking each line:
 * UTF-8, at most MAX_LINE_BYTES. Lines are counted as a person's editor counts them (LF or CRLF).
 * The first non-blank line is kept for format and delimiter sniffing; lines that are not UTF-8
 * are remembered (CSV) until the record that holds them is read.
 */
class LineGuard extends Transform {
  /** Lines complete so far. */
  private lines = 0
  private carry?: Buffer
  /** Lines (1-based) that are not UTF-8 and not yet claimed by a CSV record, in order. */
  readonly badLines: number[] = []
  firstLine?: {line: number; text: string | undefined}
  /** Bytes mode: blank lines before the first line, counted but not handed on. */
  leadingBlankLines = 0
  /** A NUL byte in the first BINARY_SNIFF_BYTES: an image, an archive, a spreadsheet, not text. */
  binary = false
  private sniffed = 0
  private readonly firstSeen: Promise<void>
  private resolveFirst!: () => void

  constructor(private readonly mode: 'bytes' | 'lines') {
    // Bytes mode hands on nothing before the first line (the header, up to MAX_LINE_BYTES), so
    // nothing fills the buffer before a reader exists; after that, a chunk or so is read ahead:
    // every read of the async iterator takes the whole buffer as one new Buffer.
    super({readableObjectMode: mode === 'lines', readableHighWaterMark: mode === 'lines' ? 64 : READ_AHEAD_BYTES})
    this.firstSeen = new Promise((resolve) => (this.resolveFirst = resolve))
    this.once('error', () => this.resolveFirst())
  }

  /** Resolves once the first non-blank line (or the end, or an error) has been seen. */
  first(): Promise<void> {
    return this.firstSeen
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback): void {
    if (this.sniffed < BINARY_SNIFF_BYTES) {
      const head = chunk.subarray(0, BINARY_SNIFF_BYTES - this.sniffed)
      if (head.includes(0)) this.binary = true
      this.sniffed += head.length
    }
    const buf = this.carry ? Buffer.concat([this.carry, chunk]) : chunk
    let start = 0
    /** Where the bytes to hand on begin: past the blank lines before the first line. */
    let from = 0
    for (;;) {
      const nl = buf.indexOf(10, start)
      if (nl < 0) break
      this.line(buf, start, nl)
      start = nl + 1
      if (this.firstLine === undefined) from = start
    }
    this.carry = start < buf.length ? buf.subarray(start) : undefined
    if (this.carry && this.carry.length > MAX_LINE_BYTES) {
      return done(lineTooLong(this.lines + 1))
    }
    if (this.mode === 'bytes' && start > from) this.push(buf.subarray(from, start))
    done()
  }

  override _flush(done: TransformCallback): void {
    if (this.carry) {
      const buf = this.carry
      this.carry = undefined
      this.line(buf, 0, buf.length)
      if (this.mode === 'bytes' && this.firstLine !== undefined) this.push(buf)
    }
    this.resolveFirst()
    done()
  }

  private line(buf: Buffer, start: number, end: number): void {
    const no = ++this.lines
    const raw = buf.subarray(start, end > start && buf[end - 1] === 13 ? end - 1 : end)
    const ok = isUtf8(raw)
    if (!ok && this.mode === 'bytes') this.badLines.push(no)
    if (this.firstLine === undefined) {
      const text = ok ? raw.toString('utf8').replace(/^\uFEFF/, '') : undefined
      if (text === undefined || text.trim() !== '') {
        this.firstLine = {line: no, text}
        this.resolveFirst()
      } else if (this.mode === 'bytes') this.leadingBlankLines = no
    }
    if (this.mode === 'lines') this.push({line: no, text: ok ? raw.toString('utf8') : undefined})
  }
}

function lineTooLong(line: number): CliError {
  return usageError(`line ${line} of --file is longer than ${MAX_LINE_BYTES / 1024 / 1024} MiB (a file without line breaks, or not a text file)`, 'Give a CSV or NDJSON file with one row per line')
}

/**
 * Opens the input and reads as far as the first non-blank line (the CSV header, or the first
 * NDJSON line that tells stdin's format), so a file that is not usable at all fails with exit 2
 * up front.
 */
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
    return {format, rows: ndjsonRows(lines, guard, close)}
  }
  const delimiter = explicitDelimiter ?? detectDelimiter(first.text)
  const header = parseHeader(first.text, delimiter, first.line)
  if (typeof header === 'string') {
    close()
    throw usageError(`--file ${file}: the CSV header on line ${first.line} is broken: ${header}`, 'The first line must name the columns, e.g. external_user_id,market,locale,retention_class')
  }
  const columns = header.map((c) => c.trim().toLowerCase())
  const dup = columns.find((c, i) => columns.indexOf(c) !== i)
  const fail = (message: string, hint: string): never => {
    close()
    throw usageError(message, hint)
  }
  if (dup !== undefined) fail(`--file ${file}: the CSV header names column "${dup}" twice`, 'Give each column once')
  if (columns.some((c) => c === '')) fail(`--file ${file}: the CSV header on line ${first.line} has an empty column name`, 'Name every column, e.g. external_user_id,market,locale')
  return {
    format,
    columns,
    delimiter,
    delimiterSource: explicitDelimiter !== undefined ? 'flag' : delimiter !== ',' ? 'header' : undefined,
    rows: csvRows(columns, first.line, delimiter, guard, close),
  }
}

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
function parseHeader(text: string, delimiter: string, line: number): string[] | string {
  try {
    const [cells] = parseCsvSync(text, {delimiter, relax_column_count: true})
    return cells ?? []
  } catch (err) {
    return csvReason(err as CsvError, line)
  }
}

interface GuardLine {
  line: number
  text: string | undefined
}

/**
 * Lines out of a byte-mode guard (CSV, and standard input sniffed as NDJSON). Each line is decoded
 * from its own bytes: a line cut from one string of the whole chunk (split, slice) would be a V8
 * sliced string that keeps the chunk (up to the guard's buffer, megabytes) alive for as long as any
 * of its lines or fields is, and the chunk's array of lines lives until its last row is taken.
 * Held across many young-generation collections, both were promoted to the old generation, chunk
 * after chunk, and grew the heap with the file.
 */
async function* splitLines(guard: LineGuard): AsyncGenerator<GuardLine> {
  let carry: Buffer | undefined
  // The blank lines before the first line are not handed on; they still count.
  let line = guard.leadingBlankLines
  let bad = 0
  const text = (buf: Buffer, start: number, end: number): string | undefined => {
    line++
    while (guard.badLines[bad] !== undefined && guard.badLines[bad] < line) bad++
    if (guard.badLines[bad] === line) return undefined
    return buf.toString('utf8', start, end > start && buf[end - 1] === 13 ? end - 1 : end)
  }
  for await (const chunk of guard as AsyncIterable<Buffer>) {
    // The guard hands on whole lines (only the last line of the input may lack its line break).
    const buf = carry ? Buffer.concat([carry, chunk]) : chunk
    let start = 0
    for (;;) {
      const nl = buf.indexOf(10, start)
      if (nl < 0) break
      const t = text(buf, start, nl)
      yield {line, text: t}
      start = nl + 1
    }
    carry = start < buf.length ? buf.subarray(start) : undefined
    guard.badLines.splice(0, bad)
    bad = 0
  }
  if (carry) {
    const t = text(carry, 0, carry.length)
    yield {line, text: t}
  }
}

async function* ndjsonRows(lines: AsyncIterable<GuardLine>, guard: LineGuard, close: () => void): AsyncGenerator<RawRow> {
  try {
    for await (const {line, text} of lines) {
      if (text === undefined) {
        yield {line, error: `not valid UTF-8 text${NOT_UTF8.slice('is not valid UTF-8 text'.length)}`}
        continue
      }
      if (text.trim() === '') continue
      yield ndjsonRow(text, line)
    }
  } catch (err) {
    yield fatalRow(guard, err)
  } finally {
    // Stopping early (Ctrl-C) must release the file or stdin, or the process would not exit.
    close()
  }
}

/** The row that ends reading: a line too long, or the input failing under us. */
function fatalRow(_guard: LineGuard, err: unknown): RawRow {
  const message = err instanceof CliError ? err.message : `the input could not be read further: ${(err as Error).message}`
  const line = /^line (\d+)/.exec(message)
  return {line: line ? Number(line[1]) : 0, error: message, stop: `${message}; no more rows were read`}
}

/** The fields tink itself writes and reads back (its NDJSON results are valid input). */
const KNOWN_FIELDS: ReadonlySet<string> = new Set(['external_user_id', 'user_id', 'market', 'locale', 'retention_class'])

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
    const key = k.toLowerCase()
    if (v === null || v === undefined) continue
    // Other fields (row, status, error, from_journal in tink's own output) are not ours to check.
    if (typeof v !== 'string') {
      if (KNOWN_FIELDS.has(key)) return {line, fields: stringFields(value as Record<string, unknown>), error: `field "${k}" must be a string`}
      continue
    }
    fields[key] = v
  }
  return {line, fields}
}

/** The string-valued fields of a broken NDJSON object, so its line can still name the user. */
function stringFields(value: Record<string, unknown>): Record<string, string> {
  const out: Record<string, string> = {}
  for (const [k, v] of Object.entries(value)) if (typeof v === 'string') out[k.toLowerCase()] = v
  return out
}

/**
 * CSV data records, cut at line ends: a record ends at the first line break outside a quoted
 * field, so each row is handed on as soon as its line has arrived. (A streaming csv-parse holds
 * its last record back until more input or the end comes, which from a pipe that stays open may be
 * never.) A record without quotes is split at the delimiter, exactly what RFC 4180 makes of it;
 * one with quotes is parsed whole by csv-parse, which also names what is wrong with broken quoting.
 */
async function* csvRows(columns: string[], headerLine: number, delimiter: string, guard: LineGuard, close: () => void): AsyncGenerator<RawRow> {
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
    if (bad !== undefined) return {line, error: bad === line ? `not valid UTF-8 text${NOT_UTF8.slice('is not valid UTF-8 text'.length)}` : `line ${bad} ${NOT_UTF8}`}
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
    yield fatalRow(guard, err)
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

/**
 * Data lines in a file (non-blank lines, minus the header for CSV): the progress total and the
 * count the delete prompt shows. A byte scan, so it costs milliseconds even for 100,000 rows.
 */
export async function countRows(file: string, explicitFormat?: string): Promise<number> {
  let count = 0
  let inLine = false
  let blank = true
  let firstByte: number | undefined
  const why = notRegular(file)
  if (why) throw unreadable(file, why)
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
