/**
 * What a person sees of a bulk run, all on stderr, and the closing summary. On a terminal: one
 * progress line redrawn in place, cut to the terminal's width (never wrapped), with the counts
 * so far and the rate. Without one (a CI log): a plain line every PROGRESS_SECONDS (10 s; env
 * TINK_PROGRESS_SECONDS), so a long run shows it is alive; a short one prints the summary alone.
 * When stdout is the same terminal, the result lines are written with the bar taken away first
 * and drawn again after (clear, write, redraw): results and bar never share a line, and the
 * results stream as they come rather than being held until the end.
 */
import type {Writable} from 'node:stream'
import {paint, sanitizeForTerminal} from '../cli/output.js'

type Stream = Writable & {isTTY?: boolean; columns?: number}

export type Counts = Record<'created' | 'exists' | 'deleted' | 'not_found' | 'invalid' | 'failed', number>

export interface BulkSummary {
  op: 'create' | 'delete'
  counts: Counts
  /** Rows settled by an earlier run (from the journal), included in counts. */
  skipped: number
  /** Rows read from the input, journal skips included. */
  rows: number
  elapsedMs: number
  interrupted: boolean
  /** In-flight rows abandoned when the grace period after Ctrl-C ran out. */
  abandoned: number
  /** How many times a 429 paused all workers. */
  rateLimitPauses: number
  tokenFetches: number
  journal?: string
  /** Why the run stopped early, other than Ctrl-C (credentials refused, stdout closed, a write failed, broken input). */
  stoppedBecause?: string
  /** With stoppedBecause: input rows never taken (0 none, 'unknown' for standard input). */
  notProcessed?: number | 'unknown'
}

export function emptyCounts(): Counts {
  return {created: 0, exists: 0, deleted: 0, not_found: 0, invalid: 0, failed: 0}
}

const PROGRESS_SECONDS = 10
const REDRAW_MS = 200

/** Seconds between plain progress lines off a terminal: TINK_PROGRESS_SECONDS (a positive number), else 10. */
export function progressSeconds(env: NodeJS.ProcessEnv): number {
  const n = Number(env.TINK_PROGRESS_SECONDS)
  return Number.isFinite(n) && n > 0 ? n : PROGRESS_SECONDS
}

/**
 * One line for the progress display: the CLI's terminal neutraliser (escape sequences removed,
 * other control characters shown as \xNN), with tabs and line breaks shown too, since the line
 * is redrawn in place.
 */
