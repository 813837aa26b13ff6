/**
 * The --journal file: NDJSON, a header line, then one line per finished row, each written to the
 * OS as the row finishes (one write(2) per line, so a crash or kill -9 loses nothing that was
 * reported). Re-running with the same journal skips the rows it lists as done.
 *
 * The header carries a random nonce that is part of every create's Idempotency-Key (see
 * idempotencyKey in ops/create.ts): resuming with the same journal re-sends the very same keys, so a
 * row that was in flight when the run stopped is answered from Tink's replay, never created twice.
 */
import {randomBytes} from 'node:crypto'
import {closeSync, fstatSync, fsyncSync, openSync, readSync, statSync, writeSync} from 'node:fs'
import {openAppend} from '../config/safe-file.js'
import {CliError, ExitCode, usageError} from '../errors/cli-error.js'
import {rowKey, type RowResult} from './rows.js'
import {DONE_CODES, SeenUsers, type DoneStatus} from './seen.js'
export interface JournalHeader {
  tink_bulk_journal: 1
  op: 'create' | 'delete'
  nonce: string
  client_id: string
  base_url: string
  started_at: string
}

export interface DoneRow {
  status: RowResult['status']
  user_id?: string
}

/** Statuses that settle a row for good; failed and invalid rows are tried again on a re-run. */
export const DONE_STATUSES: ReadonlySet<string> = new Set(DONE_CODES)

/** Bytes read at a time when the journal is read at open. */
const READ_CHUNK = 1024 * 1024
/** Bytes of the journal read at a time for the user_ids of skipped rows (hundreds of lines). */
const READ_BACK_WINDOW = 64 * 1024

/** The user_id of one journal line (undefined for a line that is not one: a run killed mid-write). */
function userIdOf(line: string): string | undefined {
  try {
    const r = JSON.parse(line) as Partial<RowResult>
    return typeof r.user_id === 'string' ? r.user_id : undefined
  } catch {
    return undefined
  }
}

export class Journal {
  private constructor(
    readonly path: string,
    readonly header: JournalHeader,
    private readonly fd: number,
    /**
     * Every row key the journal names, with the status an earlier run settled it with: the same
     * table then finds this run's duplicate rows (seen.ts), so a resumed run holds one compact
     * table, not a Map of a million ids.
     */
    readonly rows: SeenUsers,
    readonly unreadableLines: number,
  ) {}

  /** What an earlier run settled the row of `key` with, or undefined when it is still to do. */
  done(key: string): DoneRow | undefined {
    const hit = this.rows.done(key)
    if (!hit) return undefined
    return {status: hit.status, user_id: this.userIdAt(hit.offset)}
  }

  /**
   * A window of the journal's bytes that read-backs are served from: a resumed run reads a line
   * back for each done row, in about the order the journal has them (rows finish near their file
   * order), so one read of the window serves hundreds of rows instead of a read(2) per row. One
   * buffer, grown for a longer line, so a million read-backs allocate nothing outside the heap.
   * The lines read back never change: the journal is only appended to.
   */
  private window = Buffer.allocUnsafe(READ_BACK_WINDOW)
  private windowStart = 0
  private windowEnd = 0

  /** The user_id of the journal line at `offset` (read back only when a skipped row is reported). */
  private userIdAt(offset: number): string | undefined {
    for (let fresh = false; ; fresh = true) {
      const inWindow = offset >= this.windowStart && offset < this.windowEnd
      const end = inWindow ? this.window.indexOf(10, offset - this.windowStart) : -1
      if (end >= 0 && end < this.windowEnd - this.windowStart) return userIdOf(this.window.toString('utf8', offset - this.windowStart, end))
      // The whole window is one unfinished line: a longer line than it holds.
      if (fresh && this.windowStart === offset && this.windowEnd - this.windowStart === this.window.length)
        this.window = Buffer.allocUnsafe(this.window.length * 4)
      else if (fresh) return userIdOf(this.window.toString('utf8', 0, this.windowEnd - this.windowStart))
      this.windowStart = offset
      this.windowEnd = offset + readSync(this.fd, this.window, 0, this.window.length, offset)
    }
  }

