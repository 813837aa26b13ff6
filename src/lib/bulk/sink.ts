/**
 * Where a bulk run's results go: one NDJSON line per row on stdout (in completion order, in
 * batches, with back-pressure) and, before it, one line in the journal. It owns both outputs'
 * failures: a reader that went away (EPIPE) stops the run quietly, any other lost write (a full
 * disk, /dev/full) stops it with one error naming what was written (exit 7).
 */
import {readlinkSync} from 'node:fs'
import type {IO} from '../cli/io.js'
import type {JqResult} from '../cli/jq.js'
import {CliError, ExitCode} from '../errors/cli-error.js'
import type {Journal} from './journal.js'
import {plural, printable} from './render.js'
import {DUPLICATE_ROW, type RowResult} from './rows.js'

/** Output lines held before a write even within one event-loop turn. */
const FLUSH_LINES = 256
/**
 * --jq: a run of jq has a fixed cost (it starts afresh) well above a line's, so lines go to it in
 * batches of up to JQ_BATCH_LINES collected over JQ_BATCH_MS, not turn by turn; and the workers
 * wait once JQ_QUEUED_LINES are handed to it and not yet written (back-pressure).
 */
const JQ_BATCH_LINES = 2048
const JQ_BATCH_MS = 100
const JQ_QUEUED_LINES = 8192

/** --jq on the NDJSON lines: what it makes of each line of a batch. */
export interface LineFilter {
  each(docs: string[]): Promise<JqResult[]>
}

/** The --jq filter of a run; jq loads only for it. */
export async function jqLineFilter(expr: string): Promise<LineFilter> {
  const {runJqEach} = await import('../cli/jq.js')
  return {each: (docs) => runJqEach(expr, docs)}
}

export interface SinkOptions {
  io: IO
  journal?: Journal
  /** The progress line, taken away while result lines go to a stdout that is the same terminal. */
  progress?: {hideForOutput(): void; showAfterOutput(): void}
  /** The run must stop sending (told once per failure, with why). */
  onStop: (reason: string) => void
  /** --journal as given, for the hint of a failed write. */
  journalFlag?: string
  /** --jq: each result line goes through it (in order), its output is what stdout gets. */
  jq?: LineFilter
}

export class ResultSink {
  /** Set when output could not be written (stdout or the journal): the run stops, exit 7. */
  writeFailure?: CliError
  /** stdout takes no more lines (closed, or a write failed). */
  outputBroken = false
  /** Rows whose result --jq failed on (each said on stderr with the whole result). */
  jqFailures = 0
  /** Result lines stdout has taken (what a write failure reports as written). */
  private linesOut = 0
  private pending: string[] = []
  private flushScheduled = false
  private draining?: Promise<void>
  /** --jq: settles when every batch handed to jq so far is written; lines handed and not yet written. */
  private filtered: Promise<void> = Promise.resolve()
  private filtering = 0
  /** Settles when stdout has taken (or refused) the last chunk written. */
  private lastWrite?: Promise<void>
  private readonly otherListeners: Array<(err: Error) => void>
  private readonly onError = (err: NodeJS.ErrnoException): void => this.stdoutFailed(err)

  constructor(private readonly opts: SinkOptions) {
    const {stdout} = opts.io
    // oclif's own stdout listener rethrows every error but EPIPE (a stack trace, exit 1): the run
    // owns stdout's errors while it writes, and hands them back only when stdout is still usable.
    this.otherListeners = stdout.listeners('error') as Array<(err: Error) => void>
    stdout.removeAllListeners('error')
    stdout.on('error', this.onError)
  }

  /** Records one finished row: the journal first (synchronously), then stdout. */
  async write(result: RowResult): Promise<void> {
    const {journal} = this.opts
    const line = JSON.stringify(result) + '\n'
    // A duplicate line is a property of the file, found again on every run; journaled, it would
    // read as a failure of its user and undo the first line's "done".
    if (journal && !result.from_journal && result.error?.code !== DUPLICATE_ROW && !this.writeFailure) {
      try {
        journal.append(result, line)
      } catch (err) {
        // The journal no longer records what is done: sending more would be work a resume cannot skip.
        if (!(err instanceof CliError)) throw err
        this.writeFailure = err
        this.opts.onStop(err.oneLine())
      }
    }
    if (this.outputBroken) return
    if (this.draining) await this.draining
    if (this.filtering >= JQ_QUEUED_LINES) await this.filtered
    this.pending.push(line)
    // Rows that need no request (invalid ones, journal skips) can finish by the thousand in one
    // turn: written every few hundred, their lines do not live long enough for V8 to move them to
    // the old generation, where 100,000 rows' worth made the heap grow.
    if (this.pending.length >= (this.opts.jq ? JQ_BATCH_LINES : FLUSH_LINES)) this.flush()
    else if (!this.flushScheduled) {
      this.flushScheduled = true
      if (this.opts.jq) setTimeout(() => this.flush(), JQ_BATCH_MS)
      else setImmediate(() => this.flush())
    }
  }

