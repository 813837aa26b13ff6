/**
 * Pacing shared by every bulk worker: an optional fixed rate (--rate, Tink limits per app), and
 * the pace a rate limit calls for (rate.ts). A 429 pauses every worker for its Retry-After (the
 * limit is the app's, not one connection's); 429s that recur set a pace just under the rate the
 * server accepted. Each attempt is gated here, retries included.
 */
import {CliError, ExitCode} from '../errors/cli-error.js'
import type {Throttle} from '../http/client.js'
import {RateController} from './rate.js'

/** At most one shared pause per this long: a burst of 429s answering the same overshoot is one signal. */
const MIN_PAUSE_INTERVAL_MS = 1000
/** The shared pause after a 429 that names no Retry-After. */
const NO_RETRY_AFTER_PAUSE_MS = 1000

export class BulkThrottle implements Throttle {
  /** Next free send slot when a rate applies (performance.now() ms). */
  private nextSlot = 0
  private pauseUntil = 0
  private pausedAt = -Infinity
  private readonly pacer: RateController
  /** How many times a 429 paused everyone (the summary reports it). */
  brakes = 0
  /** Set by a Retry-After longer than the cap: nothing more is sent (why, in words). */
  closed?: string

  constructor(
    private readonly fixedRate: number | undefined,
    /** How a caller waits for its slot (rejecting ends the wait as an interruption: Ctrl-C). */
    private readonly wait: (ms: number) => Promise<void>,
    /** Told once per pause that a 429 starts (or lengthens), with its length in ms. */
    private readonly onPause?: (ms: number) => void,
    /** The longest Retry-After waited for; a longer one closes the throttle. */
    private readonly maxPauseMs = 120_000,
    /** Told once when a Retry-After longer than maxPauseMs closes the throttle, with its length in ms. */
    private readonly onTooLong?: (ms: number) => void,
    /** Hears each change of pace with its reason (--verbose). */
    log?: (line: string) => void,
  ) {
    this.pacer = new RateController(log)
  }

  async acquire(): Promise<void> {
    for (;;) {
      if (this.closed) throw new CliError(`not sent: ${this.closed}`, {exitCode: ExitCode.UNAVAILABLE, code: 'not_sent'})
      const now = performance.now()
      const rate = this.currentRate(now)
      let at = Math.max(now, this.pauseUntil)
      if (rate !== undefined) {
        at = Math.max(at, this.nextSlot)
        this.nextSlot = at + 1000 / rate
      }
      if (at <= now) return
      await this.wait(at - now)
      // A 429 that arrived while this caller slept may have paused everyone further.
      if (this.pauseUntil <= performance.now() && !this.closed) return
    }
  }

  rateLimited(retryAfterMs: number | undefined, sentAt: number): void {
    if (retryAfterMs !== undefined && retryAfterMs > this.maxPauseMs) {
      // Tink said when to come back, and it is later than any run should sit waiting: stop sending.
      if (this.closed) return
      const at = new Date(Date.now() + retryAfterMs)
      // A value past what a Date holds (year 275760) names no time.
      const when = Number.isNaN(at.getTime()) ? '' : `, at ${at.toISOString()}`
      this.closed = `Tink asked to be called again in ${Math.ceil(retryAfterMs / 1000)} s (Retry-After)${when}`
      this.onTooLong?.(retryAfterMs)
      return
    }
    const now = performance.now()
    this.pacer.limited(sentAt, now)
    // A request sent before the last pause reports on the old pace; it says nothing new.
    if (sentAt < this.pausedAt || now - this.pausedAt < MIN_PAUSE_INTERVAL_MS) return
    this.brakes++
    this.pausedAt = now
    // Without a Retry-After (Tink does not document the header) everyone still backs off a while.
    const until = now + (retryAfterMs ?? NO_RETRY_AFTER_PAUSE_MS)
    if (until > this.pauseUntil) {
      this.pauseUntil = until
      this.onPause?.(until - now)
    }
    this.nextSlot = Math.max(this.nextSlot, this.pauseUntil)
  }

  /** Every answer, for the pace's estimate of what the server accepts. */
  answered(status: number | undefined): void {
    this.pacer.answered(status, performance.now())
  }

  /** Requests per second allowed right now, or undefined for "as fast as the workers go". */
  currentRate(now = performance.now()): number | undefined {
    const pace = this.pacer.pace(now)
    if (pace === undefined) return this.fixedRate
    return this.fixedRate === undefined ? pace : Math.min(pace, this.fixedRate)
  }
}
