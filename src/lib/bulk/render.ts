/**
 * What a person sees of a bulk run, all on stderr: a progress line with rate and ETA when stderr
 * is a terminal (nothing at all when it is not), and the closing summary.
 */
import type {Writable} from 'node:stream'
import {paint} from '../cli/output.js'

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

export class Progress {
  private timer?: NodeJS.Timeout
  private readonly started = performance.now()
  private shown = false

  constructor(
    private readonly stream: Stream,
    private readonly total: number | undefined,
    private readonly done: () => number,
  ) {}

  /** Starts only on a terminal: a log file or CI output gets the summary alone. */
  start(): void {
    if (!this.stream.isTTY) return
    this.timer = setInterval(() => this.draw(), 200)
    this.timer.unref()
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer)
    this.timer = undefined
    if (this.shown) this.stream.write('\r\x1b[2K')
  }

  private draw(): void {
    const done = this.done()
    const secs = (performance.now() - this.started) / 1000
    const rate = secs > 0 ? done / secs : 0
    let line: string
    if (this.total && this.total > 0) {
      const width = Math.max(10, Math.min(30, (this.stream.columns ?? 80) - 50))
      const frac = Math.min(1, done / this.total)
      const filled = Math.round(frac * width)
      const eta = rate > 0 ? Math.max(0, (this.total - done) / rate) : undefined
      line = `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${done}/${this.total} rows  ${rate.toFixed(0)}/s  ETA ${eta === undefined ? '?' : formatSeconds(eta)}`
    } else {
      line = `${done} rows  ${rate.toFixed(0)}/s`
    }
    this.stream.write('\r\x1b[2K' + line)
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
    lines.push(paint(stream, 'red', 'Stopped: ') + s.stoppedBecause)
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