  /**
   * The journal of an earlier run for a --dry-run: read, never written (no header for a new file,
   * no line break mended); undefined when there is no file yet.
   */
  static async read(
    path: string,
    expect: Omit<JournalHeader, 'tink_bulk_journal' | 'nonce' | 'started_at'>,
    expectedRows?: number,
  ): Promise<Journal | undefined> {
    if (fileKind(path) === undefined) return undefined
    return Journal.open(path, expect, expectedRows, true)
  }

  static async open(
    path: string,
    expect: Omit<JournalHeader, 'tink_bulk_journal' | 'nonce' | 'started_at'>,
    expectedRows?: number,
    readOnly = false,
  ): Promise<Journal> {
    let fd: number
    try {
      // A FIFO, a device or a folder is no journal: refused by name before it is opened (opening
      // a FIFO waits for a writer; a device would swallow or refuse the lines).
      const kind = fileKind(path)
      if (kind !== undefined && kind !== 'file') throw Object.assign(new Error(`it is ${kind}, not a regular file`), {code: 'ENOTREG'})
      // A dry run only reads the journal of an earlier run.
      fd = readOnly ? openSync(path, 'r') : openAppend(path)
    } catch (err) {
      throw new CliError(`Cannot open --journal ${path}: ${(err as Error).message}`, {
        exitCode: ExitCode.USAGE,
        code: 'journal_unreadable',
        hint: 'Give a path in a folder you can write to',
      })
    }
    try {
      const {header, rows, unreadable} = readJournal(fd, path, expect.op, expectedRows ?? 0)
      if (header) {
        if (header.client_id !== expect.client_id || header.base_url !== expect.base_url) {
          throw usageError(
            `--journal ${path} belongs to a run against another app (${header.client_id} at ${header.base_url})`,
            'Use a new journal file for this client id and API URL',
          )
        }
        if (!readOnly) endWithNewline(fd)
        return new Journal(path, header, fd, rows, unreadable)
      }
      if (fstatSync(fd).size > 0 || readOnly)
        throw usageError(`--journal ${path} is not a tink bulk journal`, 'Give a new file name, or the journal of an earlier run of the same command')
      const fresh: JournalHeader = {
        tink_bulk_journal: 1,
        op: expect.op,
        nonce: randomBytes(16).toString('hex'),
        client_id: expect.client_id,
        base_url: expect.base_url,
        started_at: new Date().toISOString(),
      }
      writeSync(fd, JSON.stringify(fresh) + '\n')
      return new Journal(path, fresh, fd, rows, 0)
    } catch (err) {
      closeSync(fd)
      throw err
    }
  }

  /**
   * Appends one finished row as `line` (its NDJSON line, the one stdout gets: made once per row).
   * Synchronous on purpose: the line is with the OS before the row is reported.
   */
  append(result: RowResult, line: string): void {
    try {
      writeSync(this.fd, line)
    } catch (err) {
      throw new CliError(`Cannot write --journal ${this.path}: ${(err as Error).message}; the line of row ${result.row} (${result.status}) was not recorded`, {
        exitCode: ExitCode.WRITE_FAILED,
        code: 'journal_write_failed',
        hint: 'Free disk space (or give another --journal) and run the same command again: rows recorded before are skipped',
      })
    }
  }

  close(): void {
    try {
      fsyncSync(this.fd)
    } catch {
      // fsync is best effort (some filesystems refuse it); every line was already written.
    }
    closeSync(this.fd)
  }
}

/** A run killed mid-line leaves a partial last line; start the next entry on a line of its own. */
function endWithNewline(fd: number): void {
  const size = fstatSync(fd).size
  if (size === 0) return
  const last = Buffer.alloc(1)
  readSync(fd, last, 0, 1, size - 1)
  if (last[0] !== 10) writeSync(fd, '\n')
}

