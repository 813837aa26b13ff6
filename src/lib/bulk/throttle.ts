/**
 * Pacing shared by every bulk worker: an optional fixed rate (--rate, Tink limits per app), and a
 * brake on HTTP 429. A 429 pauses every worker for its Retry-After (the limit is the app's, not one
 * connection's). Then, with a fixed window (--adaptive off), the pace halves and doubles back every
 * half second until it no longer binds; with the adaptive window, the pace is held just under what
 * Tink answered in the second before the 429 and creeps up slowly, so the run settles under the
 * limit instead of running into it again and again. Each attempt is gated here, retries included.
 */
import {CliError, ExitCode} from '../errors/cli-error.js'
import type {Throttle} from '../http/client.js'

/** At most one brake per this long: a burst of 429s answering the same overshoot is one signal. */
const MIN_BRAKE_INTERVAL_MS = 1000
const RECOVERY_DOUBLING_MS = 500
const MIN_RATE = 1
/** Adaptive: the pace after a 429, as a share of the answers per second just before it. */
const SETTLE_SHARE = 0.9
/** Adaptive: the step down from the pace that drew a 429, at least. */
const DECREASE = 0.8
/** Adaptive: how fast that pace creeps up while no 429 comes, per second (a limit may rise). */
const CREEP_PER_SECOND = 0.03
/** Adaptive: the pause after a 429 without Retry-After (Tink does not document the header). */
const DEFAULT_PAUSE_MS = 1000

/**
 * Answers per second over the last few seconds (answers Tink counted: not 429s, not 5xx). Long
 * enough that the burst a token bucket saves up during a pause is a small part of it.
 */
class AnswerRate {
  private static readonly SLOTS = 30
  private static readonly SLOT_MS = 100
  private readonly slots = new Array<number>(AnswerRate.SLOTS).fill(0)
  private slotAt = 0
  private readonly started = performance.now()

  add(now: number): void {
    this.advance(now)
    this.slots[Math.floor(now / AnswerRate.SLOT_MS) % AnswerRate.SLOTS]++
  }

  /** 0 until a second has passed: too short to tell. */
  perSecond(now: number): number {
    this.advance(now)
    const span = Math.min(AnswerRate.SLOTS * AnswerRate.SLOT_MS, now - this.started)
    return span < 1000 ? 0 : (this.slots.reduce((a, b) => a + b, 0) * 1000) / span
  }

  private advance(now: number): void {
    const slot = Math.floor(now / AnswerRate.SLOT_MS)
    for (let s = Math.max(this.slotAt + 1, slot - AnswerRate.SLOTS + 1); s <= slot; s++) this.slots[s % AnswerRate.SLOTS] = 0
    this.slotAt = Math.max(this.slotAt, slot)
  }
}

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
  /** Adaptive: the pace found at the last 429, before it creeps up. */
  private settled?: number
  private readonly answers = new AnswerRate()

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
    /** The window adapts (window.ts): hold the pace under the limit a 429 found. */
    private readonly adaptive = false,
    /** Hears each pace a 429 sets, with its reason (--verbose). */
    private readonly log?: (line: string) => void,
  ) {}

  /** Every attempt's end: answers Tink counted tell the pace it takes. */
  answered(status: number | undefined, _sentAt: number): void {
    if (this.adaptive && status !== undefined && status !== 429 && status < 500) this.answers.add(performance.now())
  }

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
    const until = now + (retryAfterMs ?? (this.adaptive ? DEFAULT_PAUSE_MS : 0))
    if (until > this.pauseUntil) {
      this.pauseUntil = until
      this.onPause?.(until - now)
    }
    this.nextSlot = Math.max(this.nextSlot, this.pauseUntil)
    const answered = this.adaptive ? this.answers.perSecond(now) : 0
    if (this.adaptive && (answered > 0 || pace !== undefined)) {
      // Just under what Tink answered lately, and at least a step below the pace that drew the 429
      // (the answers after a pause include the burst Tink's bucket saved up meanwhile).
      this.settled = Math.max(MIN_RATE, Math.min(answered > 0 ? answered * SETTLE_SHARE : Infinity, (pace ?? Infinity) * DECREASE))
      this.brakeRate = undefined
      this.log?.(`* pace ${this.settled.toFixed(1)} requests/s: HTTP 429 after ${answered.toFixed(1)} answers/s; creeping up ${CREEP_PER_SECOND * 100}% a second`)
    } else if (pace !== undefined && pace > MIN_RATE * 2) {
      this.paceAtBrake = pace
      this.brakeRate = pace / 2
    }
  }

  /** Requests per second allowed right now, or undefined for "as fast as the workers go". */
  currentRate(now = performance.now()): number | undefined {
    if (this.settled !== undefined) {
      const since = Math.max(0, now - Math.max(this.brakeAt, this.pauseUntil))
      const pace = this.settled * (1 + (CREEP_PER_SECOND * since) / 1000)
      return this.fixedRate === undefined ? pace : Math.min(pace, this.fixedRate)
    }
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