  /** Writes what is pending, waits until stdout took it, and hands stdout's errors back. */
  async close(): Promise<void> {
    this.flush()
    await this.filtered
    // Until the last chunk is taken, its failure is still this run's to report (exit 7).
    if (!this.outputBroken) await this.lastWrite
    const {stdout} = this.opts.io
    stdout.off('error', this.onError)
    if (this.outputBroken)
      stdout.on('error', () => undefined) // a write still under way may fail after this
    else for (const l of this.otherListeners) stdout.on('error', l)
  }

  /** Hands what is pending to stdout, or to --jq first. */
  private flush(): void {
    this.flushScheduled = false
    if (this.pending.length === 0 || this.outputBroken) return
    const lines = this.pending
    this.pending = []
    const {jq} = this.opts
    if (!jq) return this.output(lines.join(''), lines.length)
    // jq runs one batch at a time, in the order the lines came: the output keeps the rows' order.
    this.filtering += lines.length
    this.filtered = this.filtered.then(() => this.filter(jq, lines)).finally(() => (this.filtering -= lines.length))
  }

  /** One batch of result lines through --jq; a row it fails on is said on stderr, whole, and the run goes on. */
  private async filter(jq: LineFilter, lines: string[]): Promise<void> {
    if (this.outputBroken) return
    const docs = lines.map((l) => l.slice(0, -1))
    let results: JqResult[]
    try {
      results = await jq.each(docs)
    } catch (err) {
      const message = (err as Error).message
      results = docs.map(() => ({error: message}))
    }
    let chunk = ''
    let count = 0
    results.forEach((r, i) => {
      if (r.error === undefined) {
        for (const line of r.lines) chunk += line + '\n'
        count += r.lines.length
        return
      }
      this.jqFailures++
      const row = (JSON.parse(docs[i]) as {row?: number}).row
      this.opts.progress?.hideForOutput()
      // The result itself goes with the message: it is not on stdout, and without a journal nowhere else.
      this.opts.io.stderr.write(`--jq failed on the result of line ${row}: ${printable(r.error)}; the result: ${docs[i]}\n`)
      this.opts.progress?.showAfterOutput()
    })
    if (count > 0) this.output(chunk, count)
  }

  /**
   * Output lines of one event-loop turn go out in one write: a write per row is a system call per
   * row on a file or pipe, a fifth of the CPU time of a large run. Still streamed, turn by turn.
   */
  private output(chunk: string, count: number): void {
    if (this.outputBroken) return
    const {stdout} = this.opts.io
    let accepted = true
    try {
      let taken!: () => void
      this.lastWrite = new Promise<void>((resolve) => (taken = resolve))
      this.opts.progress?.hideForOutput()
      accepted = stdout.write(chunk, (err) => {
        // A write that fails later (ENOSPC on a file, EPIPE) reports here first: the run, not
        // oclif's listener, owns that error, even when it comes after the last row.
        if (err) this.stdoutFailed(err)
        else this.linesOut += count
        taken()
      })
      this.opts.progress?.showAfterOutput()
    } catch (err) {
      // stdout on a file writes synchronously, and its failure (ENOSPC) is thrown, not emitted.
      return this.stdoutFailed(err as NodeJS.ErrnoException)
    }
    if (!accepted) {
      // Back-pressure: a slow reader of stdout slows the workers instead of filling memory.
      this.draining = new Promise<void>((resolve) => {
        const done = (): void => {
          stdout.off('drain', done)
          stdout.off('error', done)
          this.draining = undefined
          resolve()
        }
        stdout.once('drain', done)
        stdout.once('error', done)
      })
    }
  }

  private stdoutFailed(err: NodeJS.ErrnoException): void {
    if (this.outputBroken) return
    this.outputBroken = true
    // The reader went away (`| head`): nothing more can be reported, so nothing more is sent.
    if (err.code === 'EPIPE' || err.code === 'ERR_STREAM_DESTROYED')
      return this.opts.onStop('standard output was closed (the reader went away); no more rows were sent')
    // Anything else (a full disk, /dev/full) is output lost: said once, with what got through.
    this.writeFailure = new CliError(
      `Cannot write the results to ${stdoutName()}: ${err.message}; the first ${plural(this.linesOut, 'result line')} were written`,
      {
        exitCode: ExitCode.WRITE_FAILED,
        code: 'stdout_write_failed',
        hint: this.opts.journalFlag
          ? `Free space and run the same command again with --journal ${this.opts.journalFlag}: done rows are skipped`
          : 'Free space, or redirect stdout elsewhere, and run again',
      },
    )
    this.opts.onStop(this.writeFailure.oneLine())
  }
}

/** Where stdout goes, for an error that cannot write to it ("standard output (/dev/full)"). */
function stdoutName(): string {
  try {
    const target = readlinkSync('/proc/self/fd/1')
    return target.startsWith('/') ? `standard output (${target})` : 'standard output'
  } catch {
    return 'standard output'
  }
}