export function printable(text: string): string {
  return sanitizeForTerminal(text).replace(/[\t\n]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`)
}

export interface ProgressOptions {
  op: 'create' | 'delete'
  /** The run's counts, read live at each draw. */
  counts: Readonly<Counts>
  /** Seconds between plain lines when stderr is not a terminal. */
  plainSeconds?: number
  /** stdout is the terminal too: result writes go between hideForOutput() and showAfterOutput(). */
  stdoutTTY?: boolean
}

export class Progress {
  private timer?: NodeJS.Timeout
  private readonly started = performance.now()
  private shown = false
  private stopped = false

  constructor(
    private readonly stream: Stream,
    private readonly total: number | undefined,
    private readonly done: () => number,
    private readonly opts: ProgressOptions,
  ) {}

  start(): void {
    if (this.stream.isTTY) this.timer = setInterval(() => this.draw(), REDRAW_MS)
    else this.timer = setInterval(() => this.stream.write(printable(this.line()) + '\n'), (this.opts.plainSeconds ?? PROGRESS_SECONDS) * 1000)
    this.timer.unref()
  }

  stop(): void {
    this.stopped = true
    if (this.timer) clearInterval(this.timer)
    this.timer = undefined
    this.erase()
  }

  /** Before result lines go to a stdout that is this terminal: the bar leaves its line. */
  hideForOutput(): void {
    if (this.opts.stdoutTTY) this.erase()
  }

  /** After them: the bar comes back below the results. */
  showAfterOutput(): void {
    if (this.opts.stdoutTTY && this.timer && this.stream.isTTY && !this.stopped) this.draw()
  }

  private erase(): void {
    if (!this.shown) return
    this.stream.write('\r\x1b[2K')
    this.shown = false
  }

  /** The progress text: bar (when the total is known), rows, counts so far, rate, ETA. */
  line(): string {
    const done = this.done()
    const secs = (performance.now() - this.started) / 1000
    const rate = secs > 0 ? done / secs : 0
    const c = this.opts.counts
    const order: Array<keyof Counts> = this.opts.op === 'create' ? ['created', 'exists', 'failed', 'invalid'] : ['deleted', 'not_found', 'failed', 'invalid']
    const counts = order.map((k) => `${c[k]} ${k.replace('_', ' ')}`).join(', ')
    if (this.total && this.total > 0) {
      const frac = Math.min(1, done / this.total)
      const eta = rate > 0 ? Math.max(0, (this.total - done) / rate) : undefined
      const bar = this.stream.isTTY ? `[${'#'.repeat(Math.round(frac * 20))}${'-'.repeat(20 - Math.round(frac * 20))}] ` : ''
      return `${bar}${done}/${this.total} rows (${counts})  ${rate.toFixed(0)} rows/s  ETA ${eta === undefined ? '?' : formatSeconds(eta)}`
    }
    return `${done} rows (${counts})  ${rate.toFixed(0)} rows/s`
  }

  private draw(): void {
    // One column short of the width: a character in the last column makes some terminals wrap.
    const width = Math.max(1, (this.stream.columns ?? 80) - 1)
    this.stream.write('\r\x1b[2K' + [...printable(this.line())].slice(0, width).join(''))
    this.shown = true
  }
}

function formatSeconds(s: number): string {
  if (s < 60) return `${Math.ceil(s)}s`
  const m = Math.floor(s / 60)
  return `${m}m${String(Math.ceil(s % 60)).padStart(2, '0')}s`
}

export function formatSummary(stream: Stream, s: BulkSummary): string {
  const secs = s.elapsedMs / 1000
  const sent = s.rows - s.skipped
  const rate = secs > 0 ? sent / secs : 0
  const order: Array<keyof Counts> = s.op === 'create' ? ['created', 'exists', 'invalid', 'failed'] : ['deleted', 'not_found', 'invalid', 'failed']
  const parts = order.map((k) => {
    const text = `${s.counts[k]} ${k.replace('_', ' ')}`
    if ((k === 'failed' || k === 'invalid') && s.counts[k] > 0) return paint(stream, 'red', text)
    return text
  })
  // A rate says how fast rows were sent: none sent (all from the journal, all invalid), no rate.
  const speed = sent > 0 && secs > 0 ? ` (${rate.toFixed(0)} rows/s)` : ''
  const lines = [`${s.interrupted ? 'Interrupted: ' : ''}${plural(s.rows, 'row')} in ${secs.toFixed(1)} s${speed}: ${parts.join(', ')}`]
  if (s.skipped > 0) lines.push(`${plural(s.skipped, 'row')} ${s.skipped === 1 ? 'was' : 'were'} already done in journal ${s.journal} and ${s.skipped === 1 ? 'was' : 'were'} not sent again`)
  if (s.abandoned > 0) lines.push(`${plural(s.abandoned, 'row')} in flight ${s.abandoned === 1 ? 'was' : 'were'} abandoned (reported failed); re-run with the same --journal to settle them`)
  if (s.rateLimitPauses > 0) lines.push(`Rate limited by the server ${s.rateLimitPauses === 1 ? 'once' : `${s.rateLimitPauses} times`}; all workers slowed down each time`)
  if (s.stoppedBecause) {
    lines.push(paint(stream, 'red', 'Stopped: ') + printable(s.stoppedBecause))
    const n = s.notProcessed
    const rest = n === 'unknown' ? 'The rest of standard input was not processed' : n ? `${plural(n, 'row')} of the input ${n === 1 ? 'was' : 'were'} not processed` : undefined
    const them = n === 1 ? 'it' : 'them'
    if (rest) {
      lines.push(s.journal ? `${rest}: run the same command again with --journal ${s.journal} to do ${them} (done rows are skipped)` : `${rest}: run the same command again to do ${them} (add --journal FILE to skip the rows already done)`)
    }
  }
  if (s.interrupted && s.journal) lines.push(`Run the same command again with --journal ${s.journal} to finish the remaining rows`)
  else if (s.interrupted) lines.push('Rows not reported above were not sent; add --journal FILE next time to resume where a run stopped')
  if (s.counts.failed + s.counts.invalid > 0 && !s.interrupted) {
    lines.push(s.journal ? `Fix the invalid rows and run again with --journal ${s.journal}: done rows are skipped, the rest are retried` : 'Failed and invalid rows are listed on stdout (status "failed" / "invalid")')
  }
  return lines.join('\n')
}

/** "1 row", "2 rows". */
export function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`
}
