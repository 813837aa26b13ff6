/**
 * Ctrl-C in a bulk run. Requests already sent get a grace period to come back, so a row in flight
 * ends settled instead of unknown; then `hard` aborts them. A wait (a rate-limit pause, a retry's
 * backoff) sends nothing: one that would end after the grace period is given up at once, since
 * the hard stop would cut it anyway and a person who pressed Ctrl-C would wait for nothing.
 */
import {interrupted} from '../errors/cli-error.js'
import {sleep} from '../http/client.js'

interface Sleeper {
  end: number
  cancel: AbortController
}

export class GracefulStop {
  private readonly controller = new AbortController()
  /** Aborted when the grace period is over: requests still out are cut off. */
  readonly hard = this.controller.signal
  private deadline = Infinity
  private timer?: NodeJS.Timeout
  private readonly sleepers = new Set<Sleeper>()

  /** Ctrl-C came: the grace period starts. */
  begin(graceMs: number): void {
    if (this.deadline !== Infinity) return
    this.deadline = performance.now() + graceMs
    this.timer = setTimeout(() => {
      this.controller.abort()
      for (const s of this.sleepers) s.cancel.abort()
    }, graceMs)
    for (const s of this.sleepers) if (s.end > this.deadline) s.cancel.abort()
  }

  /** The run is over: no hard stop will be needed. */
  dispose(): void {
    clearTimeout(this.timer)
  }

  /** Waits `ms`; rejects, as an interruption, at the hard stop or as soon as it cannot end before it. */
  readonly wait = async (ms: number): Promise<void> => {
    const end = performance.now() + ms
    if (this.hard.aborted || end > this.deadline) throw interrupted()
    const sleeper: Sleeper = {end, cancel: new AbortController()}
    this.sleepers.add(sleeper)
    try {
      await sleep(ms, sleeper.cancel.signal)
    } finally {
      this.sleepers.delete(sleeper)
    }
  }
}