/** What is at `path`: undefined when nothing is (a new file), else 'file' or what it is instead. */
export function fileKind(path: string): string | undefined {
  let st
  try {
    st = statSync(path)
  } catch {
    return undefined
  }
  if (st.isFile()) return 'file'
  if (st.isDirectory()) return 'a folder'
  if (st.isFIFO()) return 'a named pipe (FIFO)'
  if (st.isCharacterDevice() || st.isBlockDevice()) return 'a device'
  if (st.isSocket()) return 'a socket'
  return 'not a regular file'
}

/**
 * Reads the journal through `fd` in large chunks, line by line with each line's byte offset (the
 * table keeps the offset, not the line). Synchronous: the run cannot start before it is read.
 */
function readJournal(fd: number, path: string, op: 'create' | 'delete', fileRows: number): {header?: JournalHeader; rows: SeenUsers; unreadable: number} {
  const chunk = Buffer.allocUnsafe(READ_CHUNK)
  const size = fstatSync(fd).size
  // Sized for the larger of the journal and the file: a resume names mostly the same users in
  // both, and a table that has to double on the way holds the old one and the new at once.
  const rows = new SeenUsers({expected: Math.max(fileRows, countLines(fd, chunk, size)), maxOffset: size})
  let header: JournalHeader | undefined
  let unreadable = 0
  let first = true
  const onLine = (line: string, offset: number): void => {
    if (line.trim() === '') return
    let value: unknown
    try {
      value = JSON.parse(line)
    } catch {
      // A partial line from a run that was killed mid-write: that row was not reported, so it is redone.
      unreadable++
      first = false
      return
    }
    if (first) {
      first = false
      const h = value as Partial<JournalHeader>
      if (h?.tink_bulk_journal !== 1 || typeof h.nonce !== 'string') {
        throw usageError(`--journal ${path} is not a tink bulk journal`, 'Give a new file name, or the journal of an earlier run of the same command')
      }
      if (h.op !== op) throw usageError(`--journal ${path} is the journal of a bulk ${h.op}, not ${op}`, 'Use a separate journal file for each command')
      header = h as JournalHeader
      return
    }
    const r = value as Partial<RowResult>
    if (typeof r?.status !== 'string') {
      unreadable++
      return
    }
    const key = rowKey(op, r)
    if (key === undefined) return
    rows.setDone(key, DONE_STATUSES.has(r.status) ? (r.status as DoneStatus) : undefined, offset)
  }
  let carry: Buffer | undefined
  let carryAt = 0
  let position = 0
  for (;;) {
    const n = readSync(fd, chunk, 0, READ_CHUNK, position)
    if (n === 0) break
    const buf: Buffer = carry ? Buffer.concat([carry, chunk.subarray(0, n)]) : chunk.subarray(0, n)
    const base = carry ? carryAt : position
    position += n
    let start = 0
    for (;;) {
      const nl = buf.indexOf(10, start)
      if (nl < 0) break
      onLine(buf.toString('utf8', start, nl), base + start)
      start = nl + 1
    }
    // Copied: the chunk buffer is reused by the next read.
    carry = start < buf.length ? Buffer.from(buf.subarray(start)) : undefined
    carryAt = base + start
  }
  if (carry) onLine(carry.toString('utf8'), carryAt)
  return {header, rows, unreadable}
}

/** Line breaks in the first `size` bytes of `fd` (a byte scan, before the lines are parsed). */
function countLines(fd: number, chunk: Buffer, size: number): number {
  let lines = 0
  for (let position = 0; position < size;) {
    const n = readSync(fd, chunk, 0, Math.min(chunk.length, size - position), position)
    if (n === 0) break
    position += n
    const read = chunk.subarray(0, n)
    for (let at = read.indexOf(10); at >= 0; at = read.indexOf(10, at + 1)) lines++
  }
  return lines
}
