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

export type Counts = Record<'created' | 'exists' | 'deleted' | 'not_found' | 'invalid' | 'failed' | 'would_create' | 'would_delete', number>

export interface BulkSummary {
  op: 'create' | 'delete'
  counts: Counts
  /** A --dry-run: nothing but the token request was sent. */
  dryRun?: boolean
  /** Rows settled by an earlier run (from the journal): "done earlier", not in counts. */
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
  /** With stoppedBecause or an interruption: input rows never sent (0 none, 'unknown' for standard input). */
  notProcessed?: number | 'unknown'
  /** --jq failed on this many results (each said on stderr, whole). */
  jqFailures?: number
}

export function emptyCounts(): Counts {
  return {created: 0, exists: 0, deleted: 0, not_found: 0, invalid: 0, failed: 0, would_create: 0, would_delete: 0}
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
  /** Rows an earlier run settled (from the journal), read live. */
  earlier?: () => number
  /** A --dry-run: the counts are of what would be done. */
  dryRun?: boolean
  /** Rows allowed in flight now (the adaptive window), read live. */
  window?: () => number
}

/** The statuses a summary or progress line counts, in order. */
function countOrder(op: 'create' | 'delete', dryRun: boolean | undefined, bad: Array<keyof Counts>): Array<keyof Counts> {
  if (dryRun) return [op === 'create' ? 'would_create' : 'would_delete', 'invalid']
  return [...(op === 'create' ? (['created', 'exists'] as const) : (['deleted', 'not_found'] as const)), ...bad]
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

  /**
   * The progress text: bar (when the total is known), rows, counts so far, rate, ETA. Fitted to
   * `width` by dropping the bar first, then zero counts and long units; the rate and the time
   * left are what a person watches, so they are the last to go.
   */
  line(width = Infinity): string {
    const done = this.done()
    const secs = (performance.now() - this.started) / 1000
    const rate = secs > 0 ? done / secs : 0
    const c = this.opts.counts
    const order = countOrder(this.opts.op, this.opts.dryRun, ['failed', 'invalid'])
    const label = (k: keyof Counts): string => `${c[k]} ${k.replace('_', ' ')}`
    const counts = order.map(label)
    if (this.opts.earlier?.() ?? 0) counts.push(`${this.opts.earlier!()} done earlier`)
    const total = this.total && this.total > 0 ? this.total : undefined
    const eta = total !== undefined ? (rate > 0 ? formatSeconds(Math.max(0, (total - done) / rate)) : '?') : undefined
    const frac = total !== undefined ? Math.min(1, done / total) : 0
    const bar = total !== undefined && this.stream.isTTY ? `[${'#'.repeat(Math.round(frac * 20))}${'-'.repeat(20 - Math.round(frac * 20))}] ` : ''
    const rows = total !== undefined ? `${done}/${total}` : `${done}`
    const win = this.opts.window ? `  window ${this.opts.window()}` : ''
    const tail = (unit: string): string => `  ${rate.toFixed(0)} ${unit}${eta === undefined ? '' : `  ETA ${eta}`}${win}`
    const full = `${bar}${rows} rows (${counts.join(', ')})${tail('rows/s')}`
    if (full.length <= width) return full
    const noBar = full.slice(bar.length)
    if (noBar.length <= width) return noBar
    const nonZero = counts.filter((t) => !t.startsWith('0 '))
    const short = `${rows} (${nonZero.join(', ') || 'none yet'})${tail('/s')}`
    if (short.length <= width) return short
    // Narrower still: the counts give way, the rate and the time left stay.
    const end = tail('/s')
    const room = width - rows.length - end.length - 1
    return room >= 4 ? `${rows} ${[...`(${nonZero.join(', ')})`].slice(0, room - 1).join('')}…${end}` : `${rows}${end}`.slice(0, width)
  }

  private draw(): void {
    // One column short of the width: a character in the last column makes some terminals wrap.
    const width = Math.max(1, (this.stream.columns ?? 80) - 1)
    this.stream.write('\r\x1b[2K' + [...printable(this.line(width))].slice(0, width).join(''))
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
  const order = countOrder(s.op, s.dryRun, ['invalid', 'failed'])
  const parts = order.map((k) => {
    const text = `${s.counts[k]} ${k.replace('_', ' ')}`
    if ((k === 'failed' || k === 'invalid') && s.counts[k] > 0) return paint(stream, 'red', text)
    return text
  })
  if (s.skipped > 0) parts.push(`${s.skipped} done earlier`)
  // A rate says how fast rows were sent: none sent (all from the journal, all invalid), no rate.
  const speed = sent > 0 && secs > 0 ? ` (${rate.toFixed(0)} rows/s)` : ''
  const lines = [`${s.interrupted ? 'Interrupted: ' : ''}${plural(s.rows, 'row')} in ${secs.toFixed(1)} s${speed}: ${parts.join(', ')}`]
  if (s.skipped > 0)
    lines.push(
      `${plural(s.skipped, 'row')} ${s.skipped === 1 ? 'was' : 'were'} already done in journal ${s.journal} and ${s.skipped === 1 ? 'was' : 'were'} not sent again`,
    )
  if (s.dryRun) lines.push(`Dry run: nothing was sent but one token request (the credentials work); run without --dry-run to ${s.op} the users`)
  if (s.abandoned > 0)
    lines.push(
      `${plural(s.abandoned, 'row')} in flight ${s.abandoned === 1 ? 'was' : 'were'} abandoned (reported failed); re-run with the same --journal to settle them`,
    )
  if (s.rateLimitPauses > 0)
    lines.push(`Rate limited by the server ${s.rateLimitPauses === 1 ? 'once' : `${s.rateLimitPauses} times`}; all workers slowed down each time`)
  const n = s.notProcessed
  const rest =
    n === 'unknown'
      ? 'The rest of standard input was not processed'
      : n
        ? `${plural(n, 'row')} of the input ${n === 1 ? 'was' : 'were'} not processed`
        : undefined
  const them = n === 1 ? 'it' : 'them'
  if (s.stoppedBecause) {
    lines.push(paint(stream, 'red', 'Stopped: ') + printable(s.stoppedBecause))
    if (rest) {
      lines.push(
        s.journal
          ? `${rest}: run the same command again with --journal ${s.journal} to do ${them} (done rows are skipped)`
          : `${rest}: run the same command again to do ${them} (add --journal FILE to skip the rows already done)`,
      )
    }
  } else if (s.interrupted && rest) lines.push(rest)
  if (s.interrupted && s.journal) lines.push(`Run the same command again with --journal ${s.journal} to finish the remaining rows`)
  else if (s.interrupted) lines.push('Rows not reported above were not sent; add --journal FILE next time to resume where a run stopped')
  if (s.jqFailures)
    lines.push(
      paint(stream, 'red', `--jq failed on ${plural(s.jqFailures, 'result')}`) +
        ' (each on stderr above, with the whole result line); the rows themselves are done as counted',
    )
  if (s.counts.failed + s.counts.invalid > 0 && !s.interrupted) {
    lines.push(
      s.journal
        ? `Fix the invalid rows and run again with --journal ${s.journal}: done rows are skipped, the rest are retried`
        : 'Failed and invalid rows are listed on stdout (status "failed" / "invalid")',
    )
  }
  return lines.join('\n')
}

/** "1 row", "2 rows". */
export function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`
}
