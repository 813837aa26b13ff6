/**
 * Pacing shared by every bulk worker: an optional fixed rate (--rate, Tink limits per app), and an
 * adaptive brake on HTTP 429. A 429 pauses every worker for its Retry-After (the limit is the
 * app's, not one connection's), then halves the pace and lets it double back every half second
 * until it no longer binds. Each attempt is gated here, retries included.
 */
import {CliError, ExitCode} from '../errors/cli-error.js'
import type {Throttle} from '../http/client.js'

/** At most one brake per this long: a burst of 429s answering the same overshoot is one signal. */
const MIN_BRAKE_INTERVAL_MS = 1000
const RECOVERY_DOUBLING_MS = 500
const MIN_RATE = 1
/** The shared pause after a 429 that names no Retry-After. */
const NO_RETRY_AFTER_PAUSE_MS = 1000

export class BulkThrottle implements Throttle {
  /** Next free send slot when a rate applies (performance.now() ms). */
  private nextSlot = 0
  private pauseUntil = 0
  /** Set by a 429: the pace right after the pause, before it recovers. */
  private brakeRate?: number
  /** The pace that drew the 429: once recovered to it, the brake is released. */
  private paceAtBrake = 0
  private brakeAt = -Infinity
  /** Sends counted over a sliding window, to know the pace a 429 interrupted. */
  private windowStart = performance.now()
  private windowCount = 0
  private lastRate = 0
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
  ) {}

  async acquire(): Promise<void> {
    for (;;) {
      if (this.closed) throw new CliError(`not sent: ${this.closed}`, {exitCode: ExitCode.UNAVAILABLE, code: 'not_sent'})
      const now = performance.now()
      this.count(now)
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
    // A request sent before the last brake reports on the old pace; it says nothing new.
    if (sentAt < this.brakeAt || now - this.brakeAt < MIN_BRAKE_INTERVAL_MS) return
    this.brakes++
    const pace = this.currentRate(now) ?? this.measuredRate(now)
    this.brakeAt = now
    // Without a Retry-After (Tink does not document the header) everyone still backs off a while.
    const until = now + (retryAfterMs ?? NO_RETRY_AFTER_PAUSE_MS)
    if (until > this.pauseUntil) {
      this.pauseUntil = until
      this.onPause?.(until - now)
    }
    this.nextSlot = Math.max(this.nextSlot, this.pauseUntil)
    if (pace !== undefined && pace > MIN_RATE * 2) {
      this.paceAtBrake = pace
      this.brakeRate = pace / 2
    }
  }

  /** Requests per second allowed right now, or undefined for "as fast as the workers go". */
  currentRate(now = performance.now()): number | undefined {
    let adaptive: number | undefined
    if (this.brakeRate !== undefined) {
      const since = now - Math.max(this.brakeAt, this.pauseUntil)
      adaptive = since <= 0 ? this.brakeRate : this.brakeRate * 2 ** (since / RECOVERY_DOUBLING_MS)
      // Back at the pace that drew the 429 (or at --rate): the brake no longer binds.
      if (adaptive >= this.paceAtBrake || (this.fixedRate !== undefined && adaptive >= this.fixedRate)) {
        this.brakeRate = undefined
        adaptive = undefined
      }
    }
    if (adaptive === undefined) return this.fixedRate
    return this.fixedRate === undefined ? adaptive : Math.min(adaptive, this.fixedRate)
  }

  /** Sends per second lately; undefined until there is enough to tell. */
  private measuredRate(now: number): number | undefined {
    const elapsed = now - this.windowStart
    if (elapsed >= 100 && this.windowCount > 0) return (this.windowCount * 1000) / elapsed
    return this.lastRate > 0 ? this.lastRate : undefined
  }

  private count(now: number): void {
    this.windowCount++
    const elapsed = now - this.windowStart
    if (elapsed >= 500) {
      this.lastRate = (this.windowCount * 1000) / elapsed
      this.windowStart = now
      this.windowCount = 0
    }
  }
}

