/**
 * How many rows a bulk run keeps in flight. Fixed at --concurrency with --adaptive off; otherwise
 * found the way TCP finds a link's capacity (AIMD, RFC 5681): start at a safe window, double it
 * every round trip while answers come back without a 429 or 503 (start-up), then grow it by one
 * per window of answers (probing); a 429 or 503 shrinks it by a factor (multiplicative decrease),
 * once per round trip: answers to requests sent before the last cut report on the old window;
 * never below the window it started with. It grows only while answers stay fast: once they take
 * twice as long as the fastest one (TCP Vegas's sign that requests queue at a saturated server or
 * link, where more in flight only waits longer), it shrinks by one per round trip instead.
 * --concurrency is the upper bound. Tink's Retry-After pauses are the throttle's (throttle.ts).
 */

/** The window a run starts with (today's safe default), at most --concurrency. */
export const START_WINDOW = 8
/** The factor a 429 or 503 shrinks the window by. */
const DECREASE = 0.7
/** Answers this much slower than twice the fastest mean queueing; below it, jitter of a fast server. */
const QUEUE_SLACK_MS = 5

export interface WindowOptions {
  /** --concurrency: the most rows ever in flight. */
  max: number
  /** false: the window stays at `max` (--adaptive off). */
  adaptive: boolean
  /** Hears each change of the window with its reason (--verbose). */
  log?: (line: string) => void
}

export class AdaptiveWindow {
  private size: number
  private inFlight = 0
  private readonly waiters: Array<() => void> = []
  private startUp = true
  private lastCut = -Infinity
  private released = false
  /** The fastest answer of the run: a round trip with no queue (Vegas's base RTT). */
  private baseRtt = Infinity
  /** Recent answers' round trip, smoothed (RFC 6298's SRTT, gain 1/8). */
  private srtt = 0

  constructor(private readonly opts: WindowOptions) {
    this.size = opts.adaptive ? Math.min(START_WINDOW, opts.max) : opts.max
  }

  /** Rows allowed in flight now. */
  get current(): number {
    return Math.max(1, Math.floor(this.size))
  }

  /** Takes a place in the window; a promise when the window is full (undefined: taken at once). */
  enter(): Promise<void> | undefined {
    if (this.released || this.inFlight < this.current) {
      this.inFlight++
      return undefined
    }
    return new Promise((resolve) =>
      this.waiters.push(() => {
        this.inFlight++
        resolve()
      }),
    )
  }

  leave(): void {
    this.inFlight--
    this.wake()
  }

  /** The run stops: nobody waits for a place any more. */
  release(): void {
    this.released = true
    this.wake()
  }

  /** One attempt's end: its HTTP status (undefined: no answer), for a request sent at `sentAt`. */
  answered(status: number | undefined, sentAt: number): void {
    if (!this.opts.adaptive) return
    if (status === 429 || status === 503) return this.cut(status, sentAt)
    if (status === undefined || status >= 500) return
    const rtt = performance.now() - sentAt
    this.baseRtt = Math.min(this.baseRtt, rtt)
    this.srtt = this.srtt === 0 ? rtt : this.srtt + (rtt - this.srtt) / 8
    if (this.queueing(this.srtt)) return this.ease()
    // A slow answer is no reason to grow, even before the smoothed time catches up with it.
    if (this.queueing(rtt)) return
    // A window that is not full says nothing about how much more Tink would take.
    if (this.inFlight < this.current || this.size >= this.opts.max) return
    const before = this.current
    this.size = Math.min(this.opts.max, this.size + (this.startUp ? 1 : 1 / this.size))
    if (this.current !== before)
      this.opts.log?.(
        `* window ${before} -> ${this.current}: answers come back without 429 or 503 (${this.startUp ? 'start-up, doubling each round trip' : 'probing, one more per round trip'})`,
      )
  }

  /** A round trip of `ms` means requests queue: twice the fastest, and more than jitter. */
  private queueing(ms: number): boolean {
    return ms > 2 * this.baseRtt + QUEUE_SLACK_MS
  }

  /** Answers slow down: one fewer in flight per round trip (Vegas's additive decrease), never below the start. */
  private ease(): void {
    this.startUp = false
    const floor = Math.min(START_WINDOW, this.opts.max)
    if (this.size <= floor) return
    const before = this.current
    this.size = Math.max(floor, this.size - 1 / this.size)
    if (this.current !== before)
      this.opts.log?.(
        `* window ${before} -> ${this.current}: answers slow down (${Math.round(this.srtt)} ms against ${Math.round(this.baseRtt)} ms at best): requests queue`,
      )
  }

  private cut(status: number, sentAt: number): void {
    if (sentAt < this.lastCut) return
    const before = this.current
    this.startUp = false
    // Never below the start: under that, a 429's pause and the throttle's brake pace the run, and a
    // few random 503s among many answers must not starve it (as a fixed window of 8 never was).
    this.size = Math.max(Math.min(START_WINDOW, this.opts.max), this.size * DECREASE)
    this.lastCut = performance.now()
    if (this.current !== before) this.opts.log?.(`* window ${before} -> ${this.current}: HTTP ${status} from the server`)
    this.wake()
  }

  private wake(): void {
    while (this.waiters.length > 0 && (this.released || this.inFlight < this.current)) this.waiters.shift()!()
  }
}
