/**
 * The pace of a bulk run under a rate limit (Tink limits requests per app, RFC 6585 429): after
 * a 429 that recurs, sends are paced just under the rate the server was seen to accept over the
 * last two seconds (a rate estimate, as TCP Westwood sets its window from the bandwidth it measured,
 * not by halving), and the pace then probes upward slowly (additive increase), so the run sits
 * just under the limit instead of bouncing off it.
 *
 * Not every 429 is a limit. A single 429 after a quiet while only pauses (the throttle honours
 * its Retry-After); the pace is cut when 429s recur. 429s that keep coming through several cuts
 * in a row while the server still accepts nearly all that is sent are noise (a fault, a flaky
 * proxy): those cuts are undone and later 429s cut only when their share clearly rises above the
 * share seen then. Pure logic: the clock comes in as `now` (performance.now() ms).
 */

/** Below what the server was seen to accept: the margin a paced run keeps. */
const UNDER = 0.95
/** A cut never keeps more than this much of the pace that drew the 429s. */
const MAX_KEEP = 0.9
/** The probe: the pace grows by this share of itself per second without a cut. */
const PROBE_PER_SECOND = 0.02
/** 429s this close to the previous one recur (a limit); a 429 after a longer quiet may be chance. */
const RECUR_MS = 3000
/** Cuts in a row (each within RECUR_MS of the last) after which 429s that still come are looked at as noise. */
const CUTS_BEFORE_NOISE = 3
/** Noise needs the server to have accepted at least this share of the requests it answered 200 or 429. */
const NOISE_ACCEPTED = 0.85
/** 429s in the window that make a recurrence: fewer are chance at any pace. */
const MIN_RECURRING = 3
/** Once noise was found, fewer 429s than this in the window never cut the pace. */
const MIN_REFUSED = 5
/** At most one cut per this long: the answers of one overshoot arrive together. */
const MIN_CUT_INTERVAL_MS = 1000
/** The slowest pace ever set (requests per second). */
const MIN_PACE = 1
/** The estimate's window, in slots of SLOT_MS: two seconds, so that a burst the server allows after a pause weighs less. */
const SLOTS = 20
const SLOT_MS = 100

/** Answers counted per 100 ms slot over the last two seconds. */
class SlidingCounts {
  /** The absolute slot number each ring entry holds. */
  private readonly stamp = new Array<number>(SLOTS).fill(-1)
  private readonly ok = new Array<number>(SLOTS).fill(0)
  private readonly refused = new Array<number>(SLOTS).fill(0)
  private readonly all = new Array<number>(SLOTS).fill(0)

  /** When the first answer came: before it, nothing was sent yet and that time is not counted. */
  first?: number

  add(now: number, status: number | undefined): void {
    this.first ??= now
    const slot = Math.floor(now / SLOT_MS)
    const i = slot % SLOTS
    if (this.stamp[i] !== slot) {
      this.stamp[i] = slot
      this.ok[i] = this.refused[i] = this.all[i] = 0
    }
    this.all[i]++
    if (status !== undefined && status >= 200 && status < 300) this.ok[i]++
    if (status === 429) this.refused[i]++
  }

  /** {ok, refused, all} answers over the window (the current slot's part of it included). */
  totals(now: number): {ok: number; refused: number; all: number} {
    const slot = Math.floor(now / SLOT_MS)
    const t = {ok: 0, refused: 0, all: 0}
    for (let i = 0; i < SLOTS; i++) {
      if (this.stamp[i] <= slot - SLOTS) continue
      t.ok += this.ok[i]
      t.refused += this.refused[i]
      t.all += this.all[i]
    }
    return t
  }
}

export class RateController {
  /** The pace set by the last cut (requests per second); undefined: not paced. */
  private base?: number
  private baseAt = 0
  private lastCut = -Infinity
  private last429 = -Infinity
  private cutsInRow = 0
  /** The pace before the first of the cuts in a row, to undo them when the 429s turn out to be noise. */
  private beforeCuts?: number
  /** Set when 429s were found to be noise: their share then (0..1). */
  private noiseShare?: number
  private readonly counts = new SlidingCounts()

  constructor(private readonly log?: (line: string) => void) {}

  /** The pace now, with the probe since the last cut; undefined: not paced. */
  pace(now: number): number | undefined {
    if (this.base === undefined) return undefined
    return this.base * (1 + (PROBE_PER_SECOND * Math.max(0, now - this.baseAt)) / 1000)
  }

  /** Every answer (undefined: none came), as it arrives. */
  answered(status: number | undefined, now: number): void {
    this.counts.add(now, status)
  }

  /** A 429 to a request sent at `sentAt`. */
  limited(sentAt: number, now: number): void {
    // Sent before the last cut: it reports on the old pace.
    if (sentAt < this.lastCut) return
    const quiet = now - this.last429
    this.last429 = now
    if (quiet > RECUR_MS) {
      this.cutsInRow = 0
      this.noiseShare = undefined
      return this.log?.('* pace kept: one 429 after a quiet while (a limit shows by 429s that recur)')
    }
    if (now - this.lastCut < MIN_CUT_INTERVAL_MS) return
    const {ok, refused, all} = this.counts.totals(now)
    const share = all > 0 ? refused / all : 0
    // A pause counts as time: the server's allowance grew during it and was spent after it.
    const since = Math.max((Math.floor(now / SLOT_MS) - SLOTS + 1) * SLOT_MS, this.counts.first ?? now)
    const perSecond = 1000 / Math.max(200, now - since)
    const accepted = ok * perSecond
    // After noise was found, a limit shows by a share of 429s well above it, counted over enough answers.
    if (refused < MIN_RECURRING) return
    if (this.noiseShare !== undefined && (refused < MIN_REFUSED || share <= this.noiseShare * 2 + 0.02)) return
    const pace = this.pace(now) ?? all * perSecond
    // Other failures (503s, resets) say nothing about a limit: the share is of the 200s and 429s.
    const acceptedShare = ok + refused > 0 ? ok / (ok + refused) : 0
    if (this.cutsInRow >= CUTS_BEFORE_NOISE && acceptedShare >= NOISE_ACCEPTED) {
      this.noiseShare = share
      this.cutsInRow = 0
      this.setBase(this.beforeCuts, now)
      return this.log?.(
        `* pace ${fmt(this.base)}: 429s keep coming at ${Math.round(share * 100)}% whatever the pace while ${Math.round(acceptedShare * 100)}% of the rest are accepted: noise, not a limit`,
      )
    }
    const target = Math.max(MIN_PACE, Math.min(UNDER * accepted, MAX_KEEP * pace))
    this.cutsInRow = now - this.lastCut <= RECUR_MS + MIN_CUT_INTERVAL_MS ? this.cutsInRow + 1 : 1
    if (this.cutsInRow === 1) this.beforeCuts = this.base === undefined ? undefined : pace
    this.lastCut = now
    this.setBase(target, now)
    this.log?.(`* pace ${fmt(pace)} -> ${fmt(target)} requests/s: 429s recur; the server accepted ${fmt(accepted)}/s over the last two seconds`)
  }

  private setBase(base: number | undefined, now: number): void {
    this.base = base
    this.baseAt = now
  }
}

function fmt(rate: number | undefined): string {
  return rate === undefined ? 'unpaced' : rate.toFixed(rate < 10 ? 1 : 0)
}
