/**
 * The line guard every input passes through first: text must be UTF-8 (a Latin-1 export is refused
 * line by line, never decoded to U+FFFD and sent) and no line may be longer than MAX_LINE_BYTES (a
 * stream without line breaks is an error, not a growing buffer). It also keeps the first non-blank
 * line for sniffing, and notes a NUL byte near the start (a binary file).
 */
import {isUtf8} from 'node:buffer'
import {Transform, type TransformCallback} from 'node:stream'
import {CliError, usageError} from '../../errors/cli-error.js'
import type {RawRow} from './raw-row.js'

/** The longest line read (and, for CSV, the largest record): beyond it the input is refused. */
export const MAX_LINE_BYTES = 1024 * 1024
/** What the guard reads ahead of the rows in bytes mode: about one chunk of the file stream. */
const READ_AHEAD_BYTES = 64 * 1024
/** Bytes looked at for NUL to tell a binary file from text (as git and grep do), before any line is judged. */
const BINARY_SNIFF_BYTES = 8000

export const NOT_UTF8 = 'is not valid UTF-8 text (a Latin-1 or Windows-1252 export?); save the file as UTF-8 (CSV UTF-8 in Excel) and run again'

/**
 * Bytes in, the same bytes out (CSV) or one object per line (NDJSON), after checking each line:
 * UTF-8, at most MAX_LINE_BYTES. Lines are counted as a person's editor counts them (LF or CRLF).
 * The first non-blank line is kept for format and delimiter sniffing; lines that are not UTF-8
 * are remembered (CSV) until the record that holds them is read.
 */
export class LineGuard extends Transform {
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
  return usageError(
    `line ${line} of --file is longer than ${MAX_LINE_BYTES / 1024 / 1024} MiB (a file without line breaks, or not a text file)`,
    'Give a CSV or NDJSON file with one row per line',
  )
}

export interface GuardLine {
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
export async function* splitLines(guard: LineGuard): AsyncGenerator<GuardLine> {
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

/** The row that ends reading: a line too long, or the input failing under us. */
export function fatalRow(err: unknown): RawRow {
  const message = err instanceof CliError ? err.message : `the input could not be read further: ${(err as Error).message}`
  const line = /^line (\d+)/.exec(message)
  return {line: line ? Number(line[1]) : 0, error: message, stop: `${message}; no more rows were read`}
}

/** The fields tink itself writes and reads back (its NDJSON results are valid input). */
