/**
 * The --journal file: NDJSON, a header line, then one line per finished row, each written to the
 * OS as the row finishes (one write(2) per line, so a crash or kill -9 loses nothing that was
 * reported). Re-running with the same journal skips the rows it lists as done.
 *
 * The header carries a random nonce that is part of every create's Idempotency-Key (see
 * idempotencyKey in engine.ts): resuming with the same journal re-sends the very same keys, so a
 * row that was in flight when the run stopped is answered from Tink's replay, never created twice.
 */
import {randomBytes} from 'node:crypto'
import {closeSync, createReadStream, fstatSync, fsyncSync, openSync, readSync, writeSync} from 'node:fs'
import {createInterface} from 'node:readline'
import {CliError, ExitCode, usageError} from '../errors/cli-error.js'
import type {RowResult} from './engine.js'
import {rowKey} from './rows.js'

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
export const DONE_STATUSES: ReadonlySet<string> = new Set(['created', 'exists', 'deleted', 'not_found'])

export class Journal {
  private constructor(
    readonly path: string,
    readonly header: JournalHeader,
    private readonly fd: number,
    /** Rows already settled by an earlier run, by row key. */
    readonly done: Map<string, DoneRow>,
    readonly unreadableLines: number,
  ) {}

  static async open(path: string, expect: Omit<JournalHeader, 'tink_bulk_journal' | 'nonce' | 'started_at'>): Promise<Journal> {
    let fd: number
    try {
      fd = openSync(path, 'a+', 0o600)
    } catch (err) {
      throw new CliError(`Cannot open --journal ${path}: ${(err as Error).message}`, {exitCode: ExitCode.USAGE, code: 'journal_unreadable', hint: 'Give a path in a folder you can write to'})
    }
    try {
      const {header, done, unreadable} = await readJournal(path, expect.op)
      if (header) {
        if (header.client_id !== expect.client_id || header.base_url !== expect.base_url) {
          throw usageError(
            `--journal ${path} belongs to a run against another app (${header.client_id} at ${header.base_url})`,
            'Use a new journal file for this client id and API URL',
          )
        }
        endWithNewline(fd)
        return new Journal(path, header, fd, done, unreadable)
      }
      if (fstatSync(fd).size > 0) throw usageError(`--journal ${path} is not a tink bulk journal`, 'Give a new file name, or the journal of an earlier run of the same command')
      const fresh: JournalHeader = {tink_bulk_journal: 1, op: expect.op, nonce: randomBytes(16).toString('hex'), client_id: expect.client_id, base_url: expect.base_url, started_at: new Date().toISOString()}
      writeSync(fd, JSON.stringify(fresh) + '\n')
      return new Journal(path, fresh, fd, done, 0)
    } catch (err) {
      closeSync(fd)
      throw err
    }
  }

  /** Appends one finished row. Synchronous on purpose: the line is with the OS before the row is reported. */
  append(result: RowResult): void {
    writeSync(this.fd, JSON.stringify(result) + '\n')
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

async function readJournal(path: string, op: 'create' | 'delete'): Promise<{header?: JournalHeader; done: Map<string, DoneRow>; unreadable: number}> {
  const done = new Map<string, DoneRow>()
  let header: JournalHeader | undefined
  let unreadable = 0
  let first = true
  const lines = createInterface({input: createReadStream(path), crlfDelay: Infinity})
  for await (const line of lines) {
    if (line.trim() === '') continue
    let value: unknown
    try {
      value = JSON.parse(line)
    } catch {
      // A partial line from a run that was killed mid-write: that row was not reported, so it is redone.
      unreadable++
      first = false
      continue
    }
    if (first) {
      first = false
      const h = value as Partial<JournalHeader>
      if (h?.tink_bulk_journal !== 1 || typeof h.nonce !== 'string') {
        throw usageError(`--journal ${path} is not a tink bulk journal`, 'Give a new file name, or the journal of an earlier run of the same command')
      }
      if (h.op !== op) throw usageError(`--journal ${path} is the journal of a bulk ${h.op}, not ${op}`, 'Use a separate journal file for each command')
      header = h as JournalHeader
      continue
    }
    const r = value as Partial<RowResult>
    if (typeof r?.status !== 'string') {
      unreadable++
      continue
    }
    const key = rowKey(op, r)
    if (key === undefined) continue
    if (DONE_STATUSES.has(r.status)) done.set(key, {status: r.status, user_id: r.user_id})
    else done.delete(key)
  }
  return {header, done, unreadable}
}
